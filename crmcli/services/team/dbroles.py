"""PostgreSQL login roles for the members of staff (team mode on a shared server).

``crm user add`` on PostgreSQL creates a login role for the new member, so that they
connect with their own name and the server itself holds them to what their role allows,
whatever program they use, psql included. Roles are server-wide, so their names start
with the database's name: ``yunfan_liuyang`` for user ``liuyang`` in database ``yunfan``
(a numeric suffix when a name is taken).

Each login role is a member of the database's group role of its user's role,
``<database>__admin``, ``__manager``, ``__sales`` or ``__service`` (two underscores: no
username makes those names; ``crm user edit --role`` moves it to another). Each group is
granted on each table exactly what :data:`crmcli.grants.TABLES` lets its role do, and
nothing by default on tables created later. Every role reads every table (which rows:
row-level security); what each may write:

- **admin**: everything crm writes but the staff: settings, the catalogue, purging
  deleted records (DELETE), and what the others write;
- **manager**: customers and everything under them, the catalogue (products, suppliers,
  competitors), imports and their undoing, segment levels;
- **sales**: their own and unassigned customers and everything under them, their own
  imports and their undoing (deleting the customers and contacts an import created);
  not the catalogue, not settings;
- **service**: interactions, follow-ups, tickets and ticket events, nothing else
  under a customer;
- **all**: the audit log, append-only and in their own name; the code counters of the
  records they may add, forward only (a salesperson takes the next customer code by
  adding a customer but cannot set a counter back; ``crmcli.grants.COUNTERS``).

``app_user`` and ``alembic_version`` are read-only for all: staff are managed and the
schema upgraded with the owner's connection. The roles are never the tables' owner and
never have BYPASSRLS. Creating them needs the connecting account to be the database owner
with CREATEROLE (or a superuser): the administrator's account, which is also what runs
``crm init`` and migrations.
"""

from __future__ import annotations

import secrets
from typing import Any

from crmcli import grants
from crmcli.errors import NotPermitted
from crmcli.i18n import t
from crmcli.services.context import Ctx


def on_postgres(ctx: Ctx) -> bool:
    return not ctx.db.is_sqlite and ctx.session.get_bind().dialect.name == "postgresql"


quote = grants.quote


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


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
    return grants.role_prefix(_scalar(ctx, "SELECT current_database()"))


def group_role(ctx: Ctx, role: str) -> str:
    """The database's group role of a staff role (``<database>__sales``)."""
    return grants.group_role(prefix(ctx), role)


def _role_exists(ctx: Ctx, name: str) -> bool:
    return bool(_scalar(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = :n", n=name))


def role_name(ctx: Ctx, username: str) -> str:
    """A free role name for ``username``: ``<database>_<username>`` (``_2`` ... if taken)."""
    base = f"{prefix(ctx)}_{grants.slug(username, 20)}"
    name, n = base, 1
    while _role_exists(ctx, name):
        n += 1
        name = f"{base}_{n}"
    return name


def ensure_groups(ctx: Ctx) -> None:
    """Create the database's four group roles if needed and (re)grant each exactly its
    role's privileges (:func:`crmcli.grants.grant_statements`)."""
    _run(ctx, *grants.grant_statements(_conn(ctx)))


def new_password() -> str:
    return secrets.token_urlsafe(18)


def create_login(ctx: Ctx, username: str, role: str) -> tuple[str, str]:
    """A new login role for ``username``, a member of the group of ``role``; returns
    (login role, password)."""
    ensure_groups(ctx)
    login = role_name(ctx, username)
    password = new_password()
    _run(
        ctx,
        f"CREATE ROLE {quote(login)} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"NOBYPASSRLS PASSWORD {_literal(password)} IN ROLE {quote(group_role(ctx, role))}",
    )
    return login, password


def change_role(ctx: Ctx, login: str, role: str) -> None:
    """Make the login role a member of the group of ``role`` and of no other group."""
    if not _role_exists(ctx, login):
        return
    ensure_groups(ctx)
    statements = [
        f"REVOKE {quote(group_role(ctx, other))} FROM {quote(login)}"
        for other in grants.ROLES
        if other != role
    ]
    statements.append(f"GRANT {quote(group_role(ctx, role))} TO {quote(login)}")
    _run(ctx, *statements)


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
        if exists:  # a staff role owns nothing and holds its privileges through its group
            conn.exec_driver_sql(f"DROP ROLE {quote(role)}")


def connection_url(ctx: Ctx, role: str, password: str | None) -> str:
    """The URL a member of staff uses: the same server and database, their own role."""
    from sqlalchemy.engine import make_url

    url = make_url(ctx.db.url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)
