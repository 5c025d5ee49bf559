"""The morning dashboard: what a salesperson looks at first, from the other services.

Nothing is computed here that a report or list already computes: the follow-ups due
come from :func:`followup_due.due`, drifting customers from :func:`care.drifting`, overdue
instalments from :func:`contracts.receivables`, the months from
:func:`analytics.monthly_orders`; only the open pipeline per stage is summed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crmcli.services.analysis import analytics
from crmcli.services.analysis.funnel import _visible, weighted
from crmcli.services.context import Ctx
from crmcli.services.relationship import care, followup_due
from crmcli.services.selling import contracts, pipeline

SHOWN = 8  # rows per section: one screen, not a report


@dataclass
class Dashboard:
    today: date
    due: Any  # followups.DueReport
    stages: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    drifting: list[dict[str, Any]] = field(default_factory=list)
    receivables: list[dict[str, Any]] = field(default_factory=list)


def open_pipeline(ctx: Ctx) -> list[dict[str, Any]]:
    """Open opportunities per stage, in pipeline order: how many, amount, weighted amount."""
    from sqlalchemy import select

    from crmcli.models import Customer, Opportunity

    stages = pipeline.pipeline(ctx)
    rows = {
        s.key: {
            "stage": s.key,
            "label": s.label,
            "opportunities": 0,
            "amount": Decimal("0.00"),
            "weighted_amount": Decimal("0.00"),
        }
        for s in stages.open
    }
    q = (
        select(Opportunity.stage, Opportunity.amount, Opportunity.probability)
        .join(Customer, Customer.id == Opportunity.customer_id)
        .where(*_visible(ctx), Opportunity.stage.not_in(pipeline.CLOSED))
    )
    for stage, amount, probability in ctx.session.execute(q):
        row = rows.get(stage)
        if row is None:  # a stage since removed from the settings
            continue
        row["opportunities"] += 1
        row["amount"] += amount or Decimal(0)
        row["weighted_amount"] += weighted(amount or Decimal(0), probability or 0)
    return list(rows.values())


def collect(ctx: Ctx, *, today: date, limit: int | None = SHOWN) -> Dashboard:
    """Every section; the follow-ups due are the first ``limit`` (None: all), with their
    count (the other lists are whole: the caller shows as many as it wants)."""
    board = Dashboard(
        today=today, due=followup_due.due(ctx, on=today, limit=limit, count=True, tickets=True)
    )
    board.stages = open_pipeline(ctx)
    board.months = analytics.monthly_orders(ctx, months=2, today=today)
    board.drifting = care.drifting(ctx, on=today, level="gold")
    board.drifting.sort(key=lambda d: -d["days_since_contact"])
    board.receivables = contracts.receivables(ctx, as_of=today, overdue=True)
    return board


def sections(board: Dashboard, *, limit: int | None = None) -> dict[str, Any]:
    """The dashboard as one object, a key per section (``report dashboard -f json``):
    the pipeline's stages and the months whole, the other lists their first ``limit``
    rows (None: every row)."""

    def first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows if limit is None else rows[:limit]

    return {
        "date": board.today,
        "followups_due": first(board.due.rows),
        "pipeline": board.stages,
        "orders_by_month": board.months,
        "drifting_gold": first(board.drifting),
        "overdue_receivables": first(board.receivables),
        "overdue_tickets": first(board.due.tickets),
    }
