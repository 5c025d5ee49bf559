"""The Excel report book: one sheet per report, native Excel charts (xlsxwriter).

Cells are written as values (never formulas or links); the file is written under a
temporary name and renamed, so a reader never sees half a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from crmcli.cells import display_width

# -- the shape of a book: filled by crmcli.services.analysis.report_book --------------


@dataclass
class Table:
    title: str
    columns: list[tuple[str, str, str]]  # (key, header, kind: text|int|money|share)
    rows: list[dict[str, Any]]


@dataclass
class Chart:
    kind: str  # pie, bar, column, line
    title: str
    table: int  # which table of the sheet
    category: str  # the key naming each point
    value: str  # the key holding each value
    category_title: str = ""  # the axis titles (a pie has no axes)
    value_title: str = ""
    leave_out_last: int = 0  # rows at the table's end kept out of the chart (a month begun)


@dataclass
class Sheet:
    name: str
    tables: list[Table]
    chart: Chart | None = None


@dataclass
class Book:
    title: str
    as_of: date
    sheets: list[Sheet] = field(default_factory=list)


def _width(value: Any, kind: str = "text") -> int:
    """How wide ``value`` shows in its number format (money with thousands separators)."""
    return display_width(_shown(value, kind)) if value is not None else 0


def _shown(value: Any, kind: str) -> str:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if kind == "money":
            return f"{float(value):,.2f}"
        if kind == "share":
            return f"{float(value) * 100:.1f}%"
        if kind == "int":
            return f"{float(value):.0f}"
    return str(value)


def write_report_book(book: Book, path: Path) -> None:
    """The book as an .xlsx file, written beside ``path`` and renamed over it when whole."""
    import xlsxwriter

    from crmcli.tabular import atomic

    with atomic(Path(path)) as part:
        workbook = xlsxwriter.Workbook(
            str(part),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        styles = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "subtitle": workbook.add_format({"bold": True, "font_size": 11}),
            "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "money": workbook.add_format({"num_format": "#,##0.00"}),
            "share": workbook.add_format({"num_format": "0.0%"}),
            "int": workbook.add_format({"num_format": "0"}),
            "text": workbook.add_format({}),
        }
        for sheet in book.sheets:
            _write_sheet(workbook, sheet, book, styles)
        workbook.close()


def _write_sheet(workbook: Any, sheet: Sheet, book: Book, styles: dict[str, Any]) -> None:
    ws = workbook.add_worksheet(sheet.name[:31])
    ws.set_landscape()
    ws.set_paper(9)  # A4: printed (or turned into PDF) one page wide
    ws.fit_to_pages(1, 0)
    ws.write_string(0, 0, f"{book.title} · {sheet.name}", styles["title"])
    ws.write_string(1, 0, book.as_of.isoformat())
    row = 3
    widths: dict[int, int] = {}
    anchors: list[tuple[int, int, int]] = []  # (first data row, last data row, columns) per table
    for table in sheet.tables:
        ws.write_string(row, 0, table.title, styles["subtitle"])
        row += 1
        for col, (_key, header, _kind) in enumerate(table.columns):
            ws.write_string(row, col, header, styles["header"])
            widths[col] = max(widths.get(col, 0), _width(header))
        first = row + 1
        for record in table.rows:
            row += 1
            for col, (key, _header, kind) in enumerate(table.columns):
                value = record.get(key)
                _write_cell(ws, row, col, value, kind, styles)
                widths[col] = max(widths.get(col, 0), min(_width(value, kind), 50))
        anchors.append((first, row, len(table.columns)))
        row += 2
    for col, width in widths.items():
        ws.set_column(col, col, max(8, width + 2))
    if sheet.chart and sheet.tables[sheet.chart.table].rows:
        _add_chart(workbook, ws, sheet, anchors, max(widths) + 2 if widths else 6)


def _write_cell(ws: Any, row: int, col: int, value: Any, kind: str, styles: dict[str, Any]) -> None:
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        style = styles.get(kind, styles["text"]) if kind in ("money", "share", "int") else None
        ws.write_number(row, col, float(value), style)
    else:
        ws.write_string(row, col, str(value))


def _add_chart(
    workbook: Any, ws: Any, sheet: Sheet, anchors: list[tuple[int, int, int]], at_col: int
) -> None:
    spec = sheet.chart
    assert spec is not None
    table = sheet.tables[spec.table]
    keys = [key for key, _h, _k in table.columns]
    first, last, _n = anchors[spec.table]
    category = keys.index(spec.category)
    value = keys.index(spec.value)
    last = max(first, last - spec.leave_out_last)
    chart = workbook.add_chart({"type": spec.kind})
    name = ws.get_name()
    chart.add_series(
        {
            "name": table.columns[value][1],
            "categories": [name, first, category, last, category],
            "values": [name, first, value, last, value],
            "data_labels": {"value": True} if spec.kind in ("bar", "column", "pie") else {},
        }
    )
    chart.set_title({"name": spec.title})
    if spec.kind != "pie":
        chart.set_legend({"none": True})
        categories: dict[str, Any] = {"name": spec.category_title}
        values: dict[str, Any] = {"name": spec.value_title}
        if spec.kind == "bar":  # horizontal bars read top-down in table order (a funnel)
            categories["reverse"] = True
            chart.set_x_axis(values)  # (a bar chart's x axis is its value axis)
            chart.set_y_axis(categories)
        else:
            chart.set_x_axis(categories)
            chart.set_y_axis(values)
    chart.set_size({"width": 620, "height": 360})
    ws.insert_chart(3, at_col, chart)


# -- a printable form with a sheet to fill in (``crm survey export``) ---------------------


def write_form(
    path: Path,
    *,
    title: str,
    note: str | None,
    form: tuple[str, list[str], list[list[str]]],
    answers: tuple[str, list[str], list[list[str]]],
) -> None:
    """A questionnaire as an .xlsx file: ``form`` (sheet name, headers, rows) printed on A4
    under ``title`` with its last column left blank to write in; ``answers`` (sheet name,
    headers, rows) a table whose header is its first row, one row per customer, as an
    importer reads it back. Every cell is text."""
    import xlsxwriter

    from crmcli.tabular import atomic

    with atomic(Path(path)) as part:
        workbook = xlsxwriter.Workbook(
            str(part),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        bold = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        boxed = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        name, headers, rows = form
        ws = workbook.add_worksheet(name[:31])
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.write_string(0, 0, title, bold)
        top = 1
        if note:
            ws.write_string(1, 0, note)
            top = 2
        for col, text in enumerate(headers):
            ws.write_string(top + 1, col, text, header)
        for r, row in enumerate(rows, top + 2):
            ws.set_row(r, 30)
            for col, text in enumerate(row):
                ws.write_string(r, col, text, boxed)
        for col, width in enumerate((6, 14, 48, 36, 24)[: len(headers)]):
            ws.set_column(col, col, width)
        name, headers, rows = answers
        ws = workbook.add_worksheet(name[:31])
        for col, text in enumerate(headers):
            ws.write_string(0, col, text, header)
            ws.set_column(col, col, max(10, min(40, display_width(text) + 2)))
        for r, row in enumerate(rows, 1):
            for col, text in enumerate(row):
                ws.write_string(r, col, text)
        ws.freeze_panes(1, 2)
        workbook.close()
