"""Customer value (客户价值): customers scored by what they earn the business.

The course: "营销人员必须以获利能力为标准来为客户打分――如同衡量客户终生价值一样――并且将较多的注意力
放在较具价值的顾客身上" (001). Per customer with orders (not cancelled, not deleted, ordered up
to the as-of day), over the customers the acting user may see:

- ``revenue``: the orders' totals; ``cost``: per order line, qty × the line's unit cost
  (the product's cost when the line was made; a line made while its product had no cost
  counts the product's cost now, and a product without a cost counts 0), rounded half-up
  to the cent; ``margin`` = revenue − cost (gross margin).
- ``tenure_days``: days from the first order to the as-of day.
- ``lifetime_value`` (estimated): margin per year × expected remaining years, where
  margin per year = margin × 365 / max(tenure_days, 90) (at least 90 days, so that a new
  customer's first order is not extrapolated into a fortune), and expected remaining years
  = r / (1 − r) / 4, at most 10, from the book's quarter-to-quarter retention r
  (:func:`crmcli.services.analysis.loyalty.quarterly_retention`; r/(1−r) is the expected
  number of further quarters when each quarter a customer stays with probability r);
  rounded half-up to the cent; None when r is unknown (no quarter has been followed by
  another whole one yet).

Rows come highest margin first (ties by code). Value tiers (``--apply`` sets the level,
audited and undone as ABC's): the customers ranked above make under 20% of the customers
with orders: gold; under 50% (the next 30%): silver; the rest, and any customer whose
margin is not above 0: regular. Customers without orders are left alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from crmcli.services.analysis import loyalty, segments
from crmcli.services.archive import customers
from crmcli.services.context import Ctx

CENT = Decimal("0.01")
#: tenure shorter than this counts as this many days when a margin is made yearly
MIN_TENURE_DAYS = 90
#: expected remaining years are capped at this many
MAX_YEARS = 10
#: value tiers: (level, the share of customers with orders ranked above, in percent, under which)
TIERS = (("gold", 20), ("silver", 50))


def _cents(value: Fraction | Decimal) -> Decimal:
    """An exact amount rounded half-up to the cent."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, ROUND_HALF_UP)


def expected_years(r: Fraction | None) -> Fraction | None:
    """Expected remaining years for a quarter-to-quarter retention r: r/(1−r)/4, capped."""
    if r is None:
        return None
    if r >= 1:
        return Fraction(MAX_YEARS)
    return min(r / (1 - r) / 4, Fraction(MAX_YEARS))


def lifetime_value(margin: Decimal, tenure_days: int, r: Fraction | None) -> Decimal | None:
    """margin × 365 / max(tenure_days, 90) × expected_years(r), to the cent."""
    years = expected_years(r)
    if years is None:
        return None
    per_year = Fraction(margin) * 365 / max(tenure_days, MIN_TENURE_DAYS)
    return _cents(per_year * years)


def _costs(ctx: Ctx, as_of: date) -> dict[int, Decimal]:
    """Per customer, the cost of its order lines (orders counted as :func:`value` does)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import OrderLine as L
    from crmcli.models import Product as P
    from crmcli.models import SalesOrder as O

    q = (
        select(O.customer_id, L.qty, L.unit_cost, P.cost)
        .join(L, L.order_id == O.id)
        .join(C, C.id == O.customer_id)
        .outerjoin(P, P.id == L.product_id)
        .where(
            *customers.live(ctx),
            O.deleted_at.is_(None),
            O.status != "cancelled",
            O.ordered_on <= as_of,
        )
    )
    found: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for cid, qty, unit_cost, product_cost in ctx.session.execute(q):
        each = unit_cost if unit_cost is not None else product_cost
        if each is not None:
            found[cid] += _cents(qty * each)
    return found


def value(ctx: Ctx, *, as_of: date) -> dict[str, Any]:
    """``{"as_of", "retention", "expected_years", "rows"}``; each row has the JSON keys
    (SPEC §7) plus ``id`` and ``tier`` (the level ``--apply`` would set)."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.models import SalesOrder as O

    found = loyalty.buyers(ctx, as_of=as_of)
    r = loyalty.quarterly_retention(found, as_of=as_of)
    revenue = {
        cid: total if total is not None else Decimal("0.00")
        for cid, total in ctx.session.execute(
            select(O.customer_id, func.sum(O.total))
            .join(C, C.id == O.customer_id)
            .where(
                *customers.live(ctx),
                O.deleted_at.is_(None),
                O.status != "cancelled",
                O.ordered_on <= as_of,
            )
            .group_by(O.customer_id)
        )
    }
    costs = _costs(ctx, as_of)
    rows = []
    for b in found:
        money = _money(revenue.get(b.id))
        cost = costs.get(b.id, Decimal("0.00"))
        margin = money - cost
        tenure = (as_of - b.days[0]).days
        rows.append(
            {
                "id": b.id,
                "code": b.code,
                "name": b.name,
                "revenue": money,
                "cost": cost,
                "margin": margin,
                "orders": len(b.days),
                "tenure_days": tenure,
                "lifetime_value": lifetime_value(margin, tenure, r),
            }
        )
    rows.sort(key=lambda row: (-row["margin"], row["code"] or ""))
    for rank, row in enumerate(rows):
        row["tier"] = _tier(rank, len(rows), row["margin"])
    years = expected_years(r)
    return {
        "as_of": as_of,
        "retention": round(float(r), 4) if r is not None else None,
        "expected_years": round(float(years), 2) if years is not None else None,
        "rows": rows,
    }


def _money(value: Any) -> Decimal:
    """A SUM of a money column: Decimal through the Money type, or the raw integer cents."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return (Decimal(int(value)) / 100).quantize(CENT)


def _tier(rank: int, count: int, margin: Decimal) -> str:
    if margin <= 0:
        return "regular"
    for level, share in TIERS:
        if rank * 100 < count * share:
            return level
    return "regular"


def json_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows as ``report value -f json`` gives them (SPEC §7's keys, in order), and the
    value tier (the level ``--apply`` would set)."""
    keys = ("code", "name", "revenue", "cost", "margin", "orders", "tenure_days")
    return [
        {**{k: r[k] for k in keys}, "lifetime_value": r["lifetime_value"], "tier": r["tier"]}
        for r in data["rows"]
    ]


def tiers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Customers, margin and its share per tier, gold first."""
    total = sum((r["margin"] for r in rows), Decimal("0.00"))
    out = []
    for level in ("gold", "silver", "regular"):
        members = [r for r in rows if r["tier"] == level]
        margin = sum((r["margin"] for r in members), Decimal("0.00"))
        out.append(
            {
                "tier": level,
                "customers": len(members),
                "margin": margin,
                "margin_share": float(margin / total) if total > 0 else 0.0,
            }
        )
    return out


def apply(ctx: Ctx, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Set each ranked customer's level from its value tier (one audited, revertible batch,
    as ABC's ``--apply``: ``crm report segment --revert BATCH`` undoes it)."""
    return segments.set_levels(
        ctx,
        {r["id"]: r["tier"] for r in rows},
        file="report value",
        kind="value",
    )
