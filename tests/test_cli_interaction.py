"""``crm log`` and ``crm interaction list``: contact records (接触记录) and needs records."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.books import prebuilt


def _book(crm, db):
    crm("customer", "add", "杭州明远科技有限公司")
    crm("contact", "add", "C000001", "杜思琪", "--title", "财务总监")
    crm("customer", "add", "上海瑞丰商业连锁有限公司")


book = prebuilt("interaction", _book)


def _with_a_record(crm, db):
    _book(crm, db)
    crm("log", "C000001", "-c", "phone", "-s", "已有记录", "--at", "2026-03-01")


book_with_a_record = prebuilt("interaction-record", _with_a_record)


def test_log_a_call_with_everything(crm, book):
    out = crm(
        "log",
        "杭州明远科技有限公司",
        "--channel",
        "电话",
        "--summary",
        "介绍CRM专业版",
        "--result",
        "同意下周演示",
        "--contact",
        "杜思琪",
        "--place",
        "电话",
        "--at",
        "2026-03-02 10:15",
        "--next-step",
        "准备演示环境",
    ).stdout
    assert "Logged a Phone contact with C000001 杭州明远科技有限公司 (record 1)" in out
    row = book.one("SELECT * FROM interaction")
    assert row["channel"] == "phone" and row["kind"] == "contact" and row["contact_id"] == 1
    assert row["summary"] == "介绍CRM专业版" and row["result"] == "同意下周演示"
    assert row["next_step"] == "准备演示环境" and row["occurred_at"].startswith("2026-03-02 10:15")
    assert row["user_id"] is None and row["deleted_at"] is None
    entry = book.one(
        "SELECT action, entity, entity_code, changes FROM audit_entry WHERE entity = 'interaction'"
    )
    assert entry["action"] == "create" and entry["entity_code"] == "C000001"
    assert json.loads(entry["changes"])["channel"] == [None, "phone"]
    assert book.scalar("SELECT count(*) FROM followup") == 0


def test_log_defaults_to_now_and_every_channel_in_either_language(crm, book):
    channels = ["phone", "拜访", "email", "微信", "meeting", "展会", "other"]
    for channel in channels:
        crm("log", "C000002", "-c", channel, "-s", f"via {channel}")
    got = [r["channel"] for r in book.rows("SELECT channel FROM interaction ORDER BY id")]
    assert got == ["phone", "visit", "email", "wechat", "meeting", "exhibition", "other"]
    assert book.scalar("SELECT min(occurred_at) FROM interaction")[:10] == date.today().isoformat()


def test_next_date_plans_a_touch(crm, book):
    data = json.loads(
        crm(
            "log",
            "C000001",
            "-c",
            "visit",
            "-s",
            "拜访",
            "--at",
            "2026-03-02",
            "--next",
            "2026-03-09 14:00",
            "--next-step",
            "送合同",
            "--contact",
            "杜思琪",
            "-f",
            "json",
        ).stdout
    )
    assert data["interaction"]["contact"] == "杜思琪" and data["completed"] is None
    nxt = data["next"]
    assert nxt["due_at"] == "2026-03-09T14:00:00" and nxt["kind"] == "visit"
    assert nxt["note"] == "送合同" and nxt["contact"] == "杜思琪" and nxt["step"] is None


def test_next_auto_without_a_cadence_is_in_three_days(crm, book):
    out = crm(
        "log",
        "C000001",
        "-c",
        "email",
        "-s",
        "发资料",
        "--at",
        "2026-02-27 16:00",
        "--next",
        "auto",
    ).stdout
    assert "Next: follow-up 1 due 2026-03-02" in out  # three days, across February's end
    assert book.one("SELECT kind, step FROM followup") == {"kind": "email", "step": None}


def test_next_auto_counts_as_the_cadence_touch_and_plans_the_next_step(crm, book):
    crm("followup", "plan", "C000001", "--start", "2026-03-02")
    out = crm(
        "log",
        "C000001",
        "-c",
        "phone",
        "-s",
        "第一次跟踪",
        "--at",
        "2026-03-03 11:00",
        "--next",
        "auto",
    ).stdout
    assert (
        "Done: follow-up 1" in out and "Next: follow-up 2 due 2026-03-06 (step 2 of memory)" in out
    )
    rows = book.rows(
        "SELECT id, status, step, done_at, interaction_id, due_at FROM followup ORDER BY id"
    )
    assert rows[0]["status"] == "done" and rows[0]["interaction_id"] == 1
    assert rows[0]["done_at"].startswith("2026-03-03 11:00")
    assert rows[1]["step"] == 2 and rows[1]["due_at"].startswith("2026-03-06")


def test_next_auto_on_the_last_step_says_the_cadence_is_complete(crm, book):
    crm("followup", "plan", "C000001", "--cadence", "0d", "--start", "2026-03-02")
    out = crm(
        "log", "C000001", "-c", "phone", "-s", "x", "--at", "2026-03-02", "--next", "auto"
    ).stdout
    assert "The cadence is complete" in out
    assert book.scalar("SELECT count(*) FROM followup") == 1


def test_needs_records_are_a_kind_of_interaction(crm, book):
    crm(
        "log",
        "C000001",
        "-c",
        "visit",
        "--kind",
        "需求",
        "-s",
        "希望移动端审批",
        "--at",
        "2026-03-02",
    )
    crm("log", "C000001", "-c", "phone", "-s", "寒暄", "--at", "2026-03-03")
    needs = crm.json("interaction", "list", "--kind", "needs")
    assert [r["summary"] for r in needs] == ["希望移动端审批"] and needs[0]["kind"] == "needs"
    assert "需求" in crm("--lang", "zh", "interaction", "list", "--kind", "needs").stdout


def test_list_latest_first_with_filters(crm, book, db):
    crm("log", "C000001", "-c", "phone", "-s", "一", "--at", "2026-03-01 09:00")
    crm("log", "C000002", "-c", "visit", "-s", "二", "--at", "2026-03-02 09:00")
    crm("log", "C000001", "-c", "visit", "-s", "三", "--at", "2026-03-03 09:00")
    rows = crm.json("interaction", "list")
    assert [r["summary"] for r in rows] == ["三", "二", "一"]
    assert list(rows[0]) == [
        "id",
        "customer_code",
        "customer_name",
        "occurred_at",
        "channel",
        "kind",
        "contact",
        "user",
        "place",
        "summary",
        "result",
        "next_step",
        "opportunity_code",
    ]
    assert rows[0]["occurred_at"] == "2026-03-03T09:00:00"

    def summaries(*args, actor=()):
        return [r["summary"] for r in crm.json(*actor, "interaction", "list", *args)]

    assert summaries("C000001") == ["三", "一"]
    assert summaries("--channel", "拜访") == ["三", "二"]
    assert summaries("--since", "2026-03-02") == ["三", "二"]
    assert summaries("--until", "2026-03-02") == ["一"]
    assert summaries("--limit", "1") == ["三"]
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('lina', 'admin', true)")
    crm("--user", "lina", "log", "C000002", "-c", "email", "-s", "四")
    # after the subcommand, --user (or --by) filters by who made the record
    assert summaries("--user", "lina", actor=("--user", "lina")) == ["四"]
    assert summaries("--by", "lina", actor=("--user", "lina")) == ["四"]
    table = crm("--user", "lina", "interaction", "list").stdout
    assert "Phone" in table and "三" in table and "lina" in table


def test_customer_card_shows_the_latest_five(crm, book):
    for day in range(1, 8):
        crm("log", "C000001", "-c", "phone", "-s", f"第{day}次", "--at", f"2026-03-0{day}")
    card = crm.json("customer", "show", "C000001")
    assert [r["summary"] for r in card["interactions"]] == [f"第{d}次" for d in range(7, 2, -1)]
    assert "Latest contact records (5)" in crm("customer", "show", "C000001").stdout


def test_a_deleted_customer_keeps_its_history_on_the_card_but_not_in_lists(crm, book):
    crm("log", "C000002", "-c", "phone", "-s", "旧记录", "--at", "2026-03-01")
    crm("customer", "delete", "C000002", "--yes")
    assert crm.json("interaction", "list") == []
    assert crm.json("customer", "show", "C000002")["interactions"][0]["summary"] == "旧记录"


BAD = [
    (["log", "C999999", "-c", "phone", "-s", "x"], "no customer 'C999999'"),
    (["log", "C000001", "-c", "pigeon", "-s", "x"], "unknown channel 'pigeon' (phone/电话"),
    (["log", "C000001", "-c", "phone", "-s", ""], "Summary is required"),
    (["log", "C000001", "-c", "phone", "-s", "   "], "Summary is required"),
    (["log", "C000001", "-c", "phone", "-s", "x" * 4001], "Summary is too long"),
    (["log", "C000001", "-c", "phone", "-s", "x", "--place", "x" * 201], "Place is too long"),
    (["log", "C000001", "-c", "phone", "-s", "x", "--at", "2026-13-01"], "invalid date"),
    (["log", "C000001", "-c", "phone", "-s", "x", "--at", "tomorrow"], "is in the future"),
    (
        ["log", "C000001", "-c", "phone", "-s", "x", "--next", "later"],
        "invalid --next 'later': use DATE or auto",
    ),
    (["log", "C000001", "-c", "phone", "-s", "x", "--next", "none"], "use DATE or auto"),
    (["log", "C000001", "-c", "phone", "-s", "x", "--contact", "王五"], "no contact '王五'"),
    (["log", "C000001", "-c", "phone", "-s", "x", "--kind", "gossip"], "unknown record kind"),
    (
        ["log", "C000001", "-c", "phone", "-s", "x", "--opportunity", "O000009"],
        "no opportunity 'O000009'",
    ),
    (["log", "C000001", "-c", "phone", "-s", "x", "-f", "xml"], "unknown format 'xml'"),
    (["interaction", "list", "C999999"], "no customer"),
    (["interaction", "list", "--since", "last week"], "invalid date 'last week'"),
    (["interaction", "list", "--channel", "pigeon"], "unknown channel"),
    (["interaction", "list", "--user", "ghost"], "unknown user 'ghost'"),
    (["interaction", "list", "--limit", "-1"], "--limit must be at least 1"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(crm, book_with_a_record, args, message):
    book = book_with_a_record
    before = book.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert book.dump() == before


def test_usage_errors_exit_2(crm, book):
    crm("log", "C000001", "--summary", "no channel", code=2)
    crm("log", "C000001", "--channel", "phone", code=2)
    crm("log", code=2)


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
    crm("--user", "lina", "log", "甲", "-c", "phone", "-s", "未分配客户也能联系")
    assert (
        "no customer '乙'"
        in crm("--user", "lina", "log", "乙", "-c", "phone", "-s", "x", code=1).stderr
    )
    crm("--user", "kefu", "log", "乙", "-c", "phone", "-s", "客服回访")
    assert [r["summary"] for r in crm.json("--user", "lina", "interaction", "list")] == [
        "未分配客户也能联系"
    ]
    assert len(crm.json("--user", "boss", "interaction", "list")) == 2
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    crm("--user", "wang", "log", "乙", "-c", "visit", "-s", "拜访", "--at", yesterday)
    users = [r["user"] for r in crm.json("--user", "boss", "interaction", "list", "乙")]
    assert sorted(users) == ["kefu", "wang"]
