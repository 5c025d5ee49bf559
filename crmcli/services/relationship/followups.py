"""Follow-ups (跟进): planned touches, and cadences such as the course's memory curve.

A cadence is a list of offsets from the first contact (``0d,3d,7d,15d,30d,60d,90d,180d``,
the default ``memory`` curve) or the name of one kept in the database settings
(``followup.cadences``). ``plan`` creates step 1, due at the start plus the first
offset. ``done`` on step k logs an interaction and creates step k+1 due at the *done*
date plus the gap between offsets k and k+1, so a late touch shifts the rest and the
spacing is kept. Gaps are calendar arithmetic (python-dateutil): ``1w`` to ``1m`` is
"a month less a week", and the 31st plus a month is the last day of the next month.
A step keeps the time of day of the step before it.

"Whom do I call today?" (``followup due``) and the calendar file are in
:mod:`crmcli.services.relationship.followup_due`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from crmcli.errors import Conflict, Invalid, NotFound
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.validate import parse_datetime, parse_text, record_id
from crmcli.vocab import FOLLOWUP, FOLLOWUP_KIND, FOLLOWUP_STATUS

WHAT = ("follow-up", "跟进")
#: days until a touch planned by ``--next auto`` when no cadence is active
AUTO_DAYS = 3
JSON_FIELDS = [
    "id",
    "customer_code",
    "customer_name",
    "due_at",
    "kind",
    "step",
    "cadence",
    "note",
    "status",
    "done_at",
    "owner",
    "contact",
    "opportunity_code",
]
CHANNEL_OF_KIND = {"call": "phone", "visit": "visit", "email": "email", "care": "other"}
KIND_OF_CHANNEL = {"phone": "call", "visit": "visit", "email": "email", "meeting": "visit"}


def kind_for_channel(channel: str) -> str:
    return KIND_OF_CHANNEL.get(channel, "call")


# -- cadences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """A cadence: the name stored on each touch (a settings name or the offsets) and offsets."""

    name: str
    offsets: tuple[str, ...]

    @property
    def steps(self) -> int:
        return len(self.offsets)


def offset_delta(offset: str) -> Any:
    """``3d`` / ``2w`` / ``1m`` / ``1y`` as a relativedelta."""
    from dateutil.relativedelta import relativedelta

    amount, unit = int(offset[:-1]), offset[-1]
    return {
        "d": relativedelta(days=amount),
        "w": relativedelta(weeks=amount),
        "m": relativedelta(months=amount),
        "y": relativedelta(years=amount),
    }[unit]


def schedule(first_due: datetime, offsets: Sequence[str]) -> list[date]:
    """The days of a cadence's touches if each is done on its day, from step 1's due time."""
    origin = first_due.date() - offset_delta(offsets[0])
    return [origin + offset_delta(o) for o in offsets]


def gap(offsets: tuple[str, ...] | list[str], step: int) -> Any:
    """The calendar gap between step ``step`` and step ``step + 1`` (1-based steps)."""
    return offset_delta(offsets[step]) - offset_delta(offsets[step - 1])


def next_due(
    offsets: tuple[str, ...] | list[str], step: int, done: datetime, previous_due: datetime
):
    """When step ``step + 1`` falls due after step ``step`` was done at ``done``.

    The done *date* plus the gap, at the time of day of the step before; None after
    the last step.
    """
    if step >= len(offsets):
        return None
    return datetime.combine(done.date() + gap(offsets, step), previous_due.time())


def _checked_offsets(text: str) -> tuple[str, ...]:
    from crmcli.services.team.settings import SettingError, parse_offsets

    try:
        offsets = tuple(parse_offsets(text))
    except SettingError as e:
        raise Invalid(str(e)) from None
    reference = date(2001, 1, 1)
    days = [reference + offset_delta(o) for o in offsets]
    if any(b <= a for a, b in itertools.pairwise(days)):
        raise Invalid(
            t("the offsets of a cadence must grow: '{value}'", value=",".join(offsets)),
            hint=t("for example 0d,3d,1w,1m"),
        )
    return offsets


def _cadences(ctx: Ctx) -> dict[str, str]:
    from crmcli.services.team import settings

    return settings.get(ctx, "followup.cadences")


def cadence(ctx: Ctx, spec: str | None) -> Cadence:
    """A cadence from ``--cadence``: a name in the settings, or offsets such as 0d,2d,1w,1m.

    None gives the default cadence (the setting ``followup.default_cadence``).
    """
    from crmcli.services.team import settings

    named = _cadences(ctx)
    if spec is None or not spec.strip():
        default = settings.get(ctx, "followup.default_cadence")
        if default not in named:
            raise Invalid(
                t(
                    "the default cadence '{name}' is not defined ({accepted})",
                    name=default,
                    accepted=", ".join(named),
                ),
                hint=t("define it with: crm config set followup.cadences.NAME OFFSETS"),
            )
        return Cadence(default, _checked_offsets(named[default]))
    text = spec.strip()
    by_fold = {name.casefold(): name for name in named}
    if text.casefold() in by_fold:
        name = by_fold[text.casefold()]
        return Cadence(name, _checked_offsets(named[name]))
    if not any(ch.isdigit() for ch in text):
        raise Invalid(
            t(
                "unknown cadence '{value}' ({accepted}, or offsets like 0d,3d,1w,1m)",
                value=spec,
                accepted=", ".join(named),
            )
        )
    offsets = _checked_offsets(text)
    return Cadence(",".join(offsets), offsets)


def stored_cadence(ctx: Ctx, name: str) -> Cadence:
    """The cadence a touch was planned with (its name, or its own offsets)."""
    named = _cadences(ctx)
    if name in named:
        return Cadence(name, _checked_offsets(named[name]))
    if any(ch.isdigit() for ch in name):
        return Cadence(name, _checked_offsets(name))
    raise Invalid(
        t("the cadence '{name}' is no longer defined in the settings", name=name),
        hint=t("give --next DATE or --next none"),
    )


def parse_next(value: str | None, *, allow_none: bool) -> Any:
    """``--next``: None, "auto", "none" (where allowed) or a datetime."""
    if value is None:
        return None
    word = value.strip().lower()
    if word in ("auto", "自动"):
        return "auto"
    if allow_none and word in ("none", "no", "无", "不"):
        return "none"
    try:
        return parse_datetime(value)
    except Invalid:
        forms = t("DATE, auto or none") if allow_none else t("DATE or auto")
        raise Invalid(
            t("invalid --next '{value}': use {forms}", value=value, forms=forms),
            hint=t("a date is 2026-03-01, 2026/3/1, 2026年3月1日, tomorrow or +3d"),
        ) from None


# -- finding and writing ----------------------------------------------------------------


def find(ctx: Ctx, ref: str) -> Any:
    """A follow-up by id, of a live customer the actor may see."""
    from sqlalchemy import select

    from crmcli.models import Customer, Followup

    text = (ref or "").strip()
    found = None
    number = record_id(text) if text.isdigit() else None
    if number is not None:
        q = (
            select(Followup)
            .join(Customer, Customer.id == Followup.customer_id)
            .where(Followup.id == number, Customer.deleted_at.is_(None))
        )
        scope = permissions.customer_scope(ctx)
        if scope is not None:
            q = q.where(scope)
        found = ctx.session.execute(q).scalar_one_or_none()
    if found is None:
        raise NotFound(
            t("no {what} '{ref}'", what=t("follow-up"), ref=ref),
            hint=t("follow-ups are named by id; see them with: crm followup list"),
        )
    return found


def _pending(followup: Any) -> Any:
    if followup.status != "pending":
        raise Conflict(
            t(
                "follow-up {id} is already {status}",
                id=followup.id,
                status=FOLLOWUP_STATUS.label(followup.status),
            ),
            hint=t("only pending follow-ups can be done, snoozed or cancelled"),
        )
    return followup


def _note(value: str | None) -> str | None:
    return parse_text(value or "", FOLLOWUP["note"])


def _snapshot(f: Any) -> dict[str, Any]:
    return {
        "due_at": f.due_at,
        "kind": f.kind,
        "status": f.status,
        "step": f.step,
        "cadence": f.cadence,
        "note": f.note,
        "done_at": f.done_at,
    }


def create(
    ctx: Ctx,
    *,
    customer: Any,
    due: datetime,
    kind: str = "call",
    note: str | None = None,
    contact: Any = None,
    opportunity_id: int | None = None,
    owner_id: int | None = None,
    step: int | None = None,
    cadence: str | None = None,
) -> Any:
    """Write one pending touch (values already checked) and its audit entry."""
    from crmcli.models import Followup

    followup = Followup(
        customer_id=customer.id,
        contact_id=contact.id if contact is not None else None,
        opportunity_id=opportunity_id,
        owner_id=owner_id if owner_id is not None else ctx.actor.id,
        due_at=due,
        kind=kind,
        note=note,
        status="pending",
        step=step,
        cadence=cadence,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(followup)
    ctx.session.flush()
    changes = {k: [None, v] for k, v in audit.plain(_snapshot(followup)).items() if v is not None}
    changes["customer"] = [None, customer.code]
    audit.record(ctx, "create", "followup", followup.id, code=customer.code, changes=changes)
    return followup


def not_lost(customer: Any) -> Any:
    """No new touches for a lost customer (its pending ones were cancelled, SPEC §3)."""
    if customer.status == "lost":
        raise Conflict(
            t(
                "{code} {name} is lost: it gets no follow-ups",
                code=customer.code,
                name=customer.name,
            ),
            hint=t(
                "to win it back, first: crm customer edit {code} --status prospect",
                code=customer.code,
            ),
        )
    return customer


def _open_opportunity(ctx: Ctx, customer: Any, ref: str | None) -> int | None:
    from crmcli.services.relationship.interactions import find_opportunity

    deal = find_opportunity(ctx, customer, ref)
    if deal is None:
        return None
    if deal.stage in ("won", "lost") or deal.closed_at is not None:
        raise Conflict(
            t(
                "opportunity {code} is closed ({stage})",
                code=deal.code or deal.id,
                stage=deal.stage,
            ),
            hint=t("follow-ups tied to an opportunity are for open ones; leave out --opportunity"),
        )
    return deal.id


def add(
    ctx: Ctx,
    *,
    customer: str,
    due: datetime,
    kind: str | None = None,
    note: str | None = None,
    opportunity: str | None = None,
    contact: str | None = None,
    owner: str | None = None,
) -> Any:
    """A single touch (not part of a cadence)."""
    from crmcli.services.relationship.interactions import find_contact, require_touch
    from crmcli.services.team.permissions import default_owner

    target = not_lost(customers.find(ctx, customer))
    require_touch(ctx, target)
    return create(
        ctx,
        customer=target,
        due=due,
        kind=FOLLOWUP_KIND.parse(kind) if kind else "call",
        note=_note(note),
        contact=find_contact(ctx, target, contact),
        opportunity_id=_open_opportunity(ctx, target, opportunity),
        owner_id=default_owner(ctx, owner),
    )


def active_step(ctx: Ctx, customer_id: int) -> Any:
    """The customer's pending cadence touch (the earliest), or None."""
    from sqlalchemy import select

    from crmcli.models import Followup as F

    return (
        ctx.session.execute(
            select(F)
            .where(F.customer_id == customer_id, F.status == "pending", F.cadence.is_not(None))
            .order_by(F.due_at, F.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def plan(
    ctx: Ctx,
    *,
    customer: str,
    cadence_spec: str | None = None,
    start: datetime | None = None,
    kind: str | None = None,
    note: str | None = None,
    contact: str | None = None,
    opportunity: str | None = None,
    owner: str | None = None,
) -> tuple[Any, Cadence]:
    """Put a customer on a cadence: step 1 is due at the start plus the first offset."""
    from crmcli.services.relationship.interactions import find_contact, require_touch
    from crmcli.services.team.permissions import default_owner

    target = not_lost(customers.find(ctx, customer))
    require_touch(ctx, target)
    chosen = cadence(ctx, cadence_spec)
    current = active_step(ctx, target.id)
    if current is not None:
        raise Conflict(
            t(
                "{code} is already on the cadence {cadence} (step {step}, follow-up {id})",
                code=target.code,
                cadence=current.cadence,
                step=current.step,
                id=current.id,
            ),
            hint=t("cancel it first: crm followup cancel {id}", id=current.id),
        )
    begin = start if start is not None else datetime.combine(ctx.at.date(), time())
    first = datetime.combine(begin.date() + offset_delta(chosen.offsets[0]), begin.time())
    followup = create(
        ctx,
        customer=target,
        due=first,
        kind=FOLLOWUP_KIND.parse(kind) if kind else "call",
        note=_note(note),
        contact=find_contact(ctx, target, contact),
        opportunity_id=_open_opportunity(ctx, target, opportunity),
        owner_id=default_owner(ctx, owner),
        step=1,
        cadence=chosen.name,
    )
    return followup, chosen


def _complete(ctx: Ctx, followup: Any, *, at: datetime, interaction: Any) -> None:
    before = _snapshot(followup)
    followup.status = "done"
    followup.done_at = at
    followup.interaction_id = interaction.id if interaction is not None else None
    followup.updated_at = ctx.at
    audit.record(
        ctx,
        "update",
        "followup",
        followup.id,
        changes=audit.diff(before, _snapshot(followup)),
    )


def _next_step(ctx: Ctx, followup: Any, customer: Any, *, done: datetime, due: Any = None):
    """The cadence's next touch after ``followup`` (None after the last step)."""
    plan_ = stored_cadence(ctx, followup.cadence)
    step = followup.step or 1
    if step >= plan_.steps:
        return None
    when = due if due is not None else next_due(plan_.offsets, step, done, followup.due_at)
    return create(
        ctx,
        customer=customer,
        due=when,
        kind=followup.kind,
        contact=_contact_of(ctx, followup),
        opportunity_id=followup.opportunity_id,
        owner_id=followup.owner_id,
        step=step + 1,
        cadence=followup.cadence,
    )


def _contact_of(ctx: Ctx, followup: Any) -> Any:
    from crmcli.models import Contact

    return ctx.session.get(Contact, followup.contact_id) if followup.contact_id else None


def auto_next(ctx: Ctx, customer: Any, interaction: Any, *, contact: Any = None):
    """``--next auto`` after a logged contact: (completed, planned, cadence_finished).

    With a pending cadence touch, this contact counts as that touch and the next step
    is planned from it; otherwise a touch in three days.
    """
    current = active_step(ctx, customer.id)
    if current is not None:
        _complete(ctx, current, at=interaction.occurred_at, interaction=interaction)
        planned = _next_step(ctx, current, customer, done=interaction.occurred_at)
        return current, planned, planned is None
    day = interaction.occurred_at.date() + timedelta(days=AUTO_DAYS)
    planned = create(
        ctx,
        customer=customer,
        due=datetime.combine(day, time()),
        kind=kind_for_channel(interaction.channel),
        note=interaction.next_step,
        contact=contact,
        opportunity_id=interaction.opportunity_id,
    )
    return None, planned, False


@dataclass
class Done:
    followup: Any
    interaction: Any
    customer: Any
    planned: Any = None
    cadence_finished: bool = False
    warnings: list[str] = field(default_factory=list)


def done(
    ctx: Ctx,
    ref: str,
    *,
    summary: str | None = None,
    result: str | None = None,
    channel: str | None = None,
    at: datetime | None = None,
    next: Any = None,
    interaction: Any = None,
) -> Done:
    """Mark a touch done: log the contact and, for a cadence touch, plan the next step.

    ``next``: None (auto for a cadence touch, none otherwise), "auto", "none" or a
    datetime. ``interaction`` links a contact already logged instead of logging one.
    """
    from crmcli.models import Customer
    from crmcli.services.relationship import interactions as touches
    from crmcli.vocab import CHANNEL

    followup = _pending(find(ctx, ref))
    customer = ctx.session.get(Customer, followup.customer_id)
    touches.require_touch(ctx, customer)
    when = touches.check_not_future(ctx, at, "--at") if at is not None else ctx.at
    if interaction is None:
        default = followup.note or t("Follow-up: {kind}", kind=FOLLOWUP_KIND.label(followup.kind))
        interaction = touches.record(
            ctx,
            customer=customer,
            channel=CHANNEL.parse(channel) if channel else CHANNEL_OF_KIND[followup.kind],
            summary=touches.text(summary, "summary") or default,
            result=touches.text(result, "result"),
            at=when,
            kind="care" if followup.kind == "care" else "contact",
            contact=_contact_of(ctx, followup),
            opportunity_id=followup.opportunity_id,
        )
    _complete(ctx, followup, at=when, interaction=interaction)
    outcome = Done(followup, interaction, customer)
    if next is None:
        next = "auto" if followup.cadence else "none"
    if followup.cadence and next != "none":
        outcome.planned = _next_step(
            ctx, followup, customer, done=when, due=next if isinstance(next, datetime) else None
        )
        outcome.cadence_finished = outcome.planned is None
        if outcome.planned is None and isinstance(next, datetime):  # past the last step
            outcome.planned = _follow_on(ctx, followup, customer, next)
    elif next == "auto":
        day = when.date() + timedelta(days=AUTO_DAYS)
        outcome.planned = _follow_on(ctx, followup, customer, datetime.combine(day, time()))
    elif isinstance(next, datetime):
        outcome.planned = _follow_on(ctx, followup, customer, next)
    return outcome


def _follow_on(ctx: Ctx, followup: Any, customer: Any, due: datetime) -> Any:
    return create(
        ctx,
        customer=customer,
        due=due,
        kind=followup.kind,
        note=followup.note,
        contact=_contact_of(ctx, followup),
        opportunity_id=followup.opportunity_id,
        owner_id=followup.owner_id,
    )


def snooze(ctx: Ctx, ref: str, *, to: datetime) -> tuple[Any, datetime]:
    """Move a pending touch to another time; returns it and its old due time."""
    from crmcli.models import Customer
    from crmcli.services.relationship.interactions import require_touch

    followup = _pending(find(ctx, ref))
    require_touch(ctx, ctx.session.get(Customer, followup.customer_id))
    old = followup.due_at
    if to != old:
        followup.due_at = to
        followup.updated_at = ctx.at
        audit.record(ctx, "update", "followup", followup.id, changes={"due_at": [old, to]})
    return followup, old


def cancel(ctx: Ctx, ref: str) -> Any:
    from crmcli.models import Customer
    from crmcli.services.relationship.interactions import require_touch

    followup = _pending(find(ctx, ref))
    require_touch(ctx, ctx.session.get(Customer, followup.customer_id))
    followup.status = "cancelled"
    followup.updated_at = ctx.at
    audit.record(
        ctx, "update", "followup", followup.id, changes={"status": ["pending", "cancelled"]}
    )
    return followup


def hand_over(ctx: Ctx, customer_id: int, old: int | None, new: int | None) -> int:
    """A customer assigned to ``new``: its pending touches that were the old owner's, or
    nobody's (planned before there was a team), become the new owner's; each audited.
    Returns how many."""
    from sqlalchemy import or_, select, update

    from crmcli.models import Followup as F
    from crmcli.services.team.people import usernames

    mine = or_(F.owner_id.is_(None), F.owner_id == old) if old is not None else F.owner_id.is_(None)
    where = [F.customer_id == customer_id, F.status == "pending", mine]
    moved = ctx.session.execute(select(F.id, F.owner_id).where(*where).order_by(F.id)).all()
    if not moved:
        return 0
    ctx.session.execute(
        update(F)
        .where(F.id.in_([r.id for r in moved]))
        .values(owner_id=new, updated_at=ctx.at)
        .execution_options(synchronize_session="fetch")
    )
    names = usernames(ctx, {old, new})
    for r in moved:
        changes = {"owner": [names.get(r.owner_id), names.get(new)]}
        audit.record(ctx, "update", "followup", r.id, changes=changes)
    return len(moved)


def cancel_pending(
    ctx: Ctx, *, customer_id: int | None = None, opportunity_id: int | None = None
) -> int:
    """Cancel the pending touches of a lost customer or a closed opportunity (SPEC §3),
    each audited; returns how many."""
    from sqlalchemy import select, update

    from crmcli.models import Followup as F

    where = [F.status == "pending"]
    if customer_id is not None:
        where.append(F.customer_id == customer_id)
    if opportunity_id is not None:
        where.append(F.opportunity_id == opportunity_id)
    ids = list(ctx.session.execute(select(F.id).where(*where).order_by(F.id)).scalars())
    if not ids:
        return 0
    ctx.session.execute(
        update(F)
        .where(F.id.in_(ids))
        .values(status="cancelled", updated_at=ctx.at)
        .execution_options(synchronize_session="fetch")
    )
    for followup_id in ids:
        changes = {"status": ["pending", "cancelled"]}
        audit.record(ctx, "update", "followup", followup_id, changes=changes)
    return len(ids)


def cancel_pending_of(ctx: Ctx, customer_ids: Sequence[int]) -> list[int]:
    """:func:`cancel_pending` for many lost customers at once (an import), in bulk through
    SQLAlchemy Core; returns the follow-ups cancelled, for the caller to audit (an import
    audits them in its batch)."""
    from sqlalchemy import select, update

    from crmcli.bulk import chunks
    from crmcli.models import Followup as F

    conn = ctx.session.connection()
    cancelled: list[int] = []
    for chunk in chunks(sorted(customer_ids)):
        pending = F.status == "pending", F.customer_id.in_(chunk)
        ids = list(conn.execute(select(F.id).where(*pending).order_by(F.id)).scalars())
        if ids:
            conn.execute(update(F).where(*pending).values(status="cancelled", updated_at=ctx.at))
            cancelled += ids
    return cancelled


# -- reading ------------------------------------------------------------------------------


def query(
    ctx: Ctx,
    *,
    customer_id: int | None = None,
    statuses: list[str] | None = None,
    owner_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Any:
    """Follow-ups of visible, live customers (or of one customer), in due order."""
    from sqlalchemy import select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import Followup as F
    from crmcli.models import User as U
    from crmcli.services.relationship.interactions import opportunity_codes

    opp = opportunity_codes()

    q = (
        select(
            F.id,
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            F.due_at,
            F.kind,
            F.step,
            F.cadence,
            F.note,
            F.status,
            F.done_at,
            U.username.label("owner"),
            K.name.label("contact"),
            opp.c.code.label("opportunity_code"),
        )
        .select_from(F)
        .join(C, C.id == F.customer_id)
        .outerjoin(K, K.id == F.contact_id)
        .outerjoin(U, U.id == F.owner_id)
        .outerjoin(opp, opp.c.id == F.opportunity_id)
    )
    q = customers.under(ctx, q, F.customer_id, customer_id)
    if statuses:
        q = q.where(F.status.in_(statuses))
    if owner_id is not None:
        q = q.where(F.owner_id == owner_id)
    if since is not None:
        q = q.where(F.due_at >= since)
    if until is not None:
        q = q.where(F.due_at < until)
    return q.order_by(F.due_at, F.id)


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    if limit is not None:
        q = q.limit(limit)
    return [{k: m[k] for k in JSON_FIELDS} for m in (r._mapping for r in ctx.session.execute(q))]


def as_dict(ctx: Ctx, followup: Any) -> dict[str, Any]:
    from crmcli.models import Followup as F

    return rows(ctx, query(ctx, customer_id=followup.customer_id).where(F.id == followup.id))[0]


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    """The card's follow-ups: the pending ones, earliest first."""
    return rows(ctx, query(ctx, customer_id=customer_id, statuses=["pending"]))
