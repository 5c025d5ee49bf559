"""Alembic environment: run by crmcli.migrate with a live connection.

Batch mode (``render_as_batch``) lets SQLite alter tables by copying them. Around
the batch steps SQLite's foreign keys are switched off, as sqlite-utils does, so
that dropping and renaming a parent table never cascades away a child row; after
the migration ``PRAGMA foreign_key_check`` must come back empty.
"""

from __future__ import annotations

from alembic import context

from crmcli.models import load_all

target_metadata = load_all()
connection = context.config.attributes["connection"]
is_sqlite = connection.dialect.name == "sqlite"


def _pragma(sql: str) -> None:
    """Run a PRAGMA outside any transaction (inside one, foreign_keys is a no-op)."""
    connection.connection.driver_connection.execute(sql)


outer = None
if is_sqlite:
    _pragma("PRAGMA foreign_keys = OFF")
    # The whole upgrade is one transaction, begun with the write lock (BEGIN IMMEDIATE)
    # before Alembic reads the schema's revision: a second process opening the same new
    # file waits for it, then finds the schema current. (Left to itself, Alembic commits
    # SQLite's steps one by one, and a waiting process would step in between them.) A
    # caller already in a transaction (a test's downgrade) keeps its own.
    outer = None if connection.in_transaction() else connection.begin()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    compare_type=True,
    transaction_per_migration=False,
)

try:
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # one migrating process at a time; the others wait, then find it done
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(20261126)")
        context.run_migrations()
        if is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign key check failed after migration: {broken[:5]}")
    if outer is not None:
        outer.commit()
finally:
    if outer is not None and outer.is_active:
        outer.rollback()
    if is_sqlite:
        _pragma("PRAGMA foreign_keys = ON")
