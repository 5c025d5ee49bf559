"""Custom fields with types (客户资料卡, issue 15 item 4): ``crm field`` and their values."""

from __future__ import annotations

import csv
import io
import json

import pytest


def _extra(db, code="C000001", table="customer"):
    raw = db.scalar(
        f"SELECT extra FROM {table} WHERE {'code' if table == 'customer' else 'name'} = :c", c=code
    )
    return json.loads(raw) if isinstance(raw, str) else raw


def _codes(crm, *args):
    return [c["code"] for c in crm.json("customer", "list", *args)]


@pytest.fixture
def card(crm):
    """A book with a number, a money, a date, a choice and a bool field on customers."""
    crm("field", "add", "staff", "--type", "number", "--zh", "人员数")
    crm("field", "add", "deposit", "--type", "money", "--zh", "保证金")
    crm("field", "add", "visited_on", "--type", "date", "--zh", "拜访日期")
    crm("field", "add", "grade", "--type", "choice(大,中,小)", "--zh", "规模")
    crm("field", "add", "listed", "--type", "bool", "--zh", "上市")
    return crm


# -- definitions ----------------------------------------------------------------------------


def test_field_list_json_shape(card):
    fields = card.json("field", "list")
    assert [f["name"] for f in fields] == ["staff", "deposit", "visited_on", "grade", "listed"]
    assert fields[0] == {
        "name": "staff",
        "on": "customer",
        "type": "number",
        "zh": "人员数",
        "required": False,
        "choices": None,
    }
    assert fields[3]["type"] == "choice" and fields[3]["choices"] == ["大", "中", "小"]
    zh = card("--lang", "zh", "field", "list").stdout
    assert "规模" in zh and "选项(大,中,小)" in zh and "客户" in zh


def test_the_course_presets_add_their_forms_fields_once(crm, db):
    out = crm("field", "preset", "企业基本情况调查表").stdout
    assert "Added 21 fields of 企业基本情况调查表" in out
    fields = crm.json("field", "list")
    zh = {f["zh"] for f in fields}
    # the form's own words, none of them a built-in field
    assert {"经营方式", "业务范围", "销货对象", "同业地位", "组织", "月销量"} <= zh
    assert {"年龄", "性格", "负责事项"} <= {f["zh"] for f in fields if f["on"] == "contact"}
    assert not zh & {"员工人数", "付款方式", "地址", "电话"}
    standing = next(f for f in fields if f["zh"] == "同业地位")
    assert standing["choices"] == ["领导者", "具影响", "一级", "二级", "三级"]
    again = crm("field", "preset", "企业基本情况调查表").stdout
    assert "Added 0 fields" in again and "21 already defined" in again
    assert db.scalar("SELECT count(*) FROM custom_field") == 21
    crm("field", "preset", "跟踪记录表")
    assert {"收款记录", "客户意见", "平均每日营业额"} <= {
        f["zh"] for f in crm.json("field", "list")
    }
    crm("field", "preset", "报价单", code=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phone", "--type", "text"], "'phone' is a built-in field (phone)"),
        (["客户等级", "--type", "text"], "built-in field (level)"),
        (["人数", "--type", "number"], "built-in field (employees)"),  # import reads it so
        (["staff", "--type", "number"], "already defined"),
        (["size2", "--type", "text", "--zh", "人员数"], "already defined"),
        (["x", "--type", "colour"], "unknown field type 'colour'"),
        (["x", "--type", "choice()"], "a choice field needs its choices"),
        (["a=b", "--type", "text"], "invalid field name 'a=b'"),
        (["x", "--on", "order"], "unknown record kind 'order'"),
    ],
)
def test_a_bad_definition_is_one_error_and_changes_nothing(card, db, args, message):
    before = db.dump()
    result = card("field", "add", *args, code=1)
    assert message in result.stderr
    assert db.dump() == before


# -- values: typed on add and edit ----------------------------------------------------------


def test_values_are_checked_and_kept_in_their_canonical_form(card, db):
    card(
        "customer", "add", "甲公司",
        "--set", "人员数=1,200",
        "--set", "deposit=¥5万",
        "--set", "拜访日期=2026/3/1",
        "--set", "规模=中",
        "--set", "listed=是",
        "--set", "统一社会信用代码=91440300",
    )  # fmt: skip
    assert _extra(db) == {
        "staff": "1200",
        "deposit": "50000.00",
        "visited_on": "2026-03-01",
        "grade": "中",
        "listed": "true",
        "统一社会信用代码": "91440300",  # no definition: untyped text, as before
    }


@pytest.mark.parametrize(("word", "stored"), [("√", "true"), ("有", "true"), ("off", "false")])
def test_a_yes_no_field_takes_the_words_a_built_in_one_takes(card, db, word, stored):
    """One list of yes and no words for every yes/no field (a tick, 有/无, on/off ...)."""
    card("customer", "add", "甲公司", "--set", f"listed={word}", "--no-marketing")
    card("customer", "add", "乙公司", "--set", "listed=no", "--marketing")
    assert _extra(db)["listed"] == stored
    card("customer", "edit", "乙公司", "--set", "listed=√")
    assert card.json("customer", "show", "乙公司")["custom_fields"][-1]["value"] is True


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("人员数=many", "invalid number 'many' for staff"),
        ("deposit=1.234", "invalid amount '1.234' for deposit"),
        ("拜访日期=someday", "someday"),
        ("规模=巨大", "'巨大' is not a choice of grade (大, 中, 小)"),
        ("listed=maybe", "invalid yes/no 'maybe' for listed"),
    ],
)
def test_a_bad_value_is_one_error_and_changes_nothing(card, db, value, message):
    card("customer", "add", "甲公司")
    before = db.dump()
    assert message in card("customer", "add", "乙公司", "--set", value, code=1).stderr
    assert message in card("customer", "edit", "C000001", "--set", value, code=1).stderr
    assert db.dump() == before


def test_the_error_in_chinese_names_the_chinese_label(card):
    result = card("--lang", "zh", "customer", "add", "乙公司", "--set", "规模=巨大", code=1)
    assert "'巨大' 不是规模的选项（大, 中, 小）" in result.stderr


def test_edit_sets_and_unsets_a_typed_field(card, db):
    card("customer", "add", "甲公司", "--set", "staff=10")
    card("customer", "edit", "C000001", "--set", "人员数=12", "--set", "grade=大")
    assert _extra(db) == {"staff": "12", "grade": "大"}
    card("customer", "edit", "C000001", "--unset", "人员数")
    assert _extra(db) == {"grade": "大"}
    card("customer", "edit", "C000001", "--unset", "staff", code=1)


def test_a_required_field_is_needed_by_new_customers_only(crm, db):
    crm("customer", "add", "老客户")  # in the book before the field was required
    crm("field", "add", "tax_id", "--zh", "税号", "--required")
    before = db.dump()
    result = crm("customer", "add", "新客户", code=1)
    assert "tax_id is required" in result.stderr and "--set tax_id=VALUE" in result.stderr
    assert db.dump() == before
    crm("customer", "add", "新客户", "--set", "税号=9144")
    crm("customer", "edit", "老客户", "--phone", "0755-1234567")  # the old one is not refused
    crm("customer", "edit", "新客户", "--unset", "税号", code=1)
    crm("field", "edit", "tax_id", "--optional")
    crm("customer", "add", "又一个客户")
    assert db.scalar("SELECT count(*) FROM customer") == 3


# -- the card -------------------------------------------------------------------------------


def test_the_card_shows_its_own_fields_in_both_languages(card):
    card("customer", "add", "甲公司", "--set", "人员数=120", "--set", "deposit=8000", "--set", "listed=no", "--set", "来源说明=展会")  # fmt: skip
    en = card("customer", "show", "C000001").stdout
    assert "Card fields (3)" in en
    assert "staff" in en and "8,000.00" in en and "no" in en
    assert "来源说明" in en  # an untyped custom field keeps its line
    zh = card("--lang", "zh", "customer", "show", "C000001").stdout
    assert "资料卡字段 (3)" in zh
    assert "人员数" in zh and "保证金" in zh and "上市" in zh and "否" in zh
    data = card.json("customer", "show", "C000001")
    by_name = {f["name"]: f for f in data["custom_fields"]}
    assert by_name["staff"] == {"name": "staff", "zh": "人员数", "type": "number", "value": 120}
    assert by_name["deposit"]["value"] == 8000
    assert by_name["listed"]["value"] is False
    assert by_name["grade"]["value"] is None
    assert data["extra"]["来源说明"] == "展会"


# -- search, --where, export ----------------------------------------------------------------


def test_search_finds_custom_values(card):
    card("customer", "add", "甲公司", "--set", "统一社会信用代码=91440300MA5")
    card("customer", "add", "乙公司", "--set", "规模=大")
    assert _codes(card, "--search", "91440300ma5") == ["C000001"]
    card("customer", "edit", "C000002", "--set", "备注二=华南大区")
    assert _codes(card, "--search", "华南大区") == ["C000002"]


@pytest.fixture
def three(card):
    card("customer", "add", "甲公司", "--set", "staff=9", "--set", "deposit=950.5", "--set", "visited_on=2026-01-15", "--set", "grade=小")  # fmt: skip
    card("customer", "add", "乙公司", "--set", "staff=80", "--set", "deposit=12000", "--set", "visited_on=2026-03-01", "--set", "grade=大", "--set", "listed=yes")  # fmt: skip
    card("customer", "add", "丙公司", "--set", "staff=100", "--employees", "40")
    return card


@pytest.mark.parametrize(
    ("where", "codes"),
    [
        (["staff>10"], ["C000002", "C000003"]),  # 9 < 80 < 100 as numbers, not as text
        (["人员数<80"], ["C000001"]),
        (["staff=100"], ["C000003"]),
        (["deposit>1000"], ["C000002"]),
        (["保证金<1000"], ["C000001"]),
        (["visited_on>2026-02-01"], ["C000002"]),
        (["拜访日期<2026年2月1日"], ["C000001"]),
        (["grade=大"], ["C000002"]),
        (["规模=小"], ["C000001"]),
        (["listed=是"], ["C000002"]),
        (["staff>5", "deposit<5000"], ["C000001"]),
        (["employees>30"], ["C000003"]),
        (["客户名称=乙公司"], ["C000002"]),
    ],
)
def test_where_compares_by_type(three, where, codes):
    args = [a for w in where for a in ("--where", w)]
    assert _codes(three, *args) == codes


def test_where_on_export_too(three, tmp_path):
    out = tmp_path / "big.csv"
    three("customer", "export", str(out), "--where", "staff>=80")
    names = [r["name"] for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert names == ["乙公司", "丙公司"]


def test_where_errors(three):
    result = three("customer", "list", "--where", "colour=red", code=1)
    assert "unknown field 'colour' in --where" in result.stderr
    assert "staff" in result.stderr and "employees" in result.stderr  # the fields it takes
    assert "not a choice" in three("customer", "list", "--where", "grade=巨", code=1).stderr
    assert "only =" in three("customer", "list", "--where", "grade>大", code=1).stderr
    usage = three("customer", "list", "--where", "staff", code=2)
    assert "FIELD=VALUE" in usage.stderr


def test_export_writes_defined_fields_as_columns(three):
    en = three("customer", "export", "-").stdout
    rows = list(csv.DictReader(io.StringIO(en)))
    assert {"staff", "deposit", "visited_on", "grade", "listed"} <= set(rows[0])
    assert rows[1]["deposit"] == "12000.00" and rows[1]["grade"] == "大"
    zh = three("customer", "export", "-", "--labels", "zh").stdout
    header = zh.splitlines()[0].lstrip("\ufeff").split(",")
    assert header[-5:] == ["人员数", "保证金", "拜访日期", "规模", "上市"]


def test_export_and_import_round_trip_the_fields(three, db, tmp_path):
    out = tmp_path / "book.xlsx"
    three("customer", "export", str(out), "--labels", "zh")
    before = {r["code"]: _extra(db, r["code"]) for r in db.rows("SELECT code FROM customer")}
    summary = json.loads(three("customer", "import", str(out), "-f", "json").stdout)
    assert summary["rejected"] == 0 and summary["updated"] == 0
    assert {
        r["code"]: _extra(db, r["code"]) for r in db.rows("SELECT code FROM customer")
    } == before


# -- import ---------------------------------------------------------------------------------


def test_import_checks_a_defined_fields_column_by_type(card, db, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text(
        "客户名称,人员数,规模,保证金\n甲公司,1200,大,5000\n乙公司,很多,中,100\n丙公司,3,特大,1\n",
        encoding="utf-8",
    )
    before = db.dump()
    summary = json.loads(card("customer", "import", str(f), "-f", "json", code=1).stdout)
    errors = {(e["row"], e["column"]): e["reason"] for e in summary["errors"]}
    assert "invalid number '很多'" in errors[(3, "人员数")]
    assert "'特大' is not a choice" in errors[(4, "规模")]
    assert db.dump() == before
    f.write_text('客户名称,人员数,规模,保证金\n甲公司,"1,200",大,5000\n', encoding="utf-8")
    summary = json.loads(card("customer", "import", str(f), "-f", "json").stdout)
    assert summary["created"] == 1 and summary["custom_fields"] == []
    assert _extra(db) == {"staff": "1200", "grade": "大", "deposit": "5000.00"}


def test_import_needs_a_required_field_on_new_customers(crm, db, tmp_path):
    crm("customer", "add", "甲公司", "--phone", "0755-1111111")
    crm("field", "add", "tax_id", "--zh", "税号", "--required")
    f = tmp_path / "in.csv"
    f.write_text("客户名称,电话\n甲公司,0755-1111111\n乙公司,0755-2222222\n", encoding="utf-8")
    summary = json.loads(crm("customer", "import", str(f), "-f", "json", code=1).stdout)
    assert [(e["row"], e["reason"]) for e in summary["errors"]] == [(3, "tax_id is required")]


# -- contacts -------------------------------------------------------------------------------


def test_contacts_have_custom_fields(crm, db):
    crm("customer", "add", "甲公司")
    crm("field", "add", "age", "--on", "contact", "--type", "number", "--zh", "年龄")
    crm("contact", "add", "甲公司", "李娜", "--set", "年龄=35", "--set", "性格=开朗")
    assert _extra(db, "李娜", "contact") == {"age": "35", "性格": "开朗"}
    before = db.dump()
    assert (
        "invalid number" in crm("contact", "add", "甲公司", "王强", "--set", "age=x", code=1).stderr
    )
    assert "invalid number" in crm("contact", "edit", "李娜", "--set", "age=old", code=1).stderr
    assert db.dump() == before
    crm("contact", "edit", "李娜", "--set", "age=36", "--unset", "性格")
    assert crm.json("contact", "list")[0]["extra"] == {"age": "36"}
    assert "年龄" in crm("--lang", "zh", "customer", "show", "甲公司").stdout  # a column
    assert crm.json("customer", "show", "甲公司")["contacts"][0]["extra"] == {"age": "36"}
    # a contact field is not a customer field
    assert "invalid" not in crm("customer", "edit", "甲公司", "--set", "age=old").stderr
    assert _extra(db)["age"] == "old"


# -- changing and removing definitions ------------------------------------------------------


def test_defining_a_field_over_untyped_values(crm, db):
    crm("customer", "add", "甲公司", "--set", "规模=1,500")
    crm("customer", "add", "乙公司", "--set", "规模=很大")
    before = db.dump()
    result = crm("field", "add", "size", "--zh", "规模", "--type", "number", code=1)
    assert "C000002 keeps '很大' under 规模" in result.stderr
    assert db.dump() == before
    crm("customer", "edit", "乙公司", "--set", "规模=900")
    crm("field", "add", "size", "--zh", "规模", "--type", "number")
    assert _extra(db) == {"size": "1500"}  # under its name, in its form
    assert _codes(crm, "--where", "size>1000") == ["C000001"]


def test_edit_changes_type_only_when_every_value_converts(card, db):
    card("customer", "add", "甲公司", "--set", "grade=大")
    before = db.dump()
    assert "not of the type" in card("field", "edit", "grade", "--type", "number", code=1).stderr
    assert db.dump() == before
    card("field", "edit", "grade", "--type", "choice(大,中,小,微)", "--zh", "企业规模")
    card("customer", "edit", "甲公司", "--set", "企业规模=微")
    card("field", "edit", "grade", "--rename", "size")
    assert _extra(db) == {"size": "微"}
    assert card.json("field", "list")[3]["name"] == "size"


def test_a_rename_onto_kept_values_converts_them_and_never_overwrites(card, db):
    card("customer", "add", "甲公司", "--set", "grade=大", "--set", "开票类型=增值税专用发票")
    card("customer", "add", "乙公司", "--set", "开票类型=大")
    before = db.dump()
    result = card("field", "edit", "grade", "--rename", "开票类型", code=1)
    assert "C000001 keeps different values under grade and 开票类型" in result.stderr
    assert db.dump() == before  # nothing overwritten, the field keeps its name
    card("customer", "edit", "甲公司", "--set", "开票类型=")
    card("field", "edit", "grade", "--rename", "开票类型")
    assert _extra(db) == {"开票类型": "大"}  # 甲's moved, 乙's checked: both of the type
    card("customer", "add", "丙公司", "--set", "invoice=普票")
    assert (
        "not of the type" in card("field", "edit", "开票类型", "--rename", "invoice", code=1).stderr
    )


def test_remove_keeps_values_unless_asked(card, db):
    card("customer", "add", "甲公司", "--set", "grade=大", "--set", "staff=5")
    card("field", "remove", "规模")
    assert _extra(db) == {"grade": "大", "staff": "5"}  # untyped now
    card("field", "remove", "staff", "--values")
    assert _extra(db) == {"grade": "大"}
    assert [f["name"] for f in card.json("field", "list")] == ["deposit", "visited_on", "listed"]
    card("field", "remove", "nosuch", code=1)


# -- permissions ----------------------------------------------------------------------------


def test_who_may_define_fields(crm, db):
    crm("customer", "add", "公海客户")
    crm("user", "add", "boss", "--role", "admin")
    crm("--user", "boss", "user", "add", "zhao", "--role", "manager")
    crm("--user", "boss", "user", "add", "liu", "--role", "sales")
    before = db.dump()
    refused = crm("--user", "liu", "field", "add", "x", code=1)
    assert "not permitted" in refused.stderr or "may not" in refused.stderr
    crm("--user", "liu", "field", "preset", "跟踪记录表", code=1)
    assert db.dump() == before
    crm("--user", "zhao", "field", "add", "staff", "--type", "number")
    crm("--user", "zhao", "field", "edit", "staff", "--zh", "人员数")
    crm("--user", "liu", "customer", "add", "刘的客户", "--set", "人员数=7")  # sales fill values
    assert _extra(db, "C000002") == {"staff": "7"}
    crm("--user", "zhao", "field", "remove", "staff", code=1)  # removing: admins
    crm("--user", "boss", "field", "remove", "staff")
    assert crm("--user", "liu", "field", "list", "-f", "json").stdout.strip() == "[]"


def test_old_books_find_custom_values_after_the_migration(crm, db, db_url):
    from crmcli.db import Database
    from crmcli.migrate import upgrade

    crm("customer", "add", "甲公司", "--set", "统一社会信用代码=91440300MA5")
    crm("customer", "add", "乙公司")
    written = {r["id"]: r["search_text"] for r in db.rows("SELECT id, search_text FROM customer")}
    # the book as the crm before wrote it: custom values not in the search text
    db.execute("UPDATE customer SET search_text = 'c000001\n甲公司\njiagongsi\njgs' WHERE id = 1")
    assert _codes(crm, "--search", "91440300") == []
    # upgraded by the revision (alone: the schema is already the later revisions')
    db.execute("UPDATE alembic_version SET version_num = 'i17_codes_taken'")
    database = Database(db_url)
    assert upgrade(database, target="i18_custom_fields")[1] == "i18_custom_fields"
    database.dispose()
    after = {r["id"]: r["search_text"] for r in db.rows("SELECT id, search_text FROM customer")}
    assert after == written  # exactly as crm writes it now
    assert _codes(crm, "--search", "91440300") == ["C000001"]


def test_contact_export_carries_contact_fields(crm, tmp_path):
    crm("customer", "add", "甲公司")
    crm("field", "add", "age", "--on", "contact", "--type", "number", "--zh", "年龄")
    crm("contact", "add", "甲公司", "李娜", "--set", "年龄=35", "--set", "性格=开朗")
    crm("contact", "add", "甲公司", "王强")
    rows = list(csv.DictReader(io.StringIO(crm("contact", "export", "-").stdout)))
    assert [(r["name"], r["age"], r["性格"]) for r in rows] == [
        ("李娜", "35", "开朗"),
        ("王强", "", ""),
    ]
    header = crm("contact", "export", "-", "--labels", "zh").stdout.splitlines()[0]
    assert header.endswith(",年龄,性格")
    out = tmp_path / "contacts.json"
    crm("contact", "export", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == crm.json("contact", "list")
