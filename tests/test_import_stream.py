"""An import read, matched and written a chunk at a time (issue 13, item 8): rows that meet
across chunks are the same customer, exactly as when the file fits in one.

The chunk (5,000 rows) and the head the columns are judged by (2,000 rows) are made tiny
here, so a file of a few rows crosses them as a million-row file does.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from crmcli.services.data import import_rows


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_rows, "CHUNK", 2)
    monkeypatch.setattr(import_rows, "HEAD", 3)


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def imported(crm, *args: str, code: int = 0) -> dict:
    return json.loads(crm("customer", "import", *args, "-f", "json", code=code).stdout)


def test_a_row_repeating_one_of_an_earlier_chunk_is_merged_into_it(crm, db, tmp_path):
    path = write(
        tmp_path,
        "客户名称,电话,城市\n甲公司,0571-1111,杭州\n乙公司,0571-2222,\n丙公司,0571-3333,\n"
        "甲公司,0571 1111,宁波\n",
    )
    result = imported(crm, path)
    assert (result["read"], result["created"], result["updated"]) == (4, 3, 0)
    assert result["duplicates"] == [{"row": 5, "same_as_row": 2}]
    rows = db.rows("SELECT code, name, city FROM customer ORDER BY code")
    assert [(r["name"], r["city"]) for r in rows] == [
        ("甲公司", "宁波"),  # the later row's value, as in one chunk
        ("乙公司", None),
        ("丙公司", None),
    ]
    batch = db.scalar("SELECT max(id) FROM import_batch")
    crm("customer", "import", "--undo", str(batch))
    assert db.scalar("SELECT count(*) FROM customer") == 0


def test_on_duplicate_error_names_the_row_of_an_earlier_chunk(crm, db, tmp_path):
    path = write(tmp_path, "客户名称,电话\n甲,0571-1111\n乙,0571-2222\n丙,0571-3333\n丁,05711111\n")
    result = imported(crm, path, "--on-duplicate", "error", code=1)
    assert [(e["row"], e["reason"]) for e in result["errors"]] == [(5, "repeats row 2 (phone)")]
    assert db.scalar("SELECT count(*) FROM customer") == 0  # all or nothing, still


def test_a_customer_of_the_book_met_in_two_chunks_is_counted_once(crm, db, tmp_path):
    crm("customer", "add", "老客户", "--phone", "0571-1111")
    path = write(
        tmp_path,
        "客户名称,电话,城市,行业\n老客户,0571-1111,杭州,\n乙,0571-2222,,\n丙,0571-3333,,\n"
        "老客户,0571-1111,,制造业\n",
    )
    result = imported(crm, path)
    assert (result["created"], result["updated"], result["skipped"]) == (2, 1, 0)
    assert result["duplicates"] == [{"row": 5, "same_as_row": 2}]
    one = db.one("SELECT city, industry FROM customer WHERE name = '老客户'")
    assert one == {"city": "杭州", "industry": "制造业"}


def test_a_code_taken_by_an_earlier_chunk_is_refused(crm, db, tmp_path):
    path = write(tmp_path, "客户编号,客户名称\n01001,甲\n01002,乙\n01003,丙\n01001,丁\n")
    result = imported(crm, path, "--match", "phone", code=1)
    assert [(e["row"], e["reason"]) for e in result["errors"]] == [
        (5, "customer code '01001' is already used by row 2 (code)")
    ]


def test_keys_naming_two_customers_of_earlier_chunks_are_ambiguous(crm, db, tmp_path):
    path = write(
        tmp_path,
        "客户名称,电话,邮箱\n甲,0571-1111,\n乙,,b@x.cn\n丙,0571-3333,\n丁,0571-1111,b@x.cn\n",
    )
    result = imported(crm, path, code=1)
    [error] = result["errors"]
    assert error["row"] == 5
    assert error["reason"].startswith(
        "matches more than one customer: row 2 (phone), row 3 (e-mail)"
    )


def test_cells_beyond_the_header_after_the_head_are_kept(crm, db, tmp_path):
    path = write(
        tmp_path, "客户名称,电话\n甲,0571-1111\n乙,0571-2222\n丙,0571-3333\n丁,0571-4444,多的\n"
    )
    result = imported(crm, path)
    assert result["created"] == 4 and result["custom_fields"] == ["column C"]
    assert crm.json("customer", "show", "丁")["extra"] == {"column C": "多的"}


def test_a_dry_run_across_chunks_counts_and_changes_nothing(crm, db, tmp_path):
    path = write(
        tmp_path, "客户名称,电话\n甲,0571-1111\n乙,0571-2222\n丙,0571-3333\n甲,0571-1111\n"
    )
    result = imported(crm, path, "--dry-run")
    assert (result["created"], result["batch"], result["dry_run"]) == (3, None, True)
    assert db.scalar("SELECT count(*) FROM customer") == 0
    assert db.scalar("SELECT count(*) FROM import_batch") == 0


def test_standard_input_is_read_like_a_file(crm, db, tmp_path):
    text = "客户名称,电话\n甲,0571-1111\n乙,0571-2222\n丙,0571-3333\n"
    out = crm("customer", "import", "-", "-f", "json", input=text).stdout
    assert json.loads(out)["created"] == 3


def _without_cached_values(path: Path) -> None:
    """Drop the value Excel would have cached beside each formula (as openpyxl writes)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", parts[sheet])
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_formula_without_a_value_is_reported_not_read_as_empty(crm, db, tmp_path):
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["客户名称", "电话", "资本额"])
    sheet.write_row(1, 0, ["甲", "0571-1111", 100])
    sheet.write_row(2, 0, ["乙", "0571-2222"])
    sheet.write_formula(2, 2, "=C2*2", None, 200)
    book.close()
    assert imported(crm, str(path), "--dry-run")["created"] == 2  # a cached value is read
    _without_cached_values(path)
    result = imported(crm, str(path), code=1)
    [error] = result["errors"]
    assert (error["row"], error["column"]) == (3, "资本额")
    assert error["reason"].startswith("a formula the file holds no value for")
    assert db.scalar("SELECT count(*) FROM customer") == 0
