"""``crm contract``: payment plans that add up, receipts that never overpay, the dunning list."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.books import template

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _book(crm):
    crm(
        "customer",
        "add",
        "深圳市华晨电子有限公司",
        "--phone",
        "0755-8960 6110",
        "--email",
        "info@huachen.example",
    )
    crm(
        "contact",
        "add",
        "C000001",
        "何德胜",
        "--title",
        "财务专员",
        "--role",
        "user",
        "--mobile",
        "183 7022 4935",
    )
    crm(
        "contact",
        "add",
        "C000001",
        "高立新",
        "--title",
        "CIO",
        "--role",
        "决策者",
        "--mobile",
        "137 5331 3617",
        "--email",
        "gao@huachen.example",
    )
    crm("customer", "add", "宁波港联物流股份有限公司", "--phone", "(0574) 8877 2618")


def _with_contract(crm):
    _book(crm)
    crm("contract", "add", "C000001", "ERP合同", "--amount", "1000")


book = template("contract-book", _book)
book_with_contract = template("contract-book-1", _with_contract)


def plan(db, contract_id=1):
    return [
        (r["seq"], r["due_on"], r["amount"])
        for r in db.rows(
            "SELECT seq, due_on, amount FROM payment_plan WHERE contract_id = :c ORDER BY seq",
            c=contract_id,
        )
    ]


def test_add_with_a_plan_that_adds_up(crm, db, book):
    out = crm(
        "contract",
        "add",
        "C000001",
        "二期工厂网络改造合同",
        "--amount",
        "171,950",
        "--signed",
        "2026-10-16",
        "--plan",
        "2026-11-23:120365,2026-10-23:51585",
    ).stdout
    assert (
        "Added contract H000001 二期工厂网络改造合同 for C000001 深圳市华晨电子有限公司: "
        "171,950.00 in 2 instalments" in out
    )
    assert plan(db) == [
        (1, "2026-10-23", 5158500),
        (2, "2026-11-23", 12036500),
    ]  # sorted by due day
    row = db.one("SELECT code, amount, signed_on FROM contract")
    assert row == {"code": "H000001", "amount": 17195000, "signed_on": "2026-10-16"}
    entry = db.one("SELECT action, changes FROM audit_entry WHERE entity = 'contract'")
    assert json.loads(entry["changes"])["plan"] == [
        None,
        ["2026-10-23:51585.00", "2026-11-23:120365.00"],
    ]


def test_plan_forms_percentages_offsets_thousands_and_repeats(crm, db, book):
    crm(
        "contract",
        "add",
        "C000001",
        "A",
        "--amount",
        "10000",
        "--signed",
        "2026-06-01",
        "--plan",
        "+0d:30%，+3m:70%",
    )
    assert plan(db, 1) == [(1, "2026-06-01", 300000), (2, "2026-09-01", 700000)]
    # percentages that do not divide evenly: the last instalment takes the cents
    crm(
        "contract",
        "add",
        "C000001",
        "B",
        "--amount",
        "100",
        "--signed",
        "2026-06-01",
        "--plan",
        "+0d:33.33%,+1m:33.33%,+2m:33.34%",
    )
    assert [p[2] for p in plan(db, 2)] == [3333, 3333, 3334]
    # percentages short of 100% are a mismatch like any other
    short = crm(
        "contract",
        "add",
        "C000001",
        "C",
        "--amount",
        "1000",
        "--plan",
        "+0d:33.33%,+1m:33.33%,+2m:33.33%",
        code=1,
    )
    assert "adds up to 999.90, not the contract amount 1,000.00" in short.stderr
    crm(
        "contract",
        "add",
        "C000001",
        "D",
        "--amount",
        "1.5万",
        "--plan",
        "2026年7月1日:12,800.50",
        "--plan",
        "2026/8/1:2,199.50",
    )
    assert plan(db, 3) == [(1, "2026-07-01", 1280050), (2, "2026-08-01", 219950)]
    crm("contract", "add", "C000001", "E", "--amount", "500", "--signed", "2026-05-05")
    assert plan(db, 4) == [(1, "2026-05-05", 50000)]  # no plan: all due on signing


def test_a_plan_that_does_not_add_up_is_a_clear_error(crm, db, book):
    before = db.dump()
    result = crm(
        "contract",
        "add",
        "C000001",
        "X",
        "--amount",
        "100000",
        "--plan",
        "2026-09-10:30000,2026-12-10:60000",
        code=1,
    )
    assert (
        "the payment plan adds up to 90,000.00, not the contract amount 100,000.00 (difference +10,000.00)"
        in result.stderr
    )
    zh = crm(
        "--lang",
        "zh",
        "contract",
        "add",
        "C000001",
        "X",
        "--amount",
        "100",
        "--plan",
        "2026-09-10:100.01",
        code=1,
    )
    assert "回款计划合计 100.01，与合同金额 100.00 不符（差额 -0.01）" in zh.stderr
    assert db.dump() == before


def test_partial_payments_pay_the_oldest_instalment_first(crm, db, book):
    crm(
        "contract",
        "add",
        "C000001",
        "ERP合同",
        "--amount",
        "100000",
        "--signed",
        day(-60),
        "--plan",
        f"{day(-50)}:30000,{day(-10)}:50000,{day(30)}:20000",
    )
    out = crm(
        "contract", "pay", "H000001", "--amount", "40,000.10", "--date", day(-45), "--note", "网银"
    ).stdout
    assert "Received 40,000.10 on H000001" in out and "outstanding 59,999.90" in out
    shown = crm.json("contract", "show", "H000001")
    assert [(p["received"], p["outstanding"], p["status"]) for p in shown["plan"]] == [
        (30000, 0, "paid"),
        (10000.1, 39999.9, "overdue"),
        (0, 20000, "upcoming"),
    ]
    assert shown["received"] == 40000.1 and shown["outstanding"] == 59999.9
    assert shown["overdue"] == 39999.9 and shown["next_due_on"] == day(-10)
    assert shown["receipts"] == [
        {"id": 1, "paid_on": day(-45), "amount": 40000.1, "note": "网银", "user": None}
    ]
    assert db.scalar("SELECT sum(amount) FROM receipt") == 4000010  # exact cents
    # as it stood before the payment
    earlier = crm.json("contract", "show", "H000001", "--as-of", day(-48))
    assert [p["status"] for p in earlier["plan"]] == ["overdue", "upcoming", "upcoming"]
    out = crm("contract", "pay", "ERP合同", "--amount", "59999.90").stdout
    assert "Contract H000001 is fully paid" in out
    assert [p["status"] for p in crm.json("contract", "show", "H000001")["plan"]] == ["paid"] * 3


def test_overpayment_is_a_clear_error(crm, db, book):
    crm("contract", "add", "C000001", "ERP合同", "--amount", "1000", "--plan", f"{day(0)}:1000")
    crm("contract", "pay", "H000001", "--amount", "999.99")
    before = db.dump()
    result = crm("contract", "pay", "H000001", "--amount", "0.02", code=1)
    assert "0.02 is more than is outstanding on H000001 (0.01 of 1,000.00)" in result.stderr
    assert "crm contract show H000001" in result.stderr
    assert db.dump() == before
    crm("contract", "pay", "H000001", "--amount", "0.01")


def test_payments_are_audited(crm, db, book):
    crm("contract", "add", "C000001", "ERP合同", "--amount", "1000")
    crm("contract", "pay", "H000001", "--amount", "400", "--date", day(0))
    entry = db.one("SELECT action, entity_code, changes FROM audit_entry WHERE action = 'pay'")
    changes = json.loads(entry["changes"])
    assert entry["entity_code"] == "H000001"
    assert changes["received"] == ["0.00", "400.00"]
    assert changes["receipt"][1]["amount"] == "400.00" and changes["receipt"][1]["paid_on"] == day(
        0
    )


def test_receivables_by_customer_oldest_first(crm, db, book):
    crm(
        "contract",
        "add",
        "C000002",
        "港联运维",
        "--amount",
        "3000",
        "--signed",
        day(-100),
        "--plan",
        f"{day(-90)}:1000,{day(-20)}:1000,{day(5)}:1000",
    )
    crm(
        "contract",
        "add",
        "C000001",
        "华晨网络",
        "--amount",
        "5000",
        "--signed",
        day(-40),
        "--plan",
        f"{day(-30)}:2000,{day(0)}:2000,{day(60)}:1000",
    )
    crm(
        "contract",
        "add",
        "C000001",
        "华晨维保",
        "--amount",
        "800",
        "--signed",
        day(-40),
        "--plan",
        f"{day(-25)}:800",
    )
    crm("contract", "pay", "H000002", "--amount", "500", "--date", day(-29))
    crm("contract", "pay", "H000003", "--amount", "800", "--date", day(-24))
    data = crm.json("contract", "receivables")
    assert [
        (r["customer_code"], r["contract_code"], r["seq"], r["days_overdue"], r["outstanding"])
        for r in data
    ] == [
        ("C000002", "H000001", 1, 90, 1000),  # the customer owing longest comes first
        ("C000002", "H000001", 2, 20, 1000),
        ("C000001", "H000002", 1, 30, 1500),
        ("C000001", "H000002", 2, 0, 2000),  # due today is due
    ]
    first = data[2]
    assert list(first) == [
        "customer_code",
        "customer_name",
        "contact",
        "phone",
        "email",
        "owner",
        "contract_id",
        "contract_code",
        "contract_title",
        "seq",
        "due_on",
        "amount",
        "received",
        "outstanding",
        "days_overdue",
    ]
    # the decision maker is who a reminder goes to
    assert (first["contact"], first["phone"], first["email"]) == (
        "高立新",
        "137 5331 3617",
        "gao@huachen.example",
    )
    assert data[0]["contact"] is None and data[0]["phone"] == "(0574) 8877 2618"
    assert (first["amount"], first["received"]) == (2000, 500)
    overdue = crm.json("contract", "receivables", "--overdue")
    assert [(r["contract_code"], r["seq"]) for r in overdue] == [
        ("H000001", 1),
        ("H000001", 2),
        ("H000002", 1),
    ]
    ahead = crm.json("contract", "receivables", "--within", "7")
    assert ("H000001", 3, -5) in [(r["contract_code"], r["seq"], r["days_overdue"]) for r in ahead]
    assert [
        r["contract_code"] for r in crm.json("contract", "receivables", "--customer", "C000001")
    ] == ["H000002"] * 2
    # as it stood 25 days ago: H000002's payment had come in, H000003's not yet
    then = crm.json("contract", "receivables", "--as-of", day(-25))
    assert [(r["contract_code"], r["seq"], r["outstanding"], r["days_overdue"]) for r in then] == [
        ("H000001", 1, 1000, 65),
        ("H000002", 1, 1500, 5),
        ("H000003", 1, 800, 0),
    ]
    assert crm.json("contract", "receivables", "--as-of", day(-95)) == []  # nothing signed yet
    table = crm("contract", "receivables").stdout
    assert "Outstanding 5,500.00 from 2 customers; overdue 3,500.00" in table
    zh = crm("--lang", "zh", "contract", "receivables").stdout
    assert "逾期天数" in zh and "H000001/1" in zh


def test_deleted_contracts_and_customers_leave_the_dunning_list(crm, db, book):
    crm("contract", "add", "C000001", "A", "--amount", "100", "--plan", f"{day(-5)}:100")
    crm("contract", "add", "C000002", "B", "--amount", "100", "--plan", f"{day(-5)}:100")
    crm("contract", "delete", "H000001", "--yes")
    crm("customer", "delete", "C000002", "--yes")
    assert crm.json("contract", "receivables") == []
    crm("contract", "restore", "H000001")
    assert [r["contract_code"] for r in crm.json("contract", "receivables")] == ["H000001"]


def test_list_show_and_the_customer_card(crm, db, book):
    crm("contract", "add", "C000001", "A", "--amount", "100", "--plan", f"{day(-5)}:60,{day(5)}:40")
    crm("contract", "add", "C000002", "B", "--amount", "100")
    crm("contract", "pay", "B", "--amount", "100")
    data = crm.json("contract", "list")
    assert [
        (c["code"], c["received"], c["outstanding"], c["overdue"], c["next_due_on"]) for c in data
    ] == [
        ("H000001", 0, 100, 60, day(-5)),
        ("H000002", 100, 0, 0, None),
    ]
    assert [c["code"] for c in crm.json("contract", "list", "--unpaid")] == ["H000001"]
    assert [c["code"] for c in crm.json("contract", "list", "C000002")] == ["H000002"]
    card = crm.json("customer", "show", "C000001")
    assert [c["code"] for c in card["contracts"]] == ["H000001"]
    out = crm("--lang", "zh", "contract", "show", "H000001").stdout
    assert "回款计划 (2)" in out and "已逾期" in out and "未到期" in out
    assert "Contracts (1)" in crm("customer", "show", "C000001").stdout


BAD = [
    (["contract", "add", "C000404", "X", "--amount", "1"], "no customer 'C000404'"),
    (["contract", "add", "C000001", "", "--amount", "1"], "Title is required"),
    (["contract", "add", "C000001", "X", "--amount", "0"], "must be above 0"),
    (["contract", "add", "C000001", "X", "--amount", ""], "Amount is required"),
    (["contract", "add", "C000001", "X", "--amount", "1.234"], "invalid amount '1.234'"),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", "2026-01-01"],
        "invalid plan item '2026-01-01'",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", "2026-01-01:"],
        "invalid plan item",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", "2026-02-30:100"],
        "invalid date '2026-02-30'",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", "2026-01-01:abc"],
        "invalid amount 'abc'",
    ),
    (
        [
            "contract",
            "add",
            "C000001",
            "X",
            "--amount",
            "100",
            "--plan",
            "2026-01-01:150,2026-02-01:-50",
        ],
        "must be above 0",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", ","],
        "the payment plan is empty",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--plan", "2026-01-01:50"],
        "adds up to 50.00",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--signed", "soon"],
        "invalid date 'soon'",
    ),
    (
        [
            "contract",
            "add",
            "C000001",
            "X",
            "--amount",
            "100",
            "--starts",
            "2026-05-01",
            "--ends",
            "2026-04-01",
        ],
        "ends (2026-04-01) before it starts",
    ),
    (
        ["contract", "add", "C000001", "X", "--amount", "100", "--opportunity", "O000404"],
        "no opportunity 'O000404'",
    ),
    (["contract", "pay", "H000404", "--amount", "1"], "no contract 'H000404'"),
    (["contract", "pay", "H000001", "--amount", "0"], "must be above 0"),
    (["contract", "pay", "H000001", "--amount", "-3"], "must be above 0"),
    (["contract", "pay", "H000001", "--amount", "1000.01"], "more than is outstanding"),
    (
        ["contract", "pay", "H000001", "--amount", "1", "--date", "tomorrow"],
        "cannot be dated in the future",
    ),
    (["contract", "receivables", "--as-of", "someday"], "invalid date 'someday'"),
    (["contract", "receivables", "--within", "-1"], "--within must be between 0 and 3660, not -1"),
    (["contract", "receivables", "--owner", "ghost"], "unknown user 'ghost'"),
    (["contract", "show", "无此合同"], "no contract '无此合同'"),
    (["contract", "list", "-f", "xls"], "unknown format 'xls'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(
    crm, db, book_with_contract, args, message
):
    before = db.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert db.dump() == before


def test_many_contracts_take_the_whole_table_path_with_the_same_answers(crm, db, book):
    """Past 2,000 contracts plans and receipts are read in one pass, not by IN-lists."""
    due = day(-10)
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contract (code, customer_id, title, amount, signed_on) "
                "VALUES (:code, :customer, :title, 20000, :signed)"
            ),
            [
                {
                    "code": f"H{i:06d}",
                    "customer": 1 + i % 2,
                    "title": f"bulk {i}",
                    "signed": day(-30),
                }
                for i in range(1, 2101)
            ],
        )
    db.execute(
        "INSERT INTO payment_plan (contract_id, seq, due_on, amount) "
        "SELECT id, 1, :due, 10000 FROM contract UNION ALL "
        "SELECT id, 2, :later, 10000 FROM contract",
        due=date.fromisoformat(due),
        later=date.fromisoformat(day(20)),
    )
    db.execute(  # every third contract paid 150.00 of its first 100.00 + 100.00
        "INSERT INTO receipt (contract_id, paid_on, amount) "
        "SELECT id, :paid, 15000 FROM contract WHERE id % 3 = 0",
        paid=date.fromisoformat(day(-5)),
    )
    rows = crm.json("contract", "receivables")
    assert len(rows) == 2100 - 700  # the paid ones owe nothing yet
    assert {(r["outstanding"], r["days_overdue"]) for r in rows} == {(100, 10)}
    ahead = crm.json("contract", "receivables", "--within", "30")
    assert len(ahead) == 1400 + 2100
    assert {r["outstanding"] for r in ahead if r["seq"] == 2} == {100, 50}
    one = crm.json("contract", "show", "H000003")  # the small path, for comparison
    assert [(p["received"], p["outstanding"]) for p in one["plan"]] == [(100, 0), (50, 50)]
