"""Customer churn (客户流失, issue 14): why a customer was lost, the churn report."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest


def _lose(crm, ref, reason, *extra):
    return crm("customer", "edit", ref, "--status", "lost", "--reason", reason, *extra)


# -- the reason on edit -------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["price", "产品价格", "Product price", "PRICE"])
def test_a_reason_by_key_or_label(crm, db, reason):
    crm("customer", "add", "甲公司", "--status", "active")
    result = _lose(crm, "C000001", reason, "--note", "嫌报价太高")
    assert "Updated customer C000001" in result.stdout
    row = db.one("SELECT status, lost_reason, lost_note, lost_at FROM customer")
    assert row["status"] == "lost"
    assert row["lost_reason"] == "price"
    assert row["lost_note"] == "嫌报价太高"
    assert row["lost_at"] is not None


def test_the_long_chinese_label_with_its_slash(crm, db):
    crm("customer", "add", "甲公司", "--status", "active")
    _lose(crm, "C000001", "缺乏沟通技巧/没有掌握客户需求")
    assert db.scalar("SELECT lost_reason FROM customer") == "communication"


def test_a_bad_reason_is_one_error_and_changes_nothing(crm, db):
    crm("customer", "add", "甲公司", "--status", "active")
    before = db.dump()
    result = crm("customer", "edit", "C000001", "--status", "lost", "--reason", "钻石", code=1)
    assert "unknown lost reason '钻石'" in result.stderr
    assert "price/产品价格" in result.stderr
    assert db.dump() == before
    zh = crm(
        "--lang", "zh", "customer", "edit", "C000001", "--status", "lost", "--reason", "x", code=1
    )
    assert "未知的流失原因 'x'" in zh.stderr


def test_a_reason_without_losing_the_customer_is_refused(crm, db):
    crm("customer", "add", "甲公司", "--status", "active")
    result = crm("customer", "edit", "C000001", "--reason", "price", code=1)
    assert "--status lost" in result.stderr
    assert db.scalar("SELECT status FROM customer") == "active"


def test_lost_at_and_the_reason_on_the_card_and_in_json(crm):
    crm("customer", "add", "甲公司", "--status", "active")
    _lose(crm, "C000001", "competitor", "--note", "被对手低价抢走")
    card = crm("--lang", "zh", "customer", "show", "C000001").stdout
    assert "流失时间" in card
    assert "竞争对手的活动" in card
    assert "被对手低价抢走" in card
    data = crm.json("customer", "show", "C000001")
    assert data["lost_reason"] == "competitor"
    assert data["lost_at"].startswith(date.today().isoformat())
    listed = crm.json("customer", "list")[0]
    assert listed["lost_reason"] == "competitor" and listed["lost_at"] is not None


def test_a_customer_added_as_lost_was_lost_when_added(crm):
    crm("customer", "add", "乙公司", "--status", "lost")
    assert crm.json("customer", "show", "乙公司")["lost_at"].startswith(date.today().isoformat())
    crm("customer", "add", "丙公司", "--status", "active")
    assert crm.json("customer", "show", "丙公司")["lost_at"] is None


def test_losing_is_audited_and_winning_back_clears_but_the_audit_keeps_it(crm):
    crm("customer", "add", "甲公司", "--status", "active")
    _lose(crm, "C000001", "price")
    crm("customer", "edit", "C000001", "--status", "active")
    data = crm.json("customer", "show", "C000001")
    assert data["status"] == "active"
    assert data["lost_at"] is None and data["lost_reason"] is None
    entries = [
        e for e in crm.json("db", "audit") if e["entity"] == "customer" and e["action"] == "update"
    ]
    won_back, lost = entries[0]["changes"], entries[1]["changes"]
    assert lost["status"] == ["active", "lost"]
    assert lost["lost_reason"] == [None, "price"]
    assert lost["lost_at"][0] is None and lost["lost_at"][1]
    assert won_back["lost_reason"] == ["price", None]


def test_losing_still_cancels_the_pending_touches(crm, db):
    crm("customer", "add", "甲公司", "--status", "active")
    crm("followup", "add", "C000001", "--due", "+3d")
    _lose(crm, "C000001", "lost_contact")
    assert db.scalar("SELECT status FROM followup") == "cancelled"


def test_the_reasons_are_a_setting(crm, db):
    crm("customer", "add", "甲公司", "--status", "active")
    crm(
        "config",
        "set",
        "churn.reasons",
        json.dumps([{"key": "moved", "en": "Moved away", "zh": "搬迁"}], ensure_ascii=False),
    )
    crm("customer", "edit", "C000001", "--status", "lost", "--reason", "price", code=1)
    _lose(crm, "C000001", "搬迁")
    assert db.scalar("SELECT lost_reason FROM customer") == "moved"
    bad = crm("config", "set", "churn.reasons", '[{"key": "Bad Key"}]', code=1)
    assert "lower-case" in bad.stderr


def test_a_reason_on_import(crm, db, tmp_path):
    good = tmp_path / "lost.csv"
    good.write_text(
        "客户名称,状态,流失原因\n甲公司,流失,竞争对手的活动\n乙公司,流失,price\n", "utf-8"
    )
    crm("customer", "import", str(good))
    rows = db.rows("SELECT name, lost_reason, lost_at FROM customer ORDER BY name")
    assert [(r["name"], r["lost_reason"]) for r in rows] == [
        ("乙公司", "price"),
        ("甲公司", "competitor"),
    ]
    assert all(r["lost_at"] for r in rows)
    bad = tmp_path / "bad.csv"
    bad.write_text("客户名称,状态,流失原因\n丙公司,流失,钻石\n", "utf-8")
    result = crm("customer", "import", str(bad), "-f", "json", code=1)
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["column"] == "流失原因" and errors[0]["value"] == "钻石"
    assert db.scalar("SELECT count(*) FROM customer") == 2


def _import(crm, tmp_path, text):
    path = tmp_path / "in.csv"
    path.write_text(text, "utf-8")
    return json.loads(crm("customer", "import", str(path), "-f", "json").stdout)


def test_an_import_loses_a_customer_as_edit_does(crm, db, tmp_path):
    for name in ("甲公司", "乙公司"):
        crm("customer", "add", name, "--status", "active")
    crm("followup", "add", "C000001", "--due", "+3d")
    crm("followup", "add", "C000001", "--due", "+9d")
    crm("followup", "add", "C000002", "--due", "+3d")
    _import(crm, tmp_path, "客户编号,客户名称,状态\nC000001,甲公司,流失\n,丙公司,流失\n")
    rows = db.rows("SELECT code, status, lost_at FROM customer ORDER BY code")
    assert [(r["code"], r["status"], bool(r["lost_at"])) for r in rows] == [
        ("C000001", "lost", True),
        ("C000002", "active", False),
        ("C000003", "lost", True),
    ]
    assert crm.json("customer", "show", "C000001")["lost_at"].startswith(date.today().isoformat())
    touches = db.rows("SELECT customer_id, status FROM followup ORDER BY id")
    assert [(r["customer_id"], r["status"]) for r in touches] == [
        (1, "cancelled"),
        (1, "cancelled"),
        (2, "pending"),
    ]
    audited = db.scalar(
        "SELECT count(*) FROM audit_entry WHERE entity = 'followup' AND batch_id = 1"
    )
    assert audited == 2


def test_an_import_gives_the_reason_keeps_when_and_wins_back(crm, db, tmp_path):
    for name in ("甲公司", "乙公司"):
        crm("customer", "add", name, "--status", "active")
    _lose(crm, "C000002", "price", "--note", "嫌贵")
    db.execute("UPDATE customer SET lost_at = '2025-01-15 10:00:00' WHERE code = 'C000002'")
    _import(
        crm,
        tmp_path,
        "客户编号,客户名称,状态,流失原因\nC000001,甲公司,流失,competitor\n"
        "C000002,乙公司,流失,complaint\n",
    )
    rows = db.rows("SELECT lost_reason, lost_at FROM customer ORDER BY code")
    assert rows[0]["lost_reason"] == "competitor" and rows[0]["lost_at"] is not None
    assert rows[1] == {"lost_reason": "complaint", "lost_at": "2025-01-15 10:00:00"}
    _import(crm, tmp_path, "客户编号,客户名称,状态\nC000002,乙公司,成交客户\n")
    won_back = db.one("SELECT status, lost_at, lost_reason, lost_note FROM customer WHERE id = 2")
    assert won_back == {"status": "active", "lost_at": None, "lost_reason": None, "lost_note": None}


def test_undoing_the_import_that_lost_a_customer_takes_it_all_back(crm, db, tmp_path):
    crm("customer", "add", "甲公司", "--status", "active")
    crm("followup", "add", "C000001", "--due", "+3d")
    before = {t: db.rows(f"SELECT * FROM {t}") for t in ("customer", "followup")}
    _import(crm, tmp_path, "客户编号,客户名称,状态\nC000001,甲公司,流失\n")
    assert db.scalar("SELECT status FROM followup") == "cancelled"
    done = json.loads(crm("customer", "import", "--undo", "1", "-f", "json").stdout)
    assert done["customers_restored"] == 1 and done["kept"] == []
    after = {t: db.rows(f"SELECT * FROM {t}") for t in ("customer", "followup")}
    for rows in (before, after):
        for record in rows["customer"] + rows["followup"]:
            record.pop("updated_at")
    assert after == before


# -- the report -------------------------------------------------------------------------------


def _book(crm, db):
    """A (active, gold), B lost 2025-01-15 price, C lost 2025-02-10 competitor, D a prospect,
    E lost 2025-02-20 communication, F active, added 2025-01-20; all others added 2024-12-01."""
    for name, status in (
        ("A", "active"),
        ("B", "active"),
        ("C", "active"),
        ("D", "prospect"),
        ("E", "active"),
        ("F", "active"),
    ):
        crm("customer", "add", name, "--status", status)
    _lose(crm, "B", "price")
    _lose(crm, "C", "竞争对手的活动")
    _lose(crm, "E", "communication")
    db.execute("UPDATE customer SET created_at = '2024-12-01 09:00:00'")
    db.execute("UPDATE customer SET created_at = '2025-01-20 09:00:00' WHERE name = 'F'")
    for name, at in (("B", "2025-01-15"), ("C", "2025-02-10"), ("E", "2025-02-20")):
        db.execute(f"UPDATE customer SET lost_at = '{at} 10:00:00' WHERE name = '{name}'")


WINDOW = ("--since", "2025-01-01", "--until", "2025-03-31")


def test_churn_per_month(crm, db):
    _book(crm, db)
    data = crm.json("report", "churn", *WINDOW)
    assert data["periods"] == [
        {"period": "2025-01", "active_at_start": 4, "lost": 1, "churn_rate": 0.25},
        {"period": "2025-02", "active_at_start": 4, "lost": 2, "churn_rate": 0.5},
        {"period": "2025-03", "active_at_start": 2, "lost": 0, "churn_rate": 0.0},
    ]


def test_churn_per_quarter_and_no_rate_without_customers(crm, db):
    _book(crm, db)
    data = crm.json("report", "churn", "--by", "quarter", "--since", "2024-10-01", *WINDOW[2:])
    assert data["periods"] == [
        {"period": "2024-Q4", "active_at_start": 0, "lost": 0, "churn_rate": None},
        {"period": "2025-Q1", "active_at_start": 4, "lost": 3, "churn_rate": 0.75},
    ]
    bad = crm("report", "churn", "--by", "week", code=1)
    assert "unknown --by 'week' (month, quarter)" in bad.stderr
    bad = crm("report", "churn", "--since", "2025-03-01", "--until", "2025-01-31", code=1)
    assert bad.stdout == ""
    assert bad.stderr.strip() == "Error: --since 2025-03-01 is after --until 2025-01-31"
    bad = crm(
        "--lang", "zh", "report", "churn", "--since", "2025-03-01", "--until", "2025-01-31", code=1
    )
    assert "错误: --since 2025-03-01 晚于 --until 2025-01-31" in bad.stderr
    later = (date.today() + timedelta(days=40)).isoformat()
    bad = crm("report", "churn", "--since", later, code=1)  # the window ends today
    assert bad.stderr.strip() == f"Error: --since {later} is after today ({date.today()})"


def test_the_reasons_beside_the_course(crm, db):
    _book(crm, db)
    reasons = {r["reason"]: r for r in crm.json("report", "churn", *WINDOW)["reasons"]}
    assert list(reasons) == [
        "death",
        "price",
        "competitor",
        "lost_contact",
        "complaint",
        "influence",
        "communication",
        "other",
    ]
    assert reasons["price"] == {
        "reason": "price",
        "count": 1,
        "share": 0.3333,
        "course_share": 0.09,
    }
    assert reasons["communication"]["course_share"] == 0.68
    assert reasons["death"] == {"reason": "death", "count": 0, "share": 0.0, "course_share": 0.01}
    assert reasons["other"]["course_share"] is None
    assert sum(r["course_share"] or 0 for r in reasons.values()) == pytest.approx(1.0)
    # the window leaves out B (lost in January)
    later = crm.json("report", "churn", "--since", "2025-02-01", "--until", "2025-03-31")
    assert {r["reason"]: r["count"] for r in later["reasons"] if r["count"]} == {
        "competitor": 1,
        "communication": 1,
    }


def test_the_table_in_chinese(crm, db):
    _book(crm, db)
    out = crm("--lang", "zh", "report", "churn", *WINDOW).stdout
    for text in (
        "期初客户",
        "流失率",
        "25.0%",
        "产品价格",
        "68.0%",
        "课程数据",
        "当前有流失风险的客户",
    ):
        assert text in out


def test_the_customers_at_risk_and_their_signals(crm, db):
    today = date.today()
    crm("customer", "add", "久未联系", "--status", "active", "--level", "gold")  # C000001
    crm("customer", "add", "有投诉", "--status", "active")  # C000002
    crm("customer", "add", "订单下降", "--status", "active")  # C000003
    crm("customer", "add", "一切正常", "--status", "active")  # C000004
    crm("customer", "add", "只是线索")  # C000005 a lead: not at risk
    db.execute(
        "UPDATE customer SET created_at = :at WHERE code = 'C000001'",
        at=(today - timedelta(days=40)).isoformat() + " 09:00:00",
    )
    crm("ticket", "open", "C000002", "--kind", "complaint", "--subject", "发货太慢")
    crm("product", "add", "服务器", "--price", "1000")
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - timedelta(days=1)).replace(day=5)
    before = (last_month.replace(day=1) - timedelta(days=1)).replace(day=5)
    crm("order", "add", "C000003", "-i", "P0001:5", "--date", before.isoformat())
    crm("order", "add", "C000003", "-i", "P0001:1", "--date", last_month.isoformat())
    crm("order", "add", "C000004", "-i", "P0001:1", "--date", before.isoformat())
    crm("order", "add", "C000004", "-i", "P0001:1", "--date", last_month.isoformat())
    risky = {r["code"]: r for r in crm.json("report", "churn")["at_risk"]}
    assert set(risky) == {"C000001", "C000002", "C000003"}
    assert risky["C000001"]["signals"] == ["no_contact"]
    assert risky["C000001"]["details"] == ["40 days (every 14)"]
    assert risky["C000002"]["signals"] == ["open_complaint"]
    assert risky["C000002"]["details"] == ["T000001"]
    assert risky["C000003"]["signals"] == ["orders_falling"]
    assert "5,000.00" in risky["C000003"]["details"][0]
    assert "1,000.00" in risky["C000003"]["details"][0]
    assert set(risky["C000001"]) == {"code", "name", "level", "signals", "details"}


def test_json_shape(crm, db):
    _book(crm, db)
    data = crm.json("report", "churn", *WINDOW)
    assert {"periods", "reasons", "at_risk"} <= set(data)
    assert set(data["periods"][0]) == {"period", "active_at_start", "lost", "churn_rate"}
    assert {"reason", "count", "share"} <= set(data["reasons"][0])
    csv = crm("report", "churn", *WINDOW, "-f", "csv").stdout
    assert csv.splitlines()[0] == "period,active_at_start,lost,churn_rate"


def test_the_default_window_runs_up_to_this_period(crm):
    crm("customer", "add", "甲公司", "--status", "active")
    _lose(crm, "C000001", "price")
    data = crm.json("report", "churn")
    this = date.today()
    assert data["periods"][-1]["period"] == f"{this.year:04d}-{this.month:02d}"
    assert len(data["periods"]) == 12
    assert data["periods"][-1]["lost"] == 1
    assert crm.json("report", "churn", "--by", "quarter")["periods"][-1]["period"].endswith(
        f"Q{(this.month - 1) // 3 + 1}"
    )


def test_the_report_book_has_a_churn_sheet(crm, db, tmp_path):
    from python_calamine import CalamineWorkbook

    _book(crm, db)
    crm("ticket", "open", "A", "--kind", "complaint", "--subject", "发货太慢")
    target = tmp_path / "report.xlsx"
    crm("report", "export", str(target), "--as-of", "2025-03-31")
    book = CalamineWorkbook.from_path(str(target))
    cells = book.get_sheet_by_name("Churn").to_python()
    report = crm.json("report", "churn", "--since", "2024-04-01", "--until", "2025-03-31")

    def table(first):
        start = next(i for i, row in enumerate(cells) if row[:2] == first) + 1
        end = next((i for i in range(start, len(cells)) if not any(cells[i])), len(cells))
        return cells[start:end]

    periods = table(["Period", "Active at start"])
    assert [r[:3] for r in periods] == [
        [p["period"], p["active_at_start"], p["lost"]] for p in report["periods"]
    ]
    assert periods[-3:] == [["2025-01", 4, 1, 0.25], ["2025-02", 4, 2, 0.5], ["2025-03", 2, 0, 0]]
    reasons = {r[0]: r[1:] for r in table(["Reason", "Customers"])}
    assert reasons["Product price"] == [1, 0.3333, 0.09]
    assert [r[:4] for r in table(["Code", "Name"])] == [
        ["C000001", "A", "Regular", "No contact: 120 days (every 90); Open complaint: T000001"]
    ]
    crm("--lang", "zh", "report", "export", str(tmp_path / "报告.xlsx"), "--as-of", "2025-03-31")
    assert "客户流失" in CalamineWorkbook.from_path(str(tmp_path / "报告.xlsx")).sheet_names


def _team(crm, db):
    crm("init")
    for name, role in (("wangfang", "admin"), ("liuyang", "sales"), ("chenjing", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )


def test_a_salesperson_sees_only_her_own_churn(crm, db):
    _team(crm, db)
    admin = ["--user", "wangfang"]
    crm(*admin, "customer", "add", "刘洋的客户", "--owner", "liuyang", "--status", "active")
    crm(*admin, "customer", "add", "陈静的客户", "--owner", "chenjing", "--status", "active")
    crm("--user", "liuyang", "customer", "edit", "C000001", "--status", "lost", "--reason", "price")
    crm("--user", "chenjing", "customer", "edit", "C000002", "--status", "lost", "--reason", "其他")
    refused = crm("--user", "liuyang", "customer", "edit", "C000002", "--status", "active", code=1)
    assert "C000002" in refused.stderr
    mine = crm.json("--user", "liuyang", "report", "churn")
    assert sum(p["lost"] for p in mine["periods"]) == 1
    assert {r["reason"]: r["count"] for r in mine["reasons"] if r["count"]} == {"price": 1}
    everyone = crm.json("--user", "wangfang", "report", "churn")
    assert sum(p["lost"] for p in everyone["periods"]) == 2
