"""``crm customer``: what a salesperson sees and what ends up in the database."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

SPEC_FIELDS = [
    "id",
    "code",
    "name",
    "kind",
    "industry",
    "level",
    "status",
    "source",
    "owner",
    "phone",
    "fax",
    "email",
    "website",
    "address",
    "city",
    "founded_on",
    "capital",
    "employees",
    "annual_revenue",
    "bank",
    "payment_terms",
    "customer_since",
    "credit_rating",
    "points",
    "tags",
    "notes",
    "extra",
    "created_at",
    "updated_at",
    "lost_at",
    "lost_reason",
    "lost_note",
    "marketing_opt_out",  # crm customer add/edit --no-marketing (issue 15)
]


def test_add_minimal_gets_a_code_and_defaults(crm, db):
    result = crm("customer", "add", "杭州明远科技有限公司")
    assert "Added customer C000001 杭州明远科技有限公司" in result.stdout
    row = db.one("SELECT code, name, kind, level, status, deleted_at FROM customer")
    assert row == {
        "code": "C000001",
        "name": "杭州明远科技有限公司",
        "kind": "company",
        "level": "regular",
        "status": "lead",
        "deleted_at": None,
    }
    crm("customer", "add", "第二家")
    assert db.scalar("SELECT code FROM customer WHERE name = '第二家'") == "C000002"


def test_add_every_field_in_chinese_forms(crm, db):
    crm(
        "customer",
        "add",
        "宁波港联物流股份有限公司",
        "--kind",
        "企业",
        "--industry",
        "物流",
        "--level",
        "金牌",
        "--status",
        "成交客户",
        "--source",
        "老客户介绍",
        "--phone",
        "+86 574 8765 4321",
        "--fax",
        "0574-87654322",
        "--email",
        "Sales@GangLian.example.cn",
        "--website",
        "www.ganglian.example.cn",
        "--address",
        "宁波市北仑区港城大道 88 号",
        "--city",
        "宁波",
        "--founded-on",
        "2003年6月18日",
        "--capital",
        "1.28万",
        "--employees",
        "1,200",
        "--annual-revenue",
        "¥12,800,000.50",
        "--bank",
        "中国银行宁波分行",
        "--payment-terms",
        "月结 30 天",
        "--customer-since",
        "2021/3/1",
        "--credit-rating",
        "优秀",
        "--points",
        "300",
        "--tags",
        "港口，重点、vip",
        "--notes",
        "年度框架协议",
        "--set",
        "统一社会信用代码=91330200MA2XXXXXX1",
    )
    data = crm.json("customer", "show", "宁波港联物流股份有限公司")
    assert data["kind"] == "company" and data["level"] == "gold" and data["status"] == "active"
    assert data["source"] == "referral" and data["credit_rating"] == "excellent"
    assert data["phone"] == "+86 574 8765 4321"  # stored as typed
    assert data["email"] == "Sales@GangLian.example.cn"
    assert data["founded_on"] == "2003-06-18" and data["customer_since"] == "2021-03-01"
    assert data["capital"] == 12800 and data["annual_revenue"] == 12800000.5
    assert data["employees"] == 1200 and data["points"] == 300
    assert data["tags"] == ["港口", "重点", "vip"]
    assert data["extra"] == {"统一社会信用代码": "91330200MA2XXXXXX1"}
    row = db.one("SELECT capital, annual_revenue, phone_key, email_key FROM customer")
    assert row["capital"] == 1280000 and row["annual_revenue"] == 1280000050  # exact cents
    assert row["phone_key"] == "57487654321" and row["email_key"] == "sales@ganglian.example.cn"


def test_json_shape_is_the_spec(crm):
    crm("customer", "add", "ACME", "--tags", "a,b")
    [record] = crm.json("customer", "list")
    assert list(record) == SPEC_FIELDS
    assert record["tags"] == ["a", "b"] and record["extra"] is None and record["owner"] is None
    assert len(record["created_at"]) == 19 and "T" in record["created_at"]
    card = crm.json("customer", "show", "ACME")
    for key in (
        "contacts",
        "interactions",
        "followups",
        "opportunities",
        "orders",
        "contracts",
        "tickets",
    ):
        assert card[key] == []


def test_jsonl_and_csv(crm):
    crm("customer", "add", "甲公司", "--city", "上海")
    crm("customer", "add", "=cmd|' /C calc'!A0", "--city", "北京")
    lines = crm("customer", "list", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["甲公司", "=cmd|' /C calc'!A0"]
    csv_text = crm("customer", "list", "-f", "csv").stdout
    header, first, second = csv_text.splitlines()
    assert header.split(",")[:3] == ["id", "code", "name"]
    assert "甲公司" in first
    assert "'=cmd" in second  # formula neutralised


def test_add_warns_on_likely_duplicates_and_adds_anyway(crm, db):
    crm("customer", "add", "明远科技", "--phone", "0571-8888 1234", "--email", "info@my.example")
    result = crm(
        "customer",
        "add",
        "明远科技（杭州）",
        "--phone",
        "(0571) 88881234",
        "--email",
        "INFO@my.example",
    )
    assert "same phone" in result.stderr and "same e-mail" in result.stderr
    assert "C000001" in result.stderr
    assert db.scalar("SELECT count(*) FROM customer") == 2


@pytest.mark.parametrize("phone", ["+86 571 8888 1234", "0086-571-88881234", "8888 1234"])
def test_the_same_line_in_another_form_warns_too(crm, phone):
    """Any form crm who takes for the line: +86 for the trunk 0, no area code."""
    crm("customer", "add", "明远科技", "--phone", "0571-8888 1234")
    crm("customer", "add", "他人", "--phone", "0571-8888 1235")
    result = crm("customer", "add", "明远", "--phone", phone)
    assert "a customer with the same phone exists: C000001 明远科技" in result.stderr
    assert "C000002" not in result.stderr
    mobile = crm("customer", "add", "手机", "--phone", "138 0013 8000")
    assert "same phone" not in mobile.stderr
    assert "C000004" in crm("customer", "add", "手机2", "--phone", "+86 13800138000").stderr
    assert "same phone" not in crm("customer", "add", "手机3", "--phone", "0013 8000").stderr


def test_list_filters_and_search(crm):
    crm(
        "customer",
        "add",
        "华东制造",
        "--level",
        "gold",
        "--city",
        "苏州",
        "--industry",
        "制造业",
        "--tags",
        "vip",
    )
    crm(
        "customer",
        "add",
        "华南零售",
        "--level",
        "silver",
        "--city",
        "广州",
        "--source",
        "展览会",
        "--phone",
        "020-3888 7777",
    )
    crm("customer", "add", "Beta Ltd", "--email", "Hello@Beta.example", "--status", "prospect")
    crm("contact", "add", "华南零售", "王小明")

    def names(*args):
        return [c["name"] for c in crm.json("customer", "list", *args)]

    assert names("--level", "金牌") == ["华东制造"]
    assert names("--level", "silver") == ["华南零售"]
    assert names("--city", "苏州") == ["华东制造"]
    assert names("--industry", "制造业") == ["华东制造"]
    assert names("--source", "exhibition") == ["华南零售"]
    assert names("--status", "潜在客户") == ["Beta Ltd"]
    assert names("--tag", "vip") == ["华东制造"]
    assert names("--tag", "vi") == []
    assert names("--search", "华") == ["华东制造", "华南零售"]
    assert names("--search", "beta.EXAMPLE") == ["Beta Ltd"]  # e-mail, case-insensitive
    assert names("--search", "BETA") == ["Beta Ltd"]
    assert names("--search", "C000002") == ["华南零售"]
    assert names("--search", "38887777") == ["华南零售"]  # phone digits
    assert names("--search", "020 38887") == ["华南零售"]  # a phone typed another way
    assert names("--search", "(020) 3888-7777") == ["华南零售"]
    assert names("--search", "王小明") == ["华南零售"]  # a contact's name
    assert names("--sort", "-name") == sorted(["华东制造", "华南零售", "Beta Ltd"], reverse=True)
    assert names("--limit", "2") == ["华东制造", "华南零售"]


def test_table_shows_fifty_rows_and_says_how_many_more(crm, db):
    crm("customer", "add", "seed")
    for i in range(1, 61):
        db.execute(
            "INSERT INTO customer (code, name, kind, level, status) VALUES (:c, :n, 'company', 'regular', 'lead')",
            c=f"X{i:03d}",
            n=f"Bulk {i:02d}",
        )
    out = crm("customer", "list").stdout
    assert "50 of 61 shown; 11 more" in out
    assert "Bulk 49" in out and "Bulk 50" not in out  # C000001 seed comes first
    assert len(crm.json("customer", "list")) == 61


def test_table_headers_and_labels_follow_the_language(crm):
    crm("customer", "add", "深圳华晨电子有限公司", "--level", "gold", "--status", "active")
    en = crm("customer", "list").stdout
    assert "Code" in en and "Level" in en and "Gold" in en and "Active" in en
    zh = crm("--lang", "zh", "customer", "list").stdout
    assert "客户编号" in zh and "客户等级" in zh and "金牌" in zh and "成交客户" in zh
    assert (
        crm.json("--lang", "zh", "customer", "list")[0]["level"] == "gold"
    )  # JSON keys never change


def test_show_by_id_code_name_and_ambiguous_names(crm):
    crm("customer", "add", "同名公司", "--city", "北京")
    crm("customer", "add", "同名公司", "--city", "上海")
    assert crm.json("customer", "show", "1")["city"] == "北京"
    assert crm.json("customer", "show", "c000002")["city"] == "上海"
    result = crm("customer", "show", "同名公司", code=1)
    assert "matches 2 customers: C000001 同名公司, C000002 同名公司" in result.stderr
    assert "name them by code or id" in result.stderr
    crm("customer", "show", "不存在", code=1)


def test_show_card_lists_contacts(crm):
    crm("customer", "add", "苏州精工")
    crm("contact", "add", "苏州精工", "李娜", "--title", "采购经理", "--birthday", "1985-03-15")
    out = crm("customer", "show", "苏州精工").stdout
    assert "Contacts (1)" in out and "李娜" in out and "采购经理" in out
    assert crm.json("customer", "show", "苏州精工")["contacts"][0]["birthday"] == "1985-03-15"


def test_edit_changes_fields_and_audits_old_and_new(crm, db):
    crm("customer", "add", "ACME", "--level", "regular", "--phone", "12345678")
    result = crm("customer", "edit", "ACME", "--level", "银牌", "--phone", "", "--set", "vat=CN123")
    assert "Updated customer C000001 ACME" in result.stdout
    row = db.one("SELECT level, phone, phone_key, extra FROM customer")
    assert row["level"] == "silver" and row["phone"] is None and row["phone_key"] is None
    assert json.loads(row["extra"]) == {"vat": "CN123"}
    entry = db.one(
        "SELECT \"user\", action, entity, entity_code, changes FROM audit_entry WHERE action = 'update'"
    )
    assert entry["entity"] == "customer" and entry["entity_code"] == "C000001"
    changes = json.loads(entry["changes"])
    assert changes["level"] == ["regular", "silver"] and changes["phone"] == ["12345678", None]
    assert changes["extra"] == [None, {"vat": "CN123"}]
    assert "unchanged" in crm("customer", "edit", "ACME", "--level", "silver").stdout
    crm("customer", "edit", "ACME", "--unset", "vat")
    assert db.scalar("SELECT extra FROM customer") is None
    crm("customer", "edit", "ACME", "--name", "ACME Group")
    assert db.scalar("SELECT name FROM customer") == "ACME Group"


def test_edit_and_add_print_json_for_scripts(crm):
    added = crm.json("customer", "add", "脚本客户")
    assert added["code"] == "C000001" and added["name"] == "脚本客户"
    edited = crm.json("customer", "edit", "C000001", "--city", "杭州")
    assert edited["city"] == "杭州"


def test_lost_customer_cancels_pending_followups(crm, db):
    crm("customer", "add", "流失客户")
    db.execute(
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (1, '2026-01-01 09:00:00', 'call', 'pending')"
    )
    db.execute(
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (1, '2026-01-01 09:00:00', 'call', 'done')"
    )
    crm("customer", "edit", "流失客户", "--status", "lost")
    assert sorted(r["status"] for r in db.rows("SELECT status FROM followup")) == [
        "cancelled",
        "done",
    ]


def test_delete_is_soft_and_restore_brings_it_back(crm, db):
    crm("customer", "add", "暂停合作")
    crm("customer", "delete", "暂停合作", input="n\n", code=1)
    assert db.scalar("SELECT deleted_at FROM customer") is None
    result = crm("customer", "delete", "暂停合作", input="y\n")
    assert "restore with: crm customer restore C000001" in result.stdout
    assert db.scalar("SELECT deleted_at FROM customer") is not None
    assert crm.json("customer", "list") == []
    assert [c["name"] for c in crm.json("customer", "list", "--deleted")] == ["暂停合作"]
    assert "is deleted" in crm("customer", "edit", "C000001", "--city", "x", code=1).stderr
    crm("customer", "delete", "C000001", "--yes", code=1)
    crm("customer", "restore", "C000001")
    assert [c["name"] for c in crm.json("customer", "list")] == ["暂停合作"]
    assert "is not deleted" in crm("customer", "restore", "C000001", code=1).stderr
    actions = [r["action"] for r in db.rows("SELECT action FROM audit_entry ORDER BY id")]
    assert actions == ["create", "delete", "restore"]


def test_assign_needs_an_existing_user(crm, db):
    crm("customer", "add", "ACME")
    result = crm("customer", "assign", "ACME", "--owner", "nobody", code=1)
    assert "unknown user 'nobody'" in result.stderr
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('lina', 'admin', true)")
    crm("--user", "lina", "customer", "assign", "ACME", "--owner", "lina")
    assert crm.json("--user", "lina", "customer", "show", "ACME")["owner"] == "lina"
    entry = db.one("SELECT \"user\", changes FROM audit_entry WHERE action = 'assign'")
    assert entry["user"] == "lina" and json.loads(entry["changes"]) == {"owner": [None, "lina"]}


def test_codes_skip_codes_given_by_hand(crm, db):
    crm("customer", "add", "手工编号", "--code", "c000002")
    crm("customer", "add", "自动编号一")
    crm("customer", "add", "自动编号二")
    assert [r["code"] for r in db.rows("SELECT code FROM customer ORDER BY id")] == [
        "C000002",
        "C000001",
        "C000003",
    ]
    assert "already used" in crm("customer", "add", "重复编号", "--code", "C000001", code=1).stderr


BAD_INPUT = [
    (["customer", "add", ""], "Name is required"),
    (["customer", "add", "   "], "Name is required"),
    (
        ["customer", "add", "X", "--level", "diamond"],
        "unknown level 'diamond' (gold/金牌, silver/银牌, regular/普通)",
    ),
    (["customer", "add", "X", "--status", "vip"], "unknown status 'vip'"),
    (["customer", "add", "X", "--source", "tv"], "unknown source 'tv'"),
    (["customer", "add", "X", "--kind", "robot"], "unknown kind 'robot'"),
    (["customer", "add", "X", "--credit-rating", "AAA"], "unknown credit rating 'AAA'"),
    (["customer", "add", "X", "--founded-on", "2026-02-30"], "invalid date '2026-02-30'"),
    (["customer", "add", "X", "--founded-on", "yesterdayish"], "invalid date 'yesterdayish'"),
    (["customer", "add", "X", "--capital", "12.345"], "invalid amount '12.345'"),
    (["customer", "add", "X", "--capital", "lots"], "invalid amount 'lots'"),
    (["customer", "add", "X", "--capital", "-5"], "must not be negative"),
    (["customer", "add", "X", "--employees", "many"], "invalid whole number 'many'"),
    (["customer", "add", "X", "--phone", "call me"], "invalid phone 'call me'"),
    (["customer", "add", "X", "--phone", "123"], "invalid phone '123'"),
    (["customer", "add", "X", "--email", "not-an-email"], "invalid e-mail 'not-an-email'"),
    (["customer", "add", "X", "--website", "not a site"], "invalid website"),
    (["customer", "add", "X", "--set", "novalue"], "use KEY=VALUE"),
    (["customer", "add", "X", "--set", "城市=上海"], "clashes with the field 'city'"),
    (["customer", "add", "X", "--owner", "ghost"], "unknown user 'ghost'"),
    (["customer", "add", "X" * 201], "too long"),
    (["customer", "add", "X", "-f", "xml"], "unknown format 'xml'"),
    (["customer", "list", "--level", "platinum"], "unknown level"),
    (["customer", "list", "--sort", "colour"], "unknown sort field 'colour'"),
    (["customer", "list", "--limit", "0"], "--limit must be at least 1, not 0"),
    (["customer", "list", "--limit", "ten"], "invalid whole number 'ten'"),
    (["customer", "list", "-f", "yaml"], "unknown format 'yaml'"),
    (["customer", "list", "--owner", "ghost"], "unknown user 'ghost'"),
    (["customer", "show", "C999999"], "no customer 'C999999'"),
    (["customer", "edit", "C999999", "--city", "x"], "no customer 'C999999'"),
    (["customer", "edit", "C000001"], "no changes given"),
    (["customer", "edit", "C000001", "--name", ""], "Name is required"),
    (["customer", "edit", "C000001", "--level", ""], "Level is required"),
    (["customer", "edit", "C000001", "--unset", "nothing"], "no custom field 'nothing'"),
    (["customer", "delete", "C999999", "--yes"], "no customer"),
    (["customer", "restore", "C999999"], "no customer"),
    (["customer", "assign", "C000001", "--owner", "ghost"], "unknown user 'ghost'"),
    (["--lang", "fr", "customer", "list"], "invalid language 'fr'"),
    (["customer", "edit", "C000001", "--code", ""], "Code is required"),
    (["customer", "add", "X", "--code", "a 1"], "Code may not contain spaces: 'A 1'"),
    (["customer", "add", "X", "--points", "99999999999"], "Points must be between"),
    (["customer", "add", "X", "--employees", "9" * 20], "Employees must be between"),
    (["customer", "add", "X", "--founded-on", "+99999999d"], "invalid date '+99999999d'"),
    (["customer", "add", "X", "--founded-on", "-3000y"], "invalid date '-3000y'"),
    (["customer", "add", "X", "--founded-on", "9999-12-31"], "is out of range (years 1000-9899)"),
    (["customer", "add", "X", "--capital", "10000000000000"], "is too large"),
    (["customer", "list", "--limit", "9" * 25], "--limit must be between"),
    (["db", "audit", "--entity", "nope"], "unknown record 'nope'"),
    (["customer", "add", "两行\n名称"], "Name is one line, without tabs"),
    (["customer", "show", "9" * 20], "no customer '99999999999999999999'"),
    (["customer", "import", "--undo", "99999999999999"], "no import batch 99999999999999"),
    (["report", "segment", "--revert", "99999999999999"], "no level apply batch"),
    (["customer", "list", "--limit", "9" * 5000], "--limit must be between"),
    (["customer", "add", "X", "--set", "备注=" + "长" * 2001], "custom field '备注' is too long"),
    (["customer", "add", "X", "--set", "字" * 41 + "=1"], "is too long (names up to 40"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUT, ids=[" ".join(a)[:60] for a, _ in BAD_INPUT]
)
def test_bad_input_is_one_error_line_and_changes_nothing(crm, db, args, message):
    crm("customer", "add", "Existing", "--phone", "12345678")
    before = db.dump()
    result = crm(*args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert db.dump() == before


def test_usage_errors_exit_2(crm):
    crm("customer", "list", "--no-such-option", code=2)
    crm("customer", "add", code=2)
    crm("customer", "frobnicate", code=2)


def test_debug_shows_the_traceback(crm):
    result = crm.runner.invoke(
        __import__("crmcli.cli", fromlist=["app"]).app,
        ["customer", "show", "nope"],
        env={"CRM_DEBUG": "1"},
    )
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "NotFound"


def test_money_stays_exact(crm, db):
    crm("customer", "add", "A", "--capital", "0.10")
    crm("customer", "add", "B", "--capital", "0.20")
    total = db.scalar("SELECT sum(capital) FROM customer")
    assert Decimal(total) / 100 == Decimal("0.30")


def test_a_lost_customers_pending_touches_are_cancelled_and_audited(crm, db):
    crm("customer", "add", "流失客户")
    crm("followup", "add", "C000001", "--due", "+3d")
    crm("followup", "add", "C000001", "--due", "+9d")
    crm("customer", "edit", "C000001", "--status", "流失")
    assert db.scalar("SELECT COUNT(*) FROM followup WHERE status = 'cancelled'") == 2
    cancelled = db.rows(
        "SELECT entity_id FROM audit_entry WHERE entity = 'followup' AND action = 'update'"
    )
    assert sorted(r["entity_id"] for r in cancelled) == [1, 2]


def test_a_code_given_by_someone_elses_customer_is_not_named_to_sales(crm, db):
    crm("customer", "add", "王的客户")
    crm("user", "add", "boss", "--role", "admin")
    crm("--user", "boss", "user", "add", "li", "--role", "sales")
    crm("--user", "boss", "user", "add", "wang", "--role", "sales")
    crm("--user", "boss", "customer", "assign", "C000001", "--owner", "wang")
    crm("--user", "li", "customer", "add", "李的客户")
    before = db.dump()
    for argv in (["add", "X"], ["edit", "C000002"]):
        result = crm("--user", "li", "customer", *argv, "--code", "C000001", code=1)
        # the value is taken: neither whose it is nor that a record holds it is said
        assert result.stderr == "Error: Code 'C000001' is already taken; choose another\n"
    assert db.dump() == before
    result = crm("--user", "boss", "customer", "edit", "C000002", "--code", "C000001", code=1)
    assert "王的客户" in result.stderr  # an admin sees whose it is


def test_an_erps_code_of_digits_is_kept_and_names_its_customer_before_an_id(crm, db):
    crm("customer", "add", "甲公司")  # id 1
    crm("customer", "add", "乙公司", "--code", "01001")  # an ERP's 客户编码, leading zero
    crm("customer", "add", "丙公司", "--code", "1")  # a code that is another's id
    assert db.scalar("SELECT code FROM customer WHERE name = '乙公司'") == "01001"
    assert crm.json("customer", "show", "01001")["name"] == "乙公司"
    assert crm.json("customer", "show", "1")["name"] == "丙公司"  # its code, not id 1
    assert crm.json("customer", "show", "2")["name"] == "乙公司"  # no such code: the id
    exported = crm("customer", "export", "-", "--format", "csv").stdout
    assert ",01001," in exported


def test_a_card_reads_only_the_rooms_the_customer_has_rows_in(crm):
    """The card of a customer with contacts, contact records and follow-ups but no sales
    builds no sales tables (they cost more to build than to read); once an order exists
    it lists it."""
    from tests.test_migrations import run_crm_python

    crm("customer", "add", "甲公司")
    crm("contact", "add", "甲公司", "张三")
    crm("log", "甲公司", "--channel", "phone", "--summary", "初次电话")
    crm("followup", "add", "甲公司", "--due", "2030-01-02")
    code = (
        "import sys; from crmcli.cli import run\nsys.argv = ['crm', 'customer', 'show', '甲公司']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('SALES', 'crmcli.models.sales' in sys.modules)"
    )
    shown = run_crm_python(code)
    assert "张三" in shown.stdout and "初次电话" in shown.stdout and "2030-01-02" in shown.stdout
    assert "SALES False" in shown.stdout, shown.stderr
    crm("product", "add", "螺丝", "--price", "2")
    crm("order", "add", "甲公司", "-i", "P0001:10")
    card = crm.json("customer", "show", "甲公司")
    assert [o["total"] for o in card["orders"]] == [20]
