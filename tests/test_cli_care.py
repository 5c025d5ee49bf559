"""``crm care due``: drifting customers by level, birthdays, anniversaries, care actions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from crmcli.services.relationship.care import _days_in_window
from tests.books import prebuilt

TODAY = date.today()


def ago(days: int) -> str:
    return (datetime.combine(TODAY, datetime.min.time()) - timedelta(days=days)).strftime(
        "%Y-%m-%d 10:00"
    )


def _book(crm, db):
    crm("customer", "add", "金牌甲", "--level", "gold")  # C000001: 20 days without contact
    crm("customer", "add", "金牌乙", "--level", "gold")  # C000002: 13 days
    crm("customer", "add", "金牌丙", "--level", "gold")  # C000003: exactly 14 days
    crm("customer", "add", "银牌丁", "--level", "silver")  # C000004: never, added 100 days ago
    crm("customer", "add", "普通戊", "--level", "regular")  # C000005: 95 days, but lost
    crm("customer", "add", "普通己", "--level", "regular")  # C000006: 89 days
    crm("contact", "add", "金牌甲", "周明", "--role", "decision_maker", "--mobile", "138 0000 0001")
    crm("contact", "add", "金牌甲", "吴芳", "--mobile", "138 0000 0002")
    crm("log", "金牌甲", "-c", "phone", "-s", "老联系", "--at", ago(40))
    crm("log", "金牌甲", "-c", "visit", "-s", "上次拜访", "--at", ago(20))
    crm("log", "金牌乙", "-c", "phone", "-s", "x", "--at", ago(13))
    crm("log", "金牌丙", "-c", "phone", "-s", "x", "--at", ago(14))
    crm("log", "普通戊", "-c", "phone", "-s", "x", "--at", ago(95))
    crm("log", "普通己", "-c", "phone", "-s", "x", "--at", ago(89))
    crm("customer", "edit", "普通戊", "--status", "lost")
    db.execute(
        "UPDATE customer SET created_at = :t WHERE code IN ('C000004', 'C000005', 'C000006')",
        t=ago(100),
    )
    db.execute(
        "UPDATE customer SET created_at = :t WHERE code IN ('C000001', 'C000002', 'C000003')",
        t=ago(60),
    )


book = prebuilt("care", _book)


def drifting(crm, *args):
    return [r for r in crm.json("care", "due", *args) if r["kind"] == "drifting"]


def test_drifting_customers_past_their_level_interval(crm, book):
    rows = drifting(crm)
    assert [r["customer_code"] for r in rows] == ["C000004", "C000001", "C000003"]
    silver, gold, exact = rows
    assert silver["days_since_contact"] == 100 and silver["last_contact_at"] is None
    assert "never contacted; added 100 days ago (every 30 days)" in silver["detail"]
    assert silver["date"] == (TODAY - timedelta(days=70)).isoformat() and silver["days"] == -70
    assert gold["days_since_contact"] == 20 and gold["days"] == -6
    assert gold["contact"] == "周明" and gold["phone"] == "138 0000 0001"
    assert gold["last_contact_at"] == ago(20).replace(" ", "T") + ":00"
    assert gold["action"] == "A yearly trip or site visit for key people"
    assert exact["days_since_contact"] == 14 and exact["days"] == 0  # due today counts


def test_any_contact_resets_the_clock_and_intervals_are_settings(crm, book):
    crm("log", "金牌甲", "-c", "wechat", "-s", "问候")
    assert "C000001" not in [r["customer_code"] for r in drifting(crm)]
    crm("config", "set", "care.intervals.gold", "10")
    assert [r["customer_code"] for r in drifting(crm)] == ["C000004", "C000003", "C000002"]
    crm("config", "set", "care.intervals.regular", "30")
    assert "C000006" in [r["customer_code"] for r in drifting(crm)]
    assert "C000005" not in [r["customer_code"] for r in drifting(crm)]  # lost: left alone


def test_on_another_day(crm, book):
    later = (TODAY + timedelta(days=2)).isoformat()
    assert "C000002" in [r["customer_code"] for r in drifting(crm, "--on", later)]


def test_birthdays_in_the_window_with_age_and_leap_days(crm, db):
    crm("customer", "add", "乙公司", "--level", "silver")
    crm(
        "contact",
        "add",
        "乙公司",
        "张三",
        "--birthday",
        "1988-02-29",
        "--title",
        "经理",
        "--mobile",
        "139 1111 2222",
    )
    crm("contact", "add", "乙公司", "李四", "--birthday", "1990-01-03")
    crm("contact", "add", "乙公司", "王五", "--birthday", "1990-03-20")
    db.execute("UPDATE customer SET created_at = :t", t=f"{TODAY} 00:00:00")

    def birthdays(on, within="14"):
        rows = crm.json("care", "due", "--on", on, "--within", within)
        return [(r["contact"], r["date"], r["years"]) for r in rows if r["kind"] == "birthday"]

    # a common year: a 29 February birthday is kept on the 28th
    assert birthdays("2027-02-20") == [("张三", "2027-02-28", 39)]
    assert birthdays("2028-02-20") == [("张三", "2028-02-29", 40)]
    assert birthdays("2028-03-01", "30") == [("王五", "2028-03-20", 38)]
    # across the year end
    assert birthdays("2026-12-25") == [("李四", "2027-01-03", 37)]
    assert birthdays("2026-12-25", "0") == []
    row = next(r for r in crm.json("care", "due", "--on", "2027-02-20") if r["kind"] == "birthday")
    assert row["detail"] == "张三 (经理): birthday, turns 39" and row["phone"] == "139 1111 2222"
    assert row["action"] == "Holiday gifts" and row["days"] == 8
    zh = crm.json("--lang", "zh", "care", "due", "--on", "2027-02-20")
    assert next(r for r in zh if r["kind"] == "birthday")["detail"] == "张三（经理）：39 岁生日"


def test_anniversaries_of_the_relationship(crm, db):
    crm("customer", "add", "老客户", "--customer-since", "2021-03-10", "--level", "gold")
    crm("customer", "add", "新客户", "--customer-since", "2026-03-12")
    db.execute("UPDATE customer SET created_at = :t", t=f"{TODAY} 00:00:00")
    rows = [r for r in crm.json("care", "due", "--on", "2026-03-05") if r["kind"] == "anniversary"]
    assert [(r["customer_name"], r["date"], r["years"]) for r in rows] == [
        ("老客户", "2026-03-10", 5)
    ]
    assert rows[0]["detail"] == "5 years as a customer (since 2021-03-10)"


def test_care_actions_follow_the_settings_and_the_language(crm, book):
    crm("config", "set", "care.actions.gold", '{"en": "Dinner", "zh": "请客吃饭"}')
    crm("config", "set", "care.actions.silver", "寄月饼")
    rows = {r["customer_code"]: r["action"] for r in drifting(crm)}
    assert rows["C000001"] == "Dinner" and rows["C000004"] == "寄月饼"
    zh = {
        r["customer_code"]: r["action"]
        for r in crm.json("--lang", "zh", "care", "due")
        if r["kind"] == "drifting"
    }
    assert zh["C000001"] == "请客吃饭"


def test_table_in_both_languages(crm, book):
    out = crm("care", "due").stdout
    assert "Drifting" in out and "金牌甲" in out and "周明 138 0000 0001" in out
    assert "20 days since the last" in out and "Gold: A yearly trip" in out
    zh = crm("--lang", "zh", "care", "due").stdout
    assert "久未联系" in zh and "金牌: 每年组织一次旅游或考察" in zh and "已 20 天未联系" in zh


def test_salespeople_see_their_own_customers(crm, book, db):
    for name, role in (("boss", "manager"), ("lina", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:n, :r, true)", n=name, r=role
        )
    for code in ("C000001", "C000003", "C000004"):
        crm("--user", "boss", "customer", "assign", code, "--owner", "boss")
    codes = [r["customer_code"] for r in crm.json("--user", "lina", "care", "due")]
    assert "C000001" not in codes and "C000004" not in codes
    assert "C000001" in [r["customer_code"] for r in crm.json("--user", "boss", "care", "due")]


def test_window_days():
    window = _days_in_window(date(2027, 2, 27), 2)
    assert window == {
        227: date(2027, 2, 27),
        228: date(2027, 2, 28),
        229: date(2027, 2, 28),
        301: date(2027, 3, 1),
    }
    assert 229 not in _days_in_window(date(2027, 3, 1), 30)


BAD = [
    (["care", "due", "--on", "soon"], "invalid date 'soon'"),
    (["care", "due", "--within", "-1"], "--within must be between 0 and 366"),
    (["care", "due", "--within", "400"], "--within must be between 0 and 366"),
    (["care", "due", "--limit", "zero"], "invalid whole number 'zero'"),
    (["care", "due", "-f", "pdf"], "unknown format 'pdf'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input(crm, book, args, message):
    before = book.dump()
    result = crm(*args, code=1)
    assert message in result.stderr and result.stdout == ""
    assert book.dump() == before
