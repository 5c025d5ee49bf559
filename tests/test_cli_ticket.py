"""``crm ticket``: service tickets (服务工单) and the service tracking card (用户服务跟踪卡)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.books import prebuilt


def _book(crm, db):
    crm("customer", "add", "成都康宁医院管理有限公司")
    crm("contact", "add", "C000001", "张超", "--title", "信息科科长")
    crm("customer", "add", "南京紫峰物业管理有限公司")


book = prebuilt("ticket", _book)


def _with_a_ticket(crm, db):
    _book(crm, db)
    crm("ticket", "open", "C000001", "--kind", "repair", "--subject", "已有工单")


book_with_a_ticket = prebuilt("ticket-open", _with_a_ticket)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("T", " ").split(".")[0])


def test_open_gets_a_code_a_target_and_a_timeline(crm, book):
    out = crm(
        "ticket",
        "open",
        "成都康宁医院管理有限公司",
        "--kind",
        "维修",
        "--subject",
        "新服务器管理口无法访问",
        "--priority",
        "紧急",
        "--contact",
        "张超",
        "--description",
        "两台机架服务器上架后带外管理口无法登录",
    ).stdout
    assert "Opened ticket T000001 (Repair, Urgent); resolve by" in out
    row = book.one("SELECT * FROM ticket")
    assert row["code"] == "T000001" and row["kind"] == "repair" and row["priority"] == "urgent"
    assert row["status"] == "open" and row["contact_id"] == 1 and row["owner_id"] is None
    assert moment(row["due_at"]) - moment(row["opened_at"]) == timedelta(hours=4)
    event = book.one("SELECT action, status, note FROM ticket_event")
    assert event == {
        "action": "opened",
        "status": "open",
        "note": "两台机架服务器上架后带外管理口无法登录",
    }
    entry = book.one("SELECT entity_code, changes FROM audit_entry WHERE entity = 'ticket'")
    assert entry["entity_code"] == "T000001"
    assert json.loads(entry["changes"])["priority"] == [None, "urgent"]


def test_targets_per_priority_are_settings(crm, book):
    crm("config", "set", "ticket.targets.normal", "8")
    crm("ticket", "open", "C000002", "--kind", "inquiry", "--subject", "咨询")
    row = book.one("SELECT opened_at, due_at, priority FROM ticket")
    assert row["priority"] == "normal"
    assert moment(row["due_at"]) - moment(row["opened_at"]) == timedelta(hours=8)


def test_the_whole_life_of_a_ticket(crm, book, db):
    db.execute(
        "INSERT INTO app_user (username, role, active) VALUES ('sunhao', 'service', true), "
        "('wangfang', 'admin', true)"
    )
    crm(
        "--user",
        "wangfang",
        "ticket",
        "open",
        "C000002",
        "--kind",
        "repair",
        "--subject",
        "无线AP频繁重启",
        "--owner",
        "wangfang",
    )
    assert book.scalar("SELECT status FROM ticket") == "open"
    crm("--user", "wangfang", "ticket", "assign", "T000001", "--owner", "sunhao")
    assert book.one("SELECT status, owner_id FROM ticket") == {
        "status": "in_progress",
        "owner_id": 1,
    }
    crm("--user", "sunhao", "ticket", "note", "T000001", "远程查看日志，疑似固件问题")
    crm(
        "--user",
        "sunhao",
        "ticket",
        "resolve",
        "T000001",
        "--resolution",
        "升级AP固件",
        "--satisfaction",
        "4",
    )
    row = book.one("SELECT status, resolution, satisfaction, resolved_at, closed_at FROM ticket")
    assert row["status"] == "resolved" and row["resolution"] == "升级AP固件"
    assert row["satisfaction"] == 4 and row["resolved_at"] and row["closed_at"] is None
    crm("--user", "sunhao", "ticket", "close", "T000001", "--satisfaction", "5")
    assert book.one("SELECT status, satisfaction FROM ticket") == {
        "status": "closed",
        "satisfaction": 5,
    }
    crm("--user", "sunhao", "ticket", "reopen", "T000001", "--reason", "又开始重启")
    row = book.one("SELECT status, resolution, resolved_at, closed_at, satisfaction FROM ticket")
    assert row == {
        "status": "in_progress",
        "resolution": None,
        "resolved_at": None,
        "closed_at": None,
        "satisfaction": None,
    }
    card = crm.json("--user", "sunhao", "ticket", "show", "T000001")
    assert [(e["action"], e["status"], e["user"]) for e in card["events"]] == [
        ("opened", "open", "wangfang"),
        ("assigned", "open", "wangfang"),
        ("assigned", "in_progress", "wangfang"),
        ("note", "in_progress", "sunhao"),
        ("resolved", "resolved", "sunhao"),
        ("closed", "closed", "sunhao"),
        ("reopened", "in_progress", "sunhao"),
    ]
    assert card["events"][3]["note"] == "远程查看日志，疑似固件问题"
    assert card["events"][4]["note"] == "升级AP固件"  # the old resolution, on the card
    assert card["owner"] == "sunhao" and card["customer_code"] == "C000002"
    actions = [
        r["action"]
        for r in book.rows("SELECT action FROM audit_entry WHERE entity = 'ticket' ORDER BY id")
    ]
    assert actions == ["create", "assign", "update", "update", "update", "update"]
    out = crm("--user", "sunhao", "ticket", "show", "T000001").stdout
    assert "T000001 无线AP频繁重启" in out and "Timeline (7)" in out and "Reopened" in out
    zh = crm("--user", "sunhao", "--lang", "zh", "ticket", "show", "T000001").stdout
    assert "服务跟踪记录 (7)" in zh and "重新打开" in zh and "处理中" in zh


def test_a_note_moves_an_open_ticket_into_progress_and_close_can_resolve(crm, book):
    crm("ticket", "open", "C000001", "--kind", "suggestion", "--subject", "效期预警报表")
    crm("ticket", "note", "T000001", "已转产品经理")
    assert book.scalar("SELECT status FROM ticket") == "in_progress"
    crm("ticket", "close", "T000001", "--resolution", "已列入下个版本")
    row = book.one("SELECT status, resolution, resolved_at, closed_at FROM ticket")
    assert row["status"] == "closed" and row["resolution"] == "已列入下个版本"
    assert row["resolved_at"] and row["closed_at"]


def test_list_default_is_all_but_closed_open_work_first_and_overdue_flagged(crm, book):
    for subject, kind, priority in [
        ("甲", "inquiry", "low"),
        ("乙", "complaint", "high"),
        ("丙", "repair", "normal"),
        ("丁", "return", "urgent"),
    ]:
        crm(
            "ticket",
            "open",
            "C000001",
            "--kind",
            kind,
            "--subject",
            subject,
            "--priority",
            priority,
        )
    crm("ticket", "resolve", "T000001", "--resolution", "已答复")
    crm("ticket", "close", "T000003", "--resolution", "已修好")
    book.execute("UPDATE ticket SET due_at = '2020-01-01 00:00:00.000000' WHERE code = 'T000002'")
    rows = crm.json("ticket", "list")
    assert [r["code"] for r in rows] == ["T000002", "T000004", "T000001"]
    assert [r["overdue"] for r in rows] == [True, False, False]
    assert list(rows[0])[:8] == [
        "id",
        "code",
        "customer_code",
        "customer_name",
        "kind",
        "subject",
        "priority",
        "status",
    ]

    def codes(*args):
        return [r["code"] for r in crm.json("ticket", "list", *args)]

    assert codes("--status", "all") == ["T000002", "T000004", "T000001", "T000003"]
    assert codes("--status", "已关闭") == ["T000003"]
    assert codes("--status", "open,resolved") == ["T000002", "T000004", "T000001"]
    assert codes("--kind", "投诉") == ["T000002"]
    assert codes("--priority", "urgent") == ["T000004"]
    assert codes("--overdue") == ["T000002"]
    assert codes("--customer", "C000002") == []
    out = crm("ticket", "list").stdout
    assert "overdue" in out and "Complaint" in out and "High" in out
    zh = crm("--lang", "zh", "ticket", "list").stdout
    assert "超时" in zh and "投诉" in zh and "客户 / 主题" in zh


def test_customer_card_shows_tickets_still_open(crm, book):
    crm("ticket", "open", "C000001", "--kind", "repair", "--subject", "打印机卡纸")
    crm("ticket", "open", "C000001", "--kind", "inquiry", "--subject", "已答复的问题")
    crm("ticket", "resolve", "T000002", "--resolution", "答复")
    card = crm.json("customer", "show", "C000001")
    assert [t["code"] for t in card["tickets"]] == ["T000001"]
    assert "Open tickets (1)" in crm("customer", "show", "C000001").stdout


WRONG_STATE = [
    ("resolve", ["--resolution", "x"], "resolved", "ticket T000001 is already Resolved"),
    ("close", [], "closed", "ticket T000001 is already closed"),
    ("reopen", [], "open", "ticket T000001 is still Open"),
    ("close", [], "open", "ticket T000001 is not resolved yet"),
    ("note", ["x"], "closed", "ticket T000001 is closed; reopen it first"),
    ("assign", ["--owner", "sunhao"], "closed", "ticket T000001 is closed"),
]


@pytest.mark.parametrize(
    ("command", "args", "state", "message"),
    WRONG_STATE,
    ids=[f"{c} {s}" for c, _, s, _ in WRONG_STATE],
)
def test_steps_out_of_order_are_clear_errors(crm, book, command, args, state, message):
    book.execute("INSERT INTO app_user (username, role, active) VALUES ('sunhao', 'admin', true)")
    crm("--user", "sunhao", "ticket", "open", "C000001", "--kind", "repair", "--subject", "坏了")
    if state in ("resolved", "closed"):
        crm("--user", "sunhao", "ticket", "resolve", "T000001", "--resolution", "修好")
    if state == "closed":
        crm("--user", "sunhao", "ticket", "close", "T000001")
    before = book.dump()
    result = crm("--user", "sunhao", "ticket", command, "T000001", *args, code=1)
    assert message in result.stderr
    assert book.dump() == before


BAD = [
    (["open", "C999999", "--kind", "repair", "--subject", "x"], "no customer 'C999999'"),
    (
        ["open", "C000001", "--kind", "praise", "--subject", "x"],
        "unknown ticket kind 'praise' (inquiry/咨询",
    ),
    (["open", "C000001", "--kind", "repair", "--subject", ""], "Subject is required"),
    (["open", "C000001", "--kind", "repair", "--subject", "x" * 301], "Subject is too long"),
    (
        ["open", "C000001", "--kind", "repair", "--subject", "x", "--priority", "asap"],
        "unknown priority 'asap'",
    ),
    (
        ["open", "C000001", "--kind", "repair", "--subject", "x", "--contact", "nobody"],
        "no contact 'nobody'",
    ),
    (
        ["open", "C000001", "--kind", "repair", "--subject", "x", "--owner", "ghost"],
        "unknown user 'ghost'",
    ),
    (["show", "T999999"], "no ticket 'T999999'"),
    (["assign", "T000001", "--owner", "ghost"], "unknown user 'ghost'"),
    (["note", "T000001", "  "], "note is required"),
    (["resolve", "T000001", "--resolution", ""], "Resolution is required"),
    (
        ["resolve", "T000001", "--resolution", "x", "--satisfaction", "6"],
        "Satisfaction must be between 1 and 5, not 6",
    ),
    (
        ["resolve", "T000001", "--resolution", "x", "--satisfaction", "good"],
        "invalid whole number 'good'",
    ),
    (["close", "T000001", "--satisfaction", "0"], "Satisfaction must be between 1 and 5"),
    (["reopen", "T999999"], "no ticket"),
    (["list", "--status", "pending"], "unknown ticket status 'pending'"),
    (["list", "--kind", "x"], "unknown ticket kind"),
    (["list", "--owner", "ghost"], "unknown user"),
    (["list", "--customer", "nobody"], "no customer 'nobody'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(crm, book_with_a_ticket, args, message):
    book = book_with_a_ticket
    before = book.dump()
    result = crm("ticket", *args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert book.dump() == before


def test_tickets_by_subject_and_id(crm, book):
    crm("ticket", "open", "C000001", "--kind", "repair", "--subject", "打印机卡纸")
    assert crm.json("ticket", "show", "打印机卡纸")["code"] == "T000001"
    assert crm.json("ticket", "show", "1")["code"] == "T000001"
    assert crm.json("ticket", "show", "t000001")["code"] == "T000001"


def test_permissions(crm, db):
    crm("customer", "add", "甲")
    crm("customer", "add", "乙")
    for name, role in (
        ("boss", "manager"),
        ("lina", "sales"),
        ("wang", "sales"),
        ("kefu", "service"),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:n, :r, true)", n=name, r=role
        )
    crm("--user", "boss", "customer", "assign", "乙", "--owner", "wang")
    # service staff open and work tickets of every customer
    crm("--user", "kefu", "ticket", "open", "乙", "--kind", "complaint", "--subject", "投诉")
    assert crm.json("--user", "kefu", "ticket", "list")[0]["owner"] == "kefu"
    # a salesperson works the tickets of own and unassigned customers only
    crm("--user", "lina", "ticket", "open", "甲", "--kind", "inquiry", "--subject", "咨询")
    assert [t["code"] for t in crm.json("--user", "lina", "ticket", "list")] == ["T000002"]
    assert (
        "no ticket 'T000001'"
        in crm("--user", "lina", "ticket", "resolve", "T000001", "--resolution", "x", code=1).stderr
    )
    crm("--user", "wang", "ticket", "note", "T000001", "已致电客户道歉")
    # no acting user in team mode
    assert "say who you are" in crm("ticket", "list", code=1).stderr
