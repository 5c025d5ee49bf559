"""``crm report value``: customers by gross margin, lifetime value, value tiers (issue 15, item 5).

The book is built with the real commands (products with and without a cost, orders with
their own prices, a cancelled order, one after --as-of); every figure below is computed by
hand from it:

    甲 C000001  2026-01-10 P0001 x2   revenue 2000.00  cost 2 x 600.00   = 1200.00
                2026-04-15 P0003 x3   revenue  600.00  cost 3 x 150.50   =  451.50
                -> revenue 2600.00, cost 1651.50, margin 948.50, 2 orders, tenure 171 days
    乙 C000002  2026-06-01 P0002 x4   revenue 2000.00  (P0002 has no cost: 0)
                -> margin 2000.00, 1 order, tenure 29 days (90 when made yearly)
    丙 C000003  2025-10-05 P0001 x1 at 900.00  revenue 900.00  cost 600.00
                2026-02-20 P0003 x1.5          revenue 300.00  cost 225.75
                2026-03-01 P0001 x10 cancelled; 2026-07-05 P0001 x5 after --as-of
                -> revenue 1200.00, cost 825.75, margin 374.25, 2 orders, tenure 268 days
    丁 C000004  no orders: not listed

Quarterly retention as of 2026-06-30: ordering in 2025-Q4 {丙}, 2026-Q1 {甲, 丙}, 2026-Q2
{甲, 乙}: r = (1 + 1) / (1 + 2) = 2/3; expected remaining years = r / (1 - r) / 4 = 0.5.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

AS_OF = "2026-06-30"
KEYS = [
    "code",
    "name",
    "revenue",
    "cost",
    "margin",
    "orders",
    "tenure_days",
    "lifetime_value",
    "tier",
]


def ltv(margin: str, tenure: int, years: Fraction) -> float:
    """The formula, written out: margin x 365 / max(tenure, 90) x years, to the cent."""
    exact = Fraction(Decimal(margin)) * 365 / max(tenure, 90) * years
    cents = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    return float(cents)


def book(crm) -> None:
    crm("product", "add", "软件", "--price", "1000", "--cost", "600")
    crm("product", "add", "服务", "--price", "500")
    crm("product", "add", "硬件", "--price", "200", "--cost", "150.50")
    for name in ("甲", "乙", "丙", "丁"):
        crm("customer", "add", name)
    crm("order", "add", "甲", "--item", "P0001:2", "--date", "2026-01-10")
    crm("order", "add", "甲", "--item", "P0003:3", "--date", "2026-04-15")
    crm("order", "add", "乙", "--item", "P0002:4", "--date", "2026-06-01")
    crm("order", "add", "丙", "--item", "P0001:1:900", "--date", "2025-10-05")
    crm("order", "add", "丙", "--item", "P0003:1.5", "--date", "2026-02-20")
    crm("order", "add", "丙", "--item", "P0001:10", "--date", "2026-03-01")
    crm("order", "cancel", "D000006", "--yes")
    crm("order", "add", "丙", "--item", "P0001:5", "--date", "2026-07-05")


def test_margin_tenure_and_lifetime_value_by_hand(crm):
    book(crm)
    rows = crm.json("report", "value", "--as-of", AS_OF)
    assert [list(r) for r in rows] == [KEYS] * 3
    assert [r["code"] for r in rows] == ["C000002", "C000001", "C000003"]  # highest margin first
    years = Fraction(1, 2)
    assert rows == [
        {
            "code": "C000002",
            "name": "乙",
            "revenue": 2000,
            "cost": 0,
            "margin": 2000,
            "orders": 1,
            "tenure_days": 29,
            "lifetime_value": ltv("2000", 29, years),  # 4055.56: tenure floored at 90 days
            "tier": "gold",  # the top 20%
        },
        {
            "code": "C000001",
            "name": "甲",
            "revenue": 2600,
            "cost": 1651.5,
            "margin": 948.5,
            "orders": 2,
            "tenure_days": 171,
            "lifetime_value": ltv("948.50", 171, years),
            "tier": "silver",  # the next 30%
        },
        {
            "code": "C000003",
            "name": "丙",
            "revenue": 1200,
            "cost": 825.75,
            "margin": 374.25,
            "orders": 2,
            "tenure_days": 268,
            "lifetime_value": ltv("374.25", 268, years),
            "tier": "regular",
        },
    ]
    assert rows[0]["lifetime_value"] == 4055.56 and rows[1]["lifetime_value"] == 1012.29
    table = crm("report", "value", "--as-of", AS_OF).stdout
    assert "0.50 expected years (quarterly retention 66.7%)" in table
    assert "Gold" in table and "Silver" in table


def test_as_of_moves_the_window(crm):
    book(crm)
    # the day before: 2026-Q2 is not over, so only 2025-Q4 -> 2026-Q1 counts: r = 1, capped
    rows = {r["code"]: r for r in crm.json("report", "value", "--as-of", "2026-06-29")}
    assert rows["C000001"]["tenure_days"] == 170
    assert rows["C000001"]["lifetime_value"] == ltv("948.50", 170, Fraction(10))
    # at the end of March: 甲's first order only; 乙 had not ordered; 丙's two
    rows = {r["code"]: r for r in crm.json("report", "value", "--as-of", "2026-03-31")}
    assert set(rows) == {"C000001", "C000003"}
    assert rows["C000001"]["revenue"] == 2000 and rows["C000001"]["margin"] == 800
    # after the late order: 丙 gains 5 x (1000 - 600)
    rows = {r["code"]: r for r in crm.json("report", "value", "--as-of", "2026-07-05")}
    assert rows["C000003"]["margin"] == 374.25 + 2000 and rows["C000003"]["orders"] == 3
    # before any order: nothing, and no retention to estimate from
    assert crm.json("report", "value", "--as-of", "2025-01-01") == []


def test_lifetime_value_is_null_without_a_whole_quarter_followed(crm):
    crm("product", "add", "软件", "--price", "1000", "--cost", "600")
    crm("customer", "add", "甲")
    crm("order", "add", "甲", "--item", "P0001:1", "--date", "2026-05-10")
    (row,) = crm.json("report", "value", "--as-of", AS_OF)
    assert row["margin"] == 400 and row["lifetime_value"] is None
    assert "expected years" in crm("report", "value", "--as-of", AS_OF).stdout


def test_an_order_keeps_the_cost_it_was_sold_at(crm, db):
    book(crm)
    before = crm.json("report", "value", "--as-of", AS_OF)
    crm("product", "edit", "P0001", "--cost", "700")
    crm("product", "edit", "P0003", "--cost", "")
    assert crm.json("report", "value", "--as-of", AS_OF) == before
    stored = db.rows("SELECT order_id, unit_cost FROM order_line ORDER BY id")
    assert [r["unit_cost"] for r in stored[:3]] == [60000, 15050, None]  # cents
    # a new order takes the new cost
    crm("order", "add", "丁", "--item", "P0001:1", "--date", "2026-06-10")
    assert db.scalar("SELECT unit_cost FROM order_line ORDER BY id DESC LIMIT 1") == 70000
    rows = {r["code"]: r for r in crm.json("report", "value", "--as-of", AS_OF)}
    assert rows["C000004"]["cost"] == 700 and rows["C000004"]["margin"] == 300


def test_a_line_sold_before_its_product_had_a_cost_counts_the_cost_now(crm, db):
    book(crm)
    crm("product", "edit", "P0002", "--cost", "120")
    rows = {r["code"]: r for r in crm.json("report", "value", "--as-of", AS_OF)}
    assert rows["C000002"]["cost"] == 480 and rows["C000002"]["margin"] == 1520


def test_product_cost_is_a_field_of_the_catalogue(crm):
    crm("product", "add", "软件", "--price", "1000", "--cost", "1.28万")
    shown = crm.json("product", "show", "P0001")
    assert shown["cost"] == 12800 and shown["price"] == 1000
    assert crm.json("product", "list")[0]["cost"] == 12800
    assert "12,800.00" in crm("product", "list").stdout
    assert "成本" in crm("--lang", "zh", "product", "show", "P0001").stdout
    assert "cost,supplier" in crm("product", "list", "-f", "csv").stdout.splitlines()[0]
    crm("product", "add", "服务", "--price", "500")
    assert crm.json("product", "show", "P0002")["cost"] is None


def test_bad_costs_and_dates_change_nothing(crm, db):
    crm("product", "add", "软件", "--price", "1000", "--cost", "600")
    before = db.dump()
    for bad in ("-5", "abc", "1.234"):
        result = crm("product", "edit", "P0001", "--cost", bad, code=1)
        assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    result = crm("product", "add", "负成本", "--cost", "-1", code=1)
    assert "must not be negative" in result.stderr
    result = crm("report", "value", "--as-of", "someday", "--apply", code=1)
    assert result.stderr.startswith("Error: invalid date 'someday'")
    zh = crm("--lang", "zh", "product", "edit", "P0001", "--cost", "-5", code=1).stderr
    assert zh.startswith("错误") and "成本" in zh
    assert db.dump() == before


def _levels(db) -> dict[str, str]:
    return {r["code"]: r["level"] for r in db.rows("SELECT code, level FROM customer")}


def test_apply_sets_levels_from_value_tiers_audited_and_revertible(crm, db):
    book(crm)
    crm("customer", "edit", "丙", "--level", "gold")
    crm("customer", "edit", "丁", "--level", "silver")
    result = crm("report", "value", "--as-of", AS_OF, "--apply")
    assert "Levels set from value tiers: 3 of 3 customers changed" in result.stderr
    # three ranked: the top 20% (rank 0) gold, under 50% (rank 1) silver, the rest regular;
    # 丁 has no orders and keeps its level
    assert _levels(db) == {
        "C000001": "silver",
        "C000002": "gold",
        "C000003": "regular",
        "C000004": "silver",
    }
    entries = db.rows(
        "SELECT entity_code, changes, batch_id FROM audit_entry WHERE batch_id IS NOT NULL"
    )
    assert {e["entity_code"]: json.loads(e["changes"])["level"] for e in entries} == {
        "C000001": ["regular", "silver"],
        "C000002": ["regular", "gold"],
        "C000003": ["gold", "regular"],
    }
    batch = entries[0]["batch_id"]
    assert db.scalar("SELECT format FROM import_batch WHERE id = :b", b=batch) == "value"
    assert f"crm report segment --revert {batch}" in result.stderr
    again = crm("report", "value", "--as-of", AS_OF, "--apply")
    assert "0 of 3 customers changed" in again.stderr
    out = crm("report", "segment", "--revert", str(batch)).stdout
    assert "3 levels put back" in out
    assert _levels(db)["C000003"] == "gold" and _levels(db)["C000002"] == "regular"


def test_a_customer_earning_nothing_is_never_gold(crm, db):
    crm("product", "add", "亏本", "--price", "100", "--cost", "100")
    crm("customer", "add", "甲")
    crm("order", "add", "甲", "--item", "P0001:1", "--date", "2026-06-01")
    crm("report", "value", "--as-of", AS_OF, "--apply")
    assert _levels(db) == {"C000001": "regular"}


def _team(crm, db):
    crm("init")
    for name, role in (("wangfang", "manager"), ("liuyang", "sales"), ("chenjing", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )


def test_sales_see_their_own_customers_and_may_not_apply(crm, db):
    _team(crm, db)
    boss = ["--user", "wangfang"]
    crm(*boss, "product", "add", "软件", "--price", "1000", "--cost", "600")
    crm(*boss, "customer", "add", "刘洋的客户", "--owner", "liuyang")
    crm(*boss, "customer", "add", "陈静的客户", "--owner", "chenjing")
    crm("--user", "liuyang", "order", "add", "C000001", "--item", "P0001:1", "--date", "2026-05-01")
    crm(
        "--user", "chenjing", "order", "add", "C000002", "--item", "P0001:3", "--date", "2026-05-01"
    )
    mine = crm.json("--user", "liuyang", "report", "value", "--as-of", AS_OF)
    assert [(r["code"], r["margin"]) for r in mine] == [("C000001", 400)]
    everyone = crm.json(*boss, "report", "value", "--as-of", AS_OF)
    assert [(r["code"], r["margin"]) for r in everyone] == [("C000002", 1200), ("C000001", 400)]
    before = db.dump()
    refused = crm("--user", "liuyang", "report", "value", "--apply", code=1)
    assert refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1
    assert db.dump() == before
    crm(*boss, "report", "value", "--as-of", AS_OF, "--apply")
    # two ranked: rank 0 is in the top 20%, rank 1 is not under 50% of them
    assert _levels(db) == {"C000001": "regular", "C000002": "gold"}


def test_value_in_chinese_and_in_the_report_book(crm, tmp_path):
    book(crm)
    out = crm("--lang", "zh", "report", "value", "--as-of", AS_OF).stdout
    assert "客户价值（截至 2026-06-30）" in out and "金牌" in out
    assert "终生价值 = 每年毛利 × 预计剩余 0.50 年（季度留存率 66.7%）" in out
    import zipfile

    target = tmp_path / "book.xlsx"
    crm("--lang", "zh", "report", "export", str(target), "--as-of", AS_OF)
    with zipfile.ZipFile(target) as z:
        workbook = z.read("xl/workbook.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "客户价值" in workbook and "客户忠诚度" in workbook
    assert "客户毛利排名" in strings and "终生价值" in strings


def test_upgrading_a_book_fills_old_lines_from_the_product_cost(crm, db):
    """Migration i19_costs: lines already in the book take their product's current cost."""
    crm("product", "add", "软件", "--price", "1000")
    crm("customer", "add", "甲")
    crm("order", "add", "甲", "--item", "P0001:2", "--date", "2026-05-01")
    assert db.scalar("SELECT unit_cost FROM order_line") is None
    db.execute("UPDATE product SET cost = 55000")  # as if known before the upgrade
    db.execute("UPDATE alembic_version SET version_num = 'i17_codes_taken'")
    crm("customer", "list")  # opening the book upgrades it
    assert db.scalar("SELECT unit_cost FROM order_line") == 55000
    (row,) = crm.json("report", "value", "--as-of", AS_OF)
    assert row["cost"] == 1100 and row["margin"] == 900
