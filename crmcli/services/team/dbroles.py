"""PostgreSQL login roles for the members of staff (team mode on a shared server).

``crm user add`` on PostgreSQL creates a login role for the new member, so that they
connect with their own name and the server's row-level security (migration
``i7_team``) shows them what their role allows, whatever program they use, psql
included. Roles are server-wide, so their names start with the database's name:
``yunfan_liuyang`` for user ``liuyang`` in database ``yunfan`` (a numeric suffix when
a name is taken). Every such role is a member of the database's group role
``<database>__team`` (two underscores: no username makes that name), which holds the
table privileges:

- SELECT, INSERT, UPDATE, DELETE on crm's tables (rows filtered by the policies),
  and the sequences behind their ids;
- only SELECT on ``app_user`` and ``alembic_version``: staff and schema are managed
  through the owner's connection;
- only SELECT and INSERT on ``audit_entry``: the audit log is append-only.

Default privileges give the group the same on tables later migrations create. The
roles are never the tables' owner and never have BYPASSRLS. Creating them needs the
connecting account to be the database owner with CREATEROLE (or a superuser): the
administrator's account, which is also what runs ``crm init`` and migrations.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from crmcli.errors import NotPermitted
from crmcli.i18n import t
from crmcli.services.context import Ctx

#: tables the team may only read / only read and append to
READ_ONLY = ("app_user", "alembic_version")
APPEND_ONLY = ("audit_entry",)


def on_postgres(ctx: Ctx) -> bool:
    return not ctx.db.is_sqlite and ctx.session.get_bind().dialect.name == "postgresql"


def quote(name: str) -> str:
    """A PostgreSQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _slug(text: str, limit: int) -> str:
    return re.sub(r"[^a-z0-9_]", "_", text.lower())[:limit].strip("_") or "crm"


def _conn(ctx: Ctx) -> Any:
    return ctx.session.connection()


def _scalar(ctx: Ctx, sql: str, **params: Any) -> Any:
    from sqlalchemy import text

    return _conn(ctx).execute(text(sql), params).scalar()


def _run(ctx: Ctx, *statements: str) -> None:
    """Run DDL; a refusal by the server becomes a clear NotPermitted."""
    from sqlalchemy.exc import DBAPIError

    conn = _conn(ctx)
    for sql in statements:
        try:
            conn.exec_driver_sql(sql)
        except DBAPIError as e:
            if getattr(e.orig, "sqlstate", None) == "42501":  # insufficient_privilege
                raise NotPermitted(
                    t(
                        "the database account {account} may not create or change roles",
                        account=_scalar(ctx, "SELECT current_user"),
                    ),
                    hint=t(
                        "manage staff with the database owner's connection; the owner needs "
                        "CREATEROLE (ALTER ROLE owner CREATEROLE)"
                    ),
                ) from None
            raise


def connected_as_staff(ctx: Ctx) -> bool:
    """The connection is a member of staff's own role (not the owner's account)."""
    return bool(_scalar(ctx, "SELECT count(*) FROM app_user WHERE db_role = current_user"))


def prefix(ctx: Ctx) -> str:
    """The database's name as a role-name prefix (lower-case letters, digits, _)."""
    return _slug(_scalar(ctx, "SELECT current_database()"), 40)


def group_role(ctx: Ctx) -> str:
    return f"{prefix(ctx)}__team"


def _role_exists(ctx: Ctx, name: str) -> bool:
    return bool(_scalar(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = :n", n=name))


def role_name(ctx: Ctx, username: str) -> str:
    """A free role name for ``username``: ``<database>_<username>`` (``_2`` ... if taken)."""
    base = f"{prefix(ctx)}_{_slug(username, 20)}"
    name, n = base, 1
    while _role_exists(ctx, name):
        n += 1
        name = f"{base}_{n}"
    return name


def ensure_group(ctx: Ctx) -> str:
    """Create the database's group role if needed and (re)grant its privileges."""
    group = group_role(ctx)
    g = quote(group)
    if not _role_exists(ctx, group):
        _run(ctx, f"CREATE ROLE {g} NOLOGIN NOINHERIT")
    schema = quote(_scalar(ctx, "SELECT current_schema()"))
    database = quote(_scalar(ctx, "SELECT current_database()"))
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {g}",
        f"GRANT USAGE ON SCHEMA {schema} TO {g}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {g}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {g}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {g}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {g}",
    ]
    for table in READ_ONLY:
        statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {g}")
    for table in APPEND_ONLY:
        statements.append(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {g}")
    _run(ctx, *statements)
    return group


def new_password() -> str:
    return secrets.token_urlsafe(18)


def create_login(ctx: Ctx, username: str) -> tuple[str, str]:
    """A new login role for ``username`` in the team group; returns (role, password)."""
    group = ensure_group(ctx)
    role = role_name(ctx, username)
    password = new_password()
    _run(
        ctx,
        f"CREATE ROLE {quote(role)} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"NOBYPASSRLS PASSWORD {_literal(password)} IN ROLE {quote(group)}",
    )
    return role, password


def set_login(ctx: Ctx, role: str, enabled: bool) -> None:
    """Let the role log in again, or not (a disabled member of staff)."""
    if _role_exists(ctx, role):
        _run(ctx, f"ALTER ROLE {quote(role)} {'LOGIN' if enabled else 'NOLOGIN'}")


def reset_password(ctx: Ctx, role: str) -> str:
    password = new_password()
    _run(ctx, f"ALTER ROLE {quote(role)} PASSWORD {_literal(password)}")
    return password


def drop_roles(conn: Any, roles: list[str]) -> None:
    """Drop the login roles of a database that is being emptied (``crm init --force``)."""
    for role in roles:
        exists = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_roles WHERE rolname = %(n)s", {"n": role}
        ).scalar()
        if exists:  # a staff role owns nothing and holds its privileges through the group
            conn.exec_driver_sql(f"DROP ROLE {quote(role)}")


def connection_url(ctx: Ctx, role: str, password: str | None) -> str:
    """The URL a member of staff uses: the same server and database, their own role."""
    from sqlalchemy.engine import make_url

    url = make_url(ctx.db.url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)
