"""The sales funnel and the forecast, from opportunities and their stage history.

An opportunity *reached* a stage when the furthest open stage it has ever been in (won
counting as past every open stage) is that stage or later (SPEC §3); the furthest
stage comes from the stage history in one GROUP BY. A stage's conversion is
reached(next stage) / reached(stage).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crmcli.services import permissions, settings
from crmcli.services.context import Ctx
from crmcli.services.people import user_id

CENT = Decimal("0.01")
CLOSED = ("won", "lost")


def pipeline(ctx: Ctx) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The stages from the settings, and each stage's rank: open stages 0.., won after them."""
    stages = settings.get(ctx, "pipeline.stages")
    open_keys = [s["key"] for s in stages if s["key"] not in CLOSED]
    rank = {key: i for i, key in enumerate(open_keys)}
    rank["won"] = len(open_keys)
    return stages, rank


def weighted(amount: Decimal, probability: int | float) -> Decimal:
    return (amount * Decimal(probability) / 100).quantize(CENT, ROUND_HALF_UP)


def _visible(ctx: Ctx) -> list[Any]:
    from crmcli.models import Customer, Opportunity

    conds = [Opportunity.deleted_at.is_(None), Customer.deleted_at.is_(None)]
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        conds.append(scope)
    return conds


def funnel(
    ctx: Ctx,
    *,
    owner: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """SPEC §6: stages (reached, conversion, amount, weighted_amount), won, lost, win rate,
    average days to win, lost reasons ranked. ``since``/``until`` filter on creation."""
    from sqlalchemy import case, func, select

    from crmcli.models import Customer, Opportunity, StageChange

    stages, rank = pipeline(ctx)
    to_rank = case(rank, value=StageChange.to_stage, else_=-1)
    from_rank = case(rank, value=StageChange.from_stage, else_=-1)
    history = (
        select(
            StageChange.opportunity_id.label("opportunity_id"),
            func.max(to_rank).label("to_rank"),
            func.max(from_rank).label("from_rank"),
        )
        .group_by(StageChange.opportunity_id)
        .subquery()
    )
    q = (
        select(
            Opportunity.stage,
            Opportunity.amount,
            Opportunity.created_at,
            Opportunity.closed_at,
            Opportunity.lost_reason,
            history.c.to_rank,
            history.c.from_rank,
        )
        .join(Customer, Customer.id == Opportunity.customer_id)
        .outerjoin(history, history.c.opportunity_id == Opportunity.id)
        .where(*_visible(ctx))
    )
    if owner is not None:
        q = q.where(Opportunity.owner_id == user_id(ctx, owner))
    if since is not None:
        q = q.where(Opportunity.created_at >= since)
    if until is not None:
        q = q.where(Opportunity.created_at < until)

    ranks = sorted(set(rank.values()))
    reached = dict.fromkeys(ranks, 0)
    amounts = {r: Decimal("0.00") for r in ranks}
    won = lost = 0
    days_to_win: list[float] = []
    reasons: dict[str, int] = {}
    for stage, amount, created, closed, reason, to_r, from_r in ctx.session.execute(q):
        furthest = max(
            rank.get(stage, -1),
            to_r if to_r is not None else -1,
            from_r if from_r is not None else -1,
        )
        for r in ranks:
            if furthest >= r:
                reached[r] += 1
                amounts[r] += amount or Decimal(0)
        if stage == "won":
            won += 1
            if created and closed:
                days_to_win.append((closed - created).total_seconds() / 86400)
        elif stage == "lost":
            lost += 1
            key = (reason or "").strip() or "-"
            reasons[key] = reasons.get(key, 0) + 1

    probability = {s["key"]: s["probability"] for s in stages}
    by_rank = {r: key for key, r in rank.items()}
    rows = []
    for r in ranks:
        key = by_rank[r]
        nxt = reached.get(r + 1)
        rows.append(
            {
                "stage": key,
                "reached": reached[r],
                "conversion": (nxt / reached[r] if reached[r] else 0.0)
                if nxt is not None
                else None,
                "amount": amounts[r],
                "weighted_amount": weighted(amounts[r], probability.get(key, 0)),
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


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def forecast(ctx: Ctx, *, months: int, today: date, by_owner: bool = False) -> list[dict[str, Any]]:
    """Weighted open amount by month of expected close, this month and the next ``months - 1``.

    Open opportunities expected to close before this month are shown as ``overdue``;
    those without a date or after the window are left out (the table says how many).
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
        .where(*_visible(ctx), Opportunity.stage.not_in(CLOSED))
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
