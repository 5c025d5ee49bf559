"""Whom do I call today? ``crm followup due``, and ``crm followup ics`` (the same
touches as an RFC 5545 calendar).

The due statement is built here with SQLAlchemy (:func:`due_statement`) and served by
the (status, due_at) or (owner, status, due_at) index in due order with the LIMIT in
SQL; :mod:`crmcli.services.relationship.fastdue` runs the same statement, compiled ahead of time,
through the standard library on a SQLite file so the morning command starts about as
fast as ``crm --help``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.services.relationship.fastdue import (
    TICKETS_SHOWN,
    DueReport,
    due_params,
    due_row,
    window_end,
)
from crmcli.services.team import permissions
from crmcli.vocab import FOLLOWUP_KIND

# -- due: whom do I call today? ----------------------------------------------------------


def due_statement(*, by_owner: bool, scoped: bool, limited: bool, counting: bool = False) -> Any:
    """Pending touches due before ``:end``, earliest first (the one query of ``due``).

    Bound parameters: ``end`` (a datetime), ``owner_id`` when ``by_owner``,
    ``actor_id`` when ``scoped`` (a salesperson sees own and unassigned customers),
    ``limit`` when ``limited``. The contact is the touch's own, else the customer's
    decision maker, else its first contact; the phone is that contact's mobile or
    phone, else the customer's; the last contact record comes from a correlated
    subquery on (customer_id, occurred_at), so there is no query per row.
    """
    from sqlalchemy import DateTime, bindparam, case, func, or_, select
    from sqlalchemy.orm import aliased

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import Followup as F
    from crmcli.models import Interaction as I
    from crmcli.models import User as U

    conditions = [
        F.status == "pending",
        F.due_at < bindparam("end", type_=DateTime),
        C.deleted_at.is_(None),
    ]
    if by_owner:
        conditions.append(F.owner_id == bindparam("owner_id"))
    if scoped:
        conditions.append(or_(C.owner_id == bindparam("actor_id"), C.owner_id.is_(None)))
    if counting:
        return select(func.count()).select_from(F).join(C, C.id == F.customer_id).where(*conditions)
    K2 = aliased(K, name="first_contact")
    first_contact = (
        select(K2.id)
        .where(K2.customer_id == F.customer_id, K2.deleted_at.is_(None))
        .order_by(case((K2.role == "decision_maker", 0), else_=1), K2.id)
        .limit(1)
        .correlate(F)
        .scalar_subquery()
    )
    last_id = (
        select(I.id)
        .where(I.customer_id == F.customer_id, I.deleted_at.is_(None))
        .order_by(I.occurred_at.desc(), I.id.desc())
        .limit(1)
        .correlate(F)
        .scalar_subquery()
    )
    L = aliased(I, name="last_interaction")
    q = (
        select(
            F.id,
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            K.name.label("contact"),
            func.coalesce(K.mobile, K.phone, C.phone).label("phone"),
            F.due_at,
            F.kind,
            F.step,
            F.note,
            U.username.label("owner"),
            F.cadence,
            L.occurred_at.label("last_interaction_at"),
            L.summary.label("last_interaction_summary"),
        )
        .select_from(F)
        .join(C, C.id == F.customer_id)
        .outerjoin(K, K.id == func.coalesce(F.contact_id, first_contact))
        .outerjoin(U, U.id == F.owner_id)
        .outerjoin(L, L.id == last_id)
        .where(*conditions)
        .order_by(F.due_at, F.id)
    )
    if limited:
        q = q.limit(bindparam("limit"))
    return q


def overdue_tickets_statement(*, by_owner: bool, scoped: bool) -> Any:
    """Open tickets past their resolution target (``:now``), flagged under ``due``."""
    from sqlalchemy import DateTime, bindparam, or_, select

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
            T.priority,
            T.status,
            T.subject,
            T.due_at,
            U.username.label("owner"),
        )
        .select_from(T)
        .join(C, C.id == T.customer_id)
        .outerjoin(U, U.id == T.owner_id)
        .where(
            or_(T.status == "open", T.status == "in_progress"),
            T.due_at < bindparam("now", type_=DateTime),
            T.deleted_at.is_(None),
            C.deleted_at.is_(None),
        )
    )
    if by_owner:
        q = q.where(T.owner_id == bindparam("owner_id"))
    if scoped:
        q = q.where(or_(C.owner_id == bindparam("actor_id"), C.owner_id.is_(None)))
    return q.order_by(T.due_at, T.id).limit(bindparam("limit"))


def due_owner(ctx: Ctx, owner: str | None, everyone: bool) -> int | None:
    """Whose touches: --owner, else everyone's with --all or in single-user mode, else mine."""
    from crmcli.services.team.people import user_id

    if owner is not None:
        return user_id(ctx, owner)
    if everyone or not ctx.actor.team:
        return None
    return ctx.actor.id


def due(
    ctx: Ctx,
    *,
    on: date,
    within: int = 0,
    owner: str | None = None,
    everyone: bool = False,
    limit: int | None = None,
    count: bool = False,
    tickets: bool = False,
) -> DueReport:
    """Touches due by the end of ``on`` + ``within`` days (overdue ones included)."""
    owner_id = due_owner(ctx, owner, everyone)
    scoped = permissions.customer_scope(ctx) is not None
    params = due_params(
        on=on,
        within=within,
        owner_id=owner_id,
        actor_id=ctx.actor.id,
        scoped=scoped,
        limit=limit,
    )
    by_owner = owner_id is not None
    q = due_statement(by_owner=by_owner, scoped=scoped, limited=limit is not None)
    data = [due_row(r._mapping, on) for r in ctx.session.execute(q, params)]
    total = len(data)
    if count and limit is not None and len(data) >= limit:
        total = ctx.session.execute(
            due_statement(by_owner=by_owner, scoped=scoped, limited=False, counting=True), params
        ).scalar()
    report = DueReport(data, total)
    if tickets:
        q = overdue_tickets_statement(by_owner=by_owner, scoped=scoped)
        t_params = {k: v for k, v in params.items() if k in ("owner_id", "actor_id")}
        t_params.update(now=ctx.at, limit=TICKETS_SHOWN)
        report.tickets = [dict(r._mapping) for r in ctx.session.execute(q, t_params)]
    return report


# -- calendar -----------------------------------------------------------------------------


def ics_rows(
    ctx: Ctx, *, on: date, within: int, owner: str | None, everyone: bool
) -> list[dict[str, Any]]:
    """Touches for the calendar: pending ones due by ``on`` + ``within`` days, and those
    done or cancelled since ``on`` - ``within`` days (a re-import marks them done, or
    takes them off the calendar)."""
    from sqlalchemy import and_, or_, select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import Followup as F
    from crmcli.models import User as U

    owner_id = due_owner(ctx, owner, everyone)
    recent = datetime.combine(on - timedelta(days=within), time())
    q = (
        select(
            F.id,
            F.created_at,
            F.updated_at,
            F.due_at,
            F.kind,
            F.step,
            F.cadence,
            F.note,
            F.status,
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            C.address,
            C.phone.label("customer_phone"),
            K.name.label("contact"),
            K.mobile,
            K.phone,
            U.username.label("owner"),
        )
        .select_from(F)
        .join(C, C.id == F.customer_id)
        .outerjoin(K, K.id == F.contact_id)
        .outerjoin(U, U.id == F.owner_id)
        .where(
            C.deleted_at.is_(None),
            or_(
                and_(F.status == "pending", F.due_at < window_end(on, within)),
                and_(F.status != "pending", F.updated_at >= recent, F.due_at >= recent),
            ),
        )
        .order_by(F.due_at, F.id)
    )
    if owner_id is not None:
        q = q.where(F.owner_id == owner_id)
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        q = q.where(scope)
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def ics_text(data: list[dict[str, Any]], *, stamp: datetime, calendar_name: str) -> bytes:
    """An RFC 5545 calendar of follow-ups (icalendar).

    ``stamp`` (DTSTAMP) is a UTC time, as RFC 5545 requires.
    UIDs are ``followup-<id>-<created>@crmcli``: stable, so importing a newer file
    updates the events instead of adding copies; SEQUENCE grows with each change. A
    touch at midnight is an all-day event; a timed one lasts 30 minutes, with a
    reminder 15 minutes before while it is pending. A done touch stays on the calendar
    marked ✓; a cancelled one is written CANCELLED, which takes it off. Times are floating local times, as crm keeps them.
    """
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//crmcli//follow-ups//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    for row in data:
        ev = Event()
        created = row["created_at"] or row["due_at"]
        ev.add("uid", f"followup-{row['id']}-{created:%Y%m%dT%H%M%S}@crmcli")
        ev.add("dtstamp", stamp)
        changed = row["updated_at"] or created
        ev.add("sequence", max(0, int((changed - datetime(2020, 1, 1)).total_seconds() // 60)))
        kind = FOLLOWUP_KIND.label(row["kind"])
        who = f" · {row['contact']}" if row["contact"] else ""
        mark = "✓ " if row["status"] == "done" else ""
        ev.add("summary", f"{mark}{kind} · {row['customer_name']}{who}")
        due_at = row["due_at"]
        if due_at.time() == time():
            ev.add("dtstart", due_at.date())
            ev.add("dtend", due_at.date() + timedelta(days=1))
        else:
            ev.add("dtstart", due_at)
            ev.add("dtend", due_at + timedelta(minutes=30))
            if row["status"] == "pending":
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"{kind} · {row['customer_name']}")
                alarm.add("trigger", timedelta(minutes=-15))
                ev.add_component(alarm)
        phone = row["mobile"] or row["phone"] or row["customer_phone"]
        lines = [f"{row['customer_code']} {row['customer_name']}"]
        if row["contact"]:
            lines.append(f"{pick('Contact', '联系人')}: {row['contact']}")
        if phone:
            lines.append(f"{pick('Phone', '电话')}: {phone}")
        if row["step"]:
            lines.append(
                t("Step {step} of cadence {cadence}", step=row["step"], cadence=row["cadence"])
            )
        if row["note"]:
            lines.append(row["note"])
        lines.append(f"crm followup done {row['id']}")
        ev.add("description", "\n".join(lines))
        if row["kind"] == "visit" and row["address"]:
            ev.add("location", row["address"])
        if phone and row["kind"] == "call":
            ev.add("location", phone)
        ev.add("status", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")
        ev.add("categories", ["crm", row["kind"]])
        cal.add_component(ev)
    return cal.to_ical()
