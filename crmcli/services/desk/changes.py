"""Changes that reach across rooms, made in one place and one way (SPEC §3).

The entity services change their own records and return what changed; the follow-ups
they leave behind are dealt with here, above them all:

- a customer set to ``lost`` gets no more touches: its pending follow-ups are cancelled;
- a customer assigned to another member of staff takes its pending follow-ups along;
- an opportunity won or lost: the pending follow-ups tied to it are cancelled.

Every command that makes such a change calls these, never the entity service alone
(``crm customer import`` does the same in bulk: :mod:`crmcli.services.data.import_write`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.relationship import followups
from crmcli.services.selling import pipeline


def edit_customer(
    ctx: Ctx,
    ref: str,
    *,
    values: dict[str, Any] | None = None,
    set_extra: dict[str, str] | None = None,
    unset_extra: list[str] | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> customers.Saved:
    """:func:`customers.edit`; a customer lost now has its pending touches cancelled and
    records when and why (``reason``, ``note``: :mod:`.churn`); won back, those are cleared."""
    from crmcli.services.desk import churn

    customer = customers.find(ctx, ref, lock=True)
    values = churn.churn_values(ctx, customer, values or {}, reason=reason, note=note)
    saved = customers.edit(ctx, ref, values=values, set_extra=set_extra, unset_extra=unset_extra)
    if saved.changes.get("status", [None, None])[1] == "lost":
        followups.cancel_pending(ctx, customer_id=saved.customer.id)
    return saved


def assign_customer(ctx: Ctx, ref: str, owner: str) -> Any:
    """:func:`customers.assign`; the pending touches go to the new owner. Returns the customer."""
    assigned = customers.assign(ctx, ref, owner)
    if assigned.changed:
        customer = assigned.customer
        followups.hand_over(ctx, customer.id, assigned.previous_owner_id, customer.owner_id)
    return assigned.customer


def move_opportunity(
    ctx: Ctx,
    ref: str,
    *,
    stage: str,
    reason: str | None = None,
    probability: str | None = None,
    at: datetime | None = None,
) -> pipeline.Moved:
    """:func:`pipeline.move`; won or lost, the touches tied to the opportunity are cancelled."""
    moved = pipeline.move(ctx, ref, stage=stage, reason=reason, probability=probability, at=at)
    if moved.to_stage in pipeline.CLOSED:
        moved.cancelled_followups = followups.cancel_pending(
            ctx, opportunity_id=moved.opportunity.id
        )
    return moved
