"""Tables that fit the terminal: one line per record, nothing split, least important last.

At 80 columns and up a table never splits a code, phone, date or amount across lines;
the least important columns are left out first (one line says which), long names are
cut with "…" in the table only (JSON and CSV keep everything), and a column empty in
every row (the owner, in single-user mode) takes no width.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from rich.cells import cell_len

from tests import books

demo, crm_demo = books.demo, books.crm_demo  # fixtures: the module's demo book

pytestmark = pytest.mark.sqlite_only(reason="the demo book is loaded once, into a SQLite file")

WIDTHS = (80, 100, 120, 200)
HIDDEN = {"en": "Hidden to fit: ", "zh": "宽度不够，未显示："}


def shown(crm, command: str, width: int, lang: str = "en") -> list[str]:
    """What a user sees of ``command`` in a terminal ``width`` columns wide."""
    result = crm(*command.split(), env={"COLUMNS": str(width), "CRM_LANG": lang})
    return result.stdout.splitlines()


def records(crm, command: str) -> list[dict]:
    return crm.json(*command.split())


def money(value) -> str:
    return f"{Decimal(str(value)):,.2f}"


def is_cut(name: str, line: str) -> bool:
    """``line`` shows the start of ``name`` ending in "…"."""
    return any(name[:n] + "…" in line for n in range(1, len(name)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customer_list_at_80_columns_is_a_customer_per_line(crm_demo, lang):
    customers = records(crm_demo, "customer list")[:50]
    lines = shown(crm_demo, "customer list", 80, lang)
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    data = [line for line in lines if line.startswith(" C0")]
    # 50 customers on 50 lines; around them only the header, its rule, blank edges and
    # the "50 of 69 shown" line (before: 107 lines, names on three)
    assert len(data) == len(customers) == 50
    assert len(lines) <= len(data) + 5, "\n".join(lines)
    header = lines[1] if not lines[0].strip() else lines[0]
    for label in ("Code", "Name", "Phone") if lang == "en" else ("客户编号", "客户名称", "电话"):
        assert label in header
    assert ("Owner" if lang == "en" else "负责人") not in header  # empty in every row
    cut = 0
    for customer, line in zip(customers, data, strict=True):
        assert line.startswith(f" {customer['code']} "), line  # in order, the code whole
        if customer["phone"]:
            assert customer["phone"] in line, (customer, line)  # the phone whole, on it
        if customer["name"] not in line:
            assert is_cut(customer["name"], line), (customer["name"], line)
            cut += 1
    assert cut  # the demo's longer names are cut with "…"
    assert not any(HIDDEN[lang] in line for line in lines)  # all but the empty owner fit


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customer_list_at_200_columns_leaves_nothing_out(crm_demo, lang):
    customers = records(crm_demo, "customer list")[:50]
    lines = shown(crm_demo, "customer list", 200, lang)
    text = "\n".join(lines)
    assert "…" not in text
    assert not any(HIDDEN[lang] in line for line in lines)
    for customer in customers:
        line = next(line for line in lines if line.startswith(f" {customer['code']} "))
        assert customer["name"] in line
        assert (customer["phone"] or "") in line
        assert customer["city"] in line


def test_json_and_csv_keep_whole_names(crm_demo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    names = [c["name"] for c in records(crm_demo, "customer list")]
    assert max(cell_len(n) for n in names) > 24 and not any("…" in n for n in names)
    out = crm_demo("customer", "list", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == names
    contacts = records(crm_demo, "contact list")
    assert {"title", "role", "email"} <= set(contacts[0])  # left out of the table only


@pytest.mark.parametrize(
    ("lang", "hidden"),
    [("en", "Hidden to fit: Title, Role, E-mail"), ("zh", "宽度不够，未显示：职务、角色、邮箱")],
)
def test_a_narrow_table_says_which_columns_it_left_out(crm_demo, lang, hidden):
    lines = shown(crm_demo, "contact list", 80, lang)
    notes = [line for line in lines if HIDDEN[lang] in line]
    assert len(notes) == 1 and notes[0].startswith(hidden), notes
    assert "-f json" in notes[0]
    for contact in records(crm_demo, "contact list")[:50]:  # who and how to reach them
        for number in (contact["phone"], contact["mobile"]):
            if number:
                assert any(number in line for line in lines), number
    wide = shown(crm_demo, "contact list", 200, lang)
    assert not any(HIDDEN[lang] in line for line in wide)
    assert ("E-mail" if lang == "en" else "邮箱") in "\n".join(wide)


def whole_values(command: str, record: dict) -> list[str]:
    """The values of ``record`` that ``command``'s table shows and must never split."""
    values = [record.get("code"), record.get("phone")]
    if command == "contact list":
        values.append(record.get("mobile"))
    if command == "opportunity list":
        values.append(money(record["amount"]) if record.get("amount") is not None else None)
    if command == "order list":
        values += [record["ordered_on"], money(record["total"])]
    return [v for v in values if v]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "command",
    [
        "customer list",
        "contact list",
        "followup due",
        "opportunity list",
        "order list",
        "ticket list",
    ],
)
def test_lists_fit_every_width_and_split_no_value(crm_demo, command, lang):
    data = records(crm_demo, command)[:50]
    assert data, command
    for width in WIDTHS:
        lines = shown(crm_demo, command, width, lang)
        table = [line for line in lines if HIDDEN[lang] not in line]
        assert all(cell_len(line) <= width for line in table), (width, "\n".join(lines))
        for record in data:
            for value in whole_values(command, record):
                assert any(value in line for line in lines), (command, width, value)
        if width == 200:
            assert not any(HIDDEN[lang] in line for line in lines), (command, lines)


def test_followup_due_keeps_the_contacts_phone_whole_at_80(crm_demo):
    due = records(crm_demo, "followup due")
    lines = shown(crm_demo, "followup due", 80)
    for touch in due:
        if touch["phone"]:
            person = f"{touch['contact']} {touch['phone']}" if touch["contact"] else touch["phone"]
            assert any(person in line for line in lines), person


def test_least_important_columns_go_first(crm):
    name = "深圳市前海深港现代服务业合作区华晨电子信息技术股份有限公司"
    phone = "+86 (0755) 8960 6110 转 8888"
    crm("customer", "add", name, "--phone", phone, "--city", "Shenzhen Qianhai Cooperation Zone")
    for lang, hidden in (("en", "Hidden to fit: City"), ("zh", "宽度不够，未显示：城市")):
        lines = shown(crm, "customer list", 80, lang)
        assert all(cell_len(line) <= 80 for line in lines)
        row = next(line for line in lines if line.startswith(" C000001 "))
        assert phone in row and is_cut(name, row) and "Qianhai" not in row
        assert any(line.startswith(hidden) for line in lines), lines
        wide = shown(crm, "customer list", 200, lang)
        row = next(line for line in wide if line.startswith(" C000001 "))
        assert phone in row and "Shenzhen Qianhai Cooperation Zone" in row
    assert crm.json("customer", "list")[0]["name"] == name
