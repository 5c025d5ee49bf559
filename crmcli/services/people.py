"""Looking up staff by username (owners, assignees) and turning ids back into usernames."""

from __future__ import annotations

from typing import Any

from crmcli.errors import NotFound
from crmcli.i18n import t
from crmcli.services.context import Ctx


def user_id(ctx: Ctx, username: str | None) -> int | None:
    """The id of an existing user, for an ``--owner`` option; None for None."""
    if username is None:
        return None
    from sqlalchemy import select

    from crmcli.models import User

    found = ctx.session.execute(select(User.id).where(User.username == username.strip())).scalar()
    if found is None:
        raise NotFound(
            t("unknown user '{value}'", value=username),
            hint=t("users are added with: crm user add USERNAME --role ROLE"),
        )
    return found


def default_owner(ctx: Ctx, owner: str | None) -> int | None:
    """The owner of a new record: ``--owner`` if given, else the acting user (team mode)."""
    return user_id(ctx, owner) if owner is not None else ctx.actor.id


def usernames(ctx: Ctx, ids: set[Any]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    from sqlalchemy import select

    from crmcli.models import User

    rows = ctx.session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {row[0]: row[1] for row in rows}
