"""``crm contact``: the people at a customer."""

from __future__ import annotations

import pytest


@pytest.fixture
def acme(crm):
    crm("customer", "add", "苏州精工机械有限公司")
    crm("customer", "add", "杭州云帆")


def test_add_list_edit_delete(crm, db, acme):
    result = crm(
        "contact",
        "add",
        "苏州精工机械有限公司",
        "李娜",
        "--title",
        "采购经理",
        "--role",
        "决策者",
        "--mobile",
        "138 0013 8000",
        "--email",
        "lina@jinggong.example",
        "--birthday",
        "1985年3月15日",
        "--relation-level",
        "4",
        "--hobbies",
        "羽毛球",
        "--family",
        "已婚，一个女儿",
    )
    assert "Added contact 李娜 (id 1) to C000001 苏州精工机械有限公司" in result.stdout
    row = db.one(
        "SELECT customer_id, name, title, role, mobile, birthday, relation_level FROM contact"
    )
    assert (
        row["customer_id"] == 1 and row["role"] == "decision_maker" and row["relation_level"] == 4
    )
    assert str(row["birthday"]) == "1985-03-15"
    crm("contact", "add", "C000002", "王强")
    assert [c["name"] for c in crm.json("contact", "list")] == ["李娜", "王强"]
    assert [c["name"] for c in crm.json("contact", "list", "杭州云帆")] == ["王强"]
    assert [c["name"] for c in crm.json("contact", "list", "--search", "采购")] == ["李娜"]
    listed = crm.json("contact", "list", "C000001")[0]
    assert listed["customer_code"] == "C000001" and listed["role"] == "decision_maker"
    assert (
        "Updated contact 李娜"
        in crm("contact", "edit", "李娜", "--title", "采购总监", "--mobile", "").stdout
    )
    row = db.one("SELECT title, mobile FROM contact WHERE id = 1")
    assert row == {"title": "采购总监", "mobile": None}
    crm("contact", "delete", "王强", "--yes")
    assert [c["name"] for c in crm.json("contact", "list")] == ["李娜"]
    assert db.scalar("SELECT count(*) FROM contact") == 2  # soft
    actions = [
        r["action"]
        for r in db.rows("SELECT action FROM audit_entry WHERE entity = 'contact' ORDER BY id")
    ]
    assert actions == ["create", "create", "update", "delete"]


def test_same_name_at_two_customers_needs_the_customer(crm, acme):
    crm("contact", "add", "C000001", "张伟")
    crm("contact", "add", "C000002", "张伟")
    result = crm("contact", "edit", "张伟", "--title", "经理", code=1)
    assert "matches 2 contacts" in result.stderr
    crm("contact", "edit", "张伟", "--customer", "C000002", "--title", "经理")
    titles = {c["customer_code"]: c["title"] for c in crm.json("contact", "list")}
    assert titles == {"C000001": None, "C000002": "经理"}


def test_contacts_of_deleted_customers_are_hidden(crm, acme):
    crm("contact", "add", "C000001", "李娜")
    crm("customer", "delete", "C000001", "--yes")
    assert crm.json("contact", "list") == []
    assert crm.json("customer", "show", "C000001")["contacts"][0]["name"] == "李娜"
    crm("contact", "add", "C000001", "新人", code=1)


def test_a_deleted_contact_comes_back(crm, db, acme):
    crm("contact", "add", "C000001", "李娜")
    out = crm("contact", "delete", "李娜", "--yes").stdout
    assert "restore with: crm contact restore 1" in out
    result = crm("contact", "edit", "李娜", "--title", "经理", code=1)
    assert "contact 1 is deleted; crm contact restore 1" in result.stderr
    crm("contact", "restore", "李娜", "-c", "C000001")
    assert [c["name"] for c in crm.json("contact", "list")] == ["李娜"]
    assert crm.json("customer", "list", "--search", "李娜")[0]["code"] == "C000001"
    actions = db.rows("SELECT action FROM audit_entry WHERE entity = 'contact' ORDER BY id")
    assert [a["action"] for a in actions] == ["create", "delete", "restore"]
    assert "is not deleted" in crm("contact", "restore", "李娜", code=1).stderr


BAD = [
    (["contact", "add", "C000009", "某人"], "no customer 'C000009'"),
    (["contact", "add", "C000001", ""], "Name is required"),
    (["contact", "add", "C000001", "某人", "--birthday", "3月15日"], "invalid date"),
    (["contact", "add", "C000001", "某人", "--relation-level", "9"], "between 1 and 5"),
    (["contact", "add", "C000001", "某人", "--role", "boss"], "unknown role 'boss'"),
    (["contact", "add", "C000001", "某人", "--email", "x@"], "invalid e-mail"),
    (["contact", "edit", "99", "--title", "x"], "no contact '99'"),
    (["contact", "edit", "1"], "no changes given"),
    (["contact", "delete", "nobody", "--yes"], "no contact 'nobody'"),
    (["contact", "list", "C000009"], "no customer 'C000009'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input(crm, db, acme, args, message):
    crm("contact", "add", "C000001", "李娜")
    before = db.dump()
    assert message in crm(*args, code=1).stderr
    assert db.dump() == before
