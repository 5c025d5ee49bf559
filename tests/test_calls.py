"""``crm call``: outbound call lists (呼叫中心) — built from a segment, dealt to callers,
the next call, outcomes as contact records and follow-ups, progress, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def book(crm):
    crm("customer", "add", "甲公司", "--level", "gold", "--phone", "0571-8821 6630")
    crm("customer", "add", "乙公司", "--level", "gold")
    crm("customer", "add", "丙公司", "--level", "silver")
    crm("customer", "add", "丁公司", "--level", "gold", "--status", "lost")
    crm("contact", "add", "甲公司", "周明", "--mobile", "138 0013 8000", "--role", "decision_maker")
    crm("log", "甲公司", "-c", "visit", "-s", "上门拜访", "-r", "有意向")
    return crm


def test_build_next_outcomes_and_progress(book, db):
    out = book("call", "new", "金牌回访", "--segment", "level:gold", "--script", "您好{contact}")
    assert "2 customers to call" in out.stdout  # the lost one is left out
    [listed] = book.json("call", "list")
    assert (listed["name"], listed["total"], listed["pending"]) == ("金牌回访", 2, 2)

    nxt = book.json("call", "next")
    assert nxt["customer_code"] == "C000001" and nxt["contact"] == "周明"
    assert nxt["phone"] == "138 0013 8000" and nxt["script"] == "您好周明"
    assert nxt["last_contact"]["summary"] == "上门拜访"
    assert "Record the outcome with: crm call done C000001" in book("call", "next").stdout

    done = book.json("call", "done", "C000001", "--outcome", "callback", "--at", TOMORROW)
    assert done["status"] == "callback" and done["followup_id"] is not None
    followup = db.one("SELECT customer_id, due_at, kind, status, note FROM followup")
    assert followup["due_at"].startswith(TOMORROW) and followup["kind"] == "call"
    assert followup["status"] == "pending" and followup["note"] == "call back (金牌回访)"
    call = db.one(
        "SELECT channel, summary, result FROM interaction WHERE id = :id", id=done["interaction_id"]
    )
    assert call == {
        "channel": "phone",
        "summary": "Outbound call (金牌回访)",
        "result": "Call back",
    }

    assert book.json("call", "next")["customer_code"] == "C000002"  # the call back is tomorrow
    book("call", "done", "乙公司", "--outcome", "no_answer")
    assert book.json("call", "next")["attempts"] == 1  # still on the list
    book("call", "done", "C000002", "-o", "无人接听")
    book("call", "done", "C000002", "-o", "no answer")  # the third: off the list
    assert book.json("call", "next") is None
    assert "No more calls" in book("call", "next").stdout

    progress = book.json("call", "progress", "金牌回访")
    assert progress["total"] == 2 and progress["called"] == 2
    assert (progress["pending"], progress["callback"], progress["done"]) == (0, 1, 1)
    assert progress["outcomes"] == {
        "answered": 0,
        "no_answer": 1,
        "callback": 1,
        "refused": 0,
        "wrong_number": 0,
    }
    assert db.scalar("SELECT count(*) FROM interaction WHERE channel = 'phone'") == 4
    entries = book.json("call", "show", "金牌回访")
    assert [(e["customer_code"], e["status"], e["attempts"]) for e in entries] == [
        ("C000001", "callback", 1),
        ("C000002", "done", 3),
    ]


def test_answered_refused_wrong_number_end_the_call(book, db):
    book("call", "new", "全部", "--segment", "codes:C000001,C000002,C000003")
    for code, outcome in (
        ("C000001", "answered"),
        ("C000002", "拒绝"),
        ("C000003", "wrong_number"),
    ):
        book("call", "done", code, "--outcome", outcome, "-s", "说明")
    progress = book.json("call", "progress")
    assert progress[0]["done"] == 3 and progress[0]["done_share"] == 1.0
    assert db.scalar("SELECT count(*) FROM followup") == 0
    assert db.scalar("SELECT count(*) FROM interaction WHERE summary = '说明'") == 3


def test_bad_outcomes_and_dates(book):
    book("call", "new", "L", "--segment", "level:gold")
    assert (
        "unknown outcome 'maybe'" in book("call", "done", "C000001", "-o", "maybe", code=1).stderr
    )
    assert "--at DATE" in book("call", "done", "C000001", "-o", "callback", code=1).stderr
    book("call", "done", "C000001", "-o", "answered", "--at", TOMORROW, code=1)
    err = book("call", "done", "C000003", "-o", "answered", code=1).stderr
    assert "C000003 丙公司 is on no open call list" in err
    book("call", "new", "L", "--segment", "level:gold", code=1)  # the name is taken
    book("call", "new", "M", "--segment", "planets:mars", code=1)
    book("call", "new", "N", code=1)  # no segment


def test_a_closed_list_is_done_with(book, db):
    book("call", "new", "L", "--segment", "level:gold")
    assert "Closed call list L" in book("call", "close", "L").stdout
    before = db.dump()
    err = book("call", "close", "L", code=1).stderr
    assert "call list L is already closed" in err
    assert "call list L is closed" in book("call", "next", "L", code=1).stderr
    assert "no open call list" in book("call", "next", code=1).stderr
    err = book("call", "done", "C000001", "--list", "L", "-o", "answered", code=1).stderr
    assert "call list L is closed" in err
    err = book("call", "done", "C000001", "-o", "answered", code=1).stderr
    assert "is on no open call list" in err
    assert "call list L is closed" in book("call", "assign", "L", "--to", "x", code=1).stderr
    assert db.dump() == before  # no contact record, the entry untouched
    assert book.json("call", "show", "L")[0]["status"] == "pending"  # still to read
    err = book("--lang", "zh", "call", "close", "L", code=1).stderr
    assert "呼叫清单 L 已经关闭" in err


def test_a_csv_of_codes_and_skipped_codes(book, tmp_path):
    file = tmp_path / "codes.csv"
    file.write_text("客户编号,备注\nC000003,\nC000009,\nC000004,\nC000001,\n", encoding="utf-8-sig")
    data = book.json("call", "new", "文件", "--file", str(file))
    assert data["customers"] == 2
    assert [s["code"] for s in data["skipped"]] == ["C000009", "C000004"]
    assert [e["customer_code"] for e in book.json("call", "show", "文件")] == ["C000003", "C000001"]


def test_abc_and_care_segments(book):
    book("product", "add", "服务器", "--price", "10000")
    book("order", "add", "丙公司", "--item", "服务器:5")
    book("order", "add", "乙公司", "--item", "服务器:1")
    data = book.json("call", "new", "A类", "--segment", "abc:A")
    assert data["customers"] == 1
    assert book.json("call", "show", "A类")[0]["customer_code"] == "C000003"
    book("call", "new", "R", "--segment", "rfm:nothing", code=1)
    care = book.json("call", "new", "关怀", "--segment", "care", "--as-of", "+100d")
    assert care["customers"] == 3  # drifting by then: gold, gold, silver (not the lost one)


def test_a_churn_risk_segment_calls_whom_report_churn_lists(book):
    book("customer", "edit", "乙公司", "--status", "active")
    book("customer", "edit", "丙公司", "--status", "active")
    book("ticket", "open", "丙公司", "--kind", "complaint", "--subject", "发货延迟")
    at_risk = [r["code"] for r in book.json("report", "churn")["at_risk"]]
    assert at_risk == ["C000003"]  # the open complaint; the others are not active or fine
    assert book.json("call", "new", "挽留", "--segment", "risk")["customers"] == 1
    assert [e["customer_code"] for e in book.json("call", "show", "挽留")] == at_risk
    later = book.json("call", "new", "挽留2", "--segment", "risk", "--as-of", "+100d")
    assert later["customers"] == 2  # silent by then too: the complaint's (two signals) first
    assert [e["customer_code"] for e in book.json("call", "show", "挽留2")] == [
        "C000003",
        "C000002",
    ]
    err = book("--lang", "zh", "call", "new", "X", "--segment", "planets", code=1).stderr
    assert "risk（流失风险）" in err


@pytest.fixture
def team(book):
    crm = book
    crm("user", "add", "admin", "--role", "admin")
    for name, role in (("liuyang", "sales"), ("chenjing", "sales"), ("zhaolei", "service")):
        crm("--user", "admin", "user", "add", name, "--role", role)
    crm("--user", "admin", "customer", "assign", "C000001", "--owner", "liuyang")
    crm("--user", "admin", "customer", "assign", "C000002", "--owner", "chenjing")
    return crm


def test_callers_take_their_own_calls(team, db):
    team(
        "--user",
        "admin",
        "call",
        "new",
        "L",
        "--segment",
        "level:gold",
        "--assign",
        "liuyang",
        "--assign",
        "chenjing",
    )
    assert team.json("--user", "liuyang", "call", "next")["customer_code"] == "C000001"
    assert team.json("--user", "chenjing", "call", "next")["customer_code"] == "C000002"
    assert team.json("--user", "admin", "call", "next") is None  # dealt to others
    team("--user", "liuyang", "call", "done", "C000001", "-o", "answered")
    assert (
        db.scalar(
            "SELECT u.username FROM interaction i JOIN app_user u ON u.id = i.user_id"
            " WHERE i.channel = 'phone'"
        )
        == "liuyang"
    )
    progress = team.json("--user", "admin", "call", "progress", "L")
    assert {c["caller"]: c["done"] for c in progress["callers"]} == {"chenjing": 0, "liuyang": 1}
    team("--user", "admin", "call", "assign", "L", "--to", "zhaolei")  # service staff
    assert team.json("--user", "zhaolei", "call", "next")["customer_code"] == "C000002"
    assert team.json("--user", "chenjing", "call", "next") is None


def _callers(crm, name):
    entries = crm.json("--user", "admin", "call", "show", name)
    return {e["customer_code"]: e["caller"] for e in entries}


def test_calls_are_dealt_only_to_callers_who_may_see_the_customer(team):
    team("--user admin call new 全部 --segment codes:C000001,C000002,C000003")
    out = team("--user admin call assign 全部 --to chenjing --to liuyang")
    assert "Dealt 3 calls of 全部" in out.stdout and out.stderr == ""
    # C000001 is liuyang's, C000002 chenjing's; the unassigned C000003 goes to whoever is next
    assert _callers(team, "全部") == {
        "C000001": "liuyang",
        "C000002": "chenjing",
        "C000003": "liuyang",
    }
    assert team.json("--user", "liuyang", "call", "next", "全部")["customer_code"] == "C000001"
    assert team.json("--user", "chenjing", "call", "next", "全部")["customer_code"] == "C000002"

    out = team("--user admin call assign 全部 --to liuyang")
    assert "Dealt 2 calls of 全部" in out.stdout
    assert "skipped C000002: none of the callers may see it" in out.stderr
    assert _callers(team, "全部")["C000002"] == "chenjing"  # not dealt: left as it was
    err = team("--lang zh --user admin call assign 全部 --to liuyang").stderr
    assert "跳过 C000002：指定的呼叫人都无权查看这个客户" in err

    data = team.json(
        "--user", "admin", "call", "new", "金", "--to", "level:gold", "--assign", "liuyang"
    )
    assert data["customers"] == 1
    assert data["skipped"] == [{"code": "C000002", "reason": "none of the callers may see it"}]
    assert _callers(team, "金") == {"C000001": "liuyang"}
    err = team("--user admin call new 乙 --segment codes:C000002 --assign liuyang", code=1).stderr
    assert "no customers to call in codes:C000002; none of the callers may see them" in err


def test_a_disabled_user_is_no_caller(team, db):
    team("--user admin call new 全部 --segment level:gold")
    team("--user admin user disable chenjing")
    before = db.dump()
    err = team("--user admin call assign 全部 --to liuyang --to chenjing", code=1).stderr
    assert "user 'chenjing' is disabled" in err
    err = team("--user admin call new X --segment level:gold --assign chenjing", code=1).stderr
    assert "user 'chenjing' is disabled" in err
    assert db.dump() == before


def test_a_salespersons_list_holds_what_she_may_see(team):
    data = team.json("--user", "liuyang", "call", "new", "我的", "--segment", "level:gold")
    assert data["customers"] == 1  # her own gold customer; 乙公司 is chenjing's
    data = team.json(
        "--user", "liuyang", "call", "new", "点名", "--segment", "codes:C000002,C000003"
    )
    assert [s["code"] for s in data["skipped"]] == ["C000002"]
    team(
        "--user",
        "liuyang",
        "call",
        "new",
        "X",
        "--segment",
        "level:silver",
        "--assign",
        "chenjing",
        code=1,
    )  # sales deal lists to themselves only
    team("--user", "liuyang", "call", "assign", "我的", "--to", "liuyang", code=1)


def test_a_list_is_closed_by_whoever_built_it_or_a_manager(team, db):
    team("--user", "admin", "call", "new", "总部", "--segment", "level:gold")
    team("--user", "liuyang", "call", "new", "我的", "--segment", "level:gold")
    before = db.dump()
    err = team("--user", "chenjing", "call", "close", "总部", code=1).stderr
    assert "chenjing (Sales) may not close call lists built by others" in err
    team("--user", "chenjing", "call", "close", "我的", code=1)
    team("--user", "zhaolei", "call", "close", "我的", code=1)  # service staff
    assert db.dump() == before
    team("--user", "liuyang", "call", "close", "我的")
    team("--user", "admin", "user", "add", "boss", "--role", "manager")
    team("--user", "boss", "call", "close", "总部")
    assert db.rows("SELECT name, status FROM call_list ORDER BY id") == [
        {"name": "总部", "status": "closed"},
        {"name": "我的", "status": "closed"},
    ]


def test_service_staff_record_calls_but_do_not_build_lists(team, db):
    team("--user", "admin", "call", "new", "L", "--segment", "level:gold")
    team("--user", "zhaolei", "call", "done", "C000002", "-o", "answered")
    assert db.scalar("SELECT status FROM call_entry WHERE customer_id = 2") == "done"
    team("--user", "zhaolei", "call", "new", "Z", "--segment", "level:gold", code=1)


def test_chinese_output(book):
    book("--lang", "zh", "call", "new", "金牌回访", "--segment", "level:金牌")
    out = book("--lang", "zh", "call", "next").stdout
    assert "下一个呼叫（金牌回访 第 1 位）" in out and "话术" in out and "最近接触" in out
    out = book("--lang", "zh", "call", "done", "C000001", "--outcome", "约定回电", "--at", TOMORROW)
    assert "已记录对 C000001 甲公司 的呼叫：约定回电" in out.stdout
    assert "约定" in out.stdout and "回电：跟进" in out.stdout
    out = book("--lang", "zh", "call", "progress").stdout
    assert "呼叫清单 金牌回访" in out and "待回电" in out and "完成率" in out
    err = book("--lang", "zh", "call", "done", "C000003", "-o", "answered", code=1).stderr
    assert "错误" in err
    book("call", "new", "银牌", "--segment", "level:silver")
    book("call", "close", "银牌")
    out = book("--lang", "zh", "call", "list").stdout
    assert "进行中" in out and "已关闭" in out
    assert "open" not in out and "closed" not in out
    assert [r["status"] for r in book.json("--lang", "zh", "call", "list")] == ["open", "closed"]


def test_digits_name_a_list_by_its_id_even_when_a_name_is_a_number(book):
    book("call", "new", "金牌", "--segment", "level:gold")  # list 1
    book("call", "new", "1", "--segment", "level:silver")  # list 2, named "1"
    assert [e["customer_code"] for e in book.json("call", "show", "1")] == ["C000001", "C000002"]
    assert [e["customer_code"] for e in book.json("call", "show", "2")] == ["C000003"]
