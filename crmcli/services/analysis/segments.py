"""Customer segmentation (客户细分): RFM's eight classes, ABC tiers, and plain breakdowns.

The rules are SPEC §5, to the letter. Orders are aggregated in SQL (one GROUP BY);
the classes are decided in Python with exact integer arithmetic, so a value equal to
the mean is never "above" it by a rounding error:

- RFM, over customers with at least one order not cancelled, as of a day: R = days
  since the last order, F = orders, M = order total. *recent* when R < mean R,
  *frequent* when F > mean F, *big* when M > mean M.
- ABC: customers ranked by money, largest first (ties by code); A when the customers
  ranked above make under 80% of the total, B under 95%, else C; no orders -> C.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.validate import ID_LIMIT

#: RFM classes in the course's order: (key, recent, frequent, big, English, Chinese)
RFM_CLASSES = [
    ("important_value", True, True, True, "Important value", "重要价值客户"),
    ("important_development", True, False, True, "Important development", "重要发展客户"),
    ("important_retention", False, True, True, "Important retention", "重要保持客户"),
    ("important_recovery", False, False, True, "Important recovery", "重要挽留客户"),
    ("general_value", True, True, False, "General value", "一般价值客户"),
    ("general_development", True, False, False, "General development", "一般发展客户"),
    ("general_retention", False, True, False, "General retention", "一般保持客户"),
    ("general_recovery", False, False, False, "General recovery", "一般挽留客户"),
]
_CLASS_OF = {(r, f, b): key for key, r, f, b, _en, _zh in RFM_CLASSES}
ABC_LEVEL = {"A": "gold", "B": "silver", "C": "regular"}
BREAKDOWNS = ("level", "industry", "city", "source", "status", "owner")
CENT = Decimal("0.01")


def order_totals(ctx: Ctx, as_of: date) -> Any:
    """A subquery: per customer, last order day, orders and total (not cancelled, up to as_of)."""
    from sqlalchemy import func, select

    from crmcli.models import SalesOrder as O

    return (
        select(
            O.customer_id.label("customer_id"),
            func.max(O.ordered_on).label("last_order"),
            func.count(O.id).label("frequency"),
            func.sum(O.total).label("monetary"),
        )
        .where(O.status != "cancelled", O.deleted_at.is_(None), O.ordered_on <= as_of)
        .group_by(O.customer_id)
        .subquery()
    )


def _cents(value: Any) -> int:
    """Money from a SUM (Decimal through the Money type, or the raw integer cents)."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value * 100)
    return int(value)


def rfm(ctx: Ctx, *, as_of: date) -> list[dict[str, Any]]:
    """One row per customer with orders: code, name, recency_days, frequency, monetary, segment."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    totals = order_totals(ctx, as_of)
    q = (
        select(C.code, C.name, totals.c.last_order, totals.c.frequency, totals.c.monetary)
        .join(totals, totals.c.customer_id == C.id)
        .where(*customers.live(ctx))
        .order_by(C.code)
    )
    rows = []
    for code, name, last, frequency, monetary in ctx.session.execute(q):
        last_day = last if isinstance(last, date) else date.fromisoformat(str(last)[:10])
        rows.append((code, name, (as_of - last_day).days, int(frequency), _cents(monetary)))
    n = len(rows)
    sum_r = sum(r[2] for r in rows)
    sum_f = sum(r[3] for r in rows)
    sum_m = sum(r[4] for r in rows)
    result = []
    for code, name, recency, frequency, cents in rows:
        # x compared with mean = sum / n, exactly: x * n against sum
        key = (recency * n < sum_r, frequency * n > sum_f, cents * n > sum_m)
        result.append(
            {
                "code": code,
                "name": name,
                "recency_days": recency,
                "frequency": frequency,
                "monetary": Decimal(cents) / 100,
                "segment": _CLASS_OF[key],
            }
        )
    return result


def rfm_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Count, share and money per class, all eight classes in the course's order."""
    total = len(rows)
    summary = []
    for key, *_flags, en, zh in RFM_CLASSES:
        members = [r for r in rows if r["segment"] == key]
        summary.append(
            {
                "segment": key,
                "label_en": en,
                "label_zh": zh,
                "customers": len(members),
                "share": len(members) / total if total else 0.0,
                "monetary": sum((r["monetary"] for r in members), Decimal("0.00")),
            }
        )
    return summary


def abc(ctx: Ctx, *, as_of: date) -> list[dict[str, Any]]:
    """Pareto tiers over every live customer: code, name, monetary, cumulative_share, class."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    totals = order_totals(ctx, as_of)
    q = (
        select(C.id, C.code, C.name, totals.c.monetary)
        .outerjoin(totals, totals.c.customer_id == C.id)
        .where(*customers.live(ctx))
    )
    rows = [(cid, code, name, _cents(m)) for cid, code, name, m in ctx.session.execute(q)]
    rows.sort(key=lambda r: (-r[3], r[1] or ""))
    grand = sum(r[3] for r in rows)
    result = []
    above = 0
    for cid, code, name, cents in rows:
        if cents <= 0:
            tier = "C"
        elif above * 100 < grand * 80:
            tier = "A"
        elif above * 100 < grand * 95:
            tier = "B"
        else:
            tier = "C"
        above += cents
        result.append(
            {
                "id": cid,
                "code": code,
                "name": name,
                "monetary": Decimal(cents) / 100,
                "cumulative_share": float(Fraction(above, grand)) if grand else 0.0,
                "class": tier,
            }
        )
    return result


def abc_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = len(rows)
    grand = sum((r["monetary"] for r in rows), Decimal("0.00"))
    summary = []
    for tier in "ABC":
        members = [r for r in rows if r["class"] == tier]
        money = sum((r["monetary"] for r in members), Decimal("0.00"))
        summary.append(
            {
                "class": tier,
                "customers": len(members),
                "share": len(members) / total if total else 0.0,
                "monetary": money,
                "money_share": float(money / grand) if grand else 0.0,
            }
        )
    return summary


def apply_abc(ctx: Ctx, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Set each customer's level from its ABC class (A gold, B silver, C regular)."""
    wanted = {r["id"]: ABC_LEVEL[r["class"]] for r in rows}
    return set_levels(ctx, wanted, file="report segment --by abc", kind="abc")


def set_levels(ctx: Ctx, wanted: dict[int, str], *, file: str, kind: str) -> dict[str, Any]:
    """Set customers' levels (customer id -> level) as one revertible batch.

    The changes form one batch (an ``import_batch`` row of entity ``segment``, ``format``
    the kind: ``abc``, ``value``) whose audit entries keep every old level, so the whole
    apply can be reverted with :func:`revert_apply`. Admins and managers only.
    """
    from sqlalchemy import select

    from crmcli.models import Customer, ImportBatch

    permissions.require_role(ctx, permissions.CHANGE_ALL, t("apply levels to customers"))
    batch = ImportBatch(
        at=ctx.at,
        user=ctx.actor.username,
        entity="segment",
        file=file,
        format=kind,
        read=len(wanted),
    )
    ctx.session.add(batch)
    ctx.session.flush()
    changed = 0
    ids = list(wanted)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for customer in ctx.session.execute(
            select(Customer).where(Customer.id.in_(chunk))
        ).scalars():
            new = wanted[customer.id]
            if customer.level == new:
                continue
            audit.record(
                ctx,
                "update",
                "customer",
                customer.id,
                code=customer.code,
                changes={"level": [customer.level, new]},
                batch_id=batch.id,
            )
            customer.level = new
            customer.updated_at = ctx.at
            changed += 1
    batch.updated = changed
    batch.skipped = len(wanted) - changed
    return {"batch": batch.id, "customers": len(wanted), "changed": changed}


def revert_apply(ctx: Ctx, batch_id: int) -> dict[str, Any]:
    """Put back the levels an ``--apply`` changed (unless a customer's level moved since)."""
    from sqlalchemy import select

    from crmcli.errors import Conflict, NotFound
    from crmcli.models import AuditEntry, Customer, ImportBatch

    permissions.require_role(ctx, permissions.CHANGE_ALL, t("apply levels to customers"))
    batch = ctx.session.get(ImportBatch, batch_id) if batch_id <= ID_LIMIT else None
    if batch is None or batch.entity != "segment":
        raise NotFound(
            t("no level apply batch {batch}", batch=batch_id),
            hint=t("see the batches with: crm db audit --entity customer"),
        )
    if batch.undone_at is not None:
        raise Conflict(t("batch {batch} was already reverted", batch=batch_id))
    entries = ctx.session.execute(
        select(AuditEntry).where(AuditEntry.batch_id == batch_id).order_by(AuditEntry.id)
    ).scalars()
    reverted = kept = 0
    for entry in entries:
        old, new = entry.changes["level"]
        customer = ctx.session.get(Customer, entry.entity_id)
        if customer is None or customer.level != new:
            kept += 1
            continue
        customer.level = old
        customer.updated_at = ctx.at
        audit.record(
            ctx,
            "update",
            "customer",
            customer.id,
            code=customer.code,
            changes={"level": [new, old]},
        )
        reverted += 1
    batch.undone_at = ctx.at
    audit.record(
        ctx, "revert", "import_batch", batch_id, changes={"reverted": reverted, "kept": kept}
    )
    return {"batch": batch_id, "reverted": reverted, "kept": kept}


def breakdown(ctx: Ctx, *, by: str, as_of: date) -> list[dict[str, Any]]:
    """Customers, share and revenue per value of a field (level, city, owner ...)."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.models import User

    if by not in BREAKDOWNS:
        raise Invalid(
            t(
                "unknown {what} '{value}' ({accepted})",
                what=t("segmentation"),
                value=by,
                accepted=", ".join(("rfm", "abc", *BREAKDOWNS)),
            )
        )
    totals = order_totals(ctx, as_of)
    column = User.username if by == "owner" else getattr(C, by)
    q = (
        select(column.label("value"), func.count(C.id), func.sum(totals.c.monetary))
        .select_from(C)
        .outerjoin(totals, totals.c.customer_id == C.id)
        .where(*customers.live(ctx))
        .group_by(column)
    )
    if by == "owner":
        q = q.outerjoin(User, User.id == C.owner_id)
    rows = [(value, int(count), _cents(money)) for value, count, money in ctx.session.execute(q)]
    counted = sum(r[1] for r in rows)
    rows.sort(key=lambda r: (-r[2], -r[1], str(r[0] or "")))
    return [
        {
            by: value,
            "customers": count,
            "share": count / counted if counted else 0.0,
            "revenue": Decimal(cents) / 100,
        }
        for value, count, cents in rows
    ]
