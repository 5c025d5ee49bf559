"""``crm db``: info, check, backup, upgrade, audit, purge."""

from __future__ import annotations

import sqlite3

import pytest


def test_info(crm, backend):
    crm("customer", "add", "A")
    crm("customer", "add", "B")
    crm("customer", "delete", "B", "--yes")
    info = crm.json("db", "info")
    assert info["dialect"] == backend
    if backend == "sqlite":
        assert info["journal_mode"] == "wal"
    assert info["schema"] == info["schema_head"] and info["mode"] == "single-user"
    assert info["counts"]["customers"] == 2 and info["counts"]["deleted_customers"] == 1
    assert "customers" in crm("db", "info").stdout


@pytest.mark.sqlite_only(reason="breaks a foreign key with PRAGMA foreign_keys = OFF")
def test_check_healthy_and_broken(crm, db, crm_env):
    crm("customer", "add", "A")
    assert "healthy" in crm("db", "check").stdout
    conn = sqlite3.connect(crm_env)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO contact (customer_id, name) VALUES (999, 'orphan')")
    conn.commit()
    conn.close()
    result = crm("db", "check", code=1)
    assert "foreign key: contact" in result.stdout and "1 problems found" in result.stderr


@pytest.mark.sqlite_only(reason="a SQLite copy; PostgreSQL's backup is in test_team_pg.py")
def test_backup_is_a_consistent_copy(crm, tmp_path):
    crm("customer", "add", "甲")
    crm("contact", "add", "甲", "乙")
    target = tmp_path / "copy.db"
    crm("db", "backup", str(target))
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT name FROM customer").fetchall() == [("甲",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert "exists" in crm("db", "backup", str(target), code=1).stderr


def test_upgrade_when_current(crm):
    crm("customer", "add", "A")
    assert "current" in crm("db", "upgrade").stdout


def test_audit_filters(crm):
    crm("customer", "add", "A")
    crm("customer", "add", "B")
    crm("customer", "edit", "A", "--city", "上海")
    entries = crm.json("db", "audit", "A")
    assert [e["action"] for e in entries] == ["update", "create"]
    assert entries[0]["changes"] == {"city": [None, "上海"]} and entries[0]["code"] == "C000001"
    assert len(crm.json("db", "audit")) == 3
    assert len(crm.json("db", "audit", "--limit", "1")) == 1
    assert crm.json("db", "audit", "--since", "tomorrow") == []
    out = crm("db", "audit", "A").stdout
    assert "city: ∅ -> 上海" in out
    crm("db", "audit", "nobody", code=1)


def test_purge_removes_deleted_records_and_what_hangs_under_them(crm, db):
    crm("customer", "add", "Keep")
    crm("customer", "add", "Gone")
    crm("contact", "add", "Gone", "Person")
    crm("contact", "add", "Keep", "Former")
    db.execute(
        "INSERT INTO interaction (customer_id, contact_id, occurred_at, channel, summary) "
        "VALUES (1, 2, '2026-01-05 10:00:00', 'phone', 'kept, its contact goes')"
    )
    db.execute(
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (2, '2026-01-01 09:00:00', 'call', 'pending')"
    )
    db.execute(
        "INSERT INTO sales_order (code, customer_id, ordered_on, status, total) VALUES ('D000001', 2, '2026-01-01', 'confirmed', 100)"
    )
    db.execute(
        "INSERT INTO order_line (order_id, qty, unit_price, discount, amount) VALUES (1, 1000, 100, 0, 100)"
    )
    crm("customer", "delete", "Gone", "--yes")
    crm("contact", "delete", "Former", "--yes")
    crm("db", "purge", input="n\n", code=1)
    assert db.scalar("SELECT count(*) FROM customer") == 2
    result = crm("db", "purge", "--yes")
    assert "customer: 1" in result.stdout and "contact: 2" in result.stdout
    assert [r["name"] for r in db.rows("SELECT name FROM customer")] == ["Keep"]
    assert db.scalar("SELECT count(*) FROM contact") == 0
    assert db.scalar("SELECT count(*) FROM followup") == 0
    assert (
        db.scalar("SELECT count(*) FROM sales_order") + db.scalar("SELECT count(*) FROM order_line")
        == 0
    )
    assert db.one("SELECT contact_id, summary FROM interaction") == {
        "contact_id": None,
        "summary": "kept, its contact goes",
    }
    assert "Nothing to purge" in crm("db", "purge", "--yes").stdout
    assert db.scalar("SELECT count(*) FROM audit_entry WHERE action = 'purge'") == 1
    assert "healthy" in crm("db", "check").stdout


def test_purge_before_a_date_keeps_recent_deletions(crm, db):
    crm("customer", "add", "Old")
    crm("customer", "add", "Recent")
    crm("customer", "delete", "Old", "--yes")
    crm("customer", "delete", "Recent", "--yes")
    db.execute("UPDATE customer SET deleted_at = '2025-01-01 00:00:00' WHERE name = 'Old'")
    crm("db", "purge", "--before", "2025-06-01", "--yes")
    assert [r["name"] for r in db.rows("SELECT name FROM customer")] == ["Recent"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db", "purge", "--before", "someday", "--yes"], "invalid date 'someday'"),
        (["db", "audit", "--since", "then"], "invalid date 'then'"),
        (["db", "audit", "x", "--entity", "contact"], "invalid whole number 'x'"),
        (["db", "info", "-f", "html"], "unknown format 'html'"),
    ],
)
def test_bad_input(crm, db, args, message):
    crm("customer", "add", "A")
    before = db.dump()
    assert message in crm(*args, code=1).stderr
    assert db.dump() == before
