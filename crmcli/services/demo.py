"""The demo company (``crm init --demo``): a realistic Chinese book of customers.

The data lives in ``data/demo.json`` (installed as ``crmcli/_data/demo.json``). Its
dates lie around an anchor day; they are shifted so that the anchor becomes today,
which keeps "due today", "overdue" and "birthday next week" true whenever the demo
is loaded. Every record goes in through the same service functions users call,
with the service clock (``ctx.at``) set to the record's own time.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from crmcli.services import contacts, customers
from crmcli.services.context import Ctx
from crmcli.validate import now, parse_field
from crmcli.vocab import CONTACT, CUSTOMER

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def demo_file() -> Path:
    """The bundled demo data: inside the installed package, else the source tree's data/."""
    packaged = resources.files("crmcli") / "_data" / "demo.json"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data" / "demo.json"


def load_data(today: date | None = None) -> dict[str, Any]:
    """The demo data with every date moved so that the anchor day is ``today``."""
    raw = json.loads(demo_file().read_text(encoding="utf-8"))
    anchor = date.fromisoformat(raw.get("anchor", "2026-11-26"))
    shift = (today or date.today()) - anchor
    return _shift(raw, shift)


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: (v if k == "anchor" else _shift(v, delta)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, str):
        if _DATE.match(value):
            return (date.fromisoformat(value) + delta).isoformat()
        if _DATETIME.match(value):
            return (datetime.fromisoformat(value) + delta).isoformat()
    return value


def _values(record: dict[str, Any], fields: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """Parse a record's values with the same validators the CLI uses."""
    values = {}
    for key, raw in record.items():
        if key in skip or key not in fields or raw is None:
            continue
        text = ",".join(raw) if isinstance(raw, list) else str(raw)
        values[key] = parse_field(fields[key], text)
    return values


def _clock(ctx: Ctx, when: str | None, default: datetime) -> None:
    ctx.at = (
        datetime.fromisoformat(when)
        if when and "T" in when
        else (datetime.fromisoformat(when + "T09:00:00") if when else default)
    )


def load(ctx: Ctx, data: dict[str, Any] | None = None, *, team: bool = False) -> dict[str, int]:
    """Load the demo company into an empty database; returns counts.

    ``team`` also loads the staff and who owns which customer: the book is then in team
    mode. Without it the book stays single-user and customers have no owner.
    """
    data = data or load_data()
    started = now()
    counts = {"customers": 0, "contacts": 0}
    if team:
        counts["users"] = load_staff(ctx, data, started)
    for record in data.get("customers", []):
        _clock(ctx, record.get("customer_since"), started - timedelta(days=400))
        saved = customers.add(
            ctx,
            name=record["name"],
            values=_values(
                record, CUSTOMER, {"name", "owner", "extra", "created_at", "updated_at"}
            ),
            extra=record.get("extra") or None,
            owner=record.get("owner") if team else None,
        )
        counts["customers"] += 1
        for person in record.get("contacts", []):
            contacts.add(
                ctx,
                customer=str(saved.customer.id),
                name=person["name"],
                values=_values(person, CONTACT, {"name", "customer"}),
            )
            counts["contacts"] += 1
    ctx.at = started
    return counts


def load_staff(ctx: Ctx, data: dict[str, Any], started: datetime) -> int:
    """The demo company's staff (admin first), added a year and a half before today."""
    from crmcli.services import users

    staff = sorted(data.get("users", []), key=lambda u: u["role"] != "admin")
    ctx.at = started - timedelta(days=550)
    for person in staff:
        users.add(ctx, username=person["username"], role=person["role"], name=person.get("name"))
    return len(staff)
