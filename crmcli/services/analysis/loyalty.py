"""Customer loyalty (客户忠诚度): do customers buy again, how often, and does each quarter's
intake keep ordering.

The course: "售后的跟进和提供有效的关怀,可以大大增强客户对产品和企业的忠诚度,使客户能够重复购买
企业的产品和服务" (003). Loyalty is read here from the orders alone (not cancelled, not
deleted, ordered up to the as-of day), over the customers the acting user may see:

- ``repeat_rate``: customers with two or more orders / customers with one or more (None
  when nobody ordered).
- ``mean_days_between_orders``: the mean, over every customer's consecutive pairs of
  orders (by order day), of the days between them, to one decimal (None when no customer
  ordered twice).
- ``cohorts``: customers grouped by the calendar quarter of their first order (``2025-Q3``);
  ``retained`` lists, for each later quarter up to and including the as-of day's (the last
  one may not be over yet), the share of the cohort that ordered in it (0 to 1, four
  decimals). Quarters in which nobody ordered for the first time have no cohort.
- ``quarterly_retention`` (r): of the customers who ordered in a quarter, the share who
  ordered again in the next one, pooled over every pair of quarters whose second quarter
  was over by the as-of day: sum of |ordered in Q and in Q+1| / sum of |ordered in Q|
  (None when there is no such pair). ``crm report value`` takes its lifetime values from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.context import Ctx


def quarter_index(day: date) -> int:
    """Quarters counted from year 0: consecutive quarters differ by one."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_label(index: int) -> str:
    """``2025-Q3`` for a :func:`quarter_index`."""
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def quarter_last_day(index: int) -> date:
    year, q = divmod(index, 4)
    return (
        date(year, 12, 31) if q == 3 else date.fromordinal(date(year, 3 * q + 4, 1).toordinal() - 1)
    )


@dataclass(frozen=True)
class Buyer:
    """A customer who ordered, with the days of its orders (oldest first)."""

    id: int
    code: str | None
    name: str
    days: tuple[date, ...]


def buyers(ctx: Ctx, *, as_of: date) -> list[Buyer]:
    """The customers with orders (not cancelled, up to ``as_of``) the actor may see, by code."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import SalesOrder as O

    q = (
        select(C.id, C.code, C.name, O.ordered_on)
        .join(O, O.customer_id == C.id)
        .where(
            *customers.live(ctx),
            O.deleted_at.is_(None),
            O.status != "cancelled",
            O.ordered_on <= as_of,
        )
        .order_by(C.code, C.id, O.ordered_on)
    )
    found: dict[int, tuple[str | None, str, list[date]]] = {}
    for cid, code, name, day in ctx.session.execute(q):
        found.setdefault(cid, (code, name, []))[2].append(_day(day))
    return [Buyer(cid, code, name, tuple(days)) for cid, (code, name, days) in found.items()]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def quarterly_retention(found: list[Buyer], *, as_of: date) -> Fraction | None:
    """r: of those who ordered in a quarter, the share who ordered in the next, pooled over
    the pairs of quarters whose second was over by ``as_of`` (None: no such pair)."""
    active: dict[int, set[int]] = defaultdict(set)
    for b in found:
        for day in b.days:
            active[quarter_index(day)].add(b.id)
    if not active:
        return None
    kept = base = 0
    for q in range(min(active), quarter_index(as_of)):
        if quarter_last_day(q + 1) > as_of:
            break
        base += len(active.get(q, ()))
        kept += len(active.get(q, set()) & active.get(q + 1, set()))
    return Fraction(kept, base) if base else None


def loyalty(ctx: Ctx, *, as_of: date) -> dict[str, Any]:
    """``{"repeat_rate", "mean_days_between_orders", "cohorts", "quarterly_retention"}``."""
    found = buyers(ctx, as_of=as_of)
    repeat = sum(1 for b in found if len(b.days) >= 2)
    gaps = [(b.days[i + 1] - b.days[i]).days for b in found for i in range(len(b.days) - 1)]
    now = quarter_index(as_of)
    by_cohort: dict[int, list[Buyer]] = defaultdict(list)
    for b in found:
        by_cohort[quarter_index(b.days[0])].append(b)
    cohorts = []
    for start in sorted(by_cohort):
        members = by_cohort[start]
        ordered = [{quarter_index(d) for d in b.days} for b in members]
        cohorts.append(
            {
                "cohort": quarter_label(start),
                "customers": len(members),
                "retained": [
                    round(sum(1 for qs in ordered if q in qs) / len(members), 4)
                    for q in range(start + 1, now + 1)
                ],
            }
        )
    r = quarterly_retention(found, as_of=as_of)
    return {
        "as_of": as_of,
        "customers": len(found),
        "repeat_rate": round(repeat / len(found), 4) if found else None,
        "mean_days_between_orders": round(sum(gaps) / len(gaps), 1) if gaps else None,
        "cohorts": cohorts,
        "quarterly_retention": round(float(r), 4) if r is not None else None,
    }
