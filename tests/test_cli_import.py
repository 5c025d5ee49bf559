"""``crm customer import``: what a salesperson or teacher with a spreadsheet gets."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

HEADER = "客户名称,联系电话,邮箱,客户等级,城市,成立日期"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def summary(crm, *args, code: int = 0, env: dict[str, str] | None = None):
    return json.loads(crm("customer", "import", *args, "-f", "json", code=code, env=env).stdout)


def customers(db) -> list[dict]:
    return db.rows("SELECT * FROM customer ORDER BY id")


# -- reading what Chinese Excel writes ----------------------------------------------------------

FULL = (
    "客户名称,联系电话,邮箱,客户等级,状态,来源,城市,行业,地址,成立日期,往来起始日期,资本额,"
    "员工人数,标签,备注,信用评定,积分,网址,传真,统一社会信用代码\r\n"
    "杭州明远科技有限公司,0571-8821 6630,Admin@MingYuan-Tech.cn,金牌,成交客户,展览会,杭州,"
    "互联网,杭州市滨江区江南大道3880号,2012年8月11日,2016/7/13,5000万,1543,"
    '"重点客户，华东区",年度框架协议,优秀,6922,www.mingyuan-tech.cn,0571-8821 6631,'
    "913301000000000001\r\n"
)


def test_gb18030_file_with_chinese_headers_fills_every_field(crm, db, tmp_path):
    path = write(tmp_path, "客户.csv", FULL, "gb18030")
    result = summary(crm, path)
    assert result["encoding"] == "gb18030" and result["created"] == 1 and result["read"] == 1
    assert result["custom_fields"] == ["统一社会信用代码"]
    c = crm.json("customer", "show", "杭州明远科技有限公司")
    assert c["code"] == "C000001" and c["level"] == "gold" and c["status"] == "active"
    assert c["source"] == "exhibition" and c["credit_rating"] == "excellent"
    assert c["phone"] == "0571-8821 6630" and c["fax"] == "0571-8821 6631"
    assert c["email"] == "Admin@MingYuan-Tech.cn" and c["website"] == "www.mingyuan-tech.cn"
    assert c["founded_on"] == "2012-08-11" and c["customer_since"] == "2016-07-13"
    assert c["capital"] == 50000000 and c["employees"] == 1543 and c["points"] == 6922
    assert c["tags"] == ["重点客户", "华东区"] and c["notes"] == "年度框架协议"
    assert c["extra"] == {"统一社会信用代码": "913301000000000001"}
    row = db.one("SELECT phone_key, email_key, search_text, import_batch_id FROM customer")
    assert row["phone_key"] == "057188216630" and row["email_key"] == "admin@mingyuan-tech.cn"
    assert "杭州明远科技有限公司" in row["search_text"] and row["import_batch_id"] == 1
    assert [c["name"] for c in crm.json("customer", "list", "--search", "88216630")] == [
        "杭州明远科技有限公司"
    ]


@pytest.mark.parametrize(
    ("encoding", "bom", "sep"),
    [
        ("utf-8", b"", ","),
        ("utf-8", b"\xef\xbb\xbf", ","),
        ("gbk", b"", ","),
        ("gb18030", b"", ","),
        ("utf-16-le", b"\xff\xfe", "\t"),  # Excel's "Unicode text"
        ("utf-16-be", b"\xfe\xff", "\t"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "utf-16-le-tab", "utf-16-be-tab"],
)
def test_encoding_matrix(crm, db, tmp_path, encoding, bom, sep):
    text = f"客户名称{sep}城市{sep}备注\r\n深圳华晨电子{sep}深圳{sep}“优质”客户·甲\r\n"
    path = tmp_path / "in.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = summary(crm, str(path))
    assert result["created"] == 1
    row = db.one("SELECT name, city, notes FROM customer")
    assert row == {"name": "深圳华晨电子", "city": "深圳", "notes": "“优质”客户·甲"}


def test_gb18030_character_outside_gbk(crm, db, tmp_path):
    name = "𠮷野家餐饮管理有限公司"  # 𠮷 needs GB18030's four-byte form; GBK has no code for it
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    path = write(tmp_path, "in.csv", f"客户名称\r\n{name}\r\n", "gb18030")
    assert summary(crm, path)["encoding"] == "gb18030"
    assert db.scalar("SELECT name FROM customer") == name


def test_other_encodings_are_guessed_and_named(crm, db, tmp_path):
    text = "name,city\r\n" + "".join(f"臺灣貿易股份有限公司{i},臺北\r\n" for i in range(30))
    path = write(tmp_path, "big5.csv", text, "big5")
    result = summary(crm, path, "--dry-run")
    assert result["read"] == 30
    assert result["encoding"] in ("big5", "big5hkscs", "cp950")


def test_undecodable_bytes_are_an_error_not_replacement_characters(crm, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("客户名称\n好公司\n".encode() + b"\xff\xfe\xfa\x80\x81\n")
    before = db.dump()
    result = crm("customer", "import", str(path), code=1)
    assert "line 3" in result.stderr and "--encoding" in result.stderr
    assert db.dump() == before
    wrong = crm("customer", "import", str(path), "--encoding", "ascii", code=1)
    assert "is not ascii: line 1" in wrong.stderr
    assert (
        "unknown encoding 'klingon'"
        in crm("customer", "import", str(path), "--encoding", "klingon", code=1).stderr
    )


def test_encoding_option_overrides_the_guess(crm, db, tmp_path):
    path = write(tmp_path, "in.csv", "name\r\n測試\r\n", "big5")
    summary(crm, path, "--encoding", "big5")
    assert db.scalar("SELECT name FROM customer") == "測試"


def test_cells_are_text_first_nothing_is_guessed(crm, db, tmp_path):
    text = (
        "客户名称,联系电话,统一社会信用代码,邮编,备注,状态码\n"
        "零号公司,013800138000,913301000000000001,010010,NA,null\n"
        "None,0086 138 0013 8000,00123,001,None,TRUE\n"
    )
    summary(crm, write(tmp_path, "in.csv", text))
    first, second = customers(db)
    assert first["phone"] == "013800138000" and first["notes"] == "NA"
    assert json.loads(first["extra"]) == {
        "统一社会信用代码": "913301000000000001",
        "邮编": "010010",
        "状态码": "null",
    }
    assert second["name"] == "None" and second["notes"] == "None"
    assert second["phone_key"] == "13800138000"
    assert json.loads(second["extra"])["状态码"] == "TRUE"


def test_formula_neutralising_is_undone_only_before_formula_characters(crm, db, tmp_path):
    text = "客户名称,备注,网址\n'=HYPERLINK(\"x\"),'+86 备注,'www.example.com\n"
    summary(crm, write(tmp_path, "in.csv", text))
    row = db.one("SELECT name, notes, website FROM customer")
    assert row == {
        "name": '=HYPERLINK("x")',
        "notes": "+86 备注",
        "website": "'www.example.com",  # a ' before anything else is the value's own
    }


# -- headers ------------------------------------------------------------------------------------


def test_headers_match_names_labels_synonyms_in_any_case_and_width(crm, db, tmp_path):
    text = (
        "＊单位名称 ,ＥＭＡＩＬ,Customer Since,联 系 电 话,LEVEL,所在城市,Founded_On\n"
        "宁波港联物流,info@ganglian.example.cn,2021-03-01,(0574) 8877 2618,silver,宁波,2009/4/10\n"
    )
    summary(crm, write(tmp_path, "in.csv", text))
    row = db.one("SELECT name, email, customer_since, phone, level, city, founded_on FROM customer")
    assert row == {
        "name": "宁波港联物流",
        "email": "info@ganglian.example.cn",
        "customer_since": "2021-03-01",
        "phone": "(0574) 8877 2618",
        "level": "silver",
        "city": "宁波",
        "founded_on": "2009-04-10",
    }


def test_mobile_is_the_customers_phone_without_a_contact_column(crm, db, tmp_path):
    summary(crm, write(tmp_path, "a.csv", "姓名,手机,职务\n王建国,138 0571 2233,店主\n"))
    row = db.one("SELECT name, phone, extra FROM customer")
    assert row["phone"] == "138 0571 2233" and json.loads(row["extra"]) == {"职务": "店主"}
    assert db.scalar("SELECT count(*) FROM contact") == 0


def test_a_contact_column_makes_title_and_mobile_the_contacts(crm, db, tmp_path):
    text = (
        "公司名称,联系电话,联系人,职务,手机,联系人邮箱\n"
        "苏州精工,0512-6666 8888,李娜,采购经理,139 1234 5678,lina@jinggong.example.cn\n"
        "苏州精工,0512-6666 8888,张伟,技术总监,,\n"
    )
    result = summary(crm, write(tmp_path, "in.csv", text))
    assert result["created"] == 1 and result["contacts"] == {"created": 2, "updated": 0}
    assert result["duplicates"] == [{"row": 3, "same_as_row": 2}]
    assert db.scalar("SELECT phone FROM customer") == "0512-6666 8888"
    people = db.rows("SELECT name, title, mobile, email, import_batch_id FROM contact ORDER BY id")
    assert people == [
        {
            "name": "李娜",
            "title": "采购经理",
            "mobile": "139 1234 5678",
            "email": "lina@jinggong.example.cn",
            "import_batch_id": 1,
        },
        {"name": "张伟", "title": "技术总监", "mobile": None, "email": None, "import_batch_id": 1},
    ]
    assert [c["code"] for c in crm.json("customer", "list", "--search", "张伟")] == ["C000001"]
    again = "公司名称,联系电话,联系人,职务\n苏州精工,0512-6666 8888,李娜,采购总监\n"
    second = summary(crm, write(tmp_path, "again.csv", again))
    assert second["updated"] == 1 and second["contacts"] == {"created": 0, "updated": 1}
    assert db.scalar("SELECT title FROM contact WHERE name = '李娜'") == "采购总监"
    assert db.scalar("SELECT count(*) FROM contact") == 2


def test_contact_details_without_a_contact_name_are_a_bad_row(crm, db, tmp_path):
    text = "公司名称,联系人,职务\n苏州精工,,采购经理\n"
    result = summary(crm, write(tmp_path, "in.csv", text), code=1)
    assert result["errors"][0]["column"] == "联系人"
    assert "no contact name" in result["errors"][0]["reason"]


@pytest.mark.parametrize("kind", ["yaml", "json", "toml"])
def test_mapping_file_overrides_the_headers(crm, db, tmp_path, kind):
    text = "公司全称,座机号,无用列,内部编号\n华南零售,020-3888 7777,xx,K-001\n"
    path = write(tmp_path, "in.csv", text)
    mapping = {
        "yaml": '公司全称: name\n座机号: 电话\n无用列: null\n内部编号: "extra.旧系统编号"\n',
        "json": json.dumps(
            {"公司全称": "name", "座机号": "电话", "无用列": None, "内部编号": "extra.旧系统编号"},
            ensure_ascii=False,
        ),
        "toml": '"公司全称" = "name"\n"座机号" = "电话"\n"无用列" = ""\n'
        '"内部编号" = "extra.旧系统编号"\n',
    }[kind]
    rules = write(tmp_path, f"map.{'yml' if kind == 'yaml' else kind}", mapping)
    result = summary(crm, path, "--mapping", rules)
    assert result["ignored_columns"] == ["无用列"] and result["custom_fields"] == ["旧系统编号"]
    row = db.one("SELECT name, phone, extra FROM customer")
    assert row["name"] == "华南零售" and row["phone"] == "020-3888 7777"
    assert json.loads(row["extra"]) == {"旧系统编号": "K-001"}


def test_mapping_mistakes(crm, db, tmp_path):
    path = write(tmp_path, "in.csv", "公司全称\n华南零售\n")
    before = db.dump()
    bad = write(tmp_path, "bad.yaml", "公司全称: colour\n")
    assert "no field" in crm("customer", "import", path, "--mapping", bad, code=1).stderr
    broken = write(tmp_path, "broken.yaml", "公司全称: [name\n")
    assert (
        "cannot read the mapping"
        in crm("customer", "import", path, "--mapping", broken, code=1).stderr
    )
    listed = write(tmp_path, "list.json", '["name"]')
    assert (
        "should map column names"
        in crm("customer", "import", path, "--mapping", listed, code=1).stderr
    )
    assert db.dump() == before
    extra = write(tmp_path, "extra.yaml", "公司全称: name\n不存在的列: city\n")
    result = crm("customer", "import", path, "--mapping", extra)
    assert "which the file does not have" in result.stderr


def test_unknown_columns_become_custom_fields_and_nothing_is_dropped(crm, db, tmp_path):
    text = "客户名称,法定代表人,,开票类型,\n甲公司,谭德胜,遗漏的值,增值税专用发票,\n"
    result = summary(crm, write(tmp_path, "in.csv", text))
    assert result["custom_fields"] == ["法定代表人", "column C", "开票类型"]
    assert json.loads(db.scalar("SELECT extra FROM customer")) == {
        "法定代表人": "谭德胜",
        "column C": "遗漏的值",
        "开票类型": "增值税专用发票",
    }


def test_file_problems_are_one_clear_error(crm, db, tmp_path):
    crm("customer", "add", "Existing")
    before = db.dump()
    no_name = write(tmp_path, "noname.csv", "城市,电话\n杭州,123456\n")
    cases = [
        (["nowhere.csv"], "no file 'nowhere.csv'"),
        ([str(tmp_path)], "is a folder"),
        ([write(tmp_path, "empty.csv", "  \n")], "is empty"),
        ([no_name], "no column for the customer name"),
        (
            [write(tmp_path, "two.csv", "客户名称,电话,联系电话\na,12345,67890\n")],
            "both give phone",
        ),
        ([write(tmp_path, "x.json", "[{")], "not valid JSON"),
        ([write(tmp_path, "y.json", '{"name": "x"}')], "JSON array of objects"),
        ([write(tmp_path, "z.jsonl", '{"name": "a"}\n[1]\n')], "row 2: expected an object"),
        ([write(tmp_path, "fake.xlsx", "not a zip")], "cannot read"),
        ([no_name, "--sheet", "Sheet1"], "--sheet is for spreadsheets"),
        ([no_name, "--match", "colour"], "unknown match key 'colour'"),
        ([no_name, "--on-duplicate", "merge"], "unknown on duplicate 'merge'"),
        ([no_name, "-f", "csv"], "unknown format 'csv'"),
    ]
    for args, message in cases:
        result = crm("customer", "import", *args, code=1)
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stdout == ""
    assert db.dump() == before


def test_usage_errors_exit_2(crm, tmp_path):
    path = write(tmp_path, "in.csv", "客户名称\n甲\n")
    crm("customer", "import", code=2)
    crm("customer", "import", path, "--undo", "1", code=2)
    crm("customer", "import", "--undo", "1", "--dry-run", code=2)


# -- validation: all or nothing ------------------------------------------------------------------

MISTAKES = (
    "客户名称,电话,邮箱,客户等级,成立日期,员工人数,备注\n"
    "好公司,0571-8888 0001,ok@good.example.cn,金牌,2020-03-01,10,\n"
    "坏电话,电话待定,,,,,\n"
    '"坏邮箱",,bad@,,,,"两行\n的备注"\n'
    ",0571-8888 0004,,,,,没有名称\n"
    "坏等级,,,钻石,2023-02-30,很多,\n"
    "另一家好公司,0571-8888 0006,,普通,,,\n"
)


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(crm, db, tmp_path):
    crm("customer", "add", "Existing")
    before = db.dump()
    result = crm("customer", "import", write(tmp_path, "in.csv", MISTAKES), "-f", "json", code=1)
    data = json.loads(result.stdout)
    assert data["read"] == 6 and data["rejected"] == 4 and data["created"] == 0
    found = {(e["row"], e["column"], e["value"]) for e in data["errors"]}
    assert found == {
        (3, "电话", "电话待定"),
        (4, "邮箱", "bad@"),  # the CSV line the row starts on
        (6, "客户名称", ""),  # line 5 holds the second line of row 4's notes
        (7, "客户等级", "钻石"),
        (7, "成立日期", "2023-02-30"),
        (7, "员工人数", "很多"),
    }
    assert all(e["reason"] for e in data["errors"])
    assert result.stderr.strip() == (
        "Error: rows with errors: 4; nothing was imported; fix them, or import the good rows "
        "with --skip-invalid --rejects FILE"
    )
    assert db.dump() == before
    table = crm("customer", "import", write(tmp_path, "again.csv", MISTAKES), code=1).stdout
    assert "电话待定" in table and "钻石" in table and "Row" in table


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(crm, db, tmp_path):
    path = write(tmp_path, "in.csv", MISTAKES, "gb18030")
    rejects = tmp_path / "rejects.csv"
    result = crm(
        "customer",
        "import",
        path,
        "--skip-invalid",
        "--rejects",
        str(rejects),
        "-f",
        "json",
        code=1,
    )
    data = json.loads(result.stdout)
    assert (data["created"], data["rejected"]) == (2, 4)
    assert "rows rejected: 4 (written to" in result.stderr
    assert [r["name"] for r in db.rows("SELECT name FROM customer ORDER BY id")] == [
        "好公司",
        "另一家好公司",
    ]
    text = rejects.read_bytes().decode("gb18030")  # the input's encoding
    rows = rows_of(text)
    assert rows[0] == [
        "客户名称",
        "电话",
        "邮箱",
        "客户等级",
        "成立日期",
        "员工人数",
        "备注",
        "error",
    ]
    assert [r[0] for r in rows[1:]] == ["坏电话", "坏邮箱", "", "坏等级"]
    assert rows[2][6] == "两行\n的备注"
    assert "客户等级: unknown level '钻石'" in rows[4][7] and "员工人数" in rows[4][7]
    fixed = text.replace("电话待定", "0571-8888 0003").replace("bad@", "bad@example.cn")
    fixed = fixed.replace(",0571-8888 0004", "无名公司,0571-8888 0004")
    fixed = fixed.replace("钻石", "银牌").replace("2023-02-30", "2023-02-28").replace("很多", "300")
    again = summary(crm, write(tmp_path, "fixed.csv", fixed, "gb18030"))
    assert (again["created"], again["rejected"]) == (4, 0)
    assert again["ignored_columns"] == ["error"]  # the reason column is read past
    assert db.scalar("SELECT count(*) FROM customer") == 6
    assert db.scalar("SELECT extra FROM customer WHERE name = '坏等级'") is None


def test_rejects_follow_the_rejects_files_format(crm, tmp_path):
    path = write(tmp_path, "in.csv", MISTAKES)
    crm("customer", "import", path, "--rejects", str(tmp_path / "bad.json"), code=1)
    bad = json.loads((tmp_path / "bad.json").read_text(encoding="utf-8"))
    assert [r["客户名称"] for r in bad] == ["坏电话", "坏邮箱", "", "坏等级"]
    assert "error" in bad[0]
    crm("customer", "import", path, "--rejects", str(tmp_path / "bad.xlsx"), code=1)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(tmp_path / "bad.xlsx")).get_sheet_by_index(0)
    cells = sheet.to_python()
    assert cells[0][-1] == "error" and [r[0] for r in cells[1:]] == [
        "坏电话",
        "坏邮箱",
        "",
        "坏等级",
    ]


def test_dry_run_counts_the_same_and_leaves_the_file_untouched(crm, db, tmp_path, crm_env):
    crm("customer", "add", "Existing", "--phone", "0571-8888 0006")
    path = write(tmp_path, "in.csv", MISTAKES)
    before = db.dump()
    db.engine.dispose()
    sqlite = db.dialect == "sqlite"
    digest = hashlib.sha256(crm_env.read_bytes()).hexdigest() if sqlite else None
    dry = summary(crm, path, "--skip-invalid", "--dry-run", code=1)
    assert dry["dry_run"] is True and dry["batch"] is None
    if sqlite:  # not a byte of the file changed
        assert hashlib.sha256(crm_env.read_bytes()).hexdigest() == digest
    assert db.dump() == before
    real = summary(crm, path, "--skip-invalid", code=1)
    keys = ("read", "created", "updated", "skipped", "rejected", "errors", "duplicates")
    assert {k: dry[k] for k in keys} == {k: real[k] for k in keys}
    assert (real["created"], real["updated"]) == (1, 1)
    assert (
        "Dry run: nothing was changed"
        in crm("customer", "import", path, "--skip-invalid", "--dry-run", code=1).stdout
    )


# -- duplicates ---------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(crm, db, tmp_path):
    path = write(
        tmp_path, "客户.csv", FULL + "宁波港联物流,0574-8877 2618,,银牌,,,宁波,,,,,,,,,,,,,\r\n"
    )
    first = summary(crm, path)
    assert (first["created"], first["updated"], first["skipped"]) == (2, 0, 0)
    tables = {t: db.rows(f"SELECT * FROM {t} ORDER BY id") for t in ("customer", "contact")}
    second = summary(crm, path)
    assert (second["created"], second["updated"], second["skipped"]) == (0, 0, 2)
    assert {t: db.rows(f"SELECT * FROM {t} ORDER BY id") for t in tables} == tables


def test_an_update_fills_and_changes_but_never_blanks(crm, db, tmp_path):
    crm(
        "customer",
        "add",
        "明远科技",
        "--phone",
        "0571-8888 1234",
        "--city",
        "杭州",
        "--industry",
        "互联网",
        "--level",
        "silver",
        "--notes",
        "老客户",
        "--set",
        "法人=张三",
    )
    text = (
        "客户名称,电话,城市,行业,客户等级,备注,邮箱,法人,微信群\n"
        "明远科技,(0571) 88881234,,软件,金牌,,info@my.example.cn,,华东VIP\n"
    )
    result = summary(crm, write(tmp_path, "in.csv", text))
    assert (result["created"], result["updated"]) == (0, 1)
    row = db.one(
        "SELECT phone, city, industry, level, notes, email, email_key, extra FROM customer"
    )
    assert row["phone"] == "(0571) 88881234"  # the file's form, matched by its digits
    assert row["city"] == "杭州" and row["notes"] == "老客户"  # empty cells blank nothing
    assert (
        row["industry"] == "软件"
        and row["level"] == "gold"
        and row["email"] == "info@my.example.cn"
    )
    assert row["email_key"] == "info@my.example.cn"
    assert json.loads(row["extra"]) == {"法人": "张三", "微信群": "华东VIP"}
    entry = db.one(
        "SELECT action, entity_code, changes, batch_id FROM audit_entry WHERE batch_id = 1 AND action = 'update'"
    )
    changes = json.loads(entry["changes"])
    assert changes["level"] == ["silver", "gold"] and changes["industry"] == ["互联网", "软件"]
    assert changes["email"] == [None, "info@my.example.cn"] and "city" not in changes
    assert entry["entity_code"] == "C000001"


def test_rows_repeating_earlier_rows_are_merged_and_listed(crm, db, tmp_path):
    text = (
        "客户名称,电话,邮箱,城市,客户等级\n"
        "华东制造,021-5555 0001,,上海,\n"
        "华南零售,020-5555 0002,sales@hn.example.cn,,\n"
        "华东制造有限公司,02155550001,,,金牌\n"
        "华南零售,,SALES@HN.EXAMPLE.CN,广州,\n"
    )
    result = summary(crm, write(tmp_path, "in.csv", text))
    assert result["created"] == 2 and result["read"] == 4
    assert result["duplicates"] == [{"row": 4, "same_as_row": 2}, {"row": 5, "same_as_row": 3}]
    rows = db.rows("SELECT name, phone, city, level, email FROM customer ORDER BY id")
    assert rows == [
        {
            "name": "华东制造有限公司",
            "phone": "02155550001",
            "city": "上海",
            "level": "gold",
            "email": None,
        },
        {
            "name": "华南零售",
            "phone": "020-5555 0002",
            "city": "广州",
            "level": "regular",
            "email": "SALES@HN.EXAMPLE.CN",
        },
    ]


def test_on_duplicate_skip_and_error(crm, db, tmp_path):
    crm("customer", "add", "甲公司", "--phone", "12345678", "--city", "杭州")
    path = write(
        tmp_path, "in.csv", "客户名称,电话,城市\n甲公司,12345678,宁波\n乙公司,87654321,苏州\n"
    )
    before = db.dump()
    skipped = summary(crm, path, "--on-duplicate", "跳过", "--dry-run")
    assert (skipped["created"], skipped["updated"], skipped["skipped"]) == (1, 0, 1)
    refused = summary(crm, path, "--on-duplicate", "error", code=1)
    assert refused["errors"] == [
        {"row": 2, "column": None, "value": None, "reason": "duplicate of C000001 (phone)"}
    ]
    assert db.dump() == before
    summary(crm, path, "--on-duplicate", "skip")
    assert db.scalar("SELECT city FROM customer WHERE code = 'C000001'") == "杭州"


def test_match_keys(crm, db, tmp_path):
    crm("customer", "add", "同名公司", "--city", "北京")
    path = write(tmp_path, "in.csv", "客户名称,城市\n同名公司,上海\n")
    assert summary(crm, path, "--dry-run")["created"] == 1  # names are not a key by default
    result = summary(crm, path, "--match", "客户编号,名称")
    assert (result["created"], result["updated"]) == (0, 1)
    assert db.scalar("SELECT city FROM customer") == "上海"


def test_a_row_naming_two_customers_is_refused_not_guessed(crm, db, tmp_path):
    crm("customer", "add", "明远科技", "--phone", "0571-8821 6630")
    crm("customer", "add", "明远科技有限公司", "--phone", "(0571) 88216630", "--email", "a@my.cn")
    path = write(tmp_path, "in.csv", "客户名称,电话\n明远,0571-88216630\n")
    error = summary(crm, path, code=1)["errors"][0]
    assert "matches more than one customer: C000001 (phone), C000002 (phone)" in error["reason"]
    assert "crm customer dedupe" in error["reason"]
    mixed = write(
        tmp_path, "mixed.csv", "客户名称,电话,邮箱\n明远,12345678,a@my.cn\n明远,12345678,\n"
    )
    crm("customer", "edit", "C000001", "--phone", "12345678")
    assert "C000001 (phone), C000002 (e-mail)" in summary(crm, mixed, code=1)["errors"][0]["reason"]
    coded = write(
        tmp_path, "coded.csv", "客户编号,客户名称,电话\nc000002,明远科技有限公司,0571-88216630\n"
    )
    assert summary(crm, coded)["updated"] == 1  # a code names its customer


def test_codes_in_the_file(crm, db, tmp_path):
    crm("customer", "add", "旧客户", "--code", "C000100")
    crm("customer", "delete", "C000100", "--yes")
    text = "客户编号,客户名称\nC000007,带编号的新客户\n,没有编号\nc000100,已删除的客户\n"
    result = summary(crm, write(tmp_path, "in.csv", text), "--skip-invalid", code=1)
    assert "C000100 is deleted; restore it first" in result["errors"][0]["reason"]
    assert db.rows("SELECT code, name FROM customer WHERE name != '旧客户' ORDER BY id") == [
        {"code": "C000007", "name": "带编号的新客户"},
        {"code": "C000001", "name": "没有编号"},
    ]
    taken = write(tmp_path, "taken.csv", "客户编号,客户名称,电话\nC000007,别的公司,55555555\n")
    error = summary(crm, taken, "--match", "phone", code=1)["errors"][0]
    assert "customer code 'C000007' is already used by C000007" in error["reason"]


def test_owner_by_username_or_name(crm, db, tmp_path):
    crm("init")
    db.execute(
        "INSERT INTO app_user (username, name, role, active) VALUES ('liuyang', '刘洋', 'manager', true)"
    )
    text = "客户名称,负责人\n甲,liuyang\n乙,刘洋\n丙,王五\n丁,王五\n"
    path = write(tmp_path, "in.csv", text)
    result = summary(crm, path, env={"CRM_USER": "liuyang"})
    # an owner who is no user of the book never rejects a row: kept under its header
    assert result["errors"] == [] and result["created"] == 4
    assert result["unknown_owners"] == ["王五"] and result["custom_fields"] == ["负责人"]
    rows = db.rows("SELECT name, owner_id, extra FROM customer ORDER BY id")
    assert [(r["name"], r["owner_id"]) for r in rows] == [
        ("甲", 1),
        ("乙", 1),
        ("丙", 1),
        ("丁", 1),
    ]
    assert [json.loads(r["extra"]) if r["extra"] else None for r in rows] == [
        None,
        None,
        {"负责人": "王五"},
        {"负责人": "王五"},
    ]
    table = crm("--user", "liuyang", "customer", "import", path).stderr
    assert "owners who are not users of this book, kept as a custom field under their" in table
    assert "王五; add them with crm user add USERNAME --name NAME, then import again" in table
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('boss', 'admin', true)")
    crm("--user", "boss", "user", "add", "wangwu", "--name", "王五", "--role", "sales")
    crm("--user", "liuyang", "customer", "import", path)  # the hint, followed
    owners = db.rows(
        "SELECT c.name, u.username FROM customer c JOIN app_user u ON u.id = c.owner_id"
    )
    assert {r["name"]: r["username"] for r in owners}["丙"] == "wangwu"


def test_permissions_in_team_mode(crm, db, tmp_path):
    crm("init")
    for name, role in (("boss", "admin"), ("lina", "sales"), ("wei", "sales"), ("kf", "service")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )
    crm("--user", "wei", "customer", "add", "伟的客户", "--phone", "11112222")
    path = write(tmp_path, "in.csv", "客户名称,电话\n伟的客户,11112222\n新客户,33334444\n")
    before = db.dump()
    assert (
        "may not import customers" in crm("--user", "kf", "customer", "import", path, code=1).stderr
    )
    assert db.dump() == before
    result = json.loads(
        crm(
            "--user", "lina", "customer", "import", path, "--skip-invalid", "-f", "json", code=1
        ).stdout
    )
    assert "taken by a customer lina may not see" in result["errors"][0]["reason"]
    assert db.scalar("SELECT owner_id FROM customer WHERE name = '新客户'") == 2


def test_a_salesperson_is_not_told_which_hidden_customer_a_row_matches(crm, db, tmp_path):
    crm("init")
    for name, role in (("boss", "admin"), ("lina", "sales"), ("wei", "sales")):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, true)", u=name, r=role
        )
    crm("--user", "wei", "customer", "add", "伟的客户", "--phone", "11112222")  # C000001
    crm("--user", "lina", "customer", "add", "娜的客户", "--email", "na@example.com")  # C000002
    path = write(
        tmp_path,
        "in.csv",
        "客户名称,电话,邮箱,客户编号\n"
        "甲,11112222,,\n"  # the phone of wei's customer
        "乙,,,C000001\n"  # wei's customer's code
        "丙,11112222,na@example.com,\n",  # wei's phone, lina's e-mail
    )
    before = db.dump()

    def reasons(*options: str) -> list[str]:
        out = crm("--user", "lina", "customer", "import", path, "-f", "json", *options, code=1)
        return [e["reason"] for e in json.loads(out.stdout)["errors"]]

    found = reasons("--dry-run")
    assert found == [
        "phone already taken by a customer lina may not see; leave it out, or ask a manager",
        "code already taken by a customer lina may not see; leave it out, or ask a manager",
        "matches more than one customer: a customer lina may not see (phone), C000002 (e-mail);"
        " merge them first (crm customer dedupe) or give a code",
    ]
    # codes not matched on are still unique: the hidden holder is not named either
    assert reasons("--match", "phone")[1] == "Code 'C000001' is already taken; choose another"
    assert not any("C000001" in r or "伟" in r for r in found)
    assert db.dump() == before
    boss = crm("--user", "boss", "customer", "import", path, "-f", "json", code=1)
    [error] = json.loads(boss.stdout)["errors"]  # an admin sees every customer, named
    assert error["reason"].startswith("matches more than one customer: C000001 (phone), C000002")


# -- spreadsheets, JSON, stdin -------------------------------------------------------------------


def make_xlsx(path: Path, sheets: dict[str, list[list]]) -> str:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    from datetime import date, datetime

    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row or []):
                if isinstance(value, (date, datetime)):
                    ws.write_datetime(r, c, value, dates)
                elif value is not None:
                    ws.write(r, c, value)
    book.close()
    return str(path)


def test_xlsx_with_a_title_row_typed_cells_and_sheets(crm, db, tmp_path):
    from datetime import date

    path = make_xlsx(
        tmp_path / "客户.xlsx",
        {
            "说明": [["这一页是说明"]],
            "客户信息": [
                ["客户信息表（2026年）"],
                ["客户名称", "手机", "成立日期", "员工人数", "资本额", "备注", "统一社会信用代码"],
                [
                    "杭州甲公司",
                    13800138000,
                    date(2012, 8, 11),
                    120,
                    1280000.5,
                    "=1+2",
                    "913301000000000001",
                ],
                None,
                ["杭州乙公司", "013800138000", "2019/5/6", "80", "1.5万", "@SUM(A1)", None],
            ],
        },
    )
    assert (
        "no column for the customer name"
        in crm("customer", "import", path, "--sheet", "说明", code=1).stderr
    )
    result = summary(crm, path, "--sheet", "客户信息")
    assert result["header_row"] == 2 and result["sheet"] == "客户信息" and result["created"] == 2
    rows = db.rows(
        "SELECT name, phone, founded_on, employees, capital, notes, extra FROM customer ORDER BY id"
    )
    assert rows[0]["phone"] == "13800138000" and rows[0]["founded_on"] == "2012-08-11"
    assert rows[0]["employees"] == 120 and Decimal(rows[0]["capital"]) == Decimal("128000050")
    assert rows[0]["notes"] == "=1+2" and json.loads(rows[0]["extra"]) == {
        "统一社会信用代码": "913301000000000001"
    }
    assert rows[1]["phone"] == "013800138000" and rows[1]["founded_on"] == "2019-05-06"
    assert rows[1]["notes"] == "@SUM(A1)" and rows[1]["capital"] == 1500000
    result = crm("customer", "import", path, "--sheet", "nope", code=1)
    assert "no sheet 'nope' (sheets: 说明, 客户信息)" in result.stderr


def test_xlsx_errors_give_the_spreadsheet_row(crm, db, tmp_path):
    path = make_xlsx(
        tmp_path / "in.xlsx",
        {"Sheet1": [[], ["客户名称", "邮箱"], ["甲", "ok@a.cn"], ["乙", "not an e-mail"]]},
    )
    error = summary(crm, path, code=1)["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (4, "邮箱", "not an e-mail")


def test_json_and_jsonl_rows_and_values(crm, db, tmp_path):
    data = [
        {"name": "甲", "tags": ["a", "b"], "capital": 12800.5, "extra": {"微信群": "华东"}},
        {"name": "乙", "level": "diamond", "employees": 10},
    ]
    path = write(tmp_path, "in.json", json.dumps(data, ensure_ascii=False))
    error = summary(crm, path, code=1)["errors"][0]
    assert (error["row"], error["column"]) == (2, "level")  # the position in the array
    lines = (
        "\n".join(json.dumps(d, ensure_ascii=False) for d in data[:1])
        + "\n\n"
        + json.dumps(data[1])
    )
    error = summary(crm, write(tmp_path, "in.jsonl", lines), code=1)["errors"][0]
    assert error["row"] == 3  # the line
    data[1]["level"] = "gold"
    summary(crm, write(tmp_path, "ok.json", json.dumps(data, ensure_ascii=False)))
    first = crm.json("customer", "show", "甲")
    assert first["tags"] == ["a", "b"] and first["capital"] == 12800.5
    assert first["extra"] == {"微信群": "华东"}


def test_an_empty_list_imports_nothing_and_says_so(crm, db, tmp_path):
    for name, text in (("empty.json", "[]"), ("header.csv", "客户名称,城市\n")):
        result = summary(crm, write(tmp_path, name, text))
        assert (result["read"], result["created"], result["rejected"]) == (0, 0, 0)
    # a blank file is an error: there is not even a header
    assert "is empty" in crm("customer", "import", write(tmp_path, "b.jsonl", "\n"), code=1).stderr
    assert db.scalar("SELECT count(*) FROM customer") == 0


def test_standard_input(crm, db):
    result = crm("customer", "import", "-", "-f", "json", input="客户名称,城市\n甲,杭州\n")
    assert json.loads(result.stdout)["created"] == 1
    result = crm("customer", "import", "-", input='[{"name": "乙"}]')
    assert "(JSON, utf-8)" in result.stdout
    raw = "客户名称\n丙公司\n".encode("gb18030")
    result = crm("customer", "import", "-", input=raw)
    assert "gb18030" in result.stdout
    assert db.scalar("SELECT count(*) FROM customer") == 3


# -- history and undo -----------------------------------------------------------------------------


def test_undo_removes_what_it_created_and_restores_what_it_changed(crm, db, tmp_path):
    crm("customer", "add", "老客户", "--phone", "11112222", "--city", "杭州", "--level", "silver")
    crm("contact", "add", "老客户", "李娜", "--title", "经理")
    before = {t: db.rows(f"SELECT * FROM {t} ORDER BY id") for t in ("customer", "contact")}
    text = (
        "客户名称,电话,城市,客户等级,联系人,职务\n"
        "老客户,11112222,宁波,金牌,李娜,总监\n"
        "老客户,11112222,,,王强,助理\n"
        "新客户,33334444,苏州,,赵六,经理\n"
    )
    result = summary(crm, write(tmp_path, "in.csv", text))
    assert (result["created"], result["updated"], result["batch"]) == (1, 1, 1)
    [batch] = crm.json("db", "imports")
    assert batch["id"] == 1 and batch["file"].endswith("in.csv") and batch["created"] == 1
    assert batch["updated"] == 1 and batch["undone_at"] is None and batch["read"] == 3
    done = json.loads(crm("customer", "import", "--undo", "1", "-f", "json").stdout)
    assert done["customers_removed"] == 1 and done["contacts_removed"] == 2
    assert done["customers_restored"] == 1 and done["contacts_restored"] == 1 and done["kept"] == []
    after = {t: db.rows(f"SELECT * FROM {t} ORDER BY id") for t in ("customer", "contact")}
    for rows in (before, after):
        for record in rows["customer"] + rows["contact"]:
            record.pop("updated_at")
    assert after == before
    assert crm.json("db", "imports")[0]["undone_at"] is not None
    actions = {r["action"] for r in db.rows("SELECT action FROM audit_entry WHERE batch_id = 1")}
    assert {"create", "update", "import", "undo", "remove"} <= actions
    again = crm("customer", "import", "--undo", "1", code=1)
    assert "was already undone" in again.stderr
    assert "no import batch 9" in crm("customer", "import", "--undo", "9", code=1).stderr


def test_undo_keeps_later_edits_and_refuses_when_records_hang_under_new_customers(
    crm, db, tmp_path
):
    crm("customer", "add", "老客户", "--phone", "11112222", "--city", "杭州")
    path = write(
        tmp_path,
        "in.csv",
        "客户名称,电话,城市,行业\n老客户,11112222,宁波,制造\n新客户,33334444,,\n",
    )
    summary(crm, path)
    crm("customer", "edit", "C000001", "--city", "温州")
    db.execute(
        "INSERT INTO interaction (customer_id, occurred_at, channel, summary) "
        "VALUES (2, '2026-01-01 09:00:00', 'phone', '首次电话')"
    )
    before = db.dump()
    refused = crm("customer", "import", "--undo", "1", code=1)
    assert "C000002: interaction" in refused.stderr
    assert db.dump() == before
    db.execute("DELETE FROM interaction")
    result = crm("customer", "import", "--undo", "1")
    assert "kept as they are: C000001 city" in result.stderr
    row = db.one("SELECT city, industry FROM customer WHERE code = 'C000001'")
    assert row == {"city": "温州", "industry": None}
    assert db.scalar("SELECT count(*) FROM customer") == 1


def test_import_help_and_summary_in_chinese(crm, tmp_path):
    path = write(tmp_path, "in.csv", "客户名称,城市,微信群\n甲,杭州,华东\n")
    out = crm("--lang", "zh", "customer", "import", path).stdout
    assert "读取 1 行，新增 1，更新 0，跳过 0，拒绝 0" in out
    assert "保存为自定义字段的列：微信群" in out and "导入批次 1" in out
    result = crm(
        "--lang",
        "zh",
        "customer",
        "import",
        write(tmp_path, "b.csv", "客户名称,客户等级\n乙,钻石\n"),
        code=1,
    )
    assert "未知的客户等级 '钻石'" in result.stdout
    assert result.stderr.startswith("错误: 有错误的行：1；没有导入任何数据")


def test_the_rejects_file_always_tells_of_the_last_run(crm, tmp_path):
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("an old run's rejects\n", encoding="utf-8")
    crm(
        "customer",
        "import",
        write(tmp_path, "ok.csv", "客户名称,城市\n甲,杭州\n"),
        "--rejects",
        str(rejects),
    )
    assert rejects.read_text(encoding="utf-8").splitlines() == ["客户名称,城市,error"]


PIECES = [*"ab.-_+'\"( )@xé用", "@x.com", "@例子.中国", "..", "@a.b", "@b.test", "@-x.cn"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_the_fast_email_check_agrees_with_email_validator(text):
    from email_validator import EmailNotValidError, validate_email

    from crmcli.errors import Invalid
    from crmcli.validate import parse_email

    try:
        validate_email(text.strip(), check_deliverability=False)
        expected = True
    except EmailNotValidError:
        expected = False
    try:
        parse_email(text)
        accepted = True
    except Invalid:
        accepted = False
    assert accepted == expected, text


def test_owner_cells_follow_the_rules_of_owner(crm, db, tmp_path):
    crm("init")
    for name, role, active in (
        ("boss", "admin", True),
        ("lina", "sales", True),
        ("wei", "sales", True),
        ("gone", "sales", False),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:u, :r, :a)",
            u=name,
            r=role,
            a=active,
        )
    path = write(tmp_path, "in.csv", "客户名称,负责人\n甲,wei\n乙,lina\n丙,gone\n")
    before = db.dump()
    result = json.loads(
        crm("--user", "lina", "customer", "import", path, "-f", "json", code=1).stdout
    )
    reasons = {e["row"]: e["reason"] for e in result["errors"]}
    assert reasons == {
        2: "you may not give customers to other staff (wei)",
        4: "user 'gone' is disabled",
    }
    assert db.dump() == before
    crm("--user", "boss", "customer", "import", path, "--skip-invalid", "-f", "json", code=1)
    owners = db.rows(
        "SELECT c.name, u.username FROM customer c JOIN app_user u ON u.id = c.owner_id"
        " ORDER BY c.name"
    )
    assert sorted((r["name"], r["username"]) for r in owners) == [("乙", "lina"), ("甲", "wei")]


def test_numbers_from_excel_formulas_read_as_excel_shows_them(crm, db, tmp_path):
    path = make_xlsx(
        tmp_path / "f.xlsx",
        {"客户": [["客户名称", "资本额"], ["甲", 0.3 + 0.6], ["乙", 100 * 1.13]]},
    )
    crm("customer", "import", path)
    capital = {r["name"]: r["capital"] for r in crm.json("customer", "list")}
    assert capital == {"甲": 0.9, "乙": 113}


def test_a_segmentation_batch_is_taken_back_by_revert_not_undo(crm, db):
    crm("customer", "add", "甲公司")
    crm("report", "segment", "--by", "abc", "--apply")
    listed = crm.json("db", "imports")
    assert [(b["id"], b["entity"]) for b in listed] == [(1, "segment")]
    before = db.dump()
    result = crm("customer", "import", "--undo", "1", code=1)
    assert "set levels from a segmentation, not an import" in result.stderr
    assert "crm report segment --revert 1" in result.stderr
    assert db.dump() == before


def test_a_name_over_two_lines_is_a_bad_row(crm, db, tmp_path):
    path = write(tmp_path, "in.csv", '客户名称,城市\n"两行\n名称",上海\n好公司,北京\n')
    result = json.loads(crm("customer", "import", path, "-f", "json", code=1).stdout)
    assert [(e["row"], e["reason"]) for e in result["errors"]] == [
        (2, "Name is one line, without tabs")
    ]
    assert db.scalar("SELECT COUNT(*) FROM customer") == 0
