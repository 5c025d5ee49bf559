"""CSV text of customers formatted by SQLite itself: the export's fast path.

``crm customer export FILE.csv`` on SQLite asks the database for every cell as the text
the file gets (ISO dates, money with two places, ``true``/``false``, Chinese labels
under ``--labels zh``, each custom field pulled out of the JSON by ``json_extract``),
and for one flag per row: does any text of it start like a spreadsheet formula (or hold
a custom value that is not plain text or a number)? Unflagged rows, nearly all of them,
go to ``csv.writer`` as they come; a flagged one is finished in Python exactly as
:func:`crmcli.services.data.exporting.table` and :func:`crmcli.tabular.write_csv` would
(formulas defused, ``cells.neutralise``). The file is byte for byte the one the general
path writes (tests/test_cli_export.py compares them); the general path stays for
PostgreSQL, for spreadsheets, and for custom field names ``json_extract`` cannot quote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from crmcli.cells import DEFUSED_START, neutralise
from crmcli.services.context import Ctx
from crmcli.services.data import exporting
from crmcli.vocab import CUSTOMER

#: field types whose cells are stored text (the others are numbers, dates or booleans)
_TEXT_KINDS = ("text", "enum", "phone", "email", "url", "tags", "user")
#: the JSON types a custom value's text is plain for (``_text`` of it is its SQL value)
_PLAIN_JSON = ("text", "integer", "real", "null")


def csv_table(ctx: Ctx, q: Any, *, labels: str = "en") -> exporting.Export | None:
    """The export of ``q`` with rows ready for ``csv.writer`` (None: use the general path)."""
    from sqlalchemy import Integer, String, case, func, literal, or_, type_coerce

    if ctx.session.get_bind().dialect.name != "sqlite":
        return None
    general = exporting.table(ctx, q, labels=labels)  # header, kinds and the custom keys
    fields = exporting.export_fields()
    keys = general.keys  # (their headers may be the defined fields' Chinese labels)
    if any('"' in k or "\\" in k for k in keys):
        return None  # a path json_extract cannot spell
    by_name = {c.key: c for c in q.selected_columns}
    zh = labels == "zh"

    def raw(name: str, kind: Any) -> Any:
        return type_coerce(by_name[name], kind)  # the stored value, no result processing

    cells: list[Any] = []
    for name in fields:
        kind = "int" if name == "id" else CUSTOMER[name].type
        if kind == "int":
            n = raw(name, Integer)
            cells.append(case((n < 0, literal("'").concat(n)), else_=n))
        elif kind == "money":
            cells.append(_money(raw(name, Integer)))
        elif kind == "datetime":
            s = raw(name, String)
            cells.append(func.substr(s, 1, 10).concat("T").concat(func.substr(s, 12, 8)))
        elif kind == "bool":
            b = raw(name, Integer)
            cells.append(case((b == 1, "true"), (b == 0, "false")))
        elif kind == "date":
            cells.append(raw(name, String))
        else:
            s = raw(name, String)
            if kind == "tags":
                s = func.nullif(s, "")
            elif zh and CUSTOMER[name].vocab is not None:
                labels_zh = {c.key: c.zh for c in CUSTOMER[name].vocab.choices}
                s = case(labels_zh, value=s, else_=s)
            cells.append(s)
    extra = raw("extra", String)
    odd = []  # a custom value not text or a number, or a negative number: for Python
    for key in keys:
        path = f'$."{key}"'
        value = func.json_extract(extra, path)
        cells.append(value)
        odd += [func.json_type(extra, path).not_in(_PLAIN_JSON), value < 0]
    width = len(cells)
    fast = q.with_only_columns(*cells, or_(*odd) if odd else literal(None), extra)
    text_at = [
        i
        for i, name in enumerate(fields)
        if CUSTOMER.get(name) and CUSTOMER[name].type in _TEXT_KINDS
    ] + list(range(len(fields), width))
    first_key = len(fields)

    def finish(row: Any) -> list[Any]:
        """A row as the general path writes it: formulas defused, custom values as text."""
        out = list(row[:width])
        for i in text_at[: len(text_at) - len(keys)]:
            if type(out[i]) is str:
                out[i] = neutralise(out[i])
        found = json.loads(row[width + 1]) if row[width + 1] else {}
        for j, key in enumerate(keys, first_key):
            value = found.get(key)
            out[j] = None if value is None else neutralise(exporting.text(value))
        return out

    def rows() -> Iterator[Any]:
        # the driver's own cursor: its tuples need no processing (every cell is text
        # or a number already), and SQLite hands them over as the file is written;
        # a row is finished in Python when a text of it starts like a formula
        risky = DEFUSED_START
        result = ctx.session.connection().execute(fast)
        try:
            for row in result.cursor:
                if row[width]:
                    yield finish(row)
                    continue
                for i in text_at:
                    v = row[i]
                    if v and type(v) is str and v[0] in risky:
                        yield finish(row)
                        break
                else:
                    yield row[:width]
        finally:
            result.close()

    return exporting.Export(general.header, general.kinds, general.widths, rows(), ready=True)


def _money(cents: Any) -> Any:
    """Cents as ``1234.50`` (``'-1234.50`` when negative: a minus starts a formula)."""
    from sqlalchemy import String, case, func, literal, type_coerce

    def text(n: Any) -> Any:
        whole = type_coerce(n.op("/")(100), String)  # integer division: SQLite's ``/``
        part = func.substr(literal("0").concat(n.op("%")(100)), -2)
        return whole.concat(".").concat(part)

    return case((cents < 0, literal("'-").concat(text(-cents))), else_=text(cents))
