"""``crm log``: record a contact with a customer and plan the next touch.

With ``next``, the next touch is a date, or ``auto`` for the next step of the
customer's active cadence (the pending cadence touch counts as done) or a touch in
three days when no cadence is active. It sits above both halves it joins: the
contact record (:mod:`.interactions`) and the follow-ups (:mod:`.followups`, which
record their own contacts through :mod:`.interactions` too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.relationship import followups
from crmcli.services.relationship.interactions import (
    check_not_future,
    find_contact,
    find_opportunity,
    record,
    require_touch,
    text,
)
from crmcli.services.team.people import user_id
from crmcli.vocab import CHANNEL, INTERACTION_KIND


@dataclass
class Logged:
    """What ``log`` did: the record, and the touches it completed or planned."""

    interaction: Any
    customer: Any
    completed: Any = None  # the cadence touch this contact counted as
    planned: Any = None  # the next touch
    cadence_finished: bool = False


def log(
    ctx: Ctx,
    *,
    customer: str,
    channel: str,
    summary: str,
    result: str | None = None,
    contact: str | None = None,
    place: str | None = None,
    at: datetime | None = None,
    kind: str | None = None,
    next: Any = None,
    next_step: str | None = None,
    opportunity: str | None = None,
    user: str | None = None,
) -> Logged:
    """Record a contact with a customer; ``next`` is None, ``"auto"`` or a datetime."""
    owner = customers.find(ctx, customer)
    require_touch(ctx, owner)
    if next is not None:
        followups.not_lost(owner)
    channel = CHANNEL.parse(channel)
    kind = INTERACTION_KIND.parse(kind) if kind else "contact"
    summary_text = text(summary, "summary", required=True)
    when = check_not_future(ctx, at, "--at") if at is not None else ctx.at
    if isinstance(next, datetime) and next.date() < when.date():
        raise Invalid(
            t(
                "--next {next} is before the contact itself ({at})",
                next=next.date().isoformat(),
                at=when.date().isoformat(),
            )
        )
    person = find_contact(ctx, owner, contact)
    deal = find_opportunity(ctx, owner, opportunity)
    interaction = record(
        ctx,
        customer=owner,
        channel=channel,
        summary=summary_text or "",
        at=when,
        kind=kind,
        contact=person,
        opportunity_id=deal.id if deal is not None else None,
        place=text(place, "place"),
        result=text(result, "result"),
        next_step=text(next_step, "next_step"),
        user_id=user_id(ctx, user) if user else None,
    )
    logged = Logged(interaction, owner)
    if next == "auto":
        logged.completed, logged.planned, logged.cadence_finished = followups.auto_next(
            ctx, owner, interaction, contact=person
        )
    elif isinstance(next, datetime):
        logged.planned = followups.create(
            ctx,
            customer=owner,
            due=next,
            kind=followups.kind_for_channel(channel),
            note=interaction.next_step,
            contact=person,
            opportunity_id=interaction.opportunity_id,
        )
    return logged
