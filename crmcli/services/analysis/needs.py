"""Customer needs analysis (实训3-1 做一份客户需求分析报告): what the needs records say.

A needs record (客户需求, 实训5-2) is a contact record of kind ``needs``; the course's
purchase-intention record lists "意向产品/服务、购买金额、购买紧迫程度、需求特点". A needs record
carries no product or urgency of its own: they come from the opportunity it became.

Which opportunity a need became: the one it is linked to (``crm log --opportunity``),
else the customer's first opportunity created on or after the day of the need (matched
by customer and date: the record names no product to match by). An order: one of that
linked opportunity, else the customer's first order (not cancelled) on or after the day of
the need. ``converted.linked`` says how many needs were linked, the rest were matched.

Counts only needs under customers the acting user may see; deleted records are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from crmcli.bulk import chunks
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.vocab import LEVEL, URGENCY


def _records(ctx: Ctx, since: date | None, until: date | None) -> list[Any]:
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import Interaction as I

    q = (
        select(I.id, I.customer_id, I.occurred_at, I.opportunity_id, C.level)
        .join(C, C.id == I.customer_id)
        .where(*customers.live(ctx), I.deleted_at.is_(None), I.kind == "needs")
    )
    if since:
        q = q.where(I.occurred_at >= datetime.combine(since, time()))
    if until:
        q = q.where(I.occurred_at < datetime.combine(until + timedelta(days=1), time()))
    return list(ctx.session.execute(q.order_by(I.occurred_at, I.id)))


def needs(ctx: Ctx, *, since: date | None = None, until: date | None = None) -> dict[str, Any]:
    """``{"by_product", "by_category", "by_urgency", "by_level", "converted"}`` (SPEC §7),
    each row with ``records``, ``to_opportunities`` and ``to_orders``; the most needs first,
    needs without a product (or category) last."""
    from sqlalchemy import select

    from crmcli.models import Opportunity as O
    from crmcli.models import Product as P
    from crmcli.models import SalesOrder as S
    from crmcli.validate import check_window

    check_window(since, until)
    records = _records(ctx, since, until)
    ids = sorted({r.customer_id for r in records})
    opportunities: dict[int, Any] = {}
    by_customer: dict[int, list[Any]] = defaultdict(list)
    orders_of_opp: set[int] = set()
    orders_by_customer: dict[int, list[date]] = defaultdict(list)
    if ids:
        for chunk in chunks(ids):
            for o in ctx.session.execute(
                select(O.id, O.customer_id, O.created_at, O.urgency, P.code, P.name, P.category)
                .outerjoin(P, P.id == O.product_id)
                .where(O.customer_id.in_(chunk), O.deleted_at.is_(None))
                .order_by(O.created_at, O.id)
            ):
                opportunities[o.id] = o
                by_customer[o.customer_id].append(o)
            for s in ctx.session.execute(
                select(S.customer_id, S.opportunity_id, S.ordered_on)
                .where(S.customer_id.in_(chunk), S.deleted_at.is_(None), S.status != "cancelled")
                .order_by(S.ordered_on)
            ):
                if s.opportunity_id is not None:
                    orders_of_opp.add(s.opportunity_id)
                orders_by_customer[s.customer_id].append(s.ordered_on)

    def zero() -> dict[str, int]:
        return {"records": 0, "to_opportunities": 0, "to_orders": 0}

    product: dict[tuple, dict[str, int]] = defaultdict(zero)
    category: dict[Any, dict[str, int]] = defaultdict(zero)
    urgency: dict[Any, dict[str, int]] = defaultdict(zero)
    level: dict[str, dict[str, int]] = defaultdict(zero)
    total = zero()
    linked = 0
    for r in records:
        day = r.occurred_at.date()
        opp = opportunities.get(r.opportunity_id) if r.opportunity_id else None
        if opp is not None:
            linked += 1
            ordered = opp.id in orders_of_opp
        else:
            opp = next((o for o in by_customer[r.customer_id] if o.created_at.date() >= day), None)
            ordered = any(d >= day for d in orders_by_customer[r.customer_id])
        counts = {"records": 1, "to_opportunities": int(opp is not None), "to_orders": int(ordered)}
        keys = [
            product[(opp.code, opp.name, opp.category) if opp else (None, None, None)],
            category[opp.category if opp else None],
            urgency[opp.urgency if opp else None],
            level[r.level],
            total,
        ]
        for bucket in keys:
            for k, v in counts.items():
                bucket[k] += v

    return {
        "since": since,
        "until": until,
        "by_product": [
            {"product_code": code, "product": name, "category": cat, **product[(code, name, cat)]}
            for code, name, cat in sorted(
                product, key=lambda k: (k[0] is None, -product[k]["records"], k[0] or "")
            )
        ],
        "by_category": [
            {"category": c, **category[c]}
            for c in sorted(category, key=lambda c: (c is None, -category[c]["records"], c or ""))
        ],
        "by_urgency": [
            {"urgency": u, **urgency[u]}
            for u in [
                *reversed(URGENCY.keys),
                None,
                *sorted(k for k in urgency if k not in URGENCY.keys and k),
            ]
            if u in urgency
        ],
        "by_level": [{"level": v, **level[v]} for v in LEVEL.keys if v in level],
        "converted": {**total, "linked": linked},
    }
