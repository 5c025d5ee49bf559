"""The demo company's selling half, loaded through the services (``crm init --demo``)."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

from crmcli.services.data.demo import load_data


def test_demo_sells_through_every_stage(crm, db):
    crm("init", "--demo")
    book = load_data()
    expected = [o for c in book["customers"] for o in c.get("opportunities", [])]
    opportunities = crm.json("opportunity", "list")
    assert len(opportunities) == len(expected) == 41
    stages = Counter(o["stage"] for o in opportunities)
    assert set(stages) == {"lead", "qualified", "proposal", "negotiation", "won", "lost"}
    assert stages == Counter(o["stage"] for o in expected)
    assert all(o["lost_reason"] for o in opportunities if o["stage"] == "lost")
    assert all(o["closed_at"] for o in opportunities if o["stage"] in ("won", "lost"))
    manual = {o["title"]: o["probability"] for o in opportunities if o["probability_manual"]}
    assert manual == {
        o["title"]: o["probability"] for o in expected if o["probability"] is not None
    }
    # every move is in the history at its own time, after the creation row
    moves = sum(len(o["history"]) for o in expected)
    assert db.scalar("SELECT count(*) FROM stage_change") == len(expected) + moves
    assert db.scalar("SELECT count(*) FROM stage_change WHERE from_stage IS NULL") == len(expected)
    first = crm.json("opportunity", "show", "O000001")
    assert [h["to_stage"] for h in first["history"]] == ["lead"] + [
        h["to"] for h in expected[0]["history"]
    ]
    assert first["history"][0]["at"] == expected[0]["created_at"]
    assert first["history"][-1]["at"] == expected[0]["history"][-1]["at"]
    assert first["closed_at"] == expected[0]["history"][-1]["at"]
    backwards = db.scalar(
        "SELECT count(*) FROM stage_change WHERE from_stage = 'negotiation' AND to_stage = 'proposal'"
    )
    assert backwards >= 1


def test_demo_orders_contracts_and_overdue_receivables(crm, db):
    crm("init", "--demo")
    book = load_data()
    orders = crm.json("order", "list")
    assert len(orders) == 217
    assert Counter(o["status"] for o in orders)["cancelled"] == 4
    # every order's total is the sum of its lines, to the cent
    assert (
        db.scalar(
            "SELECT count(*) FROM sales_order o WHERE o.total != "
            "(SELECT sum(amount) FROM order_line l WHERE l.order_id = o.id)"
        )
        == 0
    )
    expected_total = sum(
        Decimal(line["qty"]) * Decimal(line["unit_price"]) * (100 - Decimal(line["discount"])) / 100
        for c in book["customers"]
        for o in c.get("orders", [])
        for line in o["lines"]
    )
    assert Decimal(
        db.scalar("SELECT sum(amount) FROM order_line")
    ) / 100 == expected_total.quantize(Decimal("0.01"))
    # won deals became orders
    linked = [o for o in orders if o["opportunity"]]
    assert len(linked) == 9
    won = {o["code"] for o in crm.json("opportunity", "list", "--stage", "won")}
    assert {o["opportunity"] for o in linked} == won
    contracts = crm.json("contract", "list")
    assert len(contracts) == 11
    assert all(c["received"] + c["outstanding"] == c["amount"] for c in contracts)
    overdue = crm.json("contract", "receivables", "--overdue")
    assert len({r["contract_code"] for r in overdue}) == 4
    assert all(r["days_overdue"] > 0 and r["phone"] for r in overdue)
    card = crm.json("customer", "show", "C000001")
    assert card["opportunities"] and card["orders"] and card["contracts"]
    assert len(crm.json("product", "list")) == 16
    assert len(crm.json("supplier", "list")) == 8
    assert len(crm.json("competitor", "list")) == 5
    # through the services: audited like anything a user does
    created = Counter(
        r["entity"] for r in db.rows("SELECT entity FROM audit_entry WHERE action = 'create'")
    )
    assert created["opportunity"] == 41 and created["order"] == 217 and created["contract"] == 11
    assert db.scalar("SELECT count(*) FROM audit_entry WHERE action = 'pay'") == 29
    changes = json.loads(
        db.scalar("SELECT changes FROM audit_entry WHERE entity = 'product' ORDER BY id LIMIT 1")
    )
    assert changes["code"] == [None, "P0001"]
