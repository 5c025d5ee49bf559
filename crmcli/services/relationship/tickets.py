"""Service tickets (服务工单) and their tracking card (用户服务跟踪卡).

A ticket is opened for a customer (inquiry, complaint, repair, return, suggestion),
gets a resolution target from its priority (``ticket.targets``, hours), is assigned,
worked (notes), resolved with a resolution and the customer's satisfaction (1-5),
closed, and reopened when the problem comes back. Every step is a line of the
ticket's timeline (``ticket_event``) and an audit entry.

Status flow (the setting ``ticket.flow``, a class may redesign it; ``crm ticket flow``
draws it): by default open -> in_progress (assigned or worked) -> resolved -> closed;
resolved or closed -> reopened (in_progress when it has an owner, else open). A command
whose move the flow does not allow is refused, naming the moves it does allow; assigning
or working an open ticket moves it to in progress only where the flow allows it. A ticket
is *overdue* while open or in progress past its target.

A complaint (投诉) carries its cause, remedy and any compensation (exact money), and
follows crm's complaint steps (:data:`crmcli.vocab.COMPLAINT_STEP`): it cannot be closed
without a remedy, and closing it plans a satisfaction call-back (满意度回访): a follow-up
of the customer's owner ``ticket.callback_days`` later, which, done with a satisfaction
(``crm followup done ID --satisfaction N``), records it on the ticket.

Who: service staff, managers and admins work every ticket; a salesperson works the
tickets of the customers they may change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from crmcli.errors import Conflict, Invalid
from crmcli.i18n import pick, t
from crmcli.services.archive import customers
from crmcli.services.codes import next_code
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.validate import parse_money, parse_text
from crmcli.vocab import COMPLAINT_STEP, PRIORITY, TICKET, TICKET_KIND, TICKET_MOVES, TICKET_STATUS

WHAT = ("ticket", "工单")
OPEN = ("open", "in_progress")
JSON_FIELDS = [
    "id",
    "code",
    "customer_code",
    "customer_name",
    "kind",
    "subject",
    "priority",
    "status",
    "owner",
    "contact",
    "opened_at",
    "due_at",
    "resolved_at",
    "closed_at",
    "resolution",
    "satisfaction",
    "description",
    "cause",
    "remedy",
    "compensation",
    "overdue",
]
EVENT_FIELDS = ["at", "action", "status", "user", "note"]


def require_ticket(ctx: Ctx, customer: Any) -> None:
    """Refuse unless the actor may work the tickets of ``customer``."""
    if ctx.actor.team and ctx.actor.role == "service":
        return
    permissions.require_customer_change(ctx, customer)


def find(ctx: Ctx, ref: str) -> Any:
    """A live ticket by id, code (T000001) or exact subject, of a visible customer."""
    from crmcli.models import Ticket
    from crmcli.services.refs import resolve

    return resolve(
        ctx,
        Ticket,
        ref,
        what=WHAT,
        name_attr="subject",
        where=customers.of_live(ctx, Ticket.customer_id),
        list_command="crm ticket list --status all",
    )


def _text(value: str | None, field: str, *, required: bool = False) -> str | None:
    f = TICKET[field]
    cleaned = parse_text(value or "", f)
    if required and not cleaned:
        raise Invalid(t("{field} is required", field=f.label))
    return cleaned


def _satisfaction(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 5:
        raise Invalid(
            t(
                "{field} must be between {low} and {high}, not {value}",
                field=TICKET["satisfaction"].label,
                low=1,
                high=5,
                value=value,
            )
        )
    return value


def compensation(value: str | None) -> Any:
    """Money given to make a complaint good: exact, not negative; empty text clears it."""
    from decimal import Decimal

    if value is None:
        return None
    if not value.strip():
        return ""
    amount = parse_money(value, TICKET["compensation"].label)
    if amount < Decimal(0):
        raise Invalid(
            t(
                "{field} cannot be negative: {value}",
                field=TICKET["compensation"].label,
                value=value,
            )
        )
    return amount


def _details(cause: str | None, remedy: str | None, money: str | None) -> dict[str, Any]:
    """Checked values of the complaint fields given (None: not given; a cleared one None)."""
    given: dict[str, Any] = {}
    if cause is not None:
        given["cause"] = _text(cause, "cause")
    if remedy is not None:
        given["remedy"] = _text(remedy, "remedy")
    if money is not None:
        amount = compensation(money)
        given["compensation"] = None if amount == "" else amount
    return given


# -- the flow ------------------------------------------------------------------------------


def flow(ctx: Ctx) -> dict[str, list[str]]:
    """The ticket flow: status -> the statuses a ticket may move to (``ticket.flow``)."""
    from crmcli.services.team import settings

    return settings.get(ctx, "ticket.flow")


def allows(ctx: Ctx, source: str, target: str) -> bool:
    return target in flow(ctx).get(source, [])


def _forbidden(ctx: Ctx, ticket: Any, target: str) -> Conflict:
    moves = flow(ctx).get(ticket.status, [])
    allowed = ", ".join(f"{m} ({TICKET_STATUS.label(m)})" for m in moves) or t("none")
    return Conflict(
        t(
            "the ticket flow does not allow {code} to move from {source} to {target}; "
            "from {source} it may move to: {allowed}",
            code=ticket.code,
            source=ticket.status,
            target=target,
            allowed=allowed,
        ),
        hint=t("see the flow: crm ticket flow"),
    )


def _require_move(ctx: Ctx, ticket: Any, target: str) -> None:
    if not allows(ctx, ticket.status, target):
        raise _forbidden(ctx, ticket, target)


def describe_flow(ctx: Ctx) -> dict[str, Any]:
    """The flow as data: each state with its labels and moves, and each move with the
    commands that make it (``crm ticket flow -f json``)."""
    value = flow(ctx)
    order = [s for s in TICKET_STATUS.keys if s in value]
    states = [
        {
            "key": s,
            "en": TICKET_STATUS.label_in(s, "en"),
            "zh": TICKET_STATUS.label_in(s, "zh"),
            "moves_to": [m for m in order if m in value[s]],
        }
        for s in order
    ]
    moves = [
        {"from": s, "to": m, "commands": list(TICKET_MOVES[(s, m)])}
        for s in order
        for m in order
        if m in value[s]
    ]
    return {"states": states, "moves": moves}


def mermaid(ctx: Ctx) -> str:
    """The flow as a Mermaid ``stateDiagram-v2``: keys as state names, labels as their
    descriptions, each move labelled with its commands."""
    from crmcli.i18n import is_zh

    data = describe_flow(ctx)
    lang = "zh" if is_zh() else "en"
    lines = ["stateDiagram-v2"]
    lines += [f"    {st['key']} : {st[lang]}" for st in data["states"]]
    lines.append("    [*] --> open")
    lines += [f"    {m['from']} --> {m['to']} : {', '.join(m['commands'])}" for m in data["moves"]]
    lines.append("    closed --> [*]")
    return "\n".join(lines) + "\n"


def target_hours(ctx: Ctx, priority: str) -> int:
    from crmcli.services.team import settings

    return int(settings.get(ctx, "ticket.targets").get(priority, 72))


def _event(ctx: Ctx, ticket: Any, action: str, note: str | None = None) -> None:
    from crmcli.models import TicketEvent

    ctx.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=ctx.at,
            user_id=ctx.actor.id,
            action=action,
            status=ticket.status,
            note=note,
        )
    )


def _snapshot(ticket: Any) -> dict[str, Any]:
    return {
        "status": ticket.status,
        "owner_id": ticket.owner_id,
        "due_at": ticket.due_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "resolution": ticket.resolution,
        "satisfaction": ticket.satisfaction,
        "cause": ticket.cause,
        "remedy": ticket.remedy,
        "compensation": ticket.compensation,
        "callback_id": ticket.callback_id,
    }


def _audit(ctx: Ctx, ticket: Any, before: dict[str, Any], action: str = "update") -> None:
    changes = audit.diff(before, _snapshot(ticket))
    if "owner_id" in changes:
        from crmcli.services.team.people import usernames

        names = usernames(ctx, {ticket.owner_id, before["owner_id"]})
        changes["owner"] = [names.get(before["owner_id"]), names.get(ticket.owner_id)]
        del changes["owner_id"]
    ticket.updated_at = ctx.at
    audit.record(ctx, action, "ticket", ticket.id, code=ticket.code, changes=changes)


def _customer_of(ctx: Ctx, ticket: Any) -> Any:
    from crmcli.models import Customer

    customer = ctx.session.get(Customer, ticket.customer_id)
    require_ticket(ctx, customer)
    return customer


def open_ticket(
    ctx: Ctx,
    *,
    customer: str,
    kind: str,
    subject: str,
    priority: str | None = None,
    contact: str | None = None,
    description: str | None = None,
    owner: str | None = None,
    cause: str | None = None,
    remedy: str | None = None,
    compensation: str | None = None,
) -> Any:
    """Open a ticket; it is due ``ticket.targets[priority]`` hours from now.

    Its owner is the acting user (team mode) unless ``owner`` names another; it stays
    *open* until someone is assigned or works it.
    """
    from crmcli.models import Ticket
    from crmcli.services.relationship.interactions import find_contact
    from crmcli.services.team.permissions import default_owner

    target = customers.find(ctx, customer)
    require_ticket(ctx, target)
    kind = TICKET_KIND.parse(kind)
    priority = PRIORITY.parse(priority) if priority else "normal"
    details = _details(cause, remedy, compensation)
    ticket = Ticket(
        code=next_code(ctx, "T", Ticket),
        customer_id=target.id,
        contact_id=getattr(find_contact(ctx, target, contact), "id", None),
        owner_id=default_owner(ctx, owner, handover=True),
        kind=kind,
        subject=_text(subject, "subject", required=True),
        description=_text(description, "description"),
        priority=priority,
        status="open",
        opened_at=ctx.at,
        due_at=ctx.at + timedelta(hours=target_hours(ctx, priority)),
        created_at=ctx.at,
        updated_at=ctx.at,
        **details,
    )
    ctx.session.add(ticket)
    ctx.session.flush()
    _event(ctx, ticket, "opened", ticket.description)
    if owner:
        _event(ctx, ticket, "assigned", owner.strip())
    changes = {
        "customer": [None, target.code],
        "kind": [None, kind],
        "subject": [None, ticket.subject],
        "priority": [None, priority],
        "status": [None, ticket.status],
        "due_at": [None, ticket.due_at],
        **{k: [None, v] for k, v in audit.plain(details).items() if v is not None},
    }
    if ticket.owner_id is not None:
        changes["owner"] = [None, ctx.actor.username if owner is None else owner.strip()]
    audit.record(ctx, "create", "ticket", ticket.id, code=ticket.code, changes=changes)
    return ticket


def _not_closed(ticket: Any) -> None:
    if ticket.status == "closed":
        raise Conflict(
            t("ticket {code} is closed", code=ticket.code),
            hint=t("reopen it first: crm ticket reopen {code}", code=ticket.code),
        )


def assign(ctx: Ctx, ref: str, owner: str) -> Any:
    """Give the ticket to a member of staff; an open ticket becomes in progress (where
    the flow allows it)."""
    from crmcli.services.team.permissions import default_owner

    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    _not_closed(ticket)
    new_owner = default_owner(ctx, owner, handover=True)
    before = _snapshot(ticket)
    ticket.owner_id = new_owner
    if ticket.status == "open" and allows(ctx, "open", "in_progress"):
        ticket.status = "in_progress"
    if _snapshot(ticket) != before:
        _event(ctx, ticket, "assigned", owner.strip())
        _audit(ctx, ticket, before, "assign")
    return ticket


def note(ctx: Ctx, ref: str, text: str) -> Any:
    """A line on the tracking card (a call made, a part ordered ...); open -> in progress
    (where the flow allows it)."""
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    _not_closed(ticket)
    line = parse_text(text or "", TICKET["resolution"])
    if not line:
        raise Invalid(t("{field} is required", field=pick("note", "处理记录")))
    before = _snapshot(ticket)
    if ticket.status == "open" and allows(ctx, "open", "in_progress"):
        ticket.status = "in_progress"
    _event(ctx, ticket, "note", line)
    ticket.updated_at = ctx.at
    changes = {**audit.diff(before, _snapshot(ticket)), "note": [None, line]}
    audit.record(ctx, "update", "ticket", ticket.id, code=ticket.code, changes=changes)
    return ticket


def edit(
    ctx: Ctx,
    ref: str,
    *,
    cause: str | None = None,
    remedy: str | None = None,
    compensation: str | None = None,
    subject: str | None = None,
    description: str | None = None,
) -> Any:
    """Change a ticket's subject, description, cause, remedy or compensation (any status:
    a closed complaint's record may be completed); audited, a line on its timeline."""
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    given = _details(cause, remedy, compensation)
    if subject is not None:
        given["subject"] = _text(subject, "subject", required=True)
    if description is not None:
        given["description"] = _text(description, "description")
    changes = {k: [getattr(ticket, k), v] for k, v in given.items() if getattr(ticket, k) != v}
    if not changes:
        return ticket
    for key, (_, value) in changes.items():
        setattr(ticket, key, value)
    ticket.updated_at = ctx.at
    _event(ctx, ticket, "edited", pick(", ", "、").join(TICKET[k].label for k in changes))
    audit.record(ctx, "update", "ticket", ticket.id, code=ticket.code, changes=changes)
    return ticket


def _apply(ticket: Any, given: dict[str, Any]) -> None:
    for key, value in given.items():
        setattr(ticket, key, value)


def resolve(
    ctx: Ctx,
    ref: str,
    *,
    resolution: str,
    satisfaction: int | None = None,
    cause: str | None = None,
    remedy: str | None = None,
    compensation: str | None = None,
) -> Any:
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    if ticket.status not in OPEN:
        raise Conflict(
            t(
                "ticket {code} is already {status}",
                code=ticket.code,
                status=TICKET_STATUS.label(ticket.status),
            ),
            hint=t("reopen it first: crm ticket reopen {code}", code=ticket.code),
        )
    _require_move(ctx, ticket, "resolved")
    text = _text(resolution, "resolution", required=True)
    _satisfaction(satisfaction)
    given = _details(cause, remedy, compensation)
    before = _snapshot(ticket)
    _apply(ticket, given)
    ticket.status = "resolved"
    ticket.resolved_at = ctx.at
    ticket.resolution = text
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
    _event(ctx, ticket, "resolved", text)
    _audit(ctx, ticket, before)
    return ticket


def close(
    ctx: Ctx,
    ref: str,
    *,
    satisfaction: int | None = None,
    resolution: str | None = None,
    cause: str | None = None,
    remedy: str | None = None,
    compensation: str | None = None,
) -> Any:
    """Close a resolved ticket (or resolve and close at once, given a resolution).

    Closing a complaint plans its satisfaction call-back (:func:`plan_callback`); one
    closed without a remedy (补救措施) is closed all the same (SPEC §2: ``close ID``), and
    the command warns that the step is missing."""
    ticket = find(ctx, ref)
    customer = _customer_of(ctx, ticket)
    _satisfaction(satisfaction)
    if ticket.status == "closed":
        raise Conflict(t("ticket {code} is already closed", code=ticket.code))
    direct = allows(ctx, ticket.status, "closed")
    if ticket.status in OPEN and not direct:
        if not (allows(ctx, ticket.status, "resolved") and allows(ctx, "resolved", "closed")):
            raise _forbidden(ctx, ticket, "closed")
        if not resolution:
            raise Conflict(
                t("ticket {code} is not resolved yet", code=ticket.code),
                hint=t(
                    "resolve it first: crm ticket resolve {code} --resolution TEXT",
                    code=ticket.code,
                ),
            )
    elif not direct:
        raise _forbidden(ctx, ticket, "closed")
    given = _details(cause, remedy, compensation)
    if ticket.status in OPEN and not direct:
        resolve(
            ctx,
            ref,
            resolution=resolution or "",
            cause=cause,
            remedy=remedy,
            compensation=compensation,
        )
        given = {}
    before = _snapshot(ticket)
    _apply(ticket, given)
    if ticket.status in OPEN and resolution:  # a flow that closes open tickets directly
        ticket.resolution = _text(resolution, "resolution")
        ticket.resolved_at = ctx.at
    ticket.status = "closed"
    ticket.closed_at = ctx.at
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
    planned = plan_callback(ctx, ticket, customer) if ticket.kind == "complaint" else None
    _event(ctx, ticket, "closed", planned)
    _audit(ctx, ticket, before)
    return ticket


def plan_callback(ctx: Ctx, ticket: Any, customer: Any) -> str | None:
    """The satisfaction call-back (满意度回访) of a closed complaint: a call for the
    customer's owner (else the one closing it) ``ticket.callback_days`` later; none for a
    lost customer (it gets no follow-ups). Returns the timeline's line about it."""
    from crmcli.services.relationship import followups
    from crmcli.services.team import settings

    if customer.status == "lost":
        return None
    days = int(settings.get(ctx, "ticket.callback_days"))
    followup = followups.create(
        ctx,
        customer=customer,
        due=ctx.at + timedelta(days=days),
        kind="call",
        note=t(
            "Satisfaction call-back for complaint {code}: {subject}",
            code=ticket.code,
            subject=ticket.subject,
        ),
        contact=_contact(ctx, ticket),
        owner_id=customer.owner_id,
    )
    ticket.callback_id = followup.id
    return t("satisfaction call-back planned: follow-up {id}", id=followup.id)


def _contact(ctx: Ctx, ticket: Any) -> Any:
    from crmcli.models import Contact

    return ctx.session.get(Contact, ticket.contact_id) if ticket.contact_id else None


def _cancel_callback(ctx: Ctx, ticket: Any) -> None:
    """A reopened complaint's call-back, still pending, is cancelled (closing again plans
    a new one)."""
    from crmcli.models import Followup
    from crmcli.services.relationship import followups

    if ticket.callback_id is None:
        return
    followup = ctx.session.get(Followup, ticket.callback_id)
    if followup is not None and followup.status == "pending":
        followups.cancel(ctx, str(followup.id))
    ticket.callback_id = None


def callback_done(ctx: Ctx, followup: Any, satisfaction: int | None) -> Any:
    """A satisfaction call-back done (``crm followup done ID --satisfaction N``): the
    satisfaction goes on its complaint, a line on the timeline. Returns the ticket;
    raises when the follow-up is no call-back but a satisfaction was given."""
    from sqlalchemy import select

    from crmcli.models import Ticket

    ticket = ctx.session.execute(
        select(Ticket).where(Ticket.callback_id == followup.id, Ticket.deleted_at.is_(None))
    ).scalar_one_or_none()
    if ticket is None:
        if satisfaction is not None:
            raise Invalid(
                t(
                    "follow-up {id} is not a satisfaction call-back: --satisfaction is only "
                    "for the call-back of a closed complaint",
                    id=followup.id,
                )
            )
        return None
    _satisfaction(satisfaction)
    before = _snapshot(ticket)
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
    note = f"{satisfaction}/5" if satisfaction is not None else None
    _event(ctx, ticket, "callback", note)
    _audit(ctx, ticket, before)
    return ticket


def steps(ctx: Ctx, ticket: Any) -> list[dict[str, Any]]:
    """A complaint's steps (:data:`COMPLAINT_STEP`), each done or not, with when."""
    from crmcli.models import Followup

    callback = ctx.session.get(Followup, ticket.callback_id) if ticket.callback_id else None
    facts = {
        "accepted": (True, ticket.opened_at),
        "cause": (bool(ticket.cause), None),
        "remedy": (bool(ticket.remedy), None),
        "resolved": (ticket.resolved_at is not None, ticket.resolved_at),
        "callback": (
            callback is not None and callback.status == "done",
            callback.done_at if callback is not None and callback.status == "done" else None,
        ),
    }
    return [
        {
            "step": key,
            "done": facts[key][0],
            "at": facts[key][1],
        }
        for key in COMPLAINT_STEP.keys
    ]


def reopen(ctx: Ctx, ref: str, *, reason: str | None = None) -> Any:
    """The problem is back: a new resolution target from now."""
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    if ticket.status in OPEN:
        raise Conflict(
            t(
                "ticket {code} is still {status}",
                code=ticket.code,
                status=TICKET_STATUS.label(ticket.status),
            )
        )
    preferred, other = ("in_progress", "open") if ticket.owner_id else ("open", "in_progress")
    if allows(ctx, ticket.status, preferred):
        target = preferred
    elif allows(ctx, ticket.status, other):
        target = other
    else:
        raise _forbidden(ctx, ticket, preferred)
    before = _snapshot(ticket)
    _cancel_callback(ctx, ticket)
    ticket.status = target
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.resolution = None  # the card's timeline keeps the old one
    ticket.satisfaction = None
    ticket.due_at = ctx.at + timedelta(hours=target_hours(ctx, ticket.priority))
    _event(ctx, ticket, "reopened", _text(reason, "resolution"))
    _audit(ctx, ticket, before)
    return ticket


# -- reading ------------------------------------------------------------------------------


def query(
    ctx: Ctx,
    *,
    statuses: list[str] | None = None,
    kind: str | None = None,
    owner_id: int | None = None,
    customer_id: int | None = None,
    priority: str | None = None,
    overdue_at: datetime | None = None,
) -> Any:
    """Tickets of visible, live customers: open work first, then by target, then code."""
    from sqlalchemy import case, select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import Ticket as T
    from crmcli.models import User as U

    q = (
        select(
            T.id,
            T.code,
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            T.kind,
            T.subject,
            T.priority,
            T.status,
            U.username.label("owner"),
            K.name.label("contact"),
            T.opened_at,
            T.due_at,
            T.resolved_at,
            T.closed_at,
            T.resolution,
            T.satisfaction,
            T.description,
            T.cause,
            T.remedy,
            T.compensation,
        )
        .select_from(T)
        .join(C, C.id == T.customer_id)
        .outerjoin(U, U.id == T.owner_id)
        .outerjoin(K, K.id == T.contact_id)
        .where(T.deleted_at.is_(None))
    )
    q = customers.under(ctx, q, T.customer_id, customer_id)
    if statuses:
        q = q.where(T.status.in_(statuses))
    if kind is not None:
        q = q.where(T.kind == kind)
    if priority is not None:
        q = q.where(T.priority == priority)
    if owner_id is not None:
        q = q.where(T.owner_id == owner_id)
    if overdue_at is not None:
        q = q.where(T.status.in_(OPEN), T.due_at < overdue_at)
    stage = case((T.status.in_(OPEN), 0), (T.status == "resolved", 1), else_=2)
    return q.order_by(stage, T.due_at, T.id)


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    if limit is not None:
        q = q.limit(limit)
    result = []
    for r in ctx.session.execute(q):
        row = dict(r._mapping)
        row["overdue"] = bool(
            row["status"] in OPEN and row["due_at"] is not None and row["due_at"] < ctx.at
        )
        result.append({k: row[k] for k in JSON_FIELDS})
    return result


def count(ctx: Ctx, q: Any) -> int:
    from sqlalchemy import func, select

    return ctx.session.execute(
        select(func.count()).select_from(q.order_by(None).subquery())
    ).scalar()


def as_dict(ctx: Ctx, ticket: Any) -> dict[str, Any]:
    from crmcli.models import Ticket as T

    return rows(ctx, query(ctx, customer_id=ticket.customer_id).where(T.id == ticket.id))[0]


def timeline(ctx: Ctx, ticket_id: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from crmcli.models import TicketEvent as E
    from crmcli.models import User as U

    q = (
        select(E.at, E.action, E.status, U.username.label("user"), E.note)
        .select_from(E)
        .outerjoin(U, U.id == E.user_id)
        .where(E.ticket_id == ticket_id)
        .order_by(E.at, E.id)
    )
    return [{k: r._mapping[k] for k in EVENT_FIELDS} for r in ctx.session.execute(q)]


def show(ctx: Ctx, ref: str) -> dict[str, Any]:
    """The service tracking card: the ticket and its timeline."""
    ticket = find(ctx, ref)
    data = as_dict(ctx, ticket)
    data["callback"] = callback_of(ctx, ticket)
    data["steps"] = steps(ctx, ticket) if ticket.kind == "complaint" else []
    data["events"] = timeline(ctx, ticket.id)
    return data


def callback_of(ctx: Ctx, ticket: Any) -> dict[str, Any] | None:
    """A complaint's satisfaction call-back (its follow-up, owner, due, status), if any."""
    from crmcli.models import Followup, User

    if ticket.callback_id is None:
        return None
    f = ctx.session.get(Followup, ticket.callback_id)
    owner = ctx.session.get(User, f.owner_id) if f.owner_id else None
    return {
        "followup_id": f.id,
        "due_at": f.due_at,
        "owner": owner.username if owner else None,
        "status": f.status,
        "done_at": f.done_at,
    }


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    """The card's tickets: those still open or in progress."""
    return rows(ctx, query(ctx, customer_id=customer_id, statuses=list(OPEN)))
