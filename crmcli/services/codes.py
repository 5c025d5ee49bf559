"""Record codes: C000001 customers, O000001 opportunities, D000001 orders, H000001
contracts, T000001 tickets, P0001 products.

A counter per prefix hands out the next number inside the writing transaction (on
SQLite the transaction holds the write lock; on PostgreSQL the counter row is
locked), skipping any code a user already gave a record by hand.
"""

from __future__ import annotations

from typing import Any

from crmcli.errors import Duplicate, Invalid
from crmcli.i18n import t
from crmcli.services.context import Ctx
from crmcli.validate import nfkc

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
            taken.update(_taken(ctx, table, candidates[i : i + 500]))
        codes.extend(c for c in candidates if c not in taken)
    session.execute(update(CodeCounter).where(CodeCounter.prefix == prefix).values(last=last))
    return codes


def _taken(ctx: Ctx, table: Any, codes: list[str]) -> list[str]:
    """Which of ``codes`` records of ``table`` hold, seen or not: on PostgreSQL a
    salesperson's own login role sees only her customers, so the database's
    ``crm_codes_taken`` answers for every row (migration i17_codes_taken)."""
    from sqlalchemy import select, text

    session = ctx.session
    if session.get_bind().dialect.name == "postgresql":
        q = text("SELECT crm_codes_taken(:table, CAST(:codes AS text[]))")
        return list(session.execute(q, {"table": table.__tablename__, "codes": codes}).scalars())
    return list(session.execute(select(table.code).where(table.code.in_(codes))).scalars())


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


def code_shape(code: str | None, label: str) -> str:
    """A code given by hand, folded (full-width forms, upper case): never blank, no spaces.
    Digits alone are a code too (an ERP's 01001, leading zeros kept): a record is looked up
    by such a code before its id (:func:`crmcli.services.refs.resolve`)."""
    text = nfkc(code or "").strip().upper()
    if not text:
        raise Invalid(t("{field} is required", field=label))
    if any(ch.isspace() for ch in text):
        raise Invalid(t("{field} may not contain spaces: '{value}'", field=label, value=text))
    return text


def check_code(
    ctx: Ctx,
    table: Any,
    code: str | None,
    *,
    label: str,
    taken: str,
    own_id: int | None = None,
    visible: Any = None,
) -> str:
    """``code`` in shape and not used by another record of ``table``. The other record is
    named only when ``visible`` (the actor's scope, None for everything) lets them see it;
    otherwise the code is only said to be taken (:func:`taken_code`)."""
    from sqlalchemy import select

    code = code_shape(code, label)
    other = ctx.session.execute(
        select(table.id, table.name).where(table.code == code, table.id != (own_id or -1))
    ).first()
    if other is None:
        if _taken(ctx, table, [code]):  # by a record the actor's own login may not read
            raise Duplicate(taken_code(label, code))
        return code
    if visible is not None:
        q = select(table.id).where(table.id == other.id, visible)
        if ctx.session.execute(q).first() is None:  # out of sight: the value is taken, no more
            raise Duplicate(taken_code(label, code))
    raise Duplicate(t(taken, value=code, other=f"{other.name} (id {other.id})"))


def taken_code(label: str, code: str) -> str:
    """A code that a record the actor may not see holds: said without naming that record."""
    return t("{what} '{value}' is already taken; choose another", what=label, value=code)
