"""Formula cells a spreadsheet holds no value for.

Excel and LibreOffice save each formula with the value it last computed, and that value is
what an import reads. A workbook written by a program (openpyxl, a report generator) may
carry the formula alone, to be computed when Excel opens it: calamine then reads the cell
as empty. The importer reports such cells instead of importing an empty value (SPEC §4),
so :func:`unvalued` finds them in the sheet's XML: a quick search for any formula first
(the common case, none, costs one pass of decompression), the cells only when there is one.
"""

from __future__ import annotations

import re
import zipfile
from typing import BinaryIO
from xml.etree.ElementTree import iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL = re.compile(r"([A-Z]+)(\d+)")


def unvalued(f: BinaryIO, sheet_index: int) -> set[tuple[int, int]]:
    """(row number, column index) of the formula cells without a value in the workbook's
    sheet at ``sheet_index`` (the order of ``sheet_names``); nothing for a workbook that is
    not an XLSX/XLSM package (``.xls``, ``.ods``)."""
    f.seek(0)
    try:
        package = zipfile.ZipFile(f)
        part = _sheet_part(package, sheet_index)
    except (zipfile.BadZipFile, KeyError, IndexError, SyntaxError):
        return set()
    if part is None or not _has_formula(package, part):
        return set()
    found = set()
    with package.open(part) as xml:
        for _, cell in iterparse(xml):
            if cell.tag != _MAIN + "c":
                continue
            formula = cell.find(_MAIN + "f")
            value = cell.find(_MAIN + "v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                where = _CELL.fullmatch(cell.get("r", ""))
                if where:
                    found.add((int(where[2]), _column_index(where[1])))
            cell.clear()
    return found


def _sheet_part(package: zipfile.ZipFile, index: int) -> str | None:
    """The package part (``xl/worksheets/sheet1.xml``) of the workbook's ``index``-th sheet."""
    from xml.etree.ElementTree import fromstring

    book = fromstring(package.read("xl/workbook.xml"))
    sheets = book.findall(f"{_MAIN}sheets/{_MAIN}sheet")
    wanted = sheets[index].get(_RELATION)
    rels = fromstring(package.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == wanted:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _has_formula(package: zipfile.ZipFile, part: str) -> bool:
    """Does the sheet hold a formula (``<f>``, ``<x:f ...>``) at all?"""
    tail = b""
    with package.open(part) as xml:
        while block := xml.read(1 << 22):
            seen = tail + block
            if b"<f>" in seen or b"<f " in seen or b":f>" in seen or b":f " in seen:
                return True
            tail = block[-4:]
    return False


def _column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1
