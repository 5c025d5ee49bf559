"""Contact records (接触记录): every call, visit, e-mail or meeting with a customer.

``record`` writes one (``crm log`` goes through :mod:`.contact_log`, which also plans
the next touch; follow-ups and tickets record theirs here too). A needs record (客户需求,
course lab 5-2) is an interaction of kind ``needs``; care and service touches have
their own kinds too, so ``interaction list --kind needs`` lists a customer's needs.

Who may log: whoever may change the customer, and service staff (they keep in touch
with every customer while serving them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.validate import parse_text
from crmcli.vocab import INTERACTION

WHAT = ("contact record", "接触记录")
JSON_FIELDS = [
    "id",
    "customer_code",
    "customer_name",
    "occurred_at",
    "channel",
    "kind",
    "contact",
    "user",
    "place",
    "summary",
    "result",
    "next_step",
    "opportunity_code",
]
#: how many contact records the customer card shows
CARD_ROWS = 5


def require_touch(ctx: Ctx, customer: Any) -> None:
    """Refuse unless the actor may keep in touch with ``customer`` (log, follow up)."""
    if ctx.actor.team and ctx.actor.role == "service":
        return
    permissions.require_customer_change(ctx, customer)


def text(value: str | None, field: str, *, required: bool = False) -> str | None:
    """A text option checked against its field's length; required ones must not be blank."""
    f = INTERACTION[field]
    cleaned = parse_text(value or "", f)
    if required and not cleaned:
        raise Invalid(t("{field} is required", field=f.label))
    return cleaned


def check_not_future(ctx: Ctx, at: datetime, option: str) -> datetime:
    """A contact that already happened: ``--at`` may not lie in the future."""
    if at > ctx.at:
        raise Invalid(
            t(
                "{option} {value} is in the future; a contact record is made after the contact",
                option=option,
                value=at.isoformat(sep=" ", timespec="minutes"),
            ),
            hint=t("plan a touch with: crm followup add CUSTOMER --due DATE"),
        )
    return at


def find_contact(ctx: Ctx, customer: Any, ref: str | None) -> Any:
    from crmcli.services.archive import contacts

    return contacts.find(ctx, ref, customer=customer) if ref else None


def find_opportunity(ctx: Ctx, customer: Any, ref: str | None) -> Any:
    """An opportunity of ``customer`` by id, code (O000001) or title."""
    from crmcli.services.selling import pipeline

    return pipeline.of_customer(ctx, customer, ref)


def record(
    ctx: Ctx,
    *,
    customer: Any,
    channel: str,
    summary: str,
    at: datetime,
    kind: str = "contact",
    contact: Any = None,
    opportunity_id: int | None = None,
    place: str | None = None,
    result: str | None = None,
    next_step: str | None = None,
    user_id: int | None = None,
) -> Any:
    """Write one interaction (values already checked) and its audit entry."""
    from crmcli.models import Interaction

    interaction = Interaction(
        customer_id=customer.id,
        contact_id=contact.id if contact is not None else None,
        user_id=user_id if user_id is not None else ctx.actor.id,
        opportunity_id=opportunity_id,
        occurred_at=at,
        channel=channel,
        kind=kind,
        place=place,
        summary=summary,
        result=result,
        next_step=next_step,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(interaction)
    ctx.session.flush()
    changes: dict[str, Any] = {
        "customer": [None, customer.code],
        "occurred_at": [None, at],
        "channel": [None, channel],
        "kind": [None, kind],
        "summary": [None, summary],
    }
    if contact is not None:
        changes["contact"] = [None, contact.name]
    for key, value in (("place", place), ("result", result), ("next_step", next_step)):
        if value:
            changes[key] = [None, value]
    audit.record(ctx, "create", "interaction", interaction.id, code=customer.code, changes=changes)
    return interaction


# -- reading --------------------------------------------------------------------------


def opportunity_codes() -> Any:
    """The opportunity table's id and code, to name the opportunity a contact record or a
    follow-up is about: a bare table clause, not the model, so listing them never builds
    the selling room's ten tables (which costs more than the list)."""
    from sqlalchemy import column, table

    return table("opportunity", column("id"), column("code"))


def query(
    ctx: Ctx,
    *,
    customer_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    channel: str | None = None,
    kind: str | None = None,
    user_id: int | None = None,
) -> Any:
    """Contact records of visible, live customers (or of one customer), latest first."""
    from sqlalchemy import select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import Interaction as I
    from crmcli.models import User as U

    opp = opportunity_codes()

    q = (
        select(
            I.id,
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            I.occurred_at,
            I.channel,
            I.kind,
            K.name.label("contact"),
            U.username.label("user"),
            I.place,
            I.summary,
            I.result,
            I.next_step,
            opp.c.code.label("opportunity_code"),
        )
        .select_from(I)
        .join(C, C.id == I.customer_id)
        .outerjoin(K, K.id == I.contact_id)
        .outerjoin(U, U.id == I.user_id)
        .outerjoin(opp, opp.c.id == I.opportunity_id)
        .where(I.deleted_at.is_(None))
    )
    q = customers.under(ctx, q, I.customer_id, customer_id)
    if since is not None:
        q = q.where(I.occurred_at >= since)
    if until is not None:
        q = q.where(I.occurred_at < until)
    if channel is not None:
        q = q.where(I.channel == channel)
    if kind is not None:
        q = q.where(I.kind == kind)
    if user_id is not None:
        q = q.where(I.user_id == user_id)
    return q.order_by(I.occurred_at.desc(), I.id.desc())


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    if limit is not None:
        q = q.limit(limit)
    return [{k: m[k] for k in JSON_FIELDS} for m in (r._mapping for r in ctx.session.execute(q))]


def count(ctx: Ctx, q: Any) -> int:
    from sqlalchemy import func, select

    return ctx.session.execute(
        select(func.count()).select_from(q.order_by(None).subquery())
    ).scalar()


def for_customer(ctx: Ctx, customer_id: int, limit: int = CARD_ROWS) -> list[dict[str, Any]]:
    return rows(ctx, query(ctx, customer_id=customer_id), limit=limit)
