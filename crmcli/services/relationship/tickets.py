"""Service tickets (服务工单) and their tracking card (用户服务跟踪卡).

A ticket is opened for a customer (inquiry, complaint, repair, return, suggestion),
gets a resolution target from its priority (``ticket.targets``, hours), is assigned,
worked (notes), resolved with a resolution and the customer's satisfaction (1-5),
closed, and reopened when the problem comes back. Every step is a line of the
ticket's timeline (``ticket_event``) and an audit entry.

Status flow: open -> in_progress (assigned or worked) -> resolved -> closed; resolved
or closed -> reopened (in_progress when it has an owner, else open). A ticket is
*overdue* while open or in progress past its target.

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
from crmcli.validate import parse_text
from crmcli.vocab import PRIORITY, TICKET, TICKET_KIND, TICKET_STATUS

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
    """Give the ticket to a member of staff; an open ticket becomes in progress."""
    from crmcli.services.team.permissions import default_owner

    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    _not_closed(ticket)
    new_owner = default_owner(ctx, owner, handover=True)
    before = _snapshot(ticket)
    ticket.owner_id = new_owner
    if ticket.status == "open":
        ticket.status = "in_progress"
    if _snapshot(ticket) != before:
        _event(ctx, ticket, "assigned", owner.strip())
        _audit(ctx, ticket, before, "assign")
    return ticket


def note(ctx: Ctx, ref: str, text: str) -> Any:
    """A line on the tracking card (a call made, a part ordered ...); open -> in progress."""
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    _not_closed(ticket)
    line = parse_text(text or "", TICKET["resolution"])
    if not line:
        raise Invalid(t("{field} is required", field=pick("note", "处理记录")))
    before = _snapshot(ticket)
    if ticket.status == "open":
        ticket.status = "in_progress"
    _event(ctx, ticket, "note", line)
    ticket.updated_at = ctx.at
    changes = {**audit.diff(before, _snapshot(ticket)), "note": [None, line]}
    audit.record(ctx, "update", "ticket", ticket.id, code=ticket.code, changes=changes)
    return ticket


def resolve(ctx: Ctx, ref: str, *, resolution: str, satisfaction: int | None = None) -> Any:
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
    text = _text(resolution, "resolution", required=True)
    _satisfaction(satisfaction)
    before = _snapshot(ticket)
    ticket.status = "resolved"
    ticket.resolved_at = ctx.at
    ticket.resolution = text
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
    _event(ctx, ticket, "resolved", text)
    _audit(ctx, ticket, before)
    return ticket


def close(
    ctx: Ctx, ref: str, *, satisfaction: int | None = None, resolution: str | None = None
) -> Any:
    """Close a resolved ticket (or resolve and close at once, given a resolution)."""
    ticket = find(ctx, ref)
    _customer_of(ctx, ticket)
    _satisfaction(satisfaction)
    if ticket.status == "closed":
        raise Conflict(t("ticket {code} is already closed", code=ticket.code))
    if ticket.status in OPEN:
        if not resolution:
            raise Conflict(
                t("ticket {code} is not resolved yet", code=ticket.code),
                hint=t(
                    "resolve it first: crm ticket resolve {code} --resolution TEXT",
                    code=ticket.code,
                ),
            )
        resolve(ctx, ref, resolution=resolution)
    before = _snapshot(ticket)
    ticket.status = "closed"
    ticket.closed_at = ctx.at
    if satisfaction is not None:
        ticket.satisfaction = satisfaction
    _event(ctx, ticket, "closed", None)
    _audit(ctx, ticket, before)
    return ticket


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
    before = _snapshot(ticket)
    ticket.status = "in_progress" if ticket.owner_id else "open"
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
    data["events"] = timeline(ctx, ticket.id)
    return data


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    """The card's tickets: those still open or in progress."""
    return rows(ctx, query(ctx, customer_id=customer_id, statuses=list(OPEN)))
