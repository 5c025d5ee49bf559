"""Customer care (客户关怀): who is drifting away, whose birthday or anniversary is near.

- *Drifting*: a customer not contacted for its level's interval (``care.intervals``:
  gold 14 days, silver 30, regular 90). Any logged interaction resets the clock; a
  customer never contacted counts from when it was added. Lost customers are left out.
- *Birthdays* of contacts and *anniversaries* of the relationship (``customer_since``,
  往来起始日期) falling in the window ``on`` .. ``on + within`` days. A 29 February
  birthday is kept on 28 February in other years.
- Each line carries the care action of the customer's level (``care.actions``).

Month and day are compared in SQL (``extract``), so only matching rows are read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from crmcli.i18n import is_zh, pick, t
from crmcli.services.context import Ctx
from crmcli.services.team import permissions, settings

JSON_FIELDS = [
    "kind",
    "date",
    "days",
    "customer_code",
    "customer_name",
    "level",
    "contact",
    "phone",
    "last_contact_at",
    "days_since_contact",
    "years",
    "detail",
    "action",
]
KIND_ORDER = {"drifting": 0, "birthday": 1, "anniversary": 2}


def _action(actions: dict[str, Any], level: str) -> str | None:
    value = actions.get(level)
    if isinstance(value, dict):
        return pick(
            value.get("en") or value.get("zh") or "", value.get("zh") or value.get("en") or ""
        )
    return value


def _days_in_window(on: date, within: int) -> dict[int, date]:
    """month*100+day -> the date it falls on in the window (29 Feb on 28 Feb elsewhere)."""
    found: dict[int, date] = {}
    for i in range(within + 1):
        day = on + timedelta(days=i)
        found.setdefault(day.month * 100 + day.day, day)
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        if day.month == 2 and day.day == 28 and not leap:
            found.setdefault(229, day)
    return found


def main_contact(customer_id: Any) -> Any:
    """A correlated subquery: the customer's decision maker, else its first contact."""
    from sqlalchemy import case, select
    from sqlalchemy.orm import aliased

    from crmcli.models import Contact

    K = aliased(Contact, name="main_contact")
    return (
        select(K.id)
        .where(K.customer_id == customer_id, K.deleted_at.is_(None))
        .order_by(case((K.role == "decision_maker", 0), else_=1), K.id)
        .limit(1)
        .scalar_subquery()
    )


def _visible(q: Any, ctx: Ctx) -> Any:
    from crmcli.models import Customer as C

    q = q.where(C.deleted_at.is_(None), C.status != "lost")
    scope = permissions.customer_scope(ctx)
    return q.where(scope) if scope is not None else q


def _lapsed(ctx: Ctx, on: date, level: str | None) -> tuple[Any, Any, Any, dict[str, int]]:
    """The last contact of each customer (a subquery), the day a customer's wait counts
    from, and the condition of having waited past the level's interval (None: no level
    to look at)."""
    from sqlalchemy import and_, func, or_, select

    from crmcli.models import Customer as C
    from crmcli.models import Interaction as I

    intervals: dict[str, int] = settings.get(ctx, "care.intervals")
    last = (
        select(I.customer_id, func.max(I.occurred_at).label("last_at"))
        .where(I.deleted_at.is_(None))
        .group_by(I.customer_id)
        .subquery()
    )
    since = func.coalesce(last.c.last_at, C.created_at)
    lapsed = [
        and_(C.level == lv, since < datetime.combine(on - timedelta(days=days - 1), time()))
        for lv, days in intervals.items()
        if level is None or lv == level
    ]
    return last, since, or_(*lapsed) if lapsed else None, intervals


def drifting_count(ctx: Ctx, *, on: date, level: str | None = None) -> int:
    """How many customers :func:`drifting` finds, without reading them."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C

    last, _, lapsed, _ = _lapsed(ctx, on, level)
    if lapsed is None:
        return 0
    q = select(func.count()).select_from(C).outerjoin(last, last.c.customer_id == C.id)
    return ctx.session.execute(_visible(q.where(lapsed), ctx)).scalar_one()


def drifting(
    ctx: Ctx, *, on: date, level: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Customers drifting away: no contact for longer than their level's interval (of one
    ``level`` only, when given); with a ``limit``, those waiting longest, first."""
    from sqlalchemy import func, select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C

    last, since, lapsed, intervals = _lapsed(ctx, on, level)
    if lapsed is None:
        return []
    actions = settings.get(ctx, "care.actions")
    q = (
        select(
            C.code,
            C.name,
            C.level,
            C.phone.label("customer_phone"),
            since.label("since"),
            last.c.last_at,
            K.name.label("contact"),
            func.coalesce(K.mobile, K.phone).label("phone"),
        )
        .select_from(C)
        .outerjoin(last, last.c.customer_id == C.id)
        .outerjoin(K, K.id == main_contact(C.id))
        .where(lapsed)
    )
    if limit is not None:
        q = q.order_by(since, C.code).limit(limit)
    result = []
    for r in ctx.session.execute(_visible(q, ctx)):
        interval = intervals[r.level]
        since_day = r.since.date()
        due_on = since_day + timedelta(days=interval)
        waited = (on - since_day).days
        if r.last_at is None:
            detail = t(
                "never contacted; added {days} days ago (every {interval} days)",
                days=waited,
                interval=interval,
            )
        else:
            detail = t(
                "{days} days since the last contact (every {interval} days)",
                days=waited,
                interval=interval,
            )
        result.append(
            {
                "kind": "drifting",
                "date": due_on,
                "days": (due_on - on).days,
                "customer_code": r.code,
                "customer_name": r.name,
                "level": r.level,
                "contact": r.contact,
                "phone": r.phone or r.customer_phone,
                "last_contact_at": r.last_at,
                "days_since_contact": waited,
                "years": None,
                "detail": detail,
                "action": _action(actions, r.level),
            }
        )
    return result


def _month_day(column: Any) -> Any:
    from sqlalchemy import extract

    return extract("month", column) * 100 + extract("day", column)


def birthdays(ctx: Ctx, *, on: date, within: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C

    window = _days_in_window(on, within)
    actions = settings.get(ctx, "care.actions")
    q = (
        select(
            K.name,
            K.title,
            K.birthday,
            K.mobile,
            K.phone,
            C.code,
            C.name.label("customer_name"),
            C.level,
            C.phone.label("customer_phone"),
        )
        .select_from(K)
        .join(C, C.id == K.customer_id)
        .where(
            K.deleted_at.is_(None),
            K.birthday.is_not(None),
            _month_day(K.birthday).in_(list(window)),
        )
    )
    result = []
    for r in ctx.session.execute(_visible(q, ctx)):
        day = window[r.birthday.month * 100 + r.birthday.day]
        age = day.year - r.birthday.year
        who = (
            f"{r.name}（{r.title}）"
            if r.title and is_zh()
            else (f"{r.name} ({r.title})" if r.title else r.name)
        )
        detail = (
            t("{who}: birthday, turns {age}", who=who, age=age)
            if 0 < age < 130
            else t("{who}: birthday", who=who)
        )
        result.append(
            {
                "kind": "birthday",
                "date": day,
                "days": (day - on).days,
                "customer_code": r.code,
                "customer_name": r.customer_name,
                "level": r.level,
                "contact": r.name,
                "phone": r.mobile or r.phone or r.customer_phone,
                "last_contact_at": None,
                "days_since_contact": None,
                "years": age if 0 < age < 130 else None,
                "detail": detail,
                "action": _action(actions, r.level),
            }
        )
    return result


def anniversaries(ctx: Ctx, *, on: date, within: int) -> list[dict[str, Any]]:
    from sqlalchemy import func, select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C

    window = _days_in_window(on, within)
    actions = settings.get(ctx, "care.actions")
    q = (
        select(
            C.code,
            C.name,
            C.level,
            C.customer_since,
            C.phone.label("customer_phone"),
            K.name.label("contact"),
            func.coalesce(K.mobile, K.phone).label("phone"),
        )
        .select_from(C)
        .outerjoin(K, K.id == main_contact(C.id))
        .where(C.customer_since.is_not(None), _month_day(C.customer_since).in_(list(window)))
    )
    result = []
    for r in ctx.session.execute(_visible(q, ctx)):
        day = window[r.customer_since.month * 100 + r.customer_since.day]
        years = day.year - r.customer_since.year
        if years < 1:
            continue
        result.append(
            {
                "kind": "anniversary",
                "date": day,
                "days": (day - on).days,
                "customer_code": r.code,
                "customer_name": r.name,
                "level": r.level,
                "contact": r.contact,
                "phone": r.phone or r.customer_phone,
                "last_contact_at": None,
                "days_since_contact": None,
                "years": years,
                "detail": t(
                    "{years} years as a customer (since {since})",
                    years=years,
                    since=r.customer_since.isoformat(),
                ),
                "action": _action(actions, r.level),
            }
        )
    return result


def due(ctx: Ctx, *, on: date, within: int) -> list[dict[str, Any]]:
    """Drifting customers as of ``on``, birthdays and anniversaries up to ``on + within``."""
    items = [
        *drifting(ctx, on=on),
        *birthdays(ctx, on=on, within=within),
        *anniversaries(ctx, on=on, within=within),
    ]
    items.sort(key=lambda i: (i["date"], KIND_ORDER[i["kind"]], i["customer_code"] or ""))
    return [{k: i[k] for k in JSON_FIELDS} for i in items]
