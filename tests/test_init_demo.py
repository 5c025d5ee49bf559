"""``crm init``: a new database, the demo company, and starting afresh without losing the old one."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from crmcli.services.data.demo import load_data


def test_init_creates_and_is_idempotent(crm, db):
    assert "is ready" in crm("init").stdout
    assert "is ready" in crm("init").stdout
    crm("customer", "add", "A")
    assert "already exists and holds data; nothing changed" in crm("init").stdout
    assert db.scalar("SELECT count(*) FROM customer") == 1


def test_demo_loads_a_realistic_book(crm, db):
    assert "Loaded the demo company" in crm("init", "--demo").stdout
    customers = crm.json("customer", "list")
    assert len(customers) >= 60
    assert len({c["city"] for c in customers}) >= 10
    assert len({c["industry"] for c in customers}) >= 8
    assert {c["level"] for c in customers} == {"gold", "silver", "regular"}
    assert {c["status"] for c in customers} == {"lead", "prospect", "active", "dormant", "lost"}
    assert len({c["source"] for c in customers}) >= 8
    contacts = crm.json("contact", "list")
    assert len(contacts) >= 60 and all(c["title"] for c in contacts)
    assert sum(1 for c in contacts if c["birthday"]) >= 60
    # every record went through the services: codes, matching keys and audit entries exist
    assert (
        db.scalar("SELECT count(*) FROM customer WHERE phone_key IS NULL AND phone IS NOT NULL")
        == 0
    )
    assert db.scalar(
        "SELECT count(*) FROM audit_entry WHERE action = 'create' AND entity = 'customer'"
    ) == len(customers)
    assert "healthy" in crm("db", "check").stdout


def test_demo_dates_are_moved_to_today():
    today = date(2030, 5, 20)
    data = load_data(today)
    raw = load_data(date.fromisoformat(data["anchor"]))
    shift = today - date.fromisoformat(data["anchor"])
    first, moved = raw["customers"][0], data["customers"][0]
    assert (
        date.fromisoformat(moved["customer_since"]) - date.fromisoformat(first["customer_since"])
        == shift
    )
    assert shift > timedelta(0)


def test_demo_refuses_a_database_with_data_unless_forced(crm, db, crm_env, backend):
    crm("customer", "add", "My own customer")
    result = crm("init", "--demo", code=1)
    assert "already holds data" in result.stderr and "--force" in result.stderr
    assert db.scalar("SELECT count(*) FROM customer") == 1
    db.engine.dispose()
    result = crm("init", "--demo", "--force")
    if backend == "sqlite":  # the old file is kept aside; PostgreSQL drops and recreates
        backups = list(crm_env.parent.glob("crm.db.bak-init-*"))
        assert len(backups) == 1 and str(backups[0]) in result.stderr
        saved = sqlite3.connect(backups[0]).execute("SELECT name FROM customer").fetchall()
        assert saved == [("My own customer",)]
    names = [c["name"] for c in crm.json("customer", "list")]
    assert "My own customer" not in names and len(names) >= 60
