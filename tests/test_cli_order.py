"""``crm order``: lines, discounts and totals to the cent; cancelled orders stay but count nowhere."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcli.services.selling.orders import line_amount, parse_discount, parse_item
from tests.books import template


def _book(crm):
    crm("customer", "add", "深圳市华晨电子有限公司")
    crm("customer", "add", "宁波港联物流股份有限公司")
    crm("product", "add", "星云ERP标准版", "--price", "68000", "--unit", "套")  # P0001
    crm("product", "add", "ERP实施服务", "--price", "2800", "--unit", "人天")  # P0002
    crm("product", "add", "定制开发", "--unit", "人天")  # P0003, no list price
    crm("product", "add", "网线", "--price", "0.35", "--unit", "米")  # P0004


def _with_order(crm):
    _book(crm)
    crm("order", "add", "C000001", "-i", "P0001:1")


book = template("order-book", _book)
book_with_order = template("order-book-1", _with_order)


def lines(db, order_id=1):
    return db.rows(
        "SELECT product_id, description, qty, unit_price, discount, amount FROM order_line "
        "WHERE order_id = :o ORDER BY id",
        o=order_id,
    )


def test_add_prices_from_the_product_and_totals_exactly(crm, db, book):
    out = crm(
        "order",
        "add",
        "C000001",
        "--item",
        "P0001:2",
        "--item",
        "ERP实施服务:10::5%",
        "--item",
        "P0002:3:2600:95折",
        "--date",
        "2026-10-20",
    ).stdout
    # 136000 + 10*2800*0.95 = 26600 + 3*2600*0.95 = 7410
    assert (
        "Added order D000001 for C000001 深圳市华晨电子有限公司: 3 lines, total 170,010.00" in out
    )
    assert lines(db) == [
        {
            "product_id": 1,
            "description": "星云ERP标准版",
            "qty": 2000,
            "unit_price": 6800000,
            "discount": 0,
            "amount": 13600000,
        },
        {
            "product_id": 2,
            "description": "ERP实施服务",
            "qty": 10000,
            "unit_price": 280000,
            "discount": 500,
            "amount": 2660000,
        },
        {
            "product_id": 2,
            "description": "ERP实施服务",
            "qty": 3000,
            "unit_price": 260000,
            "discount": 500,
            "amount": 741000,
        },
    ]
    order = db.one("SELECT code, customer_id, ordered_on, status, total FROM sales_order")
    assert order == {
        "code": "D000001",
        "customer_id": 1,
        "ordered_on": "2026-10-20",
        "status": "confirmed",
        "total": 17001000,
    }
    assert db.scalar("SELECT sum(amount) FROM order_line") == order["total"]


def test_rounding_is_half_up_to_the_cent(crm, db, book):
    # 3 m x 0.35 x 95% = 0.9975 -> 1.00 ; 1 x 0.01 x 50% = 0.005 -> 0.01 (banker's would say 0.00)
    crm(
        "order",
        "add",
        "C000001",
        "-i",
        "P0004:3:0.35:5%",
        "-i",
        "P0004:1:0.01:50%",
        "-i",
        "P0004:2.5:19.99",
    )
    assert [r["amount"] for r in lines(db)] == [100, 1, 4998]  # 2.5 x 19.99 = 49.975 -> 49.98
    assert db.scalar("SELECT total FROM sales_order") == 100 + 1 + 4998
    data = crm.json("order", "show", "D000001")
    assert data["total"] == 50.99
    assert data["lines"][2] == {
        "product": "P0004",
        "description": "网线",
        "qty": 2.5,
        "unit_price": 19.99,
        "discount": 0,
        "amount": 49.98,
    }


def test_order_wide_discount_and_chinese_discounts(crm, db, book):
    crm("order", "add", "C000001", "-i", "P0002:1", "-i", "P0002:1:2800:0%", "--discount", "9折")
    assert [r["discount"] for r in lines(db)] == [1000, 0]
    assert [r["amount"] for r in lines(db)] == [252000, 280000]
    assert parse_discount("95折") == Decimal(5)
    assert parse_discount("9.5折") == Decimal(5)
    assert parse_discount("8折") == Decimal(20)
    assert parse_discount("85折") == Decimal(15)
    assert parse_discount("12.5%") == Decimal("12.5")
    assert parse_discount("０") == Decimal(0)


def test_a_product_without_a_price_needs_one(crm, db, book):
    before = db.dump()
    result = crm("order", "add", "C000001", "-i", "P0003:5", code=1)
    assert "product P0003 定制开发 has no price; give one: P0003:QTY:PRICE" in result.stderr
    assert db.dump() == before
    crm("order", "add", "C000001", "-i", "P0003:5:3200")
    assert db.scalar("SELECT total FROM sales_order") == 1600000


def test_order_from_an_opportunity_of_the_same_customer(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "136000")
    crm("opportunity", "add", "C000002", "别家项目", "--amount", "1")
    crm(
        "order", "add", "C000001", "-i", "P0001:2", "--opportunity", "ERP项目", "--status", "已交付"
    )
    row = db.one("SELECT opportunity_id, status FROM sales_order")
    assert row == {"opportunity_id": 1, "status": "delivered"}
    assert crm.json("order", "list", "--opportunity", "O000001")[0]["opportunity"] == "O000001"
    before = db.dump()
    result = crm("order", "add", "C000001", "-i", "P0001:1", "--opportunity", "O000002", code=1)
    assert "opportunity O000002 belongs to another customer, not C000001" in result.stderr
    assert db.dump() == before


def test_cancel_keeps_the_order_but_it_counts_nowhere(crm, db, book):
    crm("order", "add", "C000001", "-i", "P0001:1", "--date", "2026-01-10")
    crm("order", "add", "C000001", "-i", "P0002:2", "--date", "2026-02-10")
    crm("order", "cancel", "D000001", input="n\n", code=1)
    assert db.scalar("SELECT status FROM sales_order WHERE code = 'D000001'") == "confirmed"
    out = crm("order", "cancel", "D000001", "--yes", "--reason", "客户取消采购").stdout
    assert "Cancelled order D000001" in out
    row = db.one("SELECT status, notes, total FROM sales_order WHERE code = 'D000001'")
    assert row == {"status": "cancelled", "notes": "客户取消采购", "total": 6800000}
    assert [o["status"] for o in crm.json("order", "list")] == ["cancelled", "confirmed"]
    assert "1 orders (not cancelled), total 5,600.00" in crm("order", "list").stdout
    assert "already cancelled" in crm("order", "cancel", "D000001", "--yes", code=1).stderr
    assert "is cancelled" in crm("order", "edit", "D000001", "--status", "paid", code=1).stderr
    entry = db.one("SELECT changes FROM audit_entry WHERE entity = 'order' AND action = 'update'")
    assert json.loads(entry["changes"]) == {
        "status": ["confirmed", "cancelled"],
        "reason": [None, "客户取消采购"],
    }


def test_status_moves_and_list_filters(crm, db, book):
    crm("order", "add", "C000001", "-i", "P0001:1", "--date", "2026-01-10")
    crm("order", "add", "C000002", "-i", "P0002:1", "--date", "2026-03-10")
    crm("order", "add", "C000001", "-i", "P0002:2", "--date", "2026-05-10")
    assert (
        "Order D000001 is now Delivered"
        in crm("order", "edit", "D000001", "--status", "delivered").stdout
    )
    crm("--lang", "zh", "order", "edit", "D000001", "--status", "已付款")
    assert "unchanged" in crm("order", "edit", "D000001", "--status", "paid").stdout
    assert (
        "crm order cancel D000001"
        in crm("order", "edit", "D000001", "--status", "cancelled", code=1).stderr
    )

    def codes(*args):
        return [o["code"] for o in crm.json("order", "list", *args)]

    assert codes() == ["D000001", "D000002", "D000003"]  # oldest first
    assert codes("C000001") == ["D000001", "D000003"]
    assert codes("--status", "paid") == ["D000001"]
    assert codes("--since", "2026-02-01") == ["D000002", "D000003"]
    assert codes("--until", "2026/3/10") == ["D000001", "D000002"]
    assert codes("-n", "1") == ["D000001"]
    csv_text = crm("order", "list", "-f", "csv").stdout
    header = csv_text.splitlines()[0].split(",")
    assert header[:4] == ["id", "code", "customer_code", "customer_name"] and "lines" in header
    assert crm.json("order", "list")[0]["lines"][0]["product"] == "P0001"
    card = crm.json("customer", "show", "C000001")
    assert [o["code"] for o in card["orders"]] == ["D000003", "D000001"]  # newest first on the card
    assert "Orders (2)" in crm("customer", "show", "C000001").stdout


def test_everything_is_audited(crm, db, book):
    crm("order", "add", "C000001", "-i", "P0001:1:60000:5%", "-i", "P0002:1")
    entry = db.one("SELECT action, entity_code, changes FROM audit_entry WHERE entity = 'order'")
    changes = json.loads(entry["changes"])
    assert entry["action"] == "create" and entry["entity_code"] == "D000001"
    assert changes["total"] == [None, "59800.00"] and changes["customer"] == [None, "C000001"]
    assert changes["lines"][1] == [
        "P0001 1 x 60000.00 -5% = 57000.00",
        "P0002 1 x 2800.00 = 2800.00",
    ]


@settings(max_examples=200, deadline=None)
@given(
    qty=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3),
    price=st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2),
    discount=st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
)
def test_line_amount_is_the_exact_product_rounded_half_up(qty, price, discount):
    """Against rational arithmetic: no float, no lost digits, ties away from zero."""
    cents = Fraction(qty) * Fraction(price) * (100 - Fraction(discount))  # x 100 / 100
    whole = cents.numerator // cents.denominator
    expected = Decimal(whole + (1 if cents - whole >= Fraction(1, 2) else 0)) / 100
    assert line_amount(qty, price, discount) == expected


def test_item_parsing():
    item = parse_item("星云ERP标准版：2：60000：5%")  # full-width colons
    assert (item.product, item.qty, item.price, item.discount) == ("星云ERP标准版", 2, 60000, 5)
    item = parse_item("P0001:1.5:95折")
    assert (item.price, item.discount) == (None, 5)


BAD = [
    (["order", "add", "C000009", "-i", "P0001:1"], "no customer 'C000009'"),
    (["order", "add", "C000001", "-i", "P0099:1"], "no product 'P0099'"),
    (["order", "add", "C000001", "-i", "P0001"], "invalid item 'P0001'"),
    (["order", "add", "C000001", "-i", "P0001:"], "invalid item 'P0001:'"),
    (["order", "add", "C000001", "-i", "P0001:1:2:3:4"], "invalid item"),
    (["order", "add", "C000001", "-i", "P0001:1:5%:6%"], "invalid item"),
    (["order", "add", "C000001", "-i", "P0001:1:10:20"], "invalid item"),
    (["order", "add", "C000001", "-i", "P0001:0"], "Quantity must be above 0"),
    (["order", "add", "C000001", "-i", "P0001:-2"], "Quantity must be above 0"),
    (["order", "add", "C000001", "-i", "P0001:two"], "invalid number 'two'"),
    (["order", "add", "C000001", "-i", "P0001:1.0001"], "invalid number '1.0001'"),
    (["order", "add", "C000001", "-i", "P0001:1:-5"], "must not be negative"),
    (["order", "add", "C000001", "-i", "P0001:1:9.999"], "invalid amount '9.999'"),
    (["order", "add", "C000001", "-i", "P0001:1:100:120%"], "between 0 and 100"),
    (["order", "add", "C000001", "-i", "P0001:1:100:0折"], "invalid discount '0折'"),
    (["order", "add", "C000001", "-i", "P0001:1", "--discount", "lots"], "invalid number 'lots'"),
    (["order", "add", "C000001", "-i", "P0001:1", "--date", "2026-02-30"], "invalid date"),
    (
        ["order", "add", "C000001", "-i", "P0001:1", "--status", "shipped"],
        "unknown order status 'shipped'",
    ),
    (["order", "add", "C000001", "-i", "P0001:1", "--status", "已取消"], "cannot be cancelled"),
    (
        ["order", "add", "C000001", "-i", "P0001:1", "--opportunity", "O000404"],
        "no opportunity 'O000404'",
    ),
    (["order", "add", "C000001", "-i", "P0001:1", "--owner", "ghost"], "unknown user 'ghost'"),
    (["order", "add", "C000001", "-i", "P0001:999999999999:68000"], "too large"),
    (["order", "cancel", "D000404", "--yes"], "no order 'D000404'"),
    (["order", "show", "D000404"], "no order 'D000404'"),
    (["order", "edit", "D000001"], "no changes given"),
    (["order", "list", "--status", "lost"], "unknown order status 'lost'"),
    (["order", "list", "C000404"], "no customer 'C000404'"),
    (["order", "list", "--since", "whenever"], "invalid date 'whenever'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(crm, db, book_with_order, args, message):
    before = db.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert db.dump() == before


def test_an_order_needs_an_item(crm, book):
    crm("order", "add", "C000001", code=2)


def test_table_shows_fifty_and_totals_them_all(crm, db, book):
    crm("order", "add", "C000001", "-i", "P0004:1")  # 0.35
    for i in range(60):
        db.execute(
            "INSERT INTO sales_order (code, customer_id, ordered_on, status, total) "
            "VALUES (:c, 2, '2026-01-01', :s, 100)",  # 100 cents
            c=f"X{i:03d}",
            s="cancelled" if i % 10 == 0 else "paid",
        )
    out = crm("order", "list").stdout
    assert "50 of 61 shown; 11 more" in out
    assert "55 orders (not cancelled), total 54.35" in out  # 54 x 1.00 + 0.35
    limited = crm("order", "list", "-n", "5").stdout  # X000 (cancelled) .. X004
    assert "4 orders (not cancelled), total 4.00" in limited and "more" not in limited
    assert len(crm.json("order", "list")) == 61
