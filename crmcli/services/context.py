"""What every service call receives: a session in one transaction and the acting user.

With no users in the database crmcli is in single-user mode: everything is allowed
and the audit log records the login name. Once users exist, the acting user
(``--user`` / ``CRM_USER``) must exist and be active.

On PostgreSQL a member of staff may connect with their own database role (the one
``crm user add`` created, ``app_user.db_role``): then they are the acting user,
``--user`` may be left out, and naming somebody else is refused. The server's
row-level security sees the same person; a refusal by the server (their role's grants)
is a :class:`~crmcli.errors.NotPermitted` like crm's own.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crmcli.db import Database
from crmcli.errors import NotPermitted
from crmcli.i18n import t
from crmcli.validate import now


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``id`` is None in single-user mode."""

    id: int | None
    username: str
    role: str | None

    @property
    def team(self) -> bool:
        return self.id is not None


@dataclass
class Ctx:
    """A unit of work: one session, one actor, one clock reading."""

    session: Any
    actor: Actor
    db: Database
    at: datetime = field(default_factory=now)
    #: a writing unit (holds the write lock on SQLite; locks rows it changes on PostgreSQL)
    write: bool = False

    @property
    def user_id(self) -> int | None:
        return self.actor.id


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def resolve_actor(session: Any, username: str | None) -> Actor:
    from sqlalchemy import func, select

    from crmcli.models import User

    if session.execute(select(User.id).limit(1)).first() is None:
        return Actor(None, username or _login_name(), None)
    if session.get_bind().dialect.name == "postgresql":
        connected = session.execute(
            select(User).where(User.db_role == func.current_user())
        ).scalar_one_or_none()
        if connected is not None:  # their own database role: that is who they are
            if username and username.strip() != connected.username:
                raise NotPermitted(
                    t(
                        "you are connected as the database role of {user}; "
                        "--user {value} does not match",
                        user=connected.username,
                        value=username,
                    )
                )
            username = connected.username
    if not username:
        raise NotPermitted(
            t("this database has users: say who you are with --user NAME or CRM_USER"),
            hint=t("list them with: crm user list"),
        )
    user = session.execute(
        select(User).where(User.username == username.strip())
    ).scalar_one_or_none()
    if user is None:
        raise NotPermitted(t("unknown user '{value}'", value=username))
    if not user.active:
        raise NotPermitted(t("user '{value}' is disabled", value=username))
    return Actor(user.id, user.username, user.role)


@contextmanager
def unit(db: Database, username: str | None, *, write: bool) -> Iterator[Ctx]:
    """Begin a transaction on ``db`` and resolve the actor.

    A writing unit loads every table first: the ORM orders a flush by foreign keys, so
    it must know the tables a new row points at (reads never flush, so they skip it).
    """
    if write:
        from crmcli.models import load_all

        load_all()
    actor = None
    try:
        with db.session(write=write) as session:
            actor = resolve_actor(session, username)
            yield Ctx(session=session, actor=actor, db=db, write=write)
    except Exception as e:
        refused = _refused_by_the_server(e, actor)
        if refused is None:
            raise
        raise refused from None


def _refused_by_the_server(e: Exception, actor: Actor | None) -> NotPermitted | None:
    """A refusal of PostgreSQL's (insufficient privilege) to a member of staff connected
    with their own database role, as crm's own refusals read; None for any other error.

    crm checks the role before it changes anything, but a few commands lock the record
    they will change before the check, and the server refuses the lock first."""
    error = getattr(e, "orig", None)
    if actor is None or not actor.team or getattr(error, "sqlstate", None) != "42501":
        return None
    from crmcli.vocab import ROLE

    return NotPermitted(
        t(
            "{user} ({role}) may not do this: the database refused it ({error})",
            user=actor.username,
            role=ROLE.label(actor.role) if actor.role else "",
            error=str(error).strip().splitlines()[0],
        )
    )
