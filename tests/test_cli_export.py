"""``crm customer export``: files a spreadsheet user can open and import can read back."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.test_cli_customer import SPEC_FIELDS

FIELDS = [f for f in SPEC_FIELDS if f != "extra"]


@pytest.fixture
def book(crm):
    """Three customers with every kind of value, custom fields and formula payloads."""
    crm(
        "customer",
        "add",
        "宁波港联物流股份有限公司",
        "--level",
        "金牌",
        "--status",
        "成交客户",
        "--source",
        "老客户介绍",
        "--phone",
        "+86 574 8765 4321",
        "--email",
        "Sales@GangLian.cn",
        "--city",
        "宁波",
        "--founded-on",
        "2003-06-18",
        "--capital",
        "1.28万",
        "--employees",
        "1200",
        "--annual-revenue",
        "12800000.50",
        "--tags",
        "港口,重点",
        "--credit-rating",
        "优秀",
        "--points",
        "300",
        "--notes",
        "多行\n备注",
        "--customer-since",
        "2021-03-01",
        "--set",
        "统一社会信用代码=913302000000000001",
        "--set",
        "邮编=010010",
    )
    crm(
        "customer",
        "add",
        '=HYPERLINK("http://evil.example","点我")',
        "--city",
        "杭州",
        "--notes",
        "+SUM(1,2)",
        "--set",
        "备注2=@cmd",
        "--website",
        "http://www.example.com",
        "--phone",
        "013800138000",
    )
    crm(
        "customer",
        "add",
        "个人客户王五",
        "--kind",
        "个人",
        "--level",
        "银牌",
        "--notes",
        "-5",
        "--address",
        "'=1+1 (typed with its quote)",
    )
    return crm


def read_csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


@pytest.mark.sqlite_only("the fast path is SQLite's; PostgreSQL takes the general one")
@pytest.mark.parametrize("labels", ["en", "zh"])
def test_sqlite_formats_the_csv_text_byte_for_byte_as_the_general_path(
    book, db, tmp_path, monkeypatch, labels
):
    """Every kind of cell the database formats (money, negative numbers, dates, times,
    yes/no, tags, Chinese labels, custom values of every JSON type, formulas anywhere):
    the file SQLite writes is the one the general path writes."""
    from crmcli.services.data import export_text

    for name, kind, zh in [
        ("deals", "number", "成交笔数"),
        ("budget", "money", "预算"),
        ("met", "date", "初次见面"),
        ("vip", "bool", "贵宾"),
        ("manner", "choice(积极,保守)", "经营方式"),
    ]:
        book("field", "add", name, "--on", "customer", "--type", kind, "--zh", zh)
    book(
        "customer", "edit", "宁波港联物流股份有限公司", "--set", "deals=-3", "--set", "budget=1.5万"
    )
    book("customer", "edit", "宁波港联物流股份有限公司", "--set", "met=2024-2-9", "--set", "vip=是")
    book(
        "customer", "edit", "宁波港联物流股份有限公司", "--set", "manner=积极", "--set", "deals=1e3"
    )
    book("customer", "edit", "个人客户王五", "--set", "备注2='=quoted", "--tags", "-负面")
    book(
        "customer",
        "add",
        "负数公司",
        "--phone",
        "+86 571 1234 5678",
        "--set",
        "统一社会信用代码=-5",
    )
    db.execute(
        "UPDATE customer SET points = -7, capital = -5, annual_revenue = 100, employees = 0, "
        "lost_at = '2026-01-02 03:04:05.678901', marketing_opt_out = 1, "
        """extra = '{"邮编": true, "备注2": {"a": [1, 2]}, "统一社会信用代码": 1.5, "x": "\\t", "y": -4, "z": 0}' """
        "WHERE name = '负数公司'"
    )
    book("customer", "add", "负数二公司")  # a row whose only odd cell is a negative number
    db.execute("""UPDATE customer SET extra = '{"y": -4, "z": 2.5}' WHERE name = '负数二公司'""")
    fast, general = tmp_path / "fast.csv", tmp_path / "general.csv"
    book("customer", "export", str(fast), "--labels", labels)
    monkeypatch.setattr(export_text, "csv_table", lambda *a, **k: None)
    book("customer", "export", str(general), "--labels", labels)
    assert fast.read_bytes() == general.read_bytes()
    assert "'-7" in fast.read_text(encoding="utf-8") and "'-0.05" in fast.read_text(
        encoding="utf-8"
    )


def test_csv_has_field_names_then_custom_columns_and_neutralised_formulas(book, tmp_path):
    target = tmp_path / "out.csv"
    assert "Exported 3 customers to" in book("customer", "export", str(target)).stdout
    rows = read_csv(target)
    assert rows[0] == [*FIELDS, "统一社会信用代码", "邮编", "备注2"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (
        first["level"] == "gold" and first["tags"] == "港口,重点" and first["capital"] == "12800.00"
    )
    assert first["phone"] == "'+86 574 8765 4321" and first["邮编"] == "010010"
    assert first["notes"] == "多行\n备注" and first["统一社会信用代码"] == "913302000000000001"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["name"].startswith("'=HYPERLINK") and second["notes"] == "'+SUM(1,2)"
    assert second["备注2"] == "'@cmd" and second["phone"] == "013800138000"
    assert dict(zip(rows[0], rows[3], strict=True))["notes"] == "'-5"
    assert target.read_bytes()[:3] != b"\xef\xbb\xbf" and b"\r\n" in target.read_bytes()
    assert not list(tmp_path.glob(".*part"))


def test_bom_encoding_labels_and_stdout(book, tmp_path):
    book("customer", "export", str(tmp_path / "bom.csv"), "--bom")
    assert (tmp_path / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    book("customer", "export", str(tmp_path / "gb.csv"), "--encoding", "GB18030", "--labels", "zh")
    rows = read_csv(tmp_path / "gb.csv", "gb18030")
    assert rows[0][:6] == ["系统编号", "客户编号", "客户名称", "类型", "行业", "客户等级"]
    assert rows[1][5] == "金牌" and rows[1][6] == "成交客户" and rows[1][7] == "老客户介绍"
    out = book("customer", "export", "-", "--level", "gold")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0][:3] == ["id", "code", "name"] and [r[1] for r in rows[1:]] == ["C000001"]
    assert "Exported 1 customers to -" in out.stderr
    jsonl = book("customer", "export", "-", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["code"] for line in jsonl] == ["C000001", "C000002", "C000003"]


def test_json_is_what_customer_list_gives(book, tmp_path):
    book("customer", "export", str(tmp_path / "all.json"))
    exported = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert exported == book.json("customer", "list")
    book("customer", "export", str(tmp_path / "all.jsonl"))
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == exported
    book("customer", "export", str(tmp_path / "none.json"), "--city", "无此城市")
    assert json.loads((tmp_path / "none.json").read_text()) == []


def xlsx_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()}


def test_xlsx_has_values_never_formulas_or_links(book, tmp_path):
    target = tmp_path / "客户.xlsx"
    book("customer", "export", str(target), "--labels", "zh")
    parts = xlsx_parts(target)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    assert "<hyperlink" not in sheet
    assert not any("hyperlink" in body for name, body in parts.items() if name.endswith(".rels"))
    assert '<pane ySplit="1"' in sheet and 'state="frozen"' in sheet  # frozen header
    assert "<b/>" in parts["xl/styles.xml"]  # bold header
    assert "<cols>" in sheet
    from python_calamine import CalamineWorkbook

    cells = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    header = cells[0]
    assert header[:3] == ["系统编号", "客户编号", "客户名称"] and header[-3:] == [
        "统一社会信用代码",
        "邮编",
        "备注2",
    ]
    second = dict(zip(header, cells[2], strict=True))
    assert second["客户名称"] == '=HYPERLINK("http://evil.example","点我")'  # text, as typed
    assert second["备注"] == "+SUM(1,2)" and second["网址"] == "http://www.example.com"
    assert second["电话"] == "013800138000" and second["备注2"] == "@cmd"
    first = dict(zip(header, cells[1], strict=True))
    assert first["员工人数"] == 1200 and first["资本额"] == 12800 and first["客户等级"] == "金牌"
    assert str(first["成立日期"]) == "2003-06-18" and first["邮编"] == "010010"


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json", "jsonl"])
def test_export_then_import_round_trips_every_field(book, crm, db, tmp_path, suffix, monkeypatch):
    source = tmp_path / f"book.{suffix}"
    book("customer", "export", str(source))
    original = book.json("customer", "list")
    monkeypatch.setenv("CRM_DB", str(tmp_path / "second.db"))
    result = json.loads(crm("customer", "import", str(source), "-f", "json").stdout)
    assert result["created"] == 3 and result["rejected"] == 0
    copied = crm.json("customer", "list")
    for record in original + copied:
        record.pop("updated_at")
    assert copied == original
    again = json.loads(crm("customer", "import", str(source), "-f", "json").stdout)
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 3)


def test_chinese_labelled_export_round_trips_too(book, crm, tmp_path, monkeypatch):
    source = tmp_path / "中文.csv"
    book("customer", "export", str(source), "--labels", "zh", "--encoding", "gb18030")
    original = book.json("customer", "list")
    monkeypatch.setenv("CRM_DB", str(tmp_path / "second.db"))
    crm("customer", "import", str(source))
    copied = crm.json("customer", "list")
    for record in original + copied:
        record.pop("updated_at")
    assert copied == original


def test_filters_and_since(book, db, tmp_path):
    db.execute("UPDATE customer SET updated_at = '2020-01-01 09:00:00'")
    book("customer", "edit", "C000003", "--city", "苏州")
    book("customer", "export", str(tmp_path / "new.json"), "--since", "2021-01-01")
    assert [c["code"] for c in json.loads((tmp_path / "new.json").read_text())] == ["C000003"]
    book("customer", "export", str(tmp_path / "f.json"), "--level", "银牌", "--search", "王五")
    assert [c["code"] for c in json.loads((tmp_path / "f.json").read_text())] == ["C000003"]
    book("customer", "export", str(tmp_path / "t.json"), "--tag", "港口", "--city", "宁波")
    assert [c["code"] for c in json.loads((tmp_path / "t.json").read_text())] == ["C000001"]


def test_a_failed_export_leaves_the_previous_file_intact(book, tmp_path):
    target = tmp_path / "old.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    book("customer", "add", "𠮷野家")  # outside GBK
    result = book("customer", "export", str(target), "--encoding", "gbk", code=1)
    assert "'𠮷' (row 5) cannot be written in gbk" in result.stderr
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    book("customer", "export", str(target), "--encoding", "gb18030")
    assert "𠮷野家" in target.read_bytes().decode("gb18030")


BAD = [
    (["out.pdf"], "cannot tell the format of out.pdf"),
    (["out.csv", "-f", "pdf"], "unknown file format 'pdf'"),
    (["out.json", "--labels", "zh"], "JSON keys are always the English field names"),
    (["out.xlsx", "--encoding", "gbk"], "--bom and --encoding are for CSV files"),
    (["out.csv", "--encoding", "gbk", "--bom"], "--bom is for UTF-8"),
    (["out.csv", "--encoding", "martian"], "unknown encoding 'martian'"),
    (["out.csv", "--labels", "fr"], "invalid labels 'fr'"),
    (["out.csv", "--since", "someday"], "invalid date 'someday'"),
    (["out.csv", "--level", "diamond"], "unknown level 'diamond'"),
    (["no/such/folder/out.csv"], "no folder 'no/such/folder'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_export_options(book, db, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    before = db.dump()
    result = book("customer", "export", *args, code=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert db.dump() == before and not any(
        p.suffix in (".csv", ".json", ".xlsx", ".pdf") for p in tmp_path.iterdir()
    )


def test_big_export_streams_in_constant_memory_mode(crm, db, tmp_path):
    crm("customer", "add", "seed")
    extra = "'{\"k\": \"' || v || '\"}'"
    if db.dialect == "postgresql":
        extra = f"CAST({extra} AS json)"
    db.execute(
        "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 3000) "
        "INSERT INTO customer (code, name, kind, level, status, extra) "
        f"SELECT 'X' || v, 'Bulk ' || v, 'company', 'regular', 'lead', {extra} FROM n"
    )
    crm("customer", "export", str(tmp_path / "big.xlsx"))
    sheet = xlsx_parts(tmp_path / "big.xlsx")["xl/worksheets/sheet1.xml"]
    assert 'r="3002"' in sheet and "<is><t>" in sheet  # inline strings: constant-memory mode
    assert re.search(r"<c r=\"AG3002\" t=\"inlineStr\"><is><t>999</t>", sheet)  # codes in order
