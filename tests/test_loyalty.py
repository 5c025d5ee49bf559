"""``crm report loyalty``: repeat purchases, days between orders, cohorts (issue 14, item 2).

Orders are written with plain SQL (the report is the subject, not the commands that
record sales). The book, as of 2025-09-30 (the last day of 2025-Q3):

    甲 C000001  2025-01-10, 2025-01-20, 2025-04-05 (gaps 10 and 75 days); 2025-09-30 cancelled
    乙 C000002  2025-02-01, 2025-07-01 (gap 150 days)
    丙 C000003  2025-05-10; 2025-10-05 after --as-of
    丁 C000004  2025-03-03 cancelled only: no order counts
    戊 C000005  no orders

repeat rate 2/3; mean days between orders (10 + 75 + 150) / 3 = 78.3; cohorts 2025-Q1
{甲, 乙}: still ordering in Q2 1/2 (甲), in Q3 1/2 (乙); 2025-Q2 {丙}: in Q3 0. Ordering in
Q1 {甲, 乙}, Q2 {甲, 丙}, Q3 {乙}: quarterly retention (1 + 0) / (2 + 2) = 0.25.
"""

from __future__ import annotations

AS_OF = "2025-09-30"


def order(db, customer: int, day: str, status: str = "confirmed") -> None:
    db.execute(
        "INSERT INTO sales_order (customer_id, ordered_on, status, total)"
        " VALUES (:c, :d, :s, 10000)",
        c=customer,
        d=day,
        s=status,
    )


def book(crm, db) -> None:
    for name in ("甲", "乙", "丙", "丁", "戊"):
        crm("customer", "add", name)
    for customer, day in [
        (1, "2025-01-10"),
        (1, "2025-01-20"),
        (1, "2025-04-05"),
        (2, "2025-02-01"),
        (2, "2025-07-01"),
        (3, "2025-05-10"),
        (3, "2025-10-05"),
    ]:
        order(db, customer, day)
    order(db, 1, "2025-09-30", "cancelled")
    order(db, 4, "2025-03-03", "cancelled")


def test_loyalty_by_hand(crm, db):
    book(crm, db)
    data = crm.json("report", "loyalty", "--as-of", AS_OF)
    assert data == {
        "as_of": AS_OF,
        "customers": 3,
        "repeat_rate": 0.6667,
        "mean_days_between_orders": 78.3,
        "cohorts": [
            {"cohort": "2025-Q1", "customers": 2, "retained": [0.5, 0.5]},
            {"cohort": "2025-Q2", "customers": 1, "retained": [0.0]},
        ],
        "quarterly_retention": 0.25,
    }
    out = crm("report", "loyalty", "--as-of", AS_OF).stdout
    for text in ("Repeat rate", "66.7%", "78.3", "25.0%", "2025-Q1", "+2Q", "50.0%"):
        assert text in out


def test_as_of_counts_only_what_had_happened(crm, db):
    book(crm, db)
    # a day earlier Q3 is not over: it is listed but not used for the retention
    data = crm.json("report", "loyalty", "--as-of", "2025-09-29")
    assert data["cohorts"][0]["retained"] == [0.5, 0.5]
    assert data["quarterly_retention"] == 0.5  # Q1 -> Q2 only: 1 of 2
    # in February: 甲 twice, 乙 once
    data = crm.json("report", "loyalty", "--as-of", "2025-02-28")
    assert data["repeat_rate"] == 0.5 and data["mean_days_between_orders"] == 10
    assert data["cohorts"] == [{"cohort": "2025-Q1", "customers": 2, "retained": []}]
    assert data["quarterly_retention"] is None
    # 丙's October order: a third quarter for the Q2 cohort, and 丙 orders twice
    data = crm.json("report", "loyalty", "--as-of", "2025-10-31")
    assert data["cohorts"][1] == {"cohort": "2025-Q2", "customers": 1, "retained": [0.0, 1.0]}
    assert data["repeat_rate"] == 1.0
    assert data["mean_days_between_orders"] == round((10 + 75 + 150 + 148) / 4, 1)


def test_an_empty_book_has_nothing_to_say(crm):
    crm("customer", "add", "甲")
    data = crm.json("report", "loyalty", "--as-of", AS_OF)
    assert data["repeat_rate"] is None and data["mean_days_between_orders"] is None
    assert data["cohorts"] == [] and data["quarterly_retention"] is None
    assert "No cohorts found." in crm("report", "loyalty").stdout


def test_cohorts_as_csv_and_bad_input(crm, db):
    book(crm, db)
    lines = crm("report", "loyalty", "--as-of", AS_OF, "-f", "csv").stdout.splitlines()
    assert lines[0] == "cohort,customers,retained"
    assert lines[1] == '2025-Q1,2,"0.5,0.5"'
    result = crm("report", "loyalty", "--as-of", "2025-13-01", code=1)
    assert result.stderr.startswith("Error: invalid date") and len(result.stderr.splitlines()) == 1
    assert crm("report", "loyalty", "-f", "xml", code=1).stderr.startswith("Error: ")


def test_loyalty_in_chinese(crm, db):
    book(crm, db)
    out = crm("--lang", "zh", "report", "loyalty", "--as-of", AS_OF).stdout
    for text in ("客户忠诚度（截至 2025-09-30）", "重复购买率", "平均购买间隔（天）", "+1季"):
        assert text in out


def test_a_salesperson_sees_only_her_own_customers(crm, db):
    crm("init")
    for name, role in (("wangfang", "admin"), ("liuyang", "sales"), ("chenjing", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )
    admin = ["--user", "wangfang"]
    crm(*admin, "customer", "add", "刘洋的客户", "--owner", "liuyang")
    crm(*admin, "customer", "add", "陈静的客户", "--owner", "chenjing")
    order(db, 1, "2025-01-10")
    order(db, 1, "2025-04-10")
    order(db, 2, "2025-02-10")
    mine = crm.json("--user", "liuyang", "report", "loyalty", "--as-of", AS_OF)
    assert mine["customers"] == 1 and mine["repeat_rate"] == 1.0
    assert mine["mean_days_between_orders"] == 90
    everyone = crm.json(*admin, "report", "loyalty", "--as-of", AS_OF)
    assert everyone["customers"] == 2 and everyone["repeat_rate"] == 0.5
    assert everyone["cohorts"] == [{"cohort": "2025-Q1", "customers": 2, "retained": [0.5, 0.0]}]
