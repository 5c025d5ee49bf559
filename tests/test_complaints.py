"""Complaints (投诉, 任务二 正确处理客户抱怨): cause, remedy and compensation on the ticket,
crm's complaint steps, no closing without a remedy, and the satisfaction call-back."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from tests.books import prebuilt


def _book(crm, db):
    crm("init")
    db.execute(
        "INSERT INTO app_user (username, role, active) VALUES ('wangfang', 'admin', true), "
        "('zhaolei', 'sales', true), ('sunhao', 'service', true), ('liqiang', 'sales', true)"
    )
    crm("--user", "wangfang", "customer", "add", "厦门海晟贸易有限公司", "--owner", "zhaolei")
    crm("--user", "wangfang", "contact", "add", "C000001", "陈静", "--title", "财务主管")


book = prebuilt("complaints", _book)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("T", " ").split(".")[0])


def _complaint(crm, *extra, user="sunhao"):
    return crm(
        "--user",
        user,
        "ticket",
        "open",
        "C000001",
        "--kind",
        "投诉",
        "--subject",
        "维保续费发票开具延误",
        "--contact",
        "陈静",
        *extra,
    )


def test_cause_remedy_and_compensation_round_trip(crm, book):
    _complaint(crm, "--cause", "开票排期遗漏", "--compensation", "¥1,200.50")
    row = book.one("SELECT cause, remedy, compensation FROM ticket")
    assert row == {"cause": "开票排期遗漏", "remedy": None, "compensation": 120050}  # cents
    crm("--user", "sunhao", "ticket", "edit", "T000001", "--remedy", "补开发票并快递寄出")
    crm("--user", "sunhao", "ticket", "edit", "T000001", "--compensation", "1.2万")
    data = crm.json("--user", "sunhao", "ticket", "show", "T000001")
    assert data["cause"] == "开票排期遗漏" and data["remedy"] == "补开发票并快递寄出"
    assert Decimal(str(data["compensation"])) == Decimal("12000")
    listed = crm.json("--user", "sunhao", "ticket", "list", "--kind", "complaint")
    assert listed[0]["compensation"] == 12000 and listed[0]["cause"] == "开票排期遗漏"
    card = crm("--user", "sunhao", "ticket", "show", "T000001").stdout
    assert "12,000.00" in card and "补开发票并快递寄出" in card
    changes = [
        json.loads(r["changes"])
        for r in book.rows(
            "SELECT changes FROM audit_entry WHERE entity = 'ticket' AND action = 'update' "
            "ORDER BY id"
        )
    ]
    assert changes[0] == {"remedy": [None, "补开发票并快递寄出"]}
    assert changes[1]["compensation"] == ["1200.50", "12000.00"]
    edited = book.rows("SELECT note FROM ticket_event WHERE action = 'edited' ORDER BY id")
    assert [e["note"] for e in edited] == ["Remedy", "Compensation"]
    crm("--user", "sunhao", "ticket", "edit", "T000001", "--compensation", "")
    assert book.scalar("SELECT compensation FROM ticket") is None
    before = book.dump()
    err = crm("--user", "sunhao", "ticket", "edit", "T000001", code=1).stderr
    assert err.startswith("Error: no changes given") and book.dump() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "invalid amount 'abc' for Compensation"),
        ("12.345", "at most 2 decimals"),
        ("-100", "Compensation cannot be negative"),
    ],
)
def test_compensation_is_money(crm, book, value, message):
    before = book.dump()
    err = crm(
        "--user",
        "sunhao",
        "ticket",
        "open",
        "C000001",
        "--kind",
        "complaint",
        "--subject",
        "x",
        "--compensation",
        value,
        code=1,
    ).stderr
    assert message in err
    assert book.dump() == before


def test_a_complaint_closed_without_a_remedy_is_closed_with_a_warning(crm, book):
    """SPEC §2's ``ticket close ID`` closes any resolved ticket; a complaint without its
    remedy is closed all the same, and the missing step is said."""
    _complaint(crm, "--cause", "开票排期遗漏")
    crm("--user", "sunhao", "ticket", "resolve", "T000001", "--resolution", "补开发票")
    zh = crm("--lang", "zh", "--user", "sunhao", "ticket", "close", "T000001").stderr
    assert "投诉 T000001 关闭时还没有补救措施" in zh
    assert "crm ticket edit T000001 --remedy" in zh
    assert book.scalar("SELECT status FROM ticket WHERE code = 'T000001'") == "closed"
    steps = crm.json("--user", "sunhao", "ticket", "show", "T000001")["steps"]
    assert [s["done"] for s in steps if s["step"] == "remedy"] == [False]
    crm("--user", "sunhao", "ticket", "edit", "T000001", "--remedy", "当天补开")
    steps = crm.json("--user", "sunhao", "ticket", "show", "T000001")["steps"]
    assert [s["done"] for s in steps if s["step"] == "remedy"] == [True]
    # other kinds close as before
    crm("--user", "sunhao", "ticket", "open", "C000001", "--kind", "inquiry", "--subject", "问")
    crm("--user", "sunhao", "ticket", "close", "T000002", "--resolution", "已答复")
    assert book.scalar("SELECT callback_id FROM ticket WHERE code = 'T000002'") is None


def test_closing_plans_the_call_back_and_it_records_the_satisfaction(crm, book):
    _complaint(crm)
    crm("--user", "sunhao", "ticket", "edit", "T000001", "--cause", "开票排期遗漏")
    crm(
        "--user",
        "sunhao",
        "ticket",
        "close",
        "T000001",
        "--resolution",
        "补开发票",
        "--remedy",
        "补开发票并当天快递寄出",
        "--compensation",
        "200",
    )
    ticket = book.one("SELECT status, remedy, compensation, callback_id, closed_at FROM ticket")
    assert ticket["status"] == "closed" and ticket["compensation"] == 20000
    followup = book.one(
        "SELECT f.id, f.kind, f.status, f.note, f.due_at, u.username, f.contact_id "
        "FROM followup f JOIN app_user u ON u.id = f.owner_id"
    )
    assert followup["id"] == ticket["callback_id"]
    assert followup["username"] == "zhaolei"  # the customer's owner makes the call
    assert followup["kind"] == "call" and followup["status"] == "pending"
    assert followup["contact_id"] == 1
    assert "Satisfaction call-back for complaint T000001" in followup["note"]
    assert moment(followup["due_at"]) - moment(ticket["closed_at"]) == timedelta(days=3)
    steps = crm.json("--user", "sunhao", "ticket", "show", "T000001")["steps"]
    assert [(s["step"], s["done"]) for s in steps] == [
        ("accepted", True),
        ("cause", True),
        ("remedy", True),
        ("resolved", True),
        ("callback", False),
    ]
    # the owner sees it among her follow-ups and makes the call
    due = crm.json("--user", "zhaolei", "followup", "due", "--within", "7")
    assert [d["id"] for d in due] == [followup["id"]]
    out = crm(
        "--user",
        "zhaolei",
        "followup",
        "done",
        str(followup["id"]),
        "--summary",
        "回访：发票已收到",
        "--satisfaction",
        "4",
    ).stdout
    assert "Call-back of complaint T000001 done: satisfaction 4/5" in out
    assert book.scalar("SELECT satisfaction FROM ticket") == 4
    event = book.rows("SELECT action, note FROM ticket_event ORDER BY id")[-1]
    assert event == {"action": "callback", "note": "4/5"}
    data = crm.json("--user", "sunhao", "ticket", "show", "T000001")
    assert data["steps"][-1]["done"] is True and data["callback"]["status"] == "done"
    assert data["callback"]["owner"] == "zhaolei"
    kinds = book.rows("SELECT summary FROM interaction")
    assert kinds == [{"summary": "回访：发票已收到"}]


def test_satisfaction_is_only_for_a_call_back(crm, book):
    crm("--user", "zhaolei", "followup", "add", "C000001", "--due", "tomorrow")
    before = book.dump()
    err = crm("--user", "zhaolei", "followup", "done", "1", "--satisfaction", "5", code=1).stderr
    assert "follow-up 1 is not a satisfaction call-back" in err
    assert book.dump() == before
    err = crm("--user", "zhaolei", "followup", "done", "1", "--satisfaction", "9", code=1).stderr
    assert "between 1 and 5" in err


def test_the_call_back_days_are_a_setting(crm, book):
    crm("--user", "wangfang", "config", "set", "ticket.callback_days", "7")
    _complaint(crm, "--remedy", "致歉并补开发票")
    crm("--user", "sunhao", "ticket", "close", "T000001", "--resolution", "已补开")
    row = book.one(
        "SELECT f.due_at, t.closed_at FROM ticket t JOIN followup f ON f.id = t.callback_id"
    )
    assert moment(row["due_at"]) - moment(row["closed_at"]) == timedelta(days=7)
    err = crm("--user", "wangfang", "config", "set", "ticket.callback_days", "0", code=1).stderr
    assert "a whole number of days from 1 to 365" in err


def test_reopening_cancels_the_pending_call_back(crm, book):
    _complaint(crm, "--remedy", "致歉并补开发票")
    crm("--user", "sunhao", "ticket", "close", "T000001", "--resolution", "已补开")
    crm("--user", "sunhao", "ticket", "reopen", "T000001", "--reason", "发票抬头有误")
    assert book.scalar("SELECT status FROM followup") == "cancelled"
    assert book.scalar("SELECT callback_id FROM ticket") is None
    crm("--user", "sunhao", "ticket", "close", "T000001", "--resolution", "重开发票")
    statuses = [r["status"] for r in book.rows("SELECT status FROM followup ORDER BY id")]
    assert statuses == ["cancelled", "pending"]


def test_a_salesperson_works_only_her_own_customers_complaints(crm, book):
    _complaint(crm, "--remedy", "致歉")
    err = crm("--user", "liqiang", "ticket", "edit", "T000001", "--cause", "x", code=1).stderr
    assert "no ticket 'T000001'" in err  # another's customer's tickets are not hers to see
    assert book.scalar("SELECT cause FROM ticket") is None
    crm("--user", "zhaolei", "ticket", "edit", "T000001", "--cause", "开票排期遗漏")
    assert book.scalar("SELECT cause FROM ticket") == "开票排期遗漏"


def test_a_complaint_card_in_chinese(crm, book):
    _complaint(crm, "--cause", "开票排期遗漏", "--remedy", "补开发票", "--compensation", "500")
    out = crm("--lang", "zh", "--user", "sunhao", "ticket", "show", "T000001").stdout
    for text in ("问题原因", "补救措施", "补偿金额", "500.00", "投诉处理步骤", "受理投诉"):
        assert text in out, text
    assert "查明原因" in out and "满意度回访" in out
    out = crm(
        "--lang", "zh", "--user", "sunhao", "ticket", "close", "T000001", "--resolution", "好"
    )
    assert "满意度回访：跟进 1，zhaolei" in out.stdout
    # JSON keys and step keys stay English
    data = crm.json("--lang", "zh", "--user", "sunhao", "ticket", "show", "T000001")
    assert next(s["step"] for s in data["steps"]) == "accepted"
    other = crm("--user", "sunhao", "ticket", "open", "C000001", "--kind", "repair", "-s", "修")
    assert other.exit_code == 0
    assert crm.json("--user", "sunhao", "ticket", "show", "T000002")["steps"] == []
