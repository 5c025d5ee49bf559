"""Follow-up discipline, service quality and monthly orders: what a sales manager watches.

Counts and sums are done in SQL (GROUP BY); only per-ticket durations are read back to
take a median.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.context import Ctx


def activity(ctx: Ctx, *, since: date, until: date, now: datetime) -> dict[str, Any]:
    """Interactions per user and channel; follow-ups due in the window per owner: done on
    time (on or before the due day), done late, still overdue, still pending."""
    from sqlalchemy import case, func, select

    from crmcli.models import Customer, Followup, Interaction, User

    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())
    interactions = [
        {"user": user, "channel": channel, "count": int(count)}
        for user, channel, count in ctx.session.execute(
            select(User.username, Interaction.channel, func.count(Interaction.id))
            .join(Customer, Customer.id == Interaction.customer_id)
            .outerjoin(User, User.id == Interaction.user_id)
            .where(
                *customers.live(ctx),
                Interaction.deleted_at.is_(None),
                Interaction.occurred_at >= start,
                Interaction.occurred_at < end,
            )
            .group_by(User.username, Interaction.channel)
            .order_by(func.count(Interaction.id).desc(), User.username, Interaction.channel)
        )
    ]
    today = datetime.combine(now.date(), datetime.min.time())
    done = Followup.status == "done"
    # on time: done on or before the due day (date() is a function on SQLite and PostgreSQL)
    on_time = func.date(Followup.done_at) <= func.date(Followup.due_at)
    rows = ctx.session.execute(
        select(
            User.username,
            func.count(Followup.id),
            func.sum(case((done & on_time, 1), else_=0)),
            func.sum(case((done & ~on_time, 1), else_=0)),
            func.sum(
                case(((Followup.status == "pending") & (Followup.due_at < today), 1), else_=0)
            ),
            func.sum(
                case(((Followup.status == "pending") & (Followup.due_at >= today), 1), else_=0)
            ),
        )
        .join(Customer, Customer.id == Followup.customer_id)
        .outerjoin(User, User.id == Followup.owner_id)
        .where(
            *customers.live(ctx),
            Followup.status != "cancelled",
            Followup.due_at >= start,
            Followup.due_at < end,
        )
        .group_by(User.username)
        .order_by(User.username)
    )
    followups = [
        {
            "owner": owner,
            "due": int(due or 0),
            "done_on_time": int(on_time or 0),
            "done_late": int(late or 0),
            "overdue": int(overdue or 0),
            "pending": int(pending or 0),
        }
        for owner, due, on_time, late, overdue, pending in rows
    ]
    return {"since": since, "until": until, "interactions": interactions, "followups": followups}


def service(ctx: Ctx, *, now: datetime) -> dict[str, Any]:
    """Tickets by kind and status, median hours to resolve, mean satisfaction,
    complaints per 100 customers, open and overdue counts."""
    from sqlalchemy import func, select

    from crmcli.models import Customer, Ticket

    live = [*customers.live(ctx), Ticket.deleted_at.is_(None)]
    by_kind_status = [
        {"kind": kind, "status": status, "count": int(count)}
        for kind, status, count in ctx.session.execute(
            select(Ticket.kind, Ticket.status, func.count(Ticket.id))
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(*live)
            .group_by(Ticket.kind, Ticket.status)
            .order_by(Ticket.kind, Ticket.status)
        )
    ]
    durations = [
        (resolved - opened).total_seconds() / 3600
        for opened, resolved in ctx.session.execute(
            select(Ticket.opened_at, Ticket.resolved_at)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(*live, Ticket.resolved_at.is_not(None))
        )
    ]
    satisfaction, complaints, open_count, overdue = ctx.session.execute(
        select(
            func.avg(Ticket.satisfaction),
            func.count(Ticket.id).filter(Ticket.kind == "complaint"),
            func.count(Ticket.id).filter(Ticket.status.in_(("open", "in_progress"))),
            func.count(Ticket.id).filter(
                Ticket.status.in_(("open", "in_progress")), Ticket.due_at < now
            ),
        )
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(*live)
    ).one()
    customer_count = ctx.session.execute(
        select(func.count(Customer.id)).where(*customers.live(ctx))
    ).scalar()
    return {
        "tickets": sum(r["count"] for r in by_kind_status),
        "open": int(open_count or 0),
        "overdue": int(overdue or 0),
        "by_kind_status": by_kind_status,
        "median_hours_to_resolve": round(statistics.median(durations), 1) if durations else None,
        "mean_satisfaction": round(float(satisfaction), 2) if satisfaction is not None else None,
        "complaints": int(complaints or 0),
        "complaints_per_100_customers": round(100 * complaints / customer_count, 2)
        if customer_count
        else None,
    }


def monthly_orders(ctx: Ctx, *, months: int, today: date) -> list[dict[str, Any]]:
    """Orders (not cancelled) and their total per month, the last ``months`` months."""
    from sqlalchemy import extract, func, select

    from crmcli.models import Customer, SalesOrder

    year, month = today.year, today.month
    labels = []
    for _ in range(months):
        labels.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    labels.reverse()
    first = date(*labels[0], 1)
    y, m = extract("year", SalesOrder.ordered_on), extract("month", SalesOrder.ordered_on)
    found = {
        (int(yy), int(mm)): (int(n), total or Decimal("0.00"))
        for yy, mm, n, total in ctx.session.execute(
            select(y, m, func.count(SalesOrder.id), func.sum(SalesOrder.total))
            .join(Customer, Customer.id == SalesOrder.customer_id)
            .where(
                *customers.live(ctx),
                SalesOrder.deleted_at.is_(None),
                SalesOrder.status != "cancelled",
                SalesOrder.ordered_on >= first,
                SalesOrder.ordered_on <= today,
            )
            .group_by(y, m)
        )
    }
    return [
        {
            "month": f"{yy:04d}-{mm:02d}",
            "orders": found.get((yy, mm), (0, 0))[0],
            "total": found.get((yy, mm), (0, Decimal("0.00")))[1],
        }
        for yy, mm in labels
    ]
