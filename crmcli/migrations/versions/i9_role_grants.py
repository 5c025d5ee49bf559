"""team mode: each staff role is granted exactly what it may do, table by table.

No tables or columns change. On SQLite this revision does nothing.

Until now every member of staff's login role was a member of one group role,
``<database>__team``, granted SELECT, INSERT, UPDATE and DELETE on nearly every table:
row-level security kept a salesperson to her own customers, but where no policy looked at
the role she could do what crm forbids her (``UPDATE product SET price = 0``,
``UPDATE code_counter SET last = 0``). On PostgreSQL this revision:

- enables row-level security on ``code_counter``: every member of staff reads the
  counters; a counter is created (at 0) and moved only by those who may add records of
  its kind (``crmcli.grants.COUNTERS``: service staff take ticket codes, sales no product
  codes); and on ``import_batch``: admins and managers write any batch, sales only their
  own customer imports (``crm customer import --undo`` of somebody else's is refused);
- adds the trigger ``crm_guard_counter``: nobody but the tables' owner moves a counter
  back or renames it;
- in a team database (one with the ``__team`` group): creates a group role per staff role,
  ``<database>__admin``, ``__manager``, ``__sales`` and ``__service``, grants each
  exactly what ``crmcli.grants.TABLES`` lets its role do, makes each member's login role a
  member of the group of their role, and drops ``__team`` with all its privileges, those
  given by default on tables created later included: a new table is granted to nobody
  until its rules say so.

Revision ID: i9_role_grants
Revises: i8_customer_indexes
Create Date: 2026-11-28
"""

from __future__ import annotations

from typing import Any

from alembic import op

from crmcli import grants

revision = "i9_role_grants"
down_revision = "i8_customer_indexes"
branch_labels = None
depends_on = None

GUARD = """
CREATE OR REPLACE FUNCTION crm_guard_counter() RETURNS trigger
    LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    IF (NEW.last < OLD.last OR NEW.prefix IS DISTINCT FROM OLD.prefix)
            AND NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RAISE EXCEPTION 'code counter % only moves forward (from % to %)',
            OLD.prefix, OLD.last, NEW.last
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER crm_guard_counter BEFORE UPDATE ON code_counter
    FOR EACH ROW EXECUTE FUNCTION crm_guard_counter();
"""

#: what ``crm user add`` granted the single group before this revision (for downgrade)
OLD_TEAM = [
    "GRANT CONNECT ON DATABASE {database} TO {g}",
    "GRANT USAGE ON SCHEMA {schema} TO {g}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {g}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {g}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {g}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {g}",
    'REVOKE INSERT, UPDATE, DELETE ON "app_user" FROM {g}',
    'REVOKE INSERT, UPDATE, DELETE ON "alembic_version" FROM {g}',
    'REVOKE UPDATE, DELETE ON "audit_entry" FROM {g}',
]


def _rows(sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import text

    return op.get_bind().execute(text(sql), params).all()


def _scalar(sql: str, **params: Any) -> Any:
    rows = _rows(sql, **params)
    return rows[0][0] if rows else None


def _exists(role: str) -> bool:
    return bool(_scalar("SELECT count(*) FROM pg_roles WHERE rolname = :n", n=role))


def _names() -> tuple[str, str, str]:
    """The database's role-name prefix, and its name and current schema, quoted."""
    database = _scalar("SELECT current_database()")
    schema = _scalar("SELECT current_schema()")
    return grants.role_prefix(database), grants.quote(database), grants.quote(schema)


def _members() -> list[tuple[str, str]]:
    """(login role, staff role) of every member of staff whose login role exists."""
    rows = _rows(
        "SELECT u.db_role, u.role FROM app_user u "
        "JOIN pg_roles r ON r.rolname = u.db_role ORDER BY u.id"
    )
    return [(r[0], r[1]) for r in rows]


def _drop_group(group: str, database: str, schema: str) -> None:
    """Revoke everything a group holds in this database, default privileges included,
    then drop it (its members lose it with it)."""
    g = grants.quote(group)
    for sql in (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {g}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {g}",
        f"REVOKE ALL ON SCHEMA {schema} FROM {g}",
        f"REVOKE ALL ON DATABASE {database} FROM {g}",
    ):
        op.execute(sql)
    defaults = _rows(
        "SELECT DISTINCT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype "
        "FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, "
        "aclexplode(d.defaclacl) a WHERE a.grantee = (SELECT oid FROM pg_roles "
        "WHERE rolname = :g)",
        g=group,
    )
    kinds = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}
    for owner, namespace, kind in defaults:
        where = f" IN SCHEMA {grants.quote(namespace)}" if namespace else ""
        op.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {grants.quote(owner)}{where} "
            f"REVOKE ALL ON {kinds[kind]} FROM {g}"
        )
    op.execute(f"DROP ROLE {g}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GUARD)
    for sql in grants.row_policies():
        op.execute(sql)
    prefix, database, schema = _names()
    team = f"{prefix}__team"
    if not _exists(team):
        return  # no staff roles yet: ``crm user add`` creates the groups
    for sql in grants.grant_statements(op.get_bind()):
        op.execute(sql)
    for login, role in _members():
        op.execute(
            f"GRANT {grants.quote(grants.group_role(prefix, role))} TO {grants.quote(login)}"
        )
    _drop_group(team, database, schema)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS crm_guard_counter ON code_counter")
    op.execute("DROP FUNCTION IF EXISTS crm_guard_counter()")
    for table in ("code_counter", "import_batch"):
        for name in ("crm_read", "crm_insert", "crm_update"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    prefix, database, schema = _names()
    groups = [grants.group_role(prefix, role) for role in grants.ROLES]
    if not any(_exists(group) for group in groups):
        return
    team = f"{prefix}__team"
    g = grants.quote(team)
    if not _exists(team):
        op.execute(f"CREATE ROLE {g} NOLOGIN NOINHERIT")
    for sql in OLD_TEAM:
        op.execute(sql.format(database=database, schema=schema, g=g))
    for login, _ in _members():
        op.execute(f"GRANT {g} TO {grants.quote(login)}")
    for group in groups:
        if _exists(group):
            _drop_group(group, database, schema)
