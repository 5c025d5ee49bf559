"""The needs analysis (实训3-1 客户需求分析报告, issue 14): ``crm report needs`` and its sheet."""

from __future__ import annotations

from datetime import date, timedelta


def _day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def _need(crm, customer, summary, at, *extra):
    crm(
        "log",
        customer,
        "--channel",
        "visit",
        "--kind",
        "needs",
        "--summary",
        summary,
        "--at",
        at,
        *extra,
    )


def _book(crm):
    """C000001 gold: two needs linked to O000001 (服务器, high), which has an order.
    C000002 silver: a need yesterday, not linked; O000002 (ERP, low) opened today after it.
    C000003 regular: a need 10 days ago, an order 5 days ago; another need 2 days ago."""
    crm("product", "add", "服务器", "--price", "1000", "--category", "硬件")
    crm("product", "add", "ERP", "--price", "5000", "--category", "软件")
    crm("customer", "add", "金牌客户", "--level", "gold", "--status", "active")
    crm("customer", "add", "银牌客户", "--level", "silver", "--status", "prospect")
    crm("customer", "add", "普通客户", "--status", "active")
    crm(
        "opportunity",
        "add",
        "C000001",
        "服务器扩容",
        "--amount",
        "5000",
        "--product",
        "P0001",
        "--urgency",
        "high",
    )
    _need(crm, "C000001", "要两台服务器", f"{_day(-20)} 10:00", "--opportunity", "O000001")
    _need(crm, "C000001", "要求三年保修", f"{_day(-20)} 11:00", "--opportunity", "O000001")
    crm("order", "add", "C000001", "-i", "P0001:2", "--opportunity", "O000001")
    _need(crm, "C000002", "想上ERP", f"{_day(-1)} 10:00")
    crm(
        "opportunity",
        "add",
        "C000002",
        "ERP项目",
        "--amount",
        "50000",
        "--product",
        "P0002",
        "--urgency",
        "low",
    )
    _need(crm, "C000003", "需要一台服务器", f"{_day(-10)} 10:00")
    crm("order", "add", "C000003", "-i", "P0001:1", "--date", _day(-5))
    _need(crm, "C000003", "以后可能要ERP", f"{_day(-2)} 10:00")
    crm(
        "log", "C000003", "--channel", "phone", "--summary", "普通回访", "--at", f"{_day(-1)} 09:00"
    )


def counts(records, to_opportunities, to_orders):
    return {"records": records, "to_opportunities": to_opportunities, "to_orders": to_orders}


def test_the_needs_report_on_a_known_book(crm):
    _book(crm)
    data = crm.json("report", "needs")
    assert data["by_product"] == [
        {"product_code": "P0001", "product": "服务器", "category": "硬件", **counts(2, 2, 2)},
        {"product_code": "P0002", "product": "ERP", "category": "软件", **counts(1, 1, 0)},
        {"product_code": None, "product": None, "category": None, **counts(2, 0, 1)},
    ]
    assert data["by_category"] == [
        {"category": "硬件", **counts(2, 2, 2)},
        {"category": "软件", **counts(1, 1, 0)},
        {"category": None, **counts(2, 0, 1)},
    ]
    assert data["by_urgency"] == [
        {"urgency": "high", **counts(2, 2, 2)},
        {"urgency": "low", **counts(1, 1, 0)},
        {"urgency": None, **counts(2, 0, 1)},
    ]
    assert data["by_level"] == [
        {"level": "gold", **counts(2, 2, 2)},
        {"level": "silver", **counts(1, 1, 0)},
        {"level": "regular", **counts(2, 0, 1)},
    ]
    assert data["converted"] == {"records": 5, "to_opportunities": 3, "to_orders": 3, "linked": 2}


def test_since_and_until(crm):
    _book(crm)
    recent = crm.json("report", "needs", "--since", _day(-3))
    assert recent["converted"]["records"] == 2
    assert recent["by_level"] == [
        {"level": "silver", **counts(1, 1, 0)},
        {"level": "regular", **counts(1, 0, 0)},
    ]
    early = crm.json("report", "needs", "--until", _day(-15))
    assert early["converted"] == {"records": 2, "to_opportunities": 2, "to_orders": 2, "linked": 2}


def test_the_table_in_chinese_and_an_empty_book(crm):
    crm("init")
    assert "No needs records found." in crm("report", "needs").stdout
    _book(crm)
    out = crm("--lang", "zh", "report", "needs").stdout
    for text in (
        "按产品的需求",
        "服务器",
        "转为机会",
        "按紧迫程度的需求",
        "高",
        "金牌",
        "需求记录 5 条",
    ):
        assert text in out
    csv = crm("report", "needs", "-f", "csv").stdout.splitlines()
    assert csv[0] == "product_code,product,category,records,to_opportunities,to_orders"


def test_a_salesperson_counts_her_own_customers_needs(crm, db):
    crm("init")
    for name, role in (("wangfang", "admin"), ("liuyang", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )
    admin = ["--user", "wangfang"]
    crm(*admin, "customer", "add", "刘洋的客户", "--owner", "liuyang")
    crm(*admin, "customer", "add", "别人的客户", "--owner", "wangfang")
    for code in ("C000001", "C000002"):
        crm(*admin, "log", code, "--channel", "phone", "--kind", "需求", "--summary", "一个需求")
    assert crm.json("--user", "liuyang", "report", "needs")["converted"]["records"] == 1
    assert crm.json("--user", "wangfang", "report", "needs")["converted"]["records"] == 2


def test_a_window_the_wrong_way_round_is_an_error(crm):
    bad = crm("report", "needs", "--since", "2026-12-01", "--until", "2026-01-01", code=1)
    assert bad.stderr.strip() == "Error: --since 2026-12-01 is after --until 2026-01-01"
    assert bad.stdout == ""


def test_the_report_book_has_a_needs_sheet(crm, tmp_path):
    from python_calamine import CalamineWorkbook

    _book(crm)
    target = tmp_path / "report.xlsx"
    crm("report", "export", str(target))
    book = CalamineWorkbook.from_path(str(target))
    assert "Needs" in book.sheet_names
    cells = book.get_sheet_by_name("Needs").to_python()
    header = next(i for i, row in enumerate(cells) if row[:3] == ["Code", "Product", "Category"])
    assert cells[header][:6] == [
        "Code",
        "Product",
        "Category",
        "Needs",
        "To opportunities",
        "To orders",
    ]
    assert cells[header + 1][:6] == ["P0001", "服务器", "硬件", 2, 2, 2]
    assert cells[header + 3][1] == "(none)"
    flat = [value for row in cells for value in row]
    assert "Became opportunities" in flat
    target_zh = tmp_path / "报告.xlsx"
    crm("--lang", "zh", "report", "export", str(target_zh))
    assert "客户需求" in CalamineWorkbook.from_path(str(target_zh)).sheet_names
