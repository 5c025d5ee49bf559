"""``crm customer timeline``: one customer's history, newest first (SPEC §7)."""

from __future__ import annotations

import re

import pytest

AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
KINDS = {
    "interaction",
    "followup",
    "stage",
    "order",
    "contract",
    "payment",
    "ticket",
    "note",
    "audit",
}


@pytest.fixture
def book(crm):
    crm("customer", "add", "华晨电子", "--phone", "0755-8888 0001")
    crm("contact", "add", "华晨电子", "高立新")
    crm("product", "add", "交换机", "--price", "1000")
    crm("log", "华晨电子", "-c", "phone", "-s", "first call", "--at", "2026-03-01 10:00")
    crm("log", "华晨电子", "-c", "visit", "-s", "site visit", "--at", "2026-03-05 14:30")
    crm("followup", "add", "华晨电子", "--due", "2026-03-10 09:00", "--note", "send quote")
    crm("opportunity", "add", "华晨电子", "网络改造", "--amount", "50000")
    crm("opportunity", "stage", "网络改造", "proposal")
    crm("order", "add", "华晨电子", "--item", "交换机:2", "--date", "2026-03-08")
    crm("customer", "edit", "华晨电子", "--level", "gold")
    crm("ticket", "open", "华晨电子", "-k", "repair", "-s", "switch down")
    return crm


def test_json_shape_and_order(book):
    events = book.json("customer", "timeline", "华晨电子")
    assert events, events
    for e in events:
        assert set(e) == {"at", "kind", "summary", "user", "ref"}
        assert AT.match(e["at"]), e["at"]
        assert e["kind"] in KINDS
    ats = [e["at"] for e in events]
    assert ats == sorted(ats, reverse=True)
    kinds = {e["kind"] for e in events}
    assert {"interaction", "followup", "stage", "order", "ticket", "audit"} <= kinds
    # a date-only event sits at midnight
    order = next(e for e in events if e["kind"] == "order")
    assert order["at"] == "2026-03-08T00:00:00"
    assert order["ref"].startswith("D")
    calls = [e for e in events if e["kind"] == "interaction"]
    assert [e["at"] for e in calls] == ["2026-03-05T14:30:00", "2026-03-01T10:00:00"]
    assert "site visit" in calls[0]["summary"]
    stage = next(e for e in events if e["kind"] == "stage" and "Proposal" in e["summary"])
    assert "网络改造" in stage["summary"] and stage["ref"] == "O000001"


def test_since(book):
    events = book.json("customer", "timeline", "华晨电子", "--since", "2026-03-05")
    assert events and all(e["at"] >= "2026-03-05T00:00:00" for e in events)
    assert not any(e["summary"].endswith("first call") for e in events)
    everything = book.json("customer", "timeline", "华晨电子")
    assert len(everything) > len(events)


def test_formats_and_limit(book):
    lines = book("customer", "timeline", "华晨电子", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == len(book.json("customer", "timeline", "华晨电子"))
    csv_text = book("customer", "timeline", "华晨电子", "-f", "csv").stdout
    assert csv_text.splitlines()[0] == "at,kind,summary,user,ref"
    assert len(book.json("customer", "timeline", "华晨电子", "-n", "2")) == 2
    table = book("customer", "timeline", "华晨电子").stdout
    assert "When" in table and "site visit" in table


def test_chinese_labels(book):
    table = book("customer", "timeline", "华晨电子", env={"CRM_LANG": "zh"}).stdout
    assert "时间" in table and "事件" in table and "接触" in table and "拜访" in table
    # JSON keys and kinds stay English
    data = book("--lang", "zh", "customer", "timeline", "华晨电子", "-f", "json").stdout
    assert '"kind": "interaction"' in data


def test_unknown_customer(crm):
    crm("customer", "timeline", "nobody", code=1)


def test_a_salesperson_sees_only_their_own_customers_timeline(crm):
    crm("user", "add", "wangfang", "--role", "admin")
    for name in ("liuyang", "chenjing"):
        crm("--user", "wangfang", "user", "add", name, "--role", "sales")
    crm("--user", "chenjing", "customer", "add", "陈静的客户")
    crm("--user", "chenjing", "log", "陈静的客户", "-c", "phone", "-s", "secret talk")
    mine = crm.json("--user", "chenjing", "customer", "timeline", "陈静的客户")
    assert any("secret talk" in e["summary"] for e in mine)
    assert any(e["user"] == "chenjing" for e in mine)
    result = crm("--user", "liuyang", "customer", "timeline", "陈静的客户", code=1)
    assert "secret talk" not in result.stdout
    # the manager sees it all
    assert crm.json("--user", "wangfang", "customer", "timeline", "陈静的客户") == mine


def test_changes_read_in_the_users_language_and_a_cancel_when_it_happened(book):
    from datetime import date, timedelta

    due = (date.today() + timedelta(days=30)).isoformat()
    book("followup", "add", "华晨电子", "--due", f"{due} 09:00", "--note", "回访")
    book("customer", "edit", "华晨电子", "--status", "lost", "--reason", "price")
    events = book.json("--lang", "zh", "customer", "timeline", "华晨电子")
    cancelled = next(e for e in events if e["summary"] == "跟进已取消: 电话 · 回访")
    assert cancelled["at"][:10] == date.today().isoformat()  # not the day it was due
    assert events[0]["at"] <= f"{date.today()}T23:59:59"  # nothing in the future now
    change = next(e for e in events if e["kind"] == "audit" and "流失" in e["summary"])
    assert change["summary"].startswith("修改 · 状态: ")
    assert "→ 流失" in change["summary"] and "流失原因: - → 产品价格" in change["summary"]
    levels = [e["summary"] for e in events if e["kind"] == "audit" and "客户等级" in e["summary"]]
    assert levels[0] == "修改 · 客户等级: 普通 → 金牌"
    assert levels[1].startswith(
        "新建 · 客户编号: - → C000001, 客户名称: - → 华晨电子, 类型: - → 企业"
    )
    english = book.json("customer", "timeline", "华晨电子")
    assert "update · Level: Regular → Gold" in [e["summary"] for e in english]
