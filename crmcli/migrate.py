"""Schema migrations with Alembic, run on open when the schema is not current.

Imported only when an upgrade is due (or by ``crm db upgrade``/``check``), so the
usual start-up never pays for Alembic. A SQLite file that already holds a schema
is copied aside before it is upgraded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from crmcli.errors import DatabaseError
from crmcli.i18n import t


class Database(Protocol):
    """What a migration needs of the database it upgrades (:class:`crmcli.db.Database`,
    which calls :func:`upgrade` on open: this module sits beneath it and imports it not)."""

    @property
    def engine(self) -> Any: ...

    @property
    def display(self) -> str: ...

    is_sqlite: bool

    def revision(self) -> str | None: ...

    def backup_path(self, label: str) -> Path: ...

    def backup_to(self, target: Path) -> None: ...


LOCATION = "crmcli:migrations"


def alembic_config(location: str = LOCATION) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", location)
    return cfg


def script_head(location: str = LOCATION) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(location)).get_current_head()


def known_revisions(location: str = LOCATION) -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(location))
    return {s.revision for s in script.walk_revisions()}


def upgrade(
    db: Database,
    target: str = "head",
    notify: Callable[[str], None] | None = None,
    location: str = LOCATION,
) -> tuple[str | None, str]:
    """Bring the schema to ``target``; returns (old revision, new revision)."""
    from alembic import command

    old = db.revision()
    if old is not None and old not in known_revisions(location):
        raise DatabaseError(
            t(
                "the database schema ({found}) is newer than this crm ({head}); upgrade crmcli",
                found=old,
                head=script_head(location),
            )
        )
    if old is not None and target == "head" and old == script_head(location):
        return old, old  # current: nothing to do, nothing to copy aside
    if old is None:
        _refuse_foreign_database(db)
    elif db.is_sqlite:
        backup = db.backup_path(old)
        db.backup_to(backup)
        if notify:
            notify(t("Backed up the database to {path} before upgrading", path=backup))
    cfg = alembic_config(location)
    with db.engine.connect() as conn:
        conn.execution_options(crm_write=True)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    new = db.revision() or ""
    if notify and old is not None and old != new:
        notify(t("Upgraded the database schema from {old} to {new}", old=old, new=new))
    return old, new


def _refuse_foreign_database(db: Database) -> None:
    """A database with tables but no crm schema is somebody else's: leave it alone."""
    from sqlalchemy import inspect

    with db.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables and "alembic_version" not in tables:  # (crm's own: another process got here first)
        raise DatabaseError(
            t(
                "cannot open database {path}: {error}",
                path=db.display,
                error=t(
                    "it holds tables of another program ({tables})", tables=", ".join(tables[:5])
                ),
            )
        )


def schema_differences(db: Database) -> list[Any]:
    """What differs between the database's schema and the models (empty when equal)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from crmcli.models import load_all

    metadata = load_all()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))
