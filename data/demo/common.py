"""Shared by every area: the seeded random source, the anchor date and the working-day
calendar around it, and how dates and money are written.

Every random draw of the book goes through ``rng``. The areas draw in the order
``book.build`` calls them, so moving a call (or a draw inside one) changes demo.json.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

rng = random.Random(2026)

ANCHOR = date(2026, 11, 26)  # a Thursday
HISTORY_START = date(2024, 12, 2)
LAST_DAY = ANCHOR - timedelta(days=1)  # past events end the day before the anchor
CENT = Decimal("0.01")

# fmt: off
HOLIDAY_SPANS = [  # public holidays (approximate): nobody calls customers then
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
]
# fmt: on


def days(n: int) -> timedelta:
    return timedelta(days=n)


def rel(n: int) -> date:
    """The date n days from the anchor."""
    return ANCHOR + days(n)


def to_date(x: int | str) -> date:
    return rel(x) if isinstance(x, int) else date.fromisoformat(x)


HOLIDAYS = {
    date.fromisoformat(a) + days(i)
    for a, b in HOLIDAY_SPANS
    for i in range((date.fromisoformat(b) - date.fromisoformat(a)).days + 1)
}


def is_workday(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def weekday_back(d: date) -> date:
    """d, or the last working day before it."""
    while not is_workday(d):
        d -= days(1)
    return d


def weekday_fwd(d: date) -> date:
    """d, or the first working day after it."""
    while not is_workday(d):
        d += days(1)
    return d


def rand_date(a: date, b: date) -> date:
    return a + days(rng.randint(0, max(0, (b - a).days)))


def work_time(d: date, lo: int = 9, hi: int = 17) -> datetime:
    """A moment in working hours on d (d is moved back to a weekday)."""
    d = weekday_back(d)
    return datetime.combine(d, time(rng.randint(lo, hi), rng.choice(range(0, 60, 5))))


def next_work_moment(t: datetime) -> datetime:
    """t itself when in working hours, else the next working moment."""
    if t.hour >= 18:
        t = datetime.combine(t.date() + days(1), time(9, rng.choice(range(0, 60, 5))))
    elif t.hour < 9:
        t = t.replace(hour=9)
    if not is_workday(t.date()):
        t = datetime.combine(weekday_fwd(t.date()), time(9, rng.choice(range(0, 60, 5))))
    return t


def iso(x: date | datetime | None) -> str | None:
    if x is None:
        return None
    if isinstance(x, datetime):
        return x.strftime("%Y-%m-%dT%H:%M:%S")
    return x.isoformat()


def money(x: Decimal | str | int) -> str:
    return str(Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP))


def spaced_dates(start: date, end: date, n: int, *, gap: int = 4, last_at_end: bool) -> list[date]:
    """n increasing working days after start, about ``gap`` days apart or more; the last is
    ``end`` when last_at_end, else no later than end."""
    if n == 0:
        return []
    parts = n if last_at_end else n + 1
    slack = (end - start).days - gap * n
    assert slack >= 0, (start, end, n)
    weights = [rng.random() + 0.2 for _ in range(parts)]
    total = sum(weights)
    cuts = [int(slack * w / total) for w in weights]
    out, d = [], start
    for i in range(n):
        d = d + days(gap + cuts[i])
        out.append(d)
    if last_at_end:
        out[-1] = end
    result, prev = [], start
    for x in out:  # onto working days, keeping the order
        y = weekday_back(x)
        if y <= prev:
            y = weekday_fwd(prev + days(1))
        result.append(y)
        prev = y
    assert result[-1] <= end, (result, end)
    return result
