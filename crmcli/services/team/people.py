"""Looking up staff by username (owners, assignees) and turning ids back into usernames."""

from __future__ import annotations

from typing import Any

from crmcli.errors import Conflict, NotFound
from crmcli.i18n import t
from crmcli.services.context import Ctx


def user_id(ctx: Ctx, username: str | None, *, active: bool = False) -> int | None:
    """The id of an existing user, for an ``--owner`` option; None for None.

    ``active``: the user must not be disabled (a new owner, an assignee).
    """
    if username is None:
        return None
    from sqlalchemy import select

    from crmcli.models import User

    found = ctx.session.execute(
        select(User.id, User.active).where(User.username == username.strip())
    ).first()
    if found is None:
        raise NotFound(
            t("unknown user '{value}'", value=username),
            hint=t("users are added with: crm user add USERNAME --role ROLE"),
        )
    if active and not found.active:
        raise Conflict(t("user '{value}' is disabled", value=username))
    return found.id


def usernames(ctx: Ctx, ids: set[Any]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    from sqlalchemy import select

    from crmcli.models import User

    rows = ctx.session.execute(select(User.id, User.username).where(User.id.in_(ids)))
    return {r[0]: r[1] for r in rows}
