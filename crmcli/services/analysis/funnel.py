"""The sales funnel and the forecast, from opportunities and their stage history.

How far each opportunity got comes from :func:`crmcli.services.selling.pipeline.furthest_by_opportunity`
(SPEC §3: the furthest open stage it has ever been in, won counting as past every open
stage); an opportunity *reached* every stage up to that one. A stage's conversion is
reached(next stage) / reached(stage).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.selling import pipeline
from crmcli.services.team.people import user_id

CENT = Decimal("0.01")


def weighted(amount: Decimal, probability: int | float) -> Decimal:
    return (amount * Decimal(probability) / 100).quantize(CENT, ROUND_HALF_UP)


def _visible(ctx: Ctx) -> list[Any]:
    """Live opportunities of live customers the acting user may see."""
    from crmcli.models import Opportunity

    return [Opportunity.deleted_at.is_(None), *customers.live(ctx)]


def funnel(
    ctx: Ctx,
    *,
    owner: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """SPEC §6: stages (reached, conversion, amount, weighted_amount), won, lost, win rate,
    average days to win, lost reasons ranked. ``since``/``until`` filter on creation."""
    from sqlalchemy import select

    from crmcli.models import Customer, Opportunity

    stages = pipeline.pipeline(ctx)
    q = (
        select(
            Opportunity.id,
            Opportunity.stage,
            Opportunity.amount,
            Opportunity.created_at,
            Opportunity.closed_at,
            Opportunity.lost_reason,
        )
        .join(Customer, Customer.id == Opportunity.customer_id)
        .where(*_visible(ctx))
    )
    if owner is not None:
        q = q.where(Opportunity.owner_id == user_id(ctx, owner))
    if since is not None:
        q = q.where(Opportunity.created_at >= since)
    if until is not None:
        q = q.where(Opportunity.created_at < until)

    furthest = pipeline.furthest_by_opportunity(ctx)
    keys = [s.key for s in stages.open] + ["won"]
    reached = dict.fromkeys(keys, 0)
    amounts = {key: Decimal("0.00") for key in keys}
    won = lost = 0
    days_to_win: list[float] = []
    reasons: dict[str, int] = {}
    for opp_id, stage, amount, created, closed, reason in ctx.session.execute(q):
        got = furthest.get(opp_id)
        for key in keys:
            if pipeline.reached(got, key, stages):
                reached[key] += 1
                amounts[key] += amount or Decimal(0)
        if stage == "won":
            won += 1
            if created and closed:
                days_to_win.append((closed - created).total_seconds() / 86400)
        elif stage == "lost":
            lost += 1
            text = (reason or "").strip() or "-"
            reasons[text] = reasons.get(text, 0) + 1

    rows = []
    for i, key in enumerate(keys):
        nxt = reached[keys[i + 1]] if i + 1 < len(keys) else None
        rows.append(
            {
                "stage": key,
                "reached": reached[key],
                "conversion": (nxt / reached[key] if reached[key] else 0.0)
                if nxt is not None
                else None,
                "amount": amounts[key],
                "weighted_amount": weighted(amounts[key], stages.by_key[key].probability),
            }
        )
    return {
        "stages": rows,
        "won": won,
        "lost": lost,
        "win_rate": won / (won + lost) if won + lost else None,
        "avg_days_to_win": round(sum(days_to_win) / len(days_to_win), 1) if days_to_win else None,
        "lost_reasons": [
            {"reason": reason, "count": count}
            for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def beyond_forecast(ctx: Ctx, *, months: int, today: date) -> int:
    """Open opportunities :func:`forecast` leaves out: no expected close date, or one
    after its window."""
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import func, or_, select

    from crmcli.models import Customer, Opportunity

    end = date(today.year, today.month, 1) + relativedelta(months=months)
    q = (
        select(func.count())
        .select_from(Opportunity)
        .join(Customer, Customer.id == Opportunity.customer_id)
        .where(
            *_visible(ctx),
            Opportunity.stage.not_in(pipeline.CLOSED),
            or_(Opportunity.expected_close.is_(None), Opportunity.expected_close >= end),
        )
    )
    return ctx.session.execute(q).scalar() or 0


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shown_months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Forecast rows for a reader: the ``overdue`` row headed Overdue / 已逾期 (JSON and CSV
    keep the key)."""
    from crmcli.i18n import pick

    overdue = pick("Overdue", "已逾期")
    return [{**r, "month": overdue} if r["month"] == "overdue" else r for r in rows]


def forecast(ctx: Ctx, *, months: int, today: date, by_owner: bool = False) -> list[dict[str, Any]]:
    """Weighted open amount by month of expected close, this month and the next ``months - 1``.

    Open opportunities expected to close before this month are shown as ``overdue``;
    those without a date or after the window are left out (:func:`beyond_forecast`
    counts them).
    """
    from sqlalchemy import select

    from crmcli.models import Customer, Opportunity, User

    first = date(today.year, today.month, 1)
    labels = []
    year, month = first.year, first.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    q = (
        select(
            Opportunity.amount, Opportunity.probability, Opportunity.expected_close, User.username
        )
        .join(Customer, Customer.id == Opportunity.customer_id)
        .outerjoin(User, User.id == Opportunity.owner_id)
        .where(*_visible(ctx), Opportunity.stage.not_in(pipeline.CLOSED))
    )
    buckets: dict[tuple[str, str | None], dict[str, Any]] = {}
    for amount, probability, close, owner in ctx.session.execute(q):
        if close is None:
            continue
        label = "overdue" if close < first else _month(close)
        if label != "overdue" and label not in labels:
            continue
        key = (label, owner if by_owner else None)
        row = buckets.setdefault(
            key,
            {
                "month": label,
                "opportunities": 0,
                "amount": Decimal("0.00"),
                "weighted_amount": Decimal("0.00"),
            },
        )
        if by_owner:
            row["owner"] = owner
        row["opportunities"] += 1
        row["amount"] += amount or Decimal(0)
        row["weighted_amount"] += weighted(amount or Decimal(0), probability or 0)
    order = {label: i for i, label in enumerate(["overdue", *labels])}
    if not by_owner:  # every month of the window, empty ones too
        for label in labels:
            buckets.setdefault(
                (label, None),
                {
                    "month": label,
                    "opportunities": 0,
                    "amount": Decimal("0.00"),
                    "weighted_amount": Decimal("0.00"),
                },
            )
    return sorted(buckets.values(), key=lambda r: (order[r["month"]], r.get("owner") or ""))
