"""Who may sell what (SPEC §1): service staff read but do not change opportunities or orders;
sales work only under their own and unassigned customers; the catalog is for managers."""

from __future__ import annotations

import pytest

from tests.books import prebuilt


def _team(crm, db):
    crm("init")
    for name, role in (
        ("wangfang", "admin"),
        ("zhaolei", "manager"),
        ("liuyang", "sales"),
        ("chenjing", "sales"),
        ("sunhao", "service"),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)",
            u=name,
            r=role,
        )
    admin = ["--user", "wangfang"]
    crm(*admin, "customer", "add", "刘洋的客户", "--owner", "liuyang")  # C000001
    crm(*admin, "customer", "add", "陈静的客户", "--owner", "chenjing")  # C000002
    crm(*admin, "customer", "add", "未分配客户")
    db.execute("UPDATE customer SET owner_id = NULL WHERE code = 'C000003'")
    crm(*admin, "product", "add", "服务器", "--price", "15800")
    for code in ("C000001", "C000002"):
        crm(*admin, "opportunity", "add", code, f"{code}的机会", "--amount", "100")
        crm(*admin, "order", "add", code, "-i", "P0001:1")
        crm(
            *admin,
            "contract",
            "add",
            code,
            f"{code}的合同",
            "--amount",
            "100",
            "--plan",
            "2020-01-01:100",
        )


team = prebuilt("sales-team", _team)


def as_user(name):
    return ["--user", name]


SERVICE_REFUSED = [
    ["opportunity", "add", "C000001", "X", "--amount", "1"],
    ["opportunity", "stage", "O000001", "proposal"],
    ["opportunity", "edit", "O000001", "--amount", "5"],
    ["opportunity", "delete", "O000001", "--yes"],
    ["order", "add", "C000001", "-i", "P0001:1"],
    ["order", "cancel", "D000001", "--yes"],
    ["order", "edit", "D000001", "--status", "paid"],
    ["contract", "add", "C000001", "X", "--amount", "1"],
    ["contract", "pay", "H000001", "--amount", "1"],
    ["product", "add", "X"],
]


@pytest.mark.parametrize("args", SERVICE_REFUSED, ids=[" ".join(a[:2]) for a in SERVICE_REFUSED])
def test_service_staff_read_but_do_not_sell(crm, db, team, args):
    before = db.dump()
    result = crm(*as_user("sunhao"), *args, code=1)
    assert "sunhao (Service) may not" in result.stderr
    assert db.dump() == before


def test_service_staff_see_everything(crm, team):
    me = as_user("sunhao")
    assert len(crm.json(*me, "opportunity", "list")) == 2
    assert len(crm.json(*me, "order", "list")) == 2
    assert len(crm.json(*me, "contract", "receivables")) == 2
    assert crm.json(*me, "opportunity", "show", "O000002")["code"] == "O000002"


def test_sales_work_under_their_own_and_unassigned_customers(crm, db, team):
    me = as_user("liuyang")
    assert [o["customer_code"] for o in crm.json(*me, "opportunity", "list")] == ["C000001"]
    assert [o["customer_code"] for o in crm.json(*me, "order", "list")] == ["C000001"]
    assert [r["customer_code"] for r in crm.json(*me, "contract", "receivables")] == ["C000001"]
    assert "no opportunity 'O000002'" in crm(*me, "opportunity", "show", "O000002", code=1).stderr
    crm(*me, "opportunity", "stage", "O000001", "proposal")
    crm(*me, "opportunity", "add", "未分配客户", "新机会", "--amount", "1")
    assert (
        db.scalar(
            "SELECT u.username FROM opportunity o JOIN app_user u ON u.id = o.owner_id WHERE o.code = 'O000003'"
        )
        == "liuyang"
    )
    crm(*me, "order", "add", "C000003", "-i", "P0001:1")
    crm(*me, "contract", "pay", "H000001", "--amount", "10")
    before = db.dump()
    result = crm(*me, "opportunity", "add", "C000002", "X", "--amount", "1", code=1)
    assert "no customer 'C000002'" in result.stderr  # not even visible to them
    assert db.dump() == before


def test_sales_may_not_change_the_catalog_but_managers_may(crm, db, team):
    result = crm(*as_user("liuyang"), "product", "add", "X", code=1)
    assert "liuyang (Sales) may not change the products list" in result.stderr
    crm(*as_user("liuyang"), "competitor", "add", "X", code=1)
    crm(*as_user("zhaolei"), "competitor", "add", "汇智云")
    crm(*as_user("zhaolei"), "supplier", "add", "星云软件")
    assert len(crm.json(*as_user("liuyang"), "competitor", "list")) == 1  # everyone reads


def test_managers_change_every_customers_sales(crm, db, team):
    me = as_user("zhaolei")
    crm(*me, "opportunity", "stage", "O000002", "won")
    crm(*me, "order", "cancel", "D000002", "--yes")
    crm(*me, "contract", "pay", "H000002", "--amount", "100")
    entry = db.one("SELECT \"user\" FROM audit_entry WHERE action = 'pay'")
    assert entry["user"] == "zhaolei"
    assert (
        db.scalar("SELECT u.username FROM receipt r JOIN app_user u ON u.id = r.user_id")
        == "zhaolei"
    )
    assert db.scalar("SELECT user_id FROM stage_change WHERE to_stage = 'won'") == db.scalar(
        "SELECT id FROM app_user WHERE username = 'zhaolei'"
    )


GIVING_AWAY = [
    ["followup", "add", "C000001", "--due", "+1d", "--owner", "chenjing"],
    ["followup", "plan", "C000001", "--owner", "chenjing"],
    ["opportunity", "add", "C000001", "X", "--amount", "5", "--owner", "chenjing"],
    ["opportunity", "edit", "O000001", "--owner", "chenjing"],
    ["order", "add", "C000001", "-i", "P0001:1", "--owner", "chenjing"],
    [
        "contract",
        "add",
        "C000001",
        "X",
        "--amount",
        "5",
        "--plan",
        "2027-01-01:5",
        "--owner",
        "chenjing",
    ],
    ["ticket", "open", "C000001", "-k", "repair", "-s", "x", "--owner", "chenjing"],
]


@pytest.mark.parametrize("args", GIVING_AWAY, ids=lambda a: " ".join(a[:2]))
def test_sales_do_not_give_records_to_colleagues(crm, db, team, args):
    before = db.dump()
    result = crm(*as_user("liuyang"), *args, code=1)
    assert "liuyang (Sales) may not give records to other staff" in result.stderr
    assert db.dump() == before


def test_a_ticket_may_go_to_the_service_desk(crm, db, team):
    crm(
        *as_user("liuyang"),
        "ticket",
        "open",
        "C000001",
        "-k",
        "repair",
        "-s",
        "x",
        "--owner",
        "sunhao",
    )
    crm(*as_user("liuyang"), "ticket", "assign", "T000001", "--owner", "sunhao")
    assert (
        db.scalar("SELECT u.username FROM ticket t JOIN app_user u ON u.id = t.owner_id")
        == "sunhao"
    )
    result = crm(*as_user("liuyang"), "ticket", "assign", "T000001", "--owner", "chenjing", code=1)
    assert "may not give records to other staff" in result.stderr


def test_an_assigned_customers_touches_go_to_the_new_owner(crm, db, team):
    crm(*as_user("chenjing"), "followup", "add", "C000002", "--due", "today")
    crm(*as_user("wangfang"), "followup", "add", "C000002", "--due", "today", "--owner", "sunhao")
    crm(*as_user("wangfang"), "followup", "add", "C000002", "--due", "+1d")
    db.execute("UPDATE followup SET owner_id = NULL WHERE id = 3")  # from single-user days
    crm(*as_user("zhaolei"), "customer", "assign", "C000002", "--owner", "liuyang")
    owners = db.rows(
        "SELECT f.id, u.username FROM followup f LEFT JOIN app_user u ON u.id = f.owner_id"
        " ORDER BY f.id"
    )
    assert [(r["id"], r["username"]) for r in owners] == [
        (1, "liuyang"),  # chenjing's touch goes with her customer
        (2, "sunhao"),  # someone else's stays theirs
        (3, "liuyang"),  # nobody's becomes the new owner's
    ]
    mine = crm.json(*as_user("liuyang"), "followup", "due", "--within", "1")
    assert [r["id"] for r in mine] == [1, 3]
    assert crm.json(*as_user("chenjing"), "followup", "due") == []
    moved = db.rows(
        "SELECT entity_id FROM audit_entry WHERE entity = 'followup' AND action = 'update'"
    )
    assert sorted(r["entity_id"] for r in moved) == [1, 3]
