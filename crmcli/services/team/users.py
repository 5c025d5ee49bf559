"""Staff (员工): adding, listing, changing and disabling the people who use the book.

With no users the database is in single-user mode. The first user added must be an
admin (somebody has to be able to manage the rest); after that only admins manage
staff, and the last active admin cannot be disabled or demoted. A user is never
deleted: their name stays on the records and audit entries they made.

On PostgreSQL each user also gets a database login role (:mod:`crmcli.services.team.dbroles`),
a member of the group role of their role (changed with it), so that the server itself
enforces what they may see and change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crmcli.errors import Conflict, Duplicate, Invalid, NotFound, NotPermitted
from crmcli.i18n import t
from crmcli.services.context import Ctx
from crmcli.services.team import audit, dbroles, permissions
from crmcli.validate import parse_text
from crmcli.vocab import ROLE, USER

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{0,31}$")
JSON_FIELDS = ["id", "username", "name", "role", "active", "db_role", "created_at", "updated_at"]


@dataclass
class Saved:
    """A user written by ``add`` or ``edit``; ``password`` and ``url`` are shown once."""

    user: Any
    changes: dict[str, Any]
    password: str | None = None
    url: str | None = None
    first: bool = False  # the first user: the book has just entered team mode


def check_username(text: str) -> str:
    name = text.strip()
    if not USERNAME.match(name):
        raise Invalid(
            t(
                "invalid username '{value}': 1 to 32 lower-case letters, digits, . _ or -, "
                "starting with a letter",
                value=text,
            )
        )
    return name


def _user(ctx: Ctx, username: str, *, lock: bool = False) -> Any:
    from sqlalchemy import select

    from crmcli.models import User

    q = select(User).where(User.username == username.strip())
    if lock and ctx.write:
        q = q.with_for_update()
    user = ctx.session.execute(q).scalar_one_or_none()
    if user is None:
        raise NotFound(
            t("unknown user '{value}'", value=username),
            hint=t("see the list with: {command}", command="crm user list"),
        )
    return user


def _count(ctx: Ctx, *conditions: Any) -> int:
    from sqlalchemy import func, select

    from crmcli.models import User

    return ctx.session.execute(select(func.count()).select_from(User).where(*conditions)).scalar()


def _snapshot(user: Any) -> dict[str, Any]:
    return {"username": user.username, "name": user.name, "role": user.role, "active": user.active}


def _owner_connection(ctx: Ctx) -> None:
    """On PostgreSQL staff are managed through the owner's connection, not a staff role."""
    if dbroles.on_postgres(ctx) and dbroles.connected_as_staff(ctx):
        raise NotPermitted(
            t("staff are managed through the database owner's connection, not a staff role"),
            hint=t("run crm user ... with --db set to the owner's URL"),
        )


def add(ctx: Ctx, *, username: str, role: str, name: str | None = None) -> Saved:
    """Add a member of staff; the first one must be an admin."""
    from crmcli.models import User

    username = check_username(username)
    role = ROLE.parse(role)
    name = parse_text(name, USER["name"]) if name else None
    if _count(ctx) == 0:
        if role != "admin":
            raise Invalid(
                t("the first user must be an admin"),
                hint=t("add yourself first: crm user add USERNAME --role admin"),
            )
    else:
        permissions.require_admin(ctx, t("manage staff"))
        _owner_connection(ctx)
    if _count(ctx, User.username == username):
        raise Duplicate(t("user '{value}' exists", value=username))
    user = User(username=username, name=name, role=role, active=True)
    user.created_at = user.updated_at = ctx.at
    saved = Saved(user, {}, first=_count(ctx) == 0)
    if dbroles.on_postgres(ctx):
        user.db_role, saved.password = dbroles.create_login(ctx, username, role)
        saved.url = dbroles.connection_url(ctx, user.db_role, saved.password)
    ctx.session.add(user)
    ctx.session.flush()
    saved.changes = {k: [None, v] for k, v in _snapshot(user).items() if v is not None}
    if user.db_role:
        saved.changes["db_role"] = [None, user.db_role]
    audit.record(ctx, "create", "user", user.id, code=username, changes=saved.changes)
    return saved


def _keep_an_admin(ctx: Ctx, user: Any) -> None:
    from crmcli.models import User

    others = _count(ctx, User.role == "admin", User.active.is_(True), User.id != user.id)
    if user.role == "admin" and user.active and others == 0:
        raise Conflict(
            t("{user} is the last active admin; make another admin first", user=user.username)
        )


def edit(
    ctx: Ctx,
    username: str,
    *,
    name: str | None = None,
    role: str | None = None,
    enable: bool = False,
    reset_password: bool = False,
) -> Saved:
    """Change a user's name or role, enable a disabled user, or give a new database password."""
    permissions.require_admin(ctx, t("manage staff"))
    _owner_connection(ctx)
    user = _user(ctx, username, lock=True)
    before = _snapshot(user)
    if role is not None:
        new_role = ROLE.parse(role)
        if new_role != "admin":
            _keep_an_admin(ctx, user)
        if new_role != user.role and user.db_role and dbroles.on_postgres(ctx):
            dbroles.change_role(ctx, user.db_role, new_role)
        user.role = new_role
    if name is not None:
        user.name = parse_text(name, USER["name"]) or None
    saved = Saved(user, {})
    if enable and not user.active:
        user.active = True
        if user.db_role and dbroles.on_postgres(ctx):
            dbroles.set_login(ctx, user.db_role, True)
    if reset_password:
        if not (user.db_role and dbroles.on_postgres(ctx)):
            raise Invalid(
                t("{user} has no database role: passwords are for PostgreSQL", user=user.username)
            )
        saved.password = dbroles.reset_password(ctx, user.db_role)
        saved.url = dbroles.connection_url(ctx, user.db_role, saved.password)
    saved.changes = audit.diff(before, _snapshot(user))
    if saved.changes:
        user.updated_at = ctx.at
    if saved.changes or reset_password:
        changes = dict(saved.changes)
        if reset_password:
            changes["password"] = ["***", "***"]
        audit.record(ctx, "update", "user", user.id, code=user.username, changes=changes)
    return saved


def disable(ctx: Ctx, username: str) -> Saved:
    """Disable a user: they can no longer act (nor log in to PostgreSQL); records stay."""
    permissions.require_admin(ctx, t("manage staff"))
    _owner_connection(ctx)
    user = _user(ctx, username, lock=True)
    if not user.active:
        raise Conflict(t("user '{value}' is disabled", value=user.username))
    _keep_an_admin(ctx, user)
    user.active = False
    user.updated_at = ctx.at
    if user.db_role and dbroles.on_postgres(ctx):
        dbroles.set_login(ctx, user.db_role, False)
    changes = {"active": [True, False]}
    audit.record(ctx, "disable", "user", user.id, code=user.username, changes=changes)
    return Saved(user, changes)


def rows(ctx: Ctx, *, role: str | None = None, active: bool | None = None) -> list[dict[str, Any]]:
    """Every user (everyone may list the staff: owners are named by username)."""
    from sqlalchemy import select

    from crmcli.models import User

    q = select(*(getattr(User, f) for f in JSON_FIELDS)).order_by(User.username)
    if role is not None:
        q = q.where(User.role == ROLE.parse(role))
    if active is not None:
        q = q.where(User.active.is_(active))
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def as_dict(user: Any) -> dict[str, Any]:
    return {f: getattr(user, f) for f in JSON_FIELDS}
