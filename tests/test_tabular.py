"""``crmcli.tabular``: cells read as text exactly, encodings told apart, files written whole."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from crmcli.cells import display_width, neutralise, unneutralise
from crmcli.errors import Invalid
from crmcli.tabular import _cell_text, atomic, column_letter, decode, header_key


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (13800138000.0, "13800138000"),  # a phone Excel stored as a number
        (913301000000000.0, "913301000000000"),
        (1280000.5, "1280000.5"),
        (0.1, "0.1"),
        (1e-05, "0.00001"),
        (3, "3"),
        (True, "TRUE"),
        (date(2026, 3, 1), "2026-03-01"),
        (datetime(2026, 3, 1), "2026-03-01"),  # a date cell read as midnight
        (datetime(2026, 3, 1, 14, 30, 5), "2026-03-01 14:30:05"),
        (time(9, 30), "09:30:00"),
        ("013800138000", "013800138000"),
        (None, ""),
    ],
)
def test_spreadsheet_cells_become_the_text_a_person_sees(cell, text):
    assert _cell_text(cell) == text


def test_header_key_ignores_case_width_spaces_and_marks():
    assert header_key("＊客户 名称：") == header_key("客户名称") == "客户名称"
    assert header_key("E-Mail") == header_key("ｅｍａｉｌ") == header_key("e_mail") == "email"
    assert header_key("联系人（姓名）") == "联系人姓名"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "=1+2",
        "+86 138",
        "-5",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        "'=x",
        "''+x",
        "plain",
        "'quote",
        "",
    ],
)
def test_neutralising_is_undone_exactly(text):
    assert unneutralise(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_decoding_order_and_names():
    assert decode("客户".encode()) == ("客户", "utf-8")
    assert decode(b"\xef\xbb\xbf" + "客户".encode()) == ("客户", "utf-8-sig")
    assert decode("客户".encode("utf-16")) == ("客户", "utf-16")
    assert decode("客户名称,电话".encode("gbk")) == ("客户名称,电话", "gb18030")
    assert decode("客戶".encode("big5"), "big5") == ("客戶", "big5")
    with pytest.raises(Invalid, match="line 3"):  # UTF-8 but for one line: named, not guessed
        decode("客户名称\n好公司\n".encode() + b"\xff\xfe\xfa\x80\x81\n", name="f.csv")


def test_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic(target) as part:
        part.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    with atomic(target) as part:
        part.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"


def test_display_width_counts_wide_characters_twice_and_marks_not_at_all():
    assert display_width("C000001") == 7
    assert display_width("杭州明远科技") == 12
    assert display_width("ＡＢ ¥12") == 8  # full-width letters, a narrow yen sign
    assert display_width("e\u0301") == 1  # e and a combining acute accent


def test_names_and_addresses_are_joined_the_chinese_or_the_western_way():
    from crmcli.cells import join_address, person_name

    assert person_name("娜", "", "李") == "李娜"
    assert person_name("Jenny", "", "Wu") == "Jenny Wu"
    parts = {"street": "江南大道 3588 号", "city": "杭州", "state": "浙江省", "postcode": "310052"}
    for china in ("中国", "China", "CHINA", "cn", "PRC"):  # a book in China omits its own country
        assert join_address({**parts, "country": china}) == "浙江省杭州江南大道 3588 号"
    assert join_address({**parts, "country": "日本"}) == "日本浙江省杭州江南大道 3588 号"
    assert join_address({"street": "1 Main St", "city": "Leeds", "postcode": "LS1"}) == (
        "1 Main St, Leeds, LS1"
    )
