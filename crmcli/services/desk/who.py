"""Who is calling (来电识别, ``crm who PHONE``): the customer or contact a number belongs to,
with the head of the customer card — level, owner, the last contacts, open opportunities,
pending follow-ups and open tickets — so whoever picks up knows whom they speak to.

A number matches in any shape (+86, an area code or not; :mod:`..archive.phones`): one
index lookup on the stored numbers' 7-digit tails (customer phone and fax, contact mobile
and phone) finds the candidates, :func:`~crmcli.services.archive.phones.same_line`
decides. A salesperson finds only the customers she may see.

The statements are plain SQL that SQLite and PostgreSQL both read, run by a ``run(sql,
params) -> rows`` function: through the session on the full path (:func:`who`), through
:mod:`sqlite3` alone on a plain SQLite file (:func:`fast`), so that ``crm who`` on a
million customers starts about as fast as ``crm --help``. Both give the same rows
(``tests/test_who.py``). This module imports nothing heavy at the top.

``crm who PHONE --log`` records the call as a contact record (接触记录, channel phone)
through :mod:`..relationship.contact_log`, as ``crm log`` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmcli.services.archive.phones import TAIL, caller_key, same_line

#: ``who PHONE -f json`` (SPEC §7): one object per match
JSON_FIELDS = [
    "customer_code",
    "customer_name",
    "contact",
    "matched",
    "level",
    "owner",
    "last_contacts",
    "open_opportunities",
    "pending_followups",
    "open_tickets",
]
#: how many of each section the head of the card shows
SECTION_ROWS = 3
#: how many matches at most (a switchboard number may be shared by many)
MAX_MATCHES = 20

Run = Callable[[str, dict[str, Any]], list[dict[str, Any]]]

_SCOPE = " AND (c.owner_id = :actor OR c.owner_id IS NULL)"
# (deleted records are left out in Python, and the pending follow-ups' status is wrapped
# in a function: without statistics SQLite would rather walk the index of deleted_at or
# status, a million rows, than the tails' or the customer's, a few)
_CUSTOMERS = (
    "SELECT c.id, c.code, c.name, c.level, c.phone, c.fax, c.deleted_at,"
    " u.username AS owner FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id"
    " WHERE {where}{scope}"
)
_CONTACTS = (
    "SELECT k.id, k.customer_id, k.name, k.mobile, k.phone, k.deleted_at FROM contact k"
    " WHERE k.mobile_tail = :tail OR k.phone_tail = :tail"
)
_SECTIONS = {
    "last_contacts": (
        "SELECT i.occurred_at, i.channel, k.name AS contact, i.summary, i.result,"
        " u.username AS user FROM interaction i"
        " LEFT JOIN contact k ON k.id = i.contact_id LEFT JOIN app_user u ON u.id = i.user_id"
        " WHERE i.customer_id = :customer AND i.deleted_at IS NULL"
        " ORDER BY i.occurred_at DESC, i.id DESC LIMIT :n"
    ),
    "open_opportunities": (
        "SELECT o.code, o.title, o.stage, o.amount, o.expected_close FROM opportunity o"
        " WHERE o.customer_id = :customer AND o.deleted_at IS NULL"
        " AND o.stage NOT IN ('won', 'lost') ORDER BY o.expected_close, o.id LIMIT :n"
    ),
    "pending_followups": (
        "SELECT f.id, f.due_at, f.kind, f.note, u.username AS owner FROM followup f"
        " LEFT JOIN app_user u ON u.id = f.owner_id"
        " WHERE f.customer_id = :customer AND COALESCE(f.status, '') = 'pending'"
        " ORDER BY f.due_at, f.id LIMIT :n"
    ),
    "open_tickets": (
        "SELECT t.code, t.kind, t.subject, t.status, t.priority, t.opened_at FROM ticket t"
        " WHERE t.customer_id = :customer AND t.deleted_at IS NULL"
        " AND t.status IN ('open', 'in_progress') ORDER BY t.opened_at, t.id LIMIT :n"
    ),
}
_DATETIMES = ("occurred_at", "due_at", "opened_at")


def _moment(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _tidy(row: dict[str, Any]) -> dict[str, Any]:
    """Values as the ORM gives them, whichever path read them (sqlite3 gives text)."""
    for key in _DATETIMES:
        if key in row:
            row[key] = _moment(row[key])
    if "amount" in row and row["amount"] is not None:  # Money: integer cents
        row["amount"] = (Decimal(int(row["amount"])) / 100).quantize(Decimal("0.01"))
    if isinstance(row.get("expected_close"), str):
        row["expected_close"] = date.fromisoformat(row["expected_close"][:10])
    return row


def _live(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows not deleted, in code (customers) or id (contacts) order."""
    live = [r for r in rows if r["deleted_at"] is None]
    return sorted(live, key=lambda r: r.get("code") or r["id"])


def find(run: Run, number: str, *, actor_id: int | None, scoped: bool) -> list[dict[str, Any]]:
    """The matches of ``number`` (SPEC §7 ``who`` shape, plus ``number``: the stored
    number that matched), customers' own numbers first, then contacts'."""
    caller = caller_key(number)
    if not caller:
        return []
    tail = caller[-TAIL:]
    scope = _SCOPE if scoped else ""
    params: dict[str, Any] = {"tail": tail, **({"actor": actor_id} if scoped else {})}
    found: list[tuple[dict[str, Any], Any, str, str]] = []  # customer, contact, matched, number
    where = "(c.phone_tail = :tail OR c.fax_tail = :tail)"  # index lookups, then same_line
    for c in _live(run(_CUSTOMERS.format(where=where, scope=scope), params)):
        for column in ("phone", "fax"):
            if same_line(c[column], caller):
                found.append((c, None, column, c[column]))
                break
    people = [
        (k, column)
        for k in _live(run(_CONTACTS, {"tail": tail}))
        for column in ("mobile", "phone")
        if same_line(k[column], caller)
    ]
    seen: set[int] = set()
    people = [(k, col) for k, col in people if not (k["id"] in seen or seen.add(k["id"]))]
    ids = sorted({k["customer_id"] for k, _ in people})
    if ids:
        marks = ", ".join(f":c{i}" for i in range(len(ids)))
        where = f"c.id IN ({marks})"
        owners = {
            c["id"]: c
            for c in _live(
                run(
                    _CUSTOMERS.format(where=where, scope=scope),
                    {**{f"c{i}": v for i, v in enumerate(ids)}, **params},
                )
            )
        }
        found += [
            (owners[k["customer_id"]], k, col, k[col])
            for k, col in people
            if k["customer_id"] in owners
        ]
    result = []
    for c, k, matched, stored in found[:MAX_MATCHES]:
        row: dict[str, Any] = {
            "customer_code": c["code"],
            "customer_name": c["name"],
            "contact": k["name"] if k is not None else None,
            "matched": matched,
            "level": c["level"],
            "owner": c["owner"],
        }
        for key, sql in _SECTIONS.items():
            row[key] = [_tidy(dict(r)) for r in run(sql, {"customer": c["id"], "n": SECTION_ROWS})]
        row["number"] = stored
        row["_ids"] = (c["id"], k["id"] if k is not None else None)
        result.append(row)
    if any(m["open_opportunities"] for m in result):
        labels = stage_labels(run)
        for m in result:
            m["_stages"] = labels
    return result


def stage_labels(run: Run) -> dict[str, tuple[str, str]]:
    """Stage key -> (English, Chinese) label, from the book's pipeline (``crm config``)."""
    import json

    from crmcli.services.team.settings import DEFS

    stored = run("SELECT value FROM setting WHERE key = 'pipeline.stages'", {})
    stages = json.loads(stored[0]["value"]) if stored else DEFS["pipeline.stages"].default
    return {
        s["key"]: (str(s.get("en") or s["key"]), str(s.get("zh") or s.get("en") or s["key"]))
        for s in stages
    }


def as_json(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: m[k] for k in JSON_FIELDS} for m in matches]


# -- the full path --------------------------------------------------------------------


def who(ctx: Any, number: str) -> list[dict[str, Any]]:
    """The matches of ``number`` that the acting user may see."""
    from sqlalchemy import text

    from crmcli.services.team import permissions

    def run(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in ctx.session.execute(text(sql), params)]

    return find(run, number, actor_id=ctx.actor.id, scoped=not permissions.sees_all(ctx))


def log(
    ctx: Any,
    number: str,
    *,
    summary: str | None = None,
    result: str | None = None,
    customer: str | None = None,
    next: Any = None,
) -> tuple[Any, dict[str, Any]]:
    """Record an inbound call from ``number`` as a contact record of the customer it
    belongs to (``customer`` picks one when the number has several); returns what
    :func:`crmcli.services.relationship.contact_log.log` did and the match."""
    from crmcli.errors import Ambiguous, NotFound
    from crmcli.i18n import t
    from crmcli.services.archive import customers
    from crmcli.services.relationship import contact_log

    matches = who(ctx, number)
    if customer is not None:
        chosen = customers.find(ctx, customer)
        matches = [m for m in matches if m["_ids"][0] == chosen.id]
    if not matches:
        raise NotFound(nobody(number))
    if len({m["_ids"][0] for m in matches}) > 1:
        raise Ambiguous(
            t(
                "the number {number} belongs to several customers: {customers}",
                number=number,
                customers=", ".join(
                    dict.fromkeys(f"{m['customer_code']} {m['customer_name']}" for m in matches)
                ),
            ),
            hint=t("pick one with --customer CODE"),
        )
    match = matches[0]
    customer_id, contact_id = match["_ids"]
    done = contact_log.log(
        ctx,
        customer=str(customer_id),
        channel="phone",
        summary=summary or t("Inbound call from {number}", number=number),
        result=result,
        contact=str(contact_id) if contact_id is not None else None,
        next=next,
    )
    return done, match


def nobody(number: str) -> str:
    from crmcli.i18n import t

    return t("nobody has the number {number}", number=number)


# -- the fast path ----------------------------------------------------------------------


def fast(*, url: str, username: str | None, number: str) -> list[dict[str, Any]] | None:
    """:func:`who` on a plain SQLite file through :mod:`sqlite3`, or None to take the full
    path (another database, no file, a schema to upgrade, an unknown or disabled user, a
    broken or locked file)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :]
    if not os.path.isfile(path):
        return None
    import sqlite3

    from crmcli.db import HEAD

    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=15)
    except sqlite3.Error:
        return None
    try:
        conn.row_factory = sqlite3.Row
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if found is None or found[0] != HEAD:
            return None
        actor_id, scoped = None, False
        if conn.execute("SELECT id FROM app_user LIMIT 1").fetchone() is not None:
            if not username:
                return None
            user = conn.execute(
                "SELECT id, role, active FROM app_user WHERE username = ?", (username.strip(),)
            ).fetchone()
            if user is None or not user["active"]:
                return None
            from crmcli.grants import SEE_ALL

            actor_id, scoped = user["id"], user["role"] not in SEE_ALL

        def run(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            return [dict(r) for r in conn.execute(sql, params)]

        return find(run, number, actor_id=actor_id, scoped=scoped)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
