"""Record codes: C000001 customers, O000001 opportunities, D000001 orders, H000001
contracts, T000001 tickets, P0001 products.

A counter per prefix hands out the next number inside the writing transaction (on
SQLite the transaction holds the write lock; on PostgreSQL the counter row is
locked), skipping any code a user already gave a record by hand.
"""

from __future__ import annotations

from typing import Any

from crmcli.services.context import Ctx

WIDTH = {"C": 6, "O": 6, "D": 6, "H": 6, "T": 6, "P": 4}


def next_codes(ctx: Ctx, prefix: str, table: Any, count: int = 1) -> list[str]:
    """``count`` unused codes for ``table`` (a model with a ``code`` column)."""
    from sqlalchemy import select, update

    from crmcli.models import CodeCounter

    session = ctx.session
    locked = select(CodeCounter.last).where(CodeCounter.prefix == prefix).with_for_update()
    last = session.execute(locked).scalar()
    if last is None:
        _create_counter(ctx, prefix)
        last = session.execute(locked).scalar()
    width = WIDTH[prefix]
    codes: list[str] = []
    while len(codes) < count:
        wanted = count - len(codes)
        candidates = [f"{prefix}{n:0{width}d}" for n in range(last + 1, last + 1 + wanted)]
        last += wanted
        taken: set[str] = set()
        for i in range(0, len(candidates), 500):
            chunk = candidates[i : i + 500]
            taken.update(session.execute(select(table.code).where(table.code.in_(chunk))).scalars())
        codes.extend(c for c in candidates if c not in taken)
    session.execute(update(CodeCounter).where(CodeCounter.prefix == prefix).values(last=last))
    return codes


def _create_counter(ctx: Ctx, prefix: str) -> None:
    """Insert the prefix's counter row; a concurrent writer that inserted it first wins."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from crmcli.models import CodeCounter

    try:
        with ctx.session.begin_nested():
            ctx.session.execute(insert(CodeCounter).values(prefix=prefix, last=0))
    except IntegrityError:  # PostgreSQL: another transaction created it meanwhile
        pass


def next_code(ctx: Ctx, prefix: str, table: Any) -> str:
    return next_codes(ctx, prefix, table, 1)[0]
