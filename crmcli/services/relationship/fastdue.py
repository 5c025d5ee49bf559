"""``crm followup due`` on a SQLite file through the standard library alone.

The morning command should start as fast as ``crm --help``; importing SQLAlchemy
costs more than that. So on a SQLite database this module runs the statements of
:mod:`crmcli.services.relationship.followup_due` (:func:`~crmcli.services.relationship.followup_due.due_statement`,
:func:`~crmcli.services.relationship.followup_due.overdue_tickets_statement`), compiled ahead of time
into ``due_sql.json`` beside this file, with :mod:`sqlite3`. The SQL has one source, the
SQLAlchemy statements (:mod:`~crmcli.services.relationship.due_sql` compiles them);
``tests/test_followup_due.py`` checks the compiled text is current and that both paths
give the same rows.

It serves only the plain, healthy case and returns None for anything else (another
database, no file yet, a schema to upgrade, an unknown or disabled user, a locked or
broken file: :mod:`crmcli.services.fastread` opens the book), so the full path
(``state.unit()``) runs and says what is wrong.
The shape of a row (SPEC §6) and the parameters are defined here, once, for both
paths; this module imports nothing heavy (nor the statements' module, which imports
it). Regenerate the compiled SQL after changing a statement::

    python -m crmcli.services.relationship.due_sql
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy keeps a DateTime in SQLite
SQL_FILE = os.path.join(os.path.dirname(__file__), "due_sql.json")
DATETIMES = ("due_at", "last_interaction_at")


#: ``followup due -f json`` (SPEC §6), then what this issue adds
DUE_FIELDS = [
    "id",
    "customer_code",
    "customer_name",
    "contact",
    "phone",
    "due_at",
    "days_overdue",
    "kind",
    "step",
    "note",
    "owner",
    "cadence",
    "last_interaction_at",
    "last_interaction_summary",
]


@dataclass
class DueReport:
    """What ``followup due`` shows: the touches, how many match, overdue tickets."""

    rows: list[dict[str, Any]]
    total: int
    tickets: list[dict[str, Any]] = field(default_factory=list)


def window_end(on: date, within: int) -> datetime:
    """Touches due before this moment are listed: the end of ``on`` + ``within`` days."""
    return datetime.combine(on + timedelta(days=min(within + 1, (date.max - on).days)), time())


def due_row(mapping: Any, on: date) -> dict[str, Any]:
    """A row of ``due`` as SPEC §6 has it, from a result row (either path)."""
    row = {k: mapping[k] for k in DUE_FIELDS if k != "days_overdue"}
    row["days_overdue"] = (on - row["due_at"].date()).days
    return {k: row[k] for k in DUE_FIELDS}


#: how many overdue tickets ``due`` flags under the touches
TICKETS_SHOWN = 20


def due_params(
    *,
    on: date,
    within: int,
    owner_id: int | None,
    actor_id: int | None,
    scoped: bool,
    limit: int | None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"end": window_end(on, within)}
    if owner_id is not None:
        params["owner_id"] = owner_id
    if scoped:
        params["actor_id"] = actor_id
    if limit is not None:
        params["limit"] = limit
    return params


def key(*, by_owner: bool, scoped: bool) -> str:
    return f"{'owner' if by_owner else 'all'}-{'scoped' if scoped else 'open'}"


def _stamp(value: Any) -> Any:
    return value.strftime(STAMP) if isinstance(value, datetime) else value


def _moment(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def due(
    *,
    url: str,
    username: str | None,
    on: date,
    within: int,
    owner: str | None,
    everyone: bool,
    limit: int | None,
    count: bool,
    tickets: bool,
    now: datetime,
) -> DueReport | None:
    """The report of :func:`crmcli.services.relationship.followup_due.due`, or None to take the full path."""
    from functools import partial

    from crmcli.services import fastread

    read = partial(
        _report,
        on=on,
        within=within,
        owner=owner,
        everyone=everyone,
        limit=limit,
        count=count,
        tickets=tickets,
        now=now,
    )
    return fastread.run(url, SQL_FILE, username, read)


def _report(
    conn: Any,
    due_sql: dict[str, Any],
    actor_id: int | None,
    role: str | None,
    on: date,
    within: int,
    owner: str | None,
    everyone: bool,
    limit: int | None,
    count: bool,
    tickets: bool,
    now: datetime,
) -> DueReport | None:
    from crmcli.services import fastread

    team = actor_id is not None
    if owner is not None:
        user = conn.execute(
            "SELECT id FROM app_user WHERE username = ?", (owner.strip(),)
        ).fetchone()
        if user is None:
            return None
        owner_id = user[0]
    elif everyone or not team:
        owner_id = None
    else:
        owner_id = actor_id
    scoped = fastread.scoped(role, team)
    which = key(by_owner=owner_id is not None, scoped=scoped)
    params = due_params(
        on=on, within=within, owner_id=owner_id, actor_id=actor_id, scoped=scoped, limit=limit
    )
    params = {k: _stamp(v) for k, v in params.items()}
    params.setdefault("limit", -1)
    data = _rows(conn, due_sql["DUE"][which], params)
    rows = [due_row(r, on) for r in data]
    total = len(rows)
    if count and limit is not None and total >= limit:
        total = fastread.execute(conn, due_sql["COUNT"][which], params).fetchone()[0]
    report = DueReport(rows, total)
    if tickets:
        t_params = {k: v for k, v in params.items() if k in ("owner_id", "actor_id")}
        t_params.update(now=_stamp(now), limit=TICKETS_SHOWN)
        report.tickets = _rows(conn, due_sql["TICKETS"][which], t_params)
    return report


def _rows(conn: Any, compiled: dict[str, Any], params: dict[str, Any]) -> list[dict[str, Any]]:
    from crmcli.services import fastread

    cursor = fastread.execute(conn, compiled, params)
    names = [d[0] for d in cursor.description]
    result = []
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        for name in DATETIMES:
            if name in row:
                row[name] = _moment(row[name])
        result.append(row)
    return result
