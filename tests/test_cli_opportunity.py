"""``crm opportunity``: the pipeline, its stage history, and the probability rule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.books import template

OPPORTUNITY_JSON = [
    "id",
    "code",
    "customer_code",
    "customer_name",
    "title",
    "product",
    "product_name",
    "amount",
    "stage",
    "probability",
    "probability_manual",
    "weighted_amount",
    "urgency",
    "needs",
    "expected_close",
    "owner",
    "competitor",
    "lost_reason",
    "closed_at",
    "created_at",
    "updated_at",
]


def _book(crm):
    """Two customers, a product and a competitor."""
    crm("customer", "add", "深圳市华晨电子有限公司", "--status", "prospect")
    crm("customer", "add", "宁波港联物流股份有限公司")
    crm("product", "add", "星云ERP标准版", "--price", "68000", "--unit", "套")
    crm("competitor", "add", "汇智云", "--product", "汇智云ERP")


def _with_opportunity(crm):
    _book(crm)
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")


book = template("opportunity-book", _book)
book_with_opportunity = template("opportunity-book-1", _with_opportunity)


def history(db, opp_id=1):
    return db.rows(
        "SELECT from_stage, to_stage, reason, user_id FROM stage_change "
        "WHERE opportunity_id = :i ORDER BY at, id",
        i=opp_id,
    )


def test_add_starts_at_the_first_stage_with_its_probability(crm, db, book):
    out = crm("opportunity", "add", "C000001", "ERP项目", "--amount", "12.8万").stdout
    assert "Added opportunity O000001 ERP项目 for C000001 深圳市华晨电子有限公司 (Lead, 10%)" in out
    row = db.one("SELECT code, stage, probability, probability_manual, amount FROM opportunity")
    assert row == {
        "code": "O000001",
        "stage": "lead",
        "probability": 10,
        "probability_manual": 0,
        "amount": 12800000,  # exact cents
    }
    assert history(db) == [
        {"from_stage": None, "to_stage": "lead", "reason": None, "user_id": None}
    ]
    audit = db.one(
        "SELECT action, entity, entity_code, changes FROM audit_entry WHERE entity = 'opportunity'"
    )
    assert audit["action"] == "create" and audit["entity_code"] == "O000001"
    assert json.loads(audit["changes"])["customer"] == [None, "C000001"]


def test_add_with_every_option_in_chinese(crm, db, book):
    crm(
        "--lang",
        "zh",
        "opportunity",
        "add",
        "深圳市华晨电子有限公司",
        "二期网络改造",
        "--amount",
        "171,950",
        "--stage",
        "方案报价",
        "--close",
        "2027年1月15日",
        "--product",
        "P0001",
        "--competitor",
        "汇智云",
        "--urgency",
        "高",
        "--needs",
        "无线全覆盖",
    )
    data = crm.json("opportunity", "show", "O000001")
    assert {k: data[k] for k in ("stage", "probability", "urgency", "expected_close")} == {
        "stage": "proposal",
        "probability": 50,
        "urgency": "high",
        "expected_close": "2027-01-15",
    }
    assert data["product"] == "P0001" and data["product_name"] == "星云ERP标准版"
    assert data["competitor"] == "汇智云" and data["needs"] == "无线全覆盖"
    assert data["amount"] == 171950 and data["weighted_amount"] == 85975
    # created straight at proposal: one honest history row, nothing -> proposal
    assert [(h["from_stage"], h["to_stage"]) for h in data["history"]] == [(None, "proposal")]


def test_json_shape_carries_customer_code(crm, book):
    crm("opportunity", "add", "C000002", "仓储服务器扩容", "--amount", "93600")
    [record] = crm.json("opportunity", "list")
    assert list(record) == OPPORTUNITY_JSON
    assert record["customer_code"] == "C000002" and record["stage"] == "lead"
    assert len(record["created_at"]) == 19 and record["closed_at"] is None
    shown = crm.json("opportunity", "show", "仓储服务器扩容")
    assert list(shown)[: len(OPPORTUNITY_JSON)] == OPPORTUNITY_JSON
    assert shown["history"][0] == {
        "at": shown["created_at"],
        "from_stage": None,
        "to_stage": "lead",
        "user": None,
        "reason": None,
    }


def test_moves_forward_and_back_are_recorded_and_probability_follows(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    out = crm("opportunity", "stage", "O000001", "方案报价").stdout
    assert "Moved O000001 ERP项目 from Lead to Proposal (50%)" in out
    crm("opportunity", "stage", "O000001", "qualified", "--reason", "客户要重新梳理需求")
    crm("opportunity", "stage", "ERP项目", "Negotiation")
    assert [(h["from_stage"], h["to_stage"], h["reason"]) for h in history(db)] == [
        (None, "lead", None),
        ("lead", "proposal", None),
        ("proposal", "qualified", "客户要重新梳理需求"),
        ("qualified", "negotiation", None),
    ]
    assert db.scalar("SELECT probability FROM opportunity") == 75
    updates = db.rows(
        "SELECT changes FROM audit_entry WHERE entity = 'opportunity' AND action = 'update' ORDER BY id"
    )
    assert [json.loads(u["changes"])["stage"] for u in updates] == [
        ["lead", "proposal"],
        ["proposal", "qualified"],
        ["qualified", "negotiation"],
    ]
    assert json.loads(updates[1]["changes"])["probability"] == [50, 25]


def test_probability_set_by_hand_never_changes_behind_the_users_back(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000", "--probability", "40%")
    assert db.one("SELECT probability, probability_manual FROM opportunity") == {
        "probability": 40,
        "probability_manual": 1,
    }
    out = crm("opportunity", "stage", "O000001", "negotiation").stdout
    assert "(40%)" in out and "Probability stays 40% (set by hand" in out
    crm("opportunity", "stage", "O000001", "proposal")
    assert db.scalar("SELECT probability FROM opportunity") == 40
    crm("opportunity", "edit", "O000001", "--probability", "auto")
    assert db.one("SELECT probability, probability_manual FROM opportunity") == {
        "probability": 50,
        "probability_manual": 0,
    }
    crm("opportunity", "stage", "O000001", "negotiation", "--probability", "60")
    assert db.scalar("SELECT probability FROM opportunity") == 60
    # closing decides the probability, and says so
    assert "(100%)" in crm("opportunity", "stage", "O000001", "won").stdout
    assert db.one("SELECT probability, probability_manual FROM opportunity") == {
        "probability": 100,
        "probability_manual": 0,
    }
    # reopened, it follows its stage again
    crm("opportunity", "stage", "O000001", "negotiation")
    assert db.scalar("SELECT probability FROM opportunity") == 75


def test_lost_needs_a_reason_and_is_closed(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    before = db.dump()
    result = crm("opportunity", "stage", "O000001", "lost", code=1)
    assert "needs --reason" in result.stderr
    crm("opportunity", "stage", "O000001", "lost", "--reason", "   ", code=1)
    assert db.dump() == before
    crm("opportunity", "stage", "O000001", "输单", "--reason", "价格过高")
    row = db.one("SELECT stage, probability, lost_reason, closed_at FROM opportunity")
    assert row["stage"] == "lost" and row["probability"] == 0 and row["lost_reason"] == "价格过高"
    assert row["closed_at"] is not None
    assert history(db)[-1]["reason"] == "价格过高"
    # moving back out of lost reopens it
    crm("opportunity", "stage", "O000001", "negotiation")
    row = db.one("SELECT stage, lost_reason, closed_at FROM opportunity")
    assert row == {"stage": "negotiation", "lost_reason": None, "closed_at": None}


def test_won_activates_the_customer_and_cancels_its_follow_ups(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    crm("opportunity", "add", "C000001", "另一个机会", "--amount", "5000")
    for opp, status in (
        (1, "pending"),
        (1, "pending"),
        (1, "done"),
        (2, "pending"),
        (None, "pending"),
    ):
        db.execute(
            "INSERT INTO followup (customer_id, opportunity_id, due_at, kind, status) "
            "VALUES (1, :o, '2027-01-01 09:00:00', 'call', :s)",
            o=opp,
            s=status,
        )
    out = crm("opportunity", "stage", "O000001", "won").stdout
    assert "Cancelled 2 pending follow-ups tied to O000001" in out
    assert "Customer C000001 深圳市华晨电子有限公司 is now Active" in out
    rows = db.rows("SELECT opportunity_id, status FROM followup ORDER BY id")
    assert [r["status"] for r in rows] == ["cancelled", "cancelled", "done", "pending", "pending"]
    assert db.scalar("SELECT status FROM customer WHERE id = 1") == "active"
    change = db.one(
        "SELECT changes FROM audit_entry WHERE entity = 'customer' AND action = 'update'"
    )
    assert json.loads(change["changes"]) == {"status": ["prospect", "active"]}
    assert db.scalar("SELECT closed_at FROM opportunity WHERE id = 1") is not None
    # winning another deal of an active customer changes nothing on the customer
    crm("opportunity", "stage", "O000002", "won")
    assert (
        db.scalar(
            "SELECT count(*) FROM audit_entry WHERE entity = 'customer' AND action = 'update'"
        )
        == 1
    )


def test_lost_cancels_follow_ups_but_leaves_the_customer(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    db.execute(
        "INSERT INTO followup (customer_id, opportunity_id, due_at, kind, status) "
        "VALUES (1, 1, '2027-01-01 09:00:00', 'call', 'pending')"
    )
    crm("opportunity", "stage", "O000001", "lost", "--reason", "预算取消")
    assert db.scalar("SELECT status FROM followup") == "cancelled"
    assert db.scalar("SELECT status FROM customer WHERE id = 1") == "prospect"


def test_unknown_stage_lists_the_stages_in_both_languages(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    result = crm("opportunity", "stage", "O000001", "签约中", code=1)
    assert (
        "unknown stage '签约中' (lead/初步接洽, qualified/需求确认, proposal/方案报价, "
        "negotiation/商务谈判, won/赢单, lost/输单)" in result.stderr
    )
    zh = crm("--lang", "zh", "opportunity", "stage", "O000001", "签约中", code=1)
    assert "未知的阶段 '签约中'" in zh.stderr
    crm("opportunity", "add", "C000001", "X", "--amount", "1", "--stage", "closing", code=1)
    crm("opportunity", "list", "--stage", "closing", code=1)


def test_the_pipeline_is_a_database_setting(crm, db, book):
    stages = [
        {"key": "lead", "en": "Lead", "zh": "线索", "probability": 5},
        {"key": "demo", "en": "Demo", "zh": "产品演示", "probability": 30},
        {"key": "contract", "en": "Contract", "zh": "签约中", "probability": 90},
        {"key": "won", "en": "Won", "zh": "赢单", "probability": 100},
        {"key": "lost", "en": "Lost", "zh": "输单", "probability": 0},
    ]
    crm("config", "set", "pipeline.stages", json.dumps(stages, ensure_ascii=False))
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    assert db.scalar("SELECT probability FROM opportunity") == 5
    out = crm("--lang", "zh", "opportunity", "stage", "O000001", "签约中").stdout
    assert "已从“线索”进入“签约中”（赢率 90%）" in out
    assert "demo/产品演示" in crm("opportunity", "stage", "O000001", "proposal", code=1).stderr
    crm("config", "set", "pipeline.stages.contract.probability", "80")
    crm("opportunity", "stage", "O000001", "demo")
    crm("opportunity", "stage", "O000001", "contract")
    assert db.scalar("SELECT probability FROM opportunity") == 80
    assert "签约中" in crm("--lang", "zh", "opportunity", "list").stdout


def test_moves_can_be_backdated_but_not_into_the_future_or_before_the_last(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    db.execute("UPDATE stage_change SET at = '2026-01-05 10:00:00'")
    before = db.dump()
    crm("opportunity", "stage", "O000001", "proposal", "--at", "2026-01-01", code=1)
    crm("opportunity", "stage", "O000001", "proposal", "--at", "+2d", code=1)
    crm("opportunity", "stage", "O000001", "proposal", "--at", "someday", code=1)
    assert db.dump() == before
    crm("opportunity", "stage", "O000001", "proposal", "--at", "2026-02-01 14:30")
    crm("opportunity", "stage", "O000001", "won", "--at", "2026-03-01")
    moves = db.rows("SELECT to_stage, at FROM stage_change ORDER BY id")
    assert [(m["to_stage"], str(m["at"])[:16]) for m in moves] == [
        ("lead", "2026-01-05 10:00"),
        ("proposal", "2026-02-01 14:30"),
        ("won", "2026-03-01 00:00"),
    ]
    assert str(db.scalar("SELECT closed_at FROM opportunity"))[:10] == "2026-03-01"


def test_moving_to_the_same_stage_is_an_error(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    result = crm("opportunity", "stage", "O000001", "初步接洽", code=1)
    assert "O000001 is already at stage Lead" in result.stderr
    assert "crm opportunity edit O000001 --probability P" in result.stderr


def test_list_filters(crm, db, book):
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('lina', 'admin', true)")
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('wang', 'sales', true)")
    as_lina = ["--user", "lina"]
    crm(*as_lina, "opportunity", "add", "C000001", "A", "--amount", "100", "--close", "2027-01-10")
    crm(
        *as_lina,
        "opportunity",
        "add",
        "C000001",
        "B",
        "--amount",
        "200",
        "--close",
        "2027-03-10",
        "--owner",
        "wang",
    )
    crm(*as_lina, "opportunity", "add", "C000002", "C", "--amount", "300", "--stage", "proposal")
    crm(*as_lina, "opportunity", "add", "C000002", "D", "--amount", "400", "--stage", "won")

    def titles(*args):
        return [o["title"] for o in crm.json(*as_lina, "opportunity", "list", *args)]

    assert titles() == ["A", "B", "C", "D"]
    assert titles("--open") == ["A", "B", "C"]
    assert titles("--stage", "方案报价") == ["C"]
    assert titles("--stage", "won") == ["D"]
    assert titles("--owner", "wang") == ["B"]
    assert titles("--owner", "lina") == ["A", "C", "D"]
    assert titles("--closing-before", "2027-02-01") == ["A"]
    assert titles("C000002") == ["C", "D"]
    assert titles("--limit", "1") == ["A"]
    table = crm(*as_lina, "opportunity", "list", "--open").stdout
    assert "3 opportunities: amount 600.00, weighted 180.00" in table
    assert "Owner" in table and "wang" in table


def test_table_hides_an_owner_column_nobody_fills(crm, book):
    crm("opportunity", "add", "C000001", "A", "--amount", "100")
    assert "Owner" not in crm("opportunity", "list").stdout


def test_edit_changes_fields_and_audits_names_not_ids(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    out = crm(
        "opportunity",
        "edit",
        "O000001",
        "--title",
        "ERP一期",
        "--product",
        "星云ERP标准版",
        "--competitor",
        "汇智云",
        "--close",
        "2027/2/1",
        "--amount",
        "120000",
    ).stdout
    assert "Updated opportunity O000001 ERP一期" in out
    entry = db.one(
        "SELECT changes FROM audit_entry WHERE action = 'update' AND entity = 'opportunity'"
    )
    changes = json.loads(entry["changes"])
    assert changes["product"] == [None, "P0001"] and changes["competitor"] == [None, "汇智云"]
    assert changes["title"] == ["ERP项目", "ERP一期"] and changes["amount"] == [
        "100000.00",
        "120000.00",
    ]
    crm("opportunity", "edit", "O000001", "--product", "", "--close", "")
    row = db.one("SELECT product_id, expected_close FROM opportunity")
    assert row == {"product_id": None, "expected_close": None}
    assert "unchanged" in crm("opportunity", "edit", "O000001", "--title", "ERP一期").stdout
    assert crm.json("opportunity", "edit", "O000001", "--needs", "多工厂")["needs"] == "多工厂"


def test_delete_and_restore(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    out = crm("opportunity", "delete", "O000001", "--yes").stdout
    assert "restore with: crm opportunity restore O000001" in out
    assert crm.json("opportunity", "list") == []
    assert [o["code"] for o in crm.json("opportunity", "list", "--deleted")] == ["O000001"]
    assert "is deleted" in crm("opportunity", "stage", "O000001", "won", code=1).stderr
    crm("opportunity", "restore", "O000001")
    assert [o["code"] for o in crm.json("opportunity", "list")] == ["O000001"]
    actions = db.rows("SELECT action FROM audit_entry WHERE entity = 'opportunity' ORDER BY id")
    assert [a["action"] for a in actions] == ["create", "delete", "restore"]


def test_add_straight_to_won_or_lost(crm, db, book):
    crm("opportunity", "add", "C000001", "补录赢单", "--amount", "5000", "--stage", "won")
    assert db.scalar("SELECT status FROM customer WHERE id = 1") == "active"
    crm("opportunity", "add", "C000002", "补录输单", "--amount", "5000", "--stage", "lost", code=1)
    crm(
        "opportunity",
        "add",
        "C000002",
        "补录输单",
        "--amount",
        "5000",
        "--stage",
        "lost",
        "--reason",
        "价格",
    )
    rows = db.rows(
        "SELECT stage, probability, lost_reason, closed_at IS NOT NULL AS closed FROM opportunity"
    )
    assert rows == [
        {"stage": "won", "probability": 100, "lost_reason": None, "closed": 1},
        {"stage": "lost", "probability": 0, "lost_reason": "价格", "closed": 1},
    ]


def test_show_draws_the_history_in_chinese(crm, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    crm("opportunity", "stage", "O000001", "proposal")
    out = crm("--lang", "zh", "opportunity", "show", "O000001").stdout
    assert "阶段记录 (2)" in out and "初步接洽" in out and "方案报价" in out
    assert "赢率" in out and "50%" in out


def test_customer_card_lists_open_opportunities_only(crm, book):
    crm("opportunity", "add", "C000001", "进行中", "--amount", "100")
    crm("opportunity", "add", "C000001", "已赢单", "--amount", "100", "--stage", "won")
    card = crm.json("customer", "show", "C000001")
    assert [o["title"] for o in card["opportunities"]] == ["进行中"]
    assert card["opportunities"][0]["customer_code"] == "C000001"
    out = crm("customer", "show", "C000001").stdout
    assert "Open opportunities (1)" in out and "进行中" in out and "已赢单" not in out


BAD = [
    (["opportunity", "add", "C000009", "X", "--amount", "1"], "no customer 'C000009'"),
    (["opportunity", "add", "C000001", "", "--amount", "1"], "Title is required"),
    (["opportunity", "add", "C000001", "X", "--amount", "lots"], "invalid amount 'lots'"),
    (["opportunity", "add", "C000001", "X", "--amount", "-5"], "must not be negative"),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--stage", "closing"],
        "unknown stage 'closing'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--probability", "120"],
        "between 0 and 100",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--probability", "high"],
        "invalid whole number 'high'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--close", "soon"],
        "invalid date 'soon'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--urgency", "asap"],
        "unknown urgency 'asap'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--product", "P0099"],
        "no product 'P0099'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--competitor", "无名"],
        "no competitor '无名'",
    ),
    (
        ["opportunity", "add", "C000001", "X", "--amount", "1", "--owner", "ghost"],
        "unknown user 'ghost'",
    ),
    (
        [
            "opportunity",
            "add",
            "C000001",
            "X",
            "--amount",
            "1",
            "--stage",
            "won",
            "--probability",
            "50",
        ],
        "leave out --probability",
    ),
    (["opportunity", "add", "C000001", "X" * 301, "--amount", "1"], "too long"),
    (["opportunity", "stage", "O000009", "won"], "no opportunity 'O000009'"),
    (["opportunity", "stage", "O000001", "won", "--probability", "90"], "leave out --probability"),
    (["opportunity", "stage", "O000001", "proposal", "--probability", "-1"], "between 0 and 100"),
    (["opportunity", "edit", "O000001"], "no changes given"),
    (["opportunity", "edit", "O000001", "--title", ""], "Title is required"),
    (["opportunity", "edit", "O000001", "--amount", "1.001"], "invalid amount"),
    (["opportunity", "list", "--closing-before", "2026-13-01"], "invalid date '2026-13-01'"),
    (["opportunity", "list", "--owner", "ghost"], "unknown user 'ghost'"),
    (["opportunity", "list", "-f", "xml"], "unknown format 'xml'"),
    (["opportunity", "show", "不存在"], "no opportunity '不存在'"),
    (["opportunity", "restore", "O000001"], "is not deleted"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(
    crm, db, book_with_opportunity, args, message
):
    before = db.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert db.dump() == before


def test_missing_amount_is_a_usage_error(crm, book):
    crm("opportunity", "add", "C000001", "X", code=2)
    crm("opportunity", "stage", "O000001", code=2)


def test_recent_history_times_come_from_the_clock(crm, db, book):
    crm("opportunity", "add", "C000001", "ERP项目", "--amount", "100000")
    at = datetime.fromisoformat(str(db.scalar("SELECT at FROM stage_change")))
    assert abs(datetime.now() - at) < timedelta(minutes=5)


def test_changing_a_stage_probability_moves_those_that_follow_it(crm, db, book):
    crm("opportunity", "add", "C000001", "跟随阶段", "--amount", "1000", "--stage", "qualified")
    crm(
        "opportunity",
        "add",
        "C000001",
        "手工赢率",
        "--amount",
        "1000",
        "--stage",
        "qualified",
        "--probability",
        "40",
    )
    crm("opportunity", "add", "C000001", "别的阶段", "--amount", "1000", "--stage", "proposal")
    crm("config", "set", "pipeline.stages.qualified.probability", "30")
    rows = db.rows("SELECT title, probability FROM opportunity ORDER BY id")
    assert [(r["title"], r["probability"]) for r in rows] == [
        ("跟随阶段", 30),
        ("手工赢率", 40),
        ("别的阶段", 50),
    ]
    entry = db.one(
        "SELECT entity_code, changes FROM audit_entry WHERE entity = 'opportunity' "
        "AND action = 'update'"
    )
    assert entry["entity_code"] == "O000001"
    assert json.loads(entry["changes"]) == {"probability": [25, 30]}
    crm("config", "reset", "pipeline.stages")
    assert db.scalar("SELECT probability FROM opportunity WHERE id = 1") == 25


def test_table_shows_fifty_and_sums_them_all(crm, db, book):
    for i in range(60):
        db.execute(
            "INSERT INTO opportunity (code, customer_id, title, amount, stage, probability, "
            "probability_manual) VALUES (:c, 1, :t, 1, 'proposal', 50, false)",  # 0.01 at 50%
            c=f"X{i:03d}",
            t=f"机会{i}",
        )
    out = crm("opportunity", "list").stdout
    assert "50 of 60 shown; 10 more" in out
    # each row weighs 0.005, shown as 0.01 (half-up): the footer adds what the rows show
    assert "60 opportunities: amount 0.60, weighted 0.60" in out
    rows = crm.json("opportunity", "list")
    assert len(rows) == 60 and {r["weighted_amount"] for r in rows} == {0.01}
    assert (
        "5 opportunities: amount 0.05, weighted 0.05"
        in crm("opportunity", "list", "-n", "5").stdout
    )
