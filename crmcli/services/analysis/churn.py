"""Customer churn (客户流失): how many were lost, why, and who may be lost next.

The course's goal is "提高客户满意度、降低客户流失率"; its first lecture lists the causes of
losing a business customer with their shares (企业客户流失 客户因素: 客户去世 1%, 产品价格 9%,
竞争对手的活动 4%, 失去联络 3%, 处理投诉事务不当 10%, 客户周围人员对其观念的影响 5%,
缺乏沟通技巧, 没有掌握客户需求 68%). :data:`COURSE_SHARES` keeps them beside our own counts;
"other" is ours and has no published share.

- *Periods* (calendar months or quarters overlapping ``since`` .. ``until``): the customers
  active at the period's start (added before it, and active or dormant now, or lost on
  or after that start), the customers lost in it (``lost_at`` in the period, within
  ``since`` .. ``until``; active at its start or not, SPEC §7), and the churn rate
  lost / active at start (None when none were active).
- *Reasons*: the customers lost within ``since`` .. ``until`` by reason, each with its share
  and the course's published share. A won-back customer no longer counts: winning back
  clears ``lost_at`` (the audit log keeps the history).
- *At risk now* (customers active or dormant today), each with its signals: ``no_contact``
  (not contacted for its level's interval, ``care.intervals``, as ``crm care``),
  ``open_complaint`` (a complaint ticket open or in progress), ``orders_falling`` (orders in
  the last whole period below the one before it). Each has a short detail: the days without
  contact and the level's interval, the complaint's ticket code, the two periods' order money.

Everything counts only the customers the acting user may see (sales: their own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from crmcli.i18n import pick, t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.team import settings

#: the shares the course publishes for each cause (000: 企业客户流失 客户因素)
COURSE_SHARES = {
    "death": 0.01,
    "price": 0.09,
    "competitor": 0.04,
    "lost_contact": 0.03,
    "complaint": 0.10,
    "influence": 0.05,
    "communication": 0.68,
}
BY = ("month", "quarter")
#: how many periods a report covers when --since is not given (this one included)
DEFAULT_PERIODS = {"month": 12, "quarter": 4}
#: the signals of a customer at risk (in this order), with their English and Chinese names
SIGNALS = {
    "no_contact": ("No contact", "久未联系"),
    "open_complaint": ("Open complaint", "投诉未结"),
    "orders_falling": ("Orders falling", "订单下降"),
}


def reason_label(known: list[dict[str, Any]], key: str | None) -> str:
    """A reason of :func:`reasons` as the reader reads it (``known``: the setting's
    reasons); a customer lost without one is "(no reason given)"."""
    from crmcli.services.desk import churn as churn_reasons

    return churn_reasons.label(known, key) or pick("(no reason given)", "（未填原因）")


def signal_texts(row: dict[str, Any]) -> list[str]:
    """A customer at risk's signals as the reader reads them: "No contact: 40 days (every
    14)"."""
    return [
        f"{pick(*SIGNALS[s])}: {d}" for s, d in zip(row["signals"], row["details"], strict=True)
    ]


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # the first day after it


def _next(day: date, by: str) -> date:
    months = 1 if by == "month" else 3
    m = day.month - 1 + months
    return date(day.year + m // 12, m % 12 + 1, 1)


def period_of(day: date, by: str) -> Period:
    """The month (``2026-03``) or quarter (``2026-Q1``) ``day`` falls in."""
    if by == "month":
        start = date(day.year, day.month, 1)
        label = f"{day.year:04d}-{day.month:02d}"
    else:
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        label = f"{day.year:04d}-Q{q + 1}"
    return Period(label, start, _next(start, by))


def _back(period: Period, by: str, count: int) -> Period:
    """The period ``count`` periods before ``period``."""
    p = period
    for _ in range(count):
        before = p.start.replace(day=1)
        prev_day = date.fromordinal(before.toordinal() - 1)
        p = period_of(prev_day, by)
    return p


def periods(since: date, until: date, by: str) -> list[Period]:
    """The calendar periods that overlap ``since`` .. ``until`` (both included)."""
    found = [period_of(since, by)]
    while found[-1].end <= until:
        found.append(period_of(found[-1].end, by))
    return found


def default_since(today: date, by: str) -> date:
    return _back(period_of(today, by), by, DEFAULT_PERIODS[by] - 1).start


def _at(day: date) -> datetime:
    return datetime.combine(day, time())


def churn(
    ctx: Ctx, *, since: date | None, until: date | None, by: str, today: date
) -> dict[str, Any]:
    """The churn report: ``{"periods", "reasons", "at_risk"}`` (SPEC §7) plus the window."""
    from crmcli.validate import check_window

    check_window(since, until, today=today)
    until = until or today
    since = since or default_since(until, by)
    found = periods(since, until, by)
    return {
        "since": since,
        "until": until,
        "by": by,
        "periods": [_period(ctx, p, since, until) for p in found],
        "reasons": reasons(ctx, since=since, until=until),
        "at_risk": at_risk(ctx, today=today, by=by),
        "orders_compared": [p.label for p in compared(today, by)],
    }


def _period(ctx: Ctx, p: Period, since: date, until: date) -> dict[str, Any]:
    from sqlalchemy import and_, func, or_, select

    from crmcli.models import Customer as C

    start = _at(p.start)
    active = ctx.session.execute(
        select(func.count(C.id)).where(
            *customers.live(ctx),
            C.created_at < start,
            or_(
                C.status.in_(("active", "dormant")),
                and_(C.status == "lost", C.lost_at >= start),
            ),
        )
    ).scalar()
    lost = ctx.session.execute(
        select(func.count(C.id)).where(
            *customers.live(ctx),
            C.status == "lost",
            C.lost_at >= _at(max(p.start, since)),
            C.lost_at < _at(min(p.end, date.fromordinal(until.toordinal() + 1))),
        )
    ).scalar()
    active, lost = int(active or 0), int(lost or 0)
    return {
        "period": p.label,
        "active_at_start": active,
        "lost": lost,
        "churn_rate": round(lost / active, 4) if active else None,
    }


def reasons(ctx: Ctx, *, since: date, until: date) -> list[dict[str, Any]]:
    """Every reason of the setting (and any other found), with the count of customers lost
    in the window, its share of them, and the course's published share."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.services.desk import churn as churn_reasons

    counts = {
        reason: int(n)
        for reason, n in ctx.session.execute(
            select(C.lost_reason, func.count(C.id))
            .where(
                *customers.live(ctx),
                C.status == "lost",
                C.lost_at >= _at(since),
                C.lost_at < _at(date.fromordinal(until.toordinal() + 1)),
            )
            .group_by(C.lost_reason)
        )
    }
    total = sum(counts.values())
    keys: list[str | None] = [r["key"] for r in churn_reasons.reasons(ctx)]
    keys += sorted(k for k in counts if k is not None and k not in keys)
    if None in counts:
        keys.append(None)  # lost without a reason given
    return [
        {
            "reason": key,
            "count": counts.get(key, 0),
            "share": round(counts.get(key, 0) / total, 4) if total else None,
            "course_share": COURSE_SHARES.get(key) if key is not None else None,
        }
        for key in keys
    ]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def compared(today: date, by: str) -> tuple[Period, Period]:
    """The two whole periods whose orders the ``orders_falling`` signal compares."""
    last = _back(period_of(today, by), by, 1)
    return _back(last, by, 1), last


def at_risk(ctx: Ctx, *, today: date, by: str = "month") -> list[dict[str, Any]]:
    """Customers active or dormant today with at least one signal, most signals first."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.models import SalesOrder as O
    from crmcli.models import Ticket as T
    from crmcli.services.relationship import care

    kept = (C.status.in_(("active", "dormant")), *customers.live(ctx))
    rows = {
        r.id: r for r in ctx.session.execute(select(C.id, C.code, C.name, C.level).where(*kept))
    }
    signals: dict[int, list[tuple[str, str]]] = {}
    by_code = {r.code: i for i, r in rows.items()}
    intervals = settings.get(ctx, "care.intervals")
    for d in care.drifting(ctx, on=today):
        if d["customer_code"] in by_code:
            detail = t(
                "{days} days (every {interval})",
                days=d["days_since_contact"],
                interval=intervals[d["level"]],
            )
            signals.setdefault(by_code[d["customer_code"]], []).append(("no_contact", detail))
    complaints = ctx.session.execute(
        select(T.customer_id, func.count(T.id), func.min(T.code))
        .join(C, C.id == T.customer_id)
        .where(
            *kept,
            T.deleted_at.is_(None),
            T.kind == "complaint",
            T.status.in_(("open", "in_progress")),
        )
        .group_by(T.customer_id)
    )
    for customer_id, n, first in complaints:
        detail = first if n == 1 else t("{first} and {more} more", first=first, more=n - 1)
        signals.setdefault(customer_id, []).append(("open_complaint", detail))
    before, last = compared(today, by)
    totals: dict[int, list[Decimal]] = {}
    for i, p in enumerate((before, last)):
        for customer_id, total in ctx.session.execute(
            select(O.customer_id, func.sum(O.total))
            .join(C, C.id == O.customer_id)
            .where(
                *kept,
                O.deleted_at.is_(None),
                O.status != "cancelled",
                O.ordered_on >= p.start,
                O.ordered_on < p.end,
            )
            .group_by(O.customer_id)
        ):
            totals.setdefault(customer_id, [Decimal(0), Decimal(0)])[i] = Decimal(total or 0)
    for customer_id, (was, now) in totals.items():
        if now < was:
            detail = f"{_money(was)} → {_money(now)}"
            signals.setdefault(customer_id, []).append(("orders_falling", detail))
    result = [
        {
            "code": rows[i].code,
            "name": rows[i].name,
            "level": rows[i].level,
            "signals": [s for s, _ in found],
            "details": [d for _, d in found],
        }
        for i, found in signals.items()
    ]
    result.sort(key=lambda r: (-len(r["signals"]), r["code"]))
    return result
