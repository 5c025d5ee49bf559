"""``crm supplier``, ``crm product``, ``crm competitor``: what is sold, who supplies it, who competes."""

from __future__ import annotations

import json

import pytest

from tests.books import template


def _supplier(crm):
    crm(
        "supplier",
        "add",
        "北京星云软件股份有限公司",
        "--contact-name",
        "杜文博",
        "--phone",
        "010-6885 4550",
        "--email",
        "sales@xingyun.example",
        "--city",
        "北京",
        "--category",
        "ERP软件厂商",
        "--rating",
        "A",
    )


def _with_product(crm):
    _supplier(crm)
    crm("product", "add", "星云ERP标准版", "--price", "68000")


supplier = template("catalog-supplier", _supplier)
supplier_and_product = template("catalog-supplier-product", _with_product)


def test_supplier_add_list_show_edit(crm, db, supplier):
    [row] = crm.json("supplier", "list")
    assert row == {
        "id": 1,
        "name": "北京星云软件股份有限公司",
        "contact_name": "杜文博",
        "phone": "010-6885 4550",
        "email": "sales@xingyun.example",
        "address": None,
        "city": "北京",
        "category": "ERP软件厂商",
        "rating": "A",
        "notes": None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    crm("supplier", "add", "上海新联网络设备有限公司", "--city", "上海", "--category", "网络设备")
    assert [s["name"] for s in crm.json("supplier", "list", "--city", "上海")] == [
        "上海新联网络设备有限公司"
    ]
    assert [s["name"] for s in crm.json("supplier", "list", "--search", "杜文博")] == [
        "北京星云软件股份有限公司"
    ]
    assert [s["name"] for s in crm.json("supplier", "list", "--category", "网络设备")] == [
        "上海新联网络设备有限公司"
    ]
    out = crm(
        "supplier", "edit", "北京星云软件股份有限公司", "--phone", "010-6885 4551", "--rating", ""
    ).stdout
    assert "Updated supplier 北京星云软件股份有限公司 (id 1)" in out
    entry = db.one(
        "SELECT changes FROM audit_entry WHERE entity = 'supplier' AND action = 'update'"
    )
    assert json.loads(entry["changes"]) == {
        "phone": ["010-6885 4550", "010-6885 4551"],
        "rating": ["A", None],
    }
    zh = crm("--lang", "zh", "supplier", "list").stdout
    assert "供应商名称" in zh and "供应类别" in zh


def test_supplier_names_are_unique_because_they_name_suppliers(crm, db, supplier):
    before = db.dump()
    result = crm("supplier", "add", "北京星云软件股份有限公司", code=1)
    assert "a supplier named '北京星云软件股份有限公司' already exists (id 1)" in result.stderr
    assert db.dump() == before


def test_product_codes_prices_and_suppliers(crm, db, supplier):
    out = crm(
        "product",
        "add",
        "星云ERP标准版",
        "--category",
        "软件许可",
        "--unit",
        "套",
        "--price",
        "68,000",
        "--supplier",
        "北京星云软件股份有限公司",
    ).stdout
    assert "Added product P0001 星云ERP标准版" in out
    crm("product", "add", "ERP实施服务", "--code", "s-impl", "--unit", "人天", "--price", "2800.50")
    crm("product", "add", "培训", "--unit", "人天")
    rows = db.rows("SELECT code, name, price, supplier_id FROM product ORDER BY id")
    assert rows == [
        {"code": "P0001", "name": "星云ERP标准版", "price": 6800000, "supplier_id": 1},
        {"code": "S-IMPL", "name": "ERP实施服务", "price": 280050, "supplier_id": None},
        {"code": "P0002", "name": "培训", "price": None, "supplier_id": None},
    ]
    data = crm.json("product", "list", "--supplier", "1")
    assert data == [
        {
            "id": 1,
            "code": "P0001",
            "name": "星云ERP标准版",
            "category": "软件许可",
            "unit": "套",
            "price": 68000,
            "cost": None,
            "supplier": "北京星云软件股份有限公司",
            "notes": None,
            "created_at": data[0]["created_at"],
            "updated_at": data[0]["updated_at"],
        }
    ]
    assert [p["code"] for p in crm.json("product", "list", "--category", "软件许可")] == ["P0001"]
    assert [p["code"] for p in crm.json("product", "list", "--search", "erp")] == [
        "P0001",
        "S-IMPL",
    ]
    # a supplier's card lists what it supplies
    assert "Products (1)" in crm("supplier", "show", "1").stdout
    crm("product", "edit", "P0001", "--price", "66000", "--supplier", "")
    assert db.one("SELECT price, supplier_id FROM product WHERE code = 'P0001'") == {
        "price": 6600000,
        "supplier_id": None,
    }
    entry = db.one("SELECT changes FROM audit_entry WHERE entity = 'product' AND action = 'update'")
    assert json.loads(entry["changes"]) == {
        "price": ["68000.00", "66000.00"],
        "supplier": ["北京星云软件股份有限公司", None],
    }
    table = crm("--lang", "zh", "product", "list").stdout
    assert "产品编号" in table and "66,000.00" in table


def test_product_code_clash_and_name_warning(crm, db):
    crm("product", "add", "A", "--code", "P0002")
    crm("product", "add", "B")  # skips P0002, taken by hand
    assert [r["code"] for r in db.rows("SELECT code FROM product ORDER BY id")] == [
        "P0002",
        "P0001",
    ]
    assert "already used by A" in crm("product", "add", "C", "--code", "p0002", code=1).stderr
    result = crm("product", "add", "A")
    assert "a product named 'A' already exists: P0002" in result.stderr
    assert db.scalar("SELECT count(*) FROM product") == 3
    assert "Product id, code (P0001) or exact name" in crm("product", "edit", "--help").stdout
    assert "matches 2 products" in crm("product", "show", "A", code=1).stderr


def test_competitor_fields_and_an_opportunity_naming_it(crm, db):
    crm(
        "competitor",
        "add",
        "北京汇智云软件有限公司",
        "--product",
        "汇智云ERP",
        "--price",
        "98000",
        "--features",
        "云原生SaaS",
        "--strengths",
        "品牌知名度高",
        "--weaknesses",
        "本地实施力量薄弱",
        "--strategy",
        "强调本地化驻场实施",
    )
    [row] = crm.json("competitor", "list")
    assert {
        k: row[k]
        for k in ("name", "product", "price", "features", "strengths", "weaknesses", "strategy")
    } == {
        "name": "北京汇智云软件有限公司",
        "product": "汇智云ERP",
        "price": 98000,
        "features": "云原生SaaS",
        "strengths": "品牌知名度高",
        "weaknesses": "本地实施力量薄弱",
        "strategy": "强调本地化驻场实施",
    }
    crm("customer", "add", "客户甲")
    crm(
        "opportunity",
        "add",
        "客户甲",
        "ERP项目",
        "--amount",
        "1",
        "--competitor",
        "北京汇智云软件有限公司",
    )
    assert crm.json("opportunity", "show", "O000001")["competitor"] == "北京汇智云软件有限公司"
    assert [c["name"] for c in crm.json("competitor", "list", "--search", "驻场")] == [
        "北京汇智云软件有限公司"
    ]
    out = crm("--lang", "zh", "competitor", "show", "1").stdout
    assert "应对策略" in out and "强调本地化驻场实施" in out


def test_delete_and_restore_each_kind(crm, db, supplier):
    crm("product", "add", "X")
    crm("competitor", "add", "Y")
    for noun, ref in (("supplier", "1"), ("product", "P0001"), ("competitor", "Y")):
        crm(noun, "delete", ref, "--yes")
        assert crm.json(noun, "list") == []
        assert len(crm.json(noun, "list", "--deleted")) == 1
        crm(noun, "restore", ref)
        assert len(crm.json(noun, "list")) == 1
    actions = db.rows("SELECT entity, action FROM audit_entry ORDER BY id")
    assert [a["action"] for a in actions if a["entity"] == "product"] == [
        "create",
        "delete",
        "restore",
    ]
    # a deleted product cannot be sold
    crm("customer", "add", "客户甲")
    crm("product", "delete", "P0001", "--yes")
    assert (
        "product P0001 is deleted"
        in crm("order", "add", "客户甲", "--item", "P0001:1:10", code=1).stderr
    )


BAD = [
    (["supplier", "add", ""], "Name is required"),
    (["supplier", "add", "S", "--email", "nope"], "invalid e-mail 'nope'"),
    (["supplier", "add", "S", "--phone", "call"], "invalid phone 'call'"),
    (["supplier", "edit", "nobody", "--city", "x"], "no supplier 'nobody'"),
    (["supplier", "edit", "1"], "no changes given"),
    (["supplier", "edit", "1", "--name", ""], "Name is required"),
    (["product", "add", "X", "--price", "-1"], "must not be negative"),
    (["product", "add", "X", "--price", "12.345"], "invalid amount '12.345'"),
    (["product", "add", "X", "--supplier", "无此供应商"], "no supplier '无此供应商'"),
    (["product", "add", "X", "--code", "P0001"], "already used"),
    (["product", "edit", "P0001", "--code", ""], "Code is required"),
    (["product", "list", "--supplier", "nobody"], "no supplier 'nobody'"),
    (["product", "show", "P0404"], "no product 'P0404'"),
    (["competitor", "add", "C", "--price", "much"], "invalid amount 'much'"),
    (["competitor", "restore", "1"], "no competitor '1'"),
    (["supplier", "restore", "1"], "is not deleted"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(
    crm, db, supplier_and_product, args, message
):
    before = db.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.dump() == before


def test_list_options_fit_the_noun(crm):
    assert "--supplier" in crm("product", "list", "--help").stdout
    assert "--city" not in crm("product", "list", "--help").stdout
    assert "--city" in crm("supplier", "list", "--help").stdout
    crm("competitor", "list", "--category", "x", code=2)
