"""The ticket flow (客户服务流程, 实训7-1): a setting a class may redesign, obeyed by every
command that moves a ticket, drawn by ``crm ticket flow`` (table, Mermaid, JSON)."""

from __future__ import annotations

import json

import pytest

from tests.books import prebuilt

#: crm's behaviour before the flow was a setting (services/relationship/tickets.py)
OLD_MOVES = {
    ("open", "in_progress"),  # assign, note
    ("open", "resolved"),  # resolve
    ("in_progress", "resolved"),  # resolve
    ("resolved", "closed"),  # close
    ("resolved", "open"),  # reopen (no owner)
    ("resolved", "in_progress"),  # reopen (an owner)
    ("closed", "open"),
    ("closed", "in_progress"),
}


def _book(crm, db):
    crm("customer", "add", "南京紫峰物业管理有限公司")


book = prebuilt("ticket-flow", _book)


def _open(crm, subject="三楼无线AP频繁重启", kind="repair"):
    crm("ticket", "open", "C000001", "--kind", kind, "--subject", subject)


def _status(db, code="T000001"):
    return db.scalar("SELECT status FROM ticket WHERE code = :c", c=code)


def test_the_default_flow_is_the_old_behaviour(crm, book):
    data = crm.json("ticket", "flow")
    assert {(m["from"], m["to"]) for m in data["moves"]} == OLD_MOVES
    assert [s["key"] for s in data["states"]] == ["open", "in_progress", "resolved", "closed"]
    assert data["states"][0] == {
        "key": "open",
        "en": "Open",
        "zh": "待处理",
        "moves_to": ["in_progress", "resolved"],
    }
    by_move = {(m["from"], m["to"]): m["commands"] for m in data["moves"]}
    assert by_move[("open", "in_progress")] == ["assign", "note"]
    assert by_move[("closed", "open")] == ["reopen"]
    assert crm.json("config", "show")[0]["key"]  # the setting is listed with the others
    flow = next(s for s in crm.json("config", "show") if s["key"] == "ticket.flow")
    assert flow["changed"] is False


def test_the_default_flow_moves_tickets_as_before(crm, book):
    _open(crm)
    crm("ticket", "note", "T000001", "工程师上门检测")
    assert _status(book) == "in_progress"
    crm("ticket", "resolve", "T000001", "--resolution", "更换PoE交换机")
    crm("ticket", "close", "T000001")
    crm("ticket", "reopen", "T000001")
    assert _status(book) == "open"  # no owner: back to open
    assert "not resolved yet" in crm("ticket", "close", "T000001", code=1).stderr
    crm("ticket", "close", "T000001", "--resolution", "再次更换")  # through resolved
    actions = [r["action"] for r in book.rows("SELECT action FROM ticket_event ORDER BY id")]
    assert actions[-2:] == ["resolved", "closed"]


def test_a_redesigned_flow_is_obeyed(crm, book):
    # the class's design: work must start before it is resolved; closed is final
    crm(
        "config",
        "set",
        "ticket.flow",
        '{"open": ["in_progress"], "in_progress": ["resolved"], '
        '"resolved": ["closed", "in_progress"], "closed": []}',
    )
    _open(crm)
    before = book.dump()
    err = crm("ticket", "resolve", "T000001", "--resolution", "远程重启", code=1).stderr
    assert "does not allow T000001 to move from open to resolved" in err
    assert "it may move to: in_progress (In progress)" in err
    assert book.dump() == before
    crm("ticket", "assign", "T000001", "--owner", "nobody", code=1)  # (single user: no such)
    crm("ticket", "note", "T000001", "开始处理")
    assert _status(book) == "in_progress"
    crm("ticket", "resolve", "T000001", "--resolution", "远程重启")
    crm("ticket", "close", "T000001")
    err = crm("ticket", "reopen", "T000001", code=1).stderr
    assert "from closed it may move to: none" in err
    assert _status(book) == "closed"
    # a new ticket cannot be closed straight from open: resolve is not allowed from open
    _open(crm, "打印机卡纸", kind="inquiry")
    err = crm("ticket", "close", "T000002", "--resolution", "已处理", code=1).stderr
    assert "from open to closed" in err
    assert _status(book, "T000002") == "open"


def test_a_flow_that_closes_open_tickets_directly(crm, book):
    crm("config", "set", "ticket.flow.open", '["in_progress", "resolved", "closed"]')
    _open(crm, "咨询发票", kind="inquiry")
    crm("ticket", "close", "T000001", "--resolution", "电话答复")
    row = book.one("SELECT status, resolution, resolved_at, closed_at FROM ticket")
    assert row["status"] == "closed" and row["resolution"] == "电话答复"
    assert row["resolved_at"] is not None and row["closed_at"] is not None


def test_an_open_ticket_stays_open_where_in_progress_is_not_a_move(crm, book):
    crm(
        "config",
        "set",
        "ticket.flow",
        '{"open": ["resolved"], "resolved": ["closed"], "closed": []}',
    )
    _open(crm)
    crm("ticket", "note", "T000001", "电话了解情况")
    assert _status(book) == "open"
    data = crm.json("ticket", "flow")
    assert [s["key"] for s in data["states"]] == ["open", "resolved", "closed"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('{"open": ["resolved"], "resolved": ["done"], "done": []}', "unknown state 'done'"),
        ('{"open": ["in_progress"], "in_progress": []}', "must keep the state 'closed'"),
        (
            '{"open": ["resolved"], "resolved": ["closed", "in_progress"], "closed": []}',
            "'in_progress' is not a state of the flow",
        ),
        (
            '{"open": ["resolved"], "in_progress": ["resolved"], "resolved": ["closed"], '
            '"closed": []}',
            "unreachable from 'open': in_progress",
        ),
        (
            '{"open": ["resolved"], "resolved": ["closed"], "closed": [], "in_progress": []}',
            "unreachable from 'open': in_progress",
        ),
        ('{"open": ["closed"], "closed": ["resolved"], "resolved": []}', "no command moves"),
        ('["open", "closed"]', "an object of status"),
        ('{"open": ["resolved"], "resolved": ["closed"], "closed": []}', None),  # fine
    ],
)
def test_a_flow_is_validated(crm, book, value, reason):
    before = book.dump()
    if reason is None:
        crm("config", "set", "ticket.flow", value)
        assert json.loads(book.scalar("SELECT value FROM setting WHERE key = 'ticket.flow'"))
        return
    err = crm("config", "set", "ticket.flow", value, code=1).stderr
    assert "invalid value for ticket.flow" in err and reason in err
    assert book.dump() == before


def test_a_state_in_use_cannot_leave_the_flow(crm, book):
    _open(crm)
    crm("ticket", "note", "T000001", "处理中")
    err = crm(
        "config",
        "set",
        "ticket.flow",
        '{"open": ["resolved"], "resolved": ["closed"], "closed": []}',
        code=1,
    ).stderr
    assert "tickets are still in the states in_progress" in err


def test_reset_brings_back_the_old_flow(crm, book):
    crm("config", "set", "ticket.flow.closed", "[]")
    assert crm.json("ticket", "flow")["states"][3]["moves_to"] == []
    crm("config", "reset", "ticket.flow")
    data = crm.json("ticket", "flow")
    assert {(m["from"], m["to"]) for m in data["moves"]} == OLD_MOVES
    assert book.scalar("SELECT count(*) FROM setting WHERE key = 'ticket.flow'") == 0


def test_the_flow_in_the_terminal_fits_80_columns(crm, book):
    out = crm("ticket", "flow", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "open 待处理 Open ──▶ in_progress In progress (assign, note)" in lines
    assert any("──▶ closed Closed (close)" in line for line in lines)
    assert not any("处理中 (" in line or "已关闭 (" in line for line in lines)  # moves: English
    crm("config", "set", "ticket.flow.closed", "[]")
    zh = crm("--lang", "zh", "ticket", "flow", env={"COLUMNS": "80"}).stdout
    assert "可转到（命令）" in zh and "（终止：不可转出）" in zh
    assert "──▶ in_progress 处理中 (assign, note)" in " ".join(zh.split())


def test_the_flow_as_mermaid(crm, book):
    out = crm("ticket", "flow", "--format", "mermaid").stdout
    lines = out.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    open : Open" in lines and "    in_progress : In progress" in lines
    assert "    [*] --> open" in lines and "    closed --> [*]" in lines
    assert "    open --> in_progress : assign, note" in lines
    assert "    resolved --> closed : close" in lines
    assert sum(" --> " in line for line in lines) == len(OLD_MOVES) + 2
    zh = crm("--lang", "zh", "ticket", "flow", "-f", "mermaid").stdout
    assert "    open : 待处理" in zh.splitlines()
    assert "open --> in_progress" in zh  # keys stay keys whatever the language
    crm("ticket", "flow", "-f", "csv", code=1)


def test_only_admins_change_the_flow(crm, book):
    book.execute(
        "INSERT INTO app_user (username, role, active) VALUES ('wangfang', 'admin', true), "
        "('liqiang', 'manager', true), ('sunhao', 'service', true)"
    )
    value = '{"open": ["in_progress"], "in_progress": ["resolved"], "resolved": ["closed"], '
    value += '"closed": []}'
    for user in ("liqiang", "sunhao"):
        err = crm("--user", user, "config", "set", "ticket.flow", value, code=1).stderr
        assert "not permitted" in err.lower() or "admin" in err.lower()
    assert book.scalar("SELECT count(*) FROM setting") == 0
    crm("--user", "sunhao", "ticket", "flow")  # everyone may look at it
    crm("--user", "wangfang", "config", "set", "ticket.flow", value)
    entry = book.one("SELECT entity_code, \"user\" FROM audit_entry WHERE entity = 'setting'")
    assert entry["entity_code"] == "ticket.flow"
