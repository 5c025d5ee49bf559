"""The demo company's relationship data: contact records, follow-ups, tickets, care."""

from __future__ import annotations

from tests import books

demo, crm_demo = books.demo, books.crm_demo  # fixtures: the module's demo book


def test_contact_records_follow_ups_and_tickets_are_loaded(crm_demo, demo):
    import sqlite3

    conn = sqlite3.connect(demo)

    def one(sql):
        return conn.execute(sql).fetchone()[0]

    # 638 contact records, 3 satisfaction call-backs of closed complaints, 14 care records
    assert one("SELECT count(*) FROM interaction") == 638 + 3 + 14
    assert one("SELECT count(*) FROM interaction WHERE kind = 'care'") == 14
    assert one("SELECT count(DISTINCT channel) FROM interaction") == 7  # care gifts: other
    assert one("SELECT count(*) FROM followup WHERE status = 'pending'") == 50
    # every done touch points at the contact record it was
    assert (
        one("SELECT count(*) FROM followup WHERE status = 'done' AND interaction_id IS NULL") == 0
    )
    assert one("SELECT count(*) FROM followup WHERE cadence = 'memory' AND status = 'pending'") == 5
    statuses = dict(conn.execute("SELECT status, count(*) FROM ticket GROUP BY status"))
    assert statuses == {"open": 3, "in_progress": 3, "resolved": 7, "closed": 9}
    assert one("SELECT count(DISTINCT kind) FROM ticket") == 5
    assert one("SELECT count(*) FROM ticket_event") > 22
    assert one("SELECT count(*) FROM audit_entry WHERE entity = 'interaction'") == 638 + 3 + 14
    # complaints: cause and remedy on every one; closed ones called back, satisfaction kept
    complaints = conn.execute(
        "SELECT t.status, t.cause, t.remedy, t.compensation, t.satisfaction, f.status "
        "FROM ticket t LEFT JOIN followup f ON f.id = t.callback_id WHERE t.kind = 'complaint'"
    ).fetchall()
    assert len(complaints) == 5 and all(c[1] and c[2] for c in complaints)
    assert sorted(c[3] for c in complaints if c[3]) == [350000, 600000]  # cents
    assert sorted((c[0], c[5]) for c in complaints) == [
        ("closed", "done"),
        ("closed", "done"),
        ("closed", "done"),
        ("resolved", None),
        ("resolved", None),
    ]
    # the service clock was each record's own time, not the load time
    assert one("SELECT count(DISTINCT substr(created_at, 1, 10)) FROM interaction") > 200
    conn.close()


def test_the_morning_list(crm_demo):
    rows = crm_demo.json("followup", "due")
    assert len(rows) >= 10
    assert any(r["days_overdue"] == 0 for r in rows) and any(r["days_overdue"] > 1 for r in rows)
    assert any(r["step"] for r in rows)  # memory-curve steps are due
    assert all(r["last_interaction_summary"] for r in rows)
    assert [r["due_at"] for r in rows] == sorted(r["due_at"] for r in rows)
    upcoming = crm_demo.json("followup", "due", "--within", "30")
    assert any(r["days_overdue"] < 0 for r in upcoming)
    out = crm_demo("followup", "due").stdout
    assert "Overdue tickets" in out


def test_care_finds_birthdays_and_drifting_gold_customers(crm_demo):
    rows = crm_demo.json("care", "due")
    birthdays = [r for r in rows if r["kind"] == "birthday"]
    assert len(birthdays) == 8
    gold = {r["customer_name"] for r in rows if r["kind"] == "drifting" and r["level"] == "gold"}
    assert {
        "苏州恒泰精密机械有限公司",
        "上海瑞丰商业连锁有限公司",
        "武汉江汉新能源科技有限公司",
    } <= gold


def test_card_of_a_demo_customer(crm_demo):
    card = crm_demo.json("customer", "show", "C000001")
    assert len(card["interactions"]) == 5 and card["followups"]
    assert card["interactions"][0]["occurred_at"] >= card["interactions"][-1]["occurred_at"]
    overdue = crm_demo.json("ticket", "list", "--overdue")
    assert overdue and all(t["overdue"] for t in overdue)
