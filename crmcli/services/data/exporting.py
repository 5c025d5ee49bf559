"""Exporting customers (实训4-2): the rows and columns a file gets, read in one snapshot.

JSON and JSON lines carry the records exactly as ``customer list -f json`` does. CSV
and spreadsheets get one column per field (field names as headers, or the Chinese
labels), then one column per field of the card the book defines (``crm field``: its name,
or its Chinese label), then one per other custom field in use, so a spreadsheet user sees
统一社会信用代码 as a column of its own and ``import`` reads it back as a custom field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.archive.fields import definitions, typed
from crmcli.services.context import Ctx
from crmcli.vocab import CUSTOMER

#: column kind in a spreadsheet for each field type (others are text)
_KINDS = {"money": "money", "int": "int", "date": "date", "datetime": "datetime"}
#: column kind in a spreadsheet for each custom field type (others are text)
_CUSTOM_KINDS = {"money": "money", "date": "date"}
#: column widths (in characters) by field, for spreadsheets
_WIDTHS = {"name": 34, "address": 40, "notes": 40, "email": 28, "website": 26, "bank": 24}


@dataclass
class Export:
    """What to write: headers, the kind of each column, and the rows (read lazily)."""

    header: list[str]
    kinds: list[str]
    widths: list[int]
    rows: Iterator[list[Any]]
    #: the rows are CSV text already, formulas defused (:mod:`.export_text`)
    ready: bool = False
    #: the custom fields' names, in the order of their columns after the fields'
    keys: list[str] = field(default_factory=list)


def export_fields() -> list[str]:
    return [n for n in customers.JSON_FIELDS if n != "extra"]


def custom_keys(ctx: Ctx, q: Any) -> list[str]:
    """Every custom field name the selected customers use, in order of first use. (The
    column is read as text where the driver gives text, SQLite's: one C-speed ``loads``
    per row rather than SQLAlchemy's processing and then it.)"""
    import json

    from sqlalchemy import String, type_coerce

    from crmcli.models import Customer as C

    if ctx.session.get_bind().dialect.name == "sqlite":
        return _custom_keys_sqlite(ctx, q)
    keys: dict[str, None] = {}
    raw = q.with_only_columns(type_coerce(C.extra, String)).where(C.extra.is_not(None))
    loads = json.loads
    for (extra,) in stream(ctx, raw):
        keys.update(dict.fromkeys(loads(extra) if type(extra) is str else extra or {}))
    return list(keys)


def _custom_keys_sqlite(ctx: Ctx, q: Any) -> list[str]:
    """:func:`custom_keys` by SQLite's ``json_each``: each key where it is first used, in
    the export's order (the row's number, then the key's place in its object)."""
    from sqlalchemy import String, func, select, type_coerce

    from crmcli.models import Customer as C

    numbered = (
        q.with_only_columns(
            type_coerce(C.extra, String).label("extra"),
            func.row_number().over(order_by=q._order_by_clauses).label("n"),
        )
        .where(C.extra.is_not(None))
        .order_by(None)
        .subquery()
    )
    each = func.json_each(numbered.c.extra).table_valued("key", "id")
    first = func.min(numbered.c.n * 2**32 + each.c.id)
    keys = select(each.c.key).select_from(numbered).join(each, numbered.c.n.is_not(None))
    return list(ctx.session.execute(keys.group_by(each.c.key).order_by(first)).scalars())


def stream(ctx: Ctx, q: Any) -> Iterator[Any]:
    """Rows straight off the database cursor, a few at a time: memory stays flat however
    many customers (or contacts) there are (an ORM result would hold them all)."""
    result = ctx.session.connection().execute(q.execution_options(yield_per=2000))
    return iter(result)


def records(ctx: Ctx, q: Any) -> Iterator[dict[str, Any]]:
    """Customer records as ``customer list -f json`` gives them (for JSON and JSON lines)."""
    fields = customers.JSON_FIELDS
    for r in stream(ctx, q):
        m = r._mapping
        yield {k: m[k] for k in fields}


def table(ctx: Ctx, q: Any, *, labels: str = "en") -> Export:
    """Rows for CSV and spreadsheets: every field, then every custom field in use.

    ``labels`` zh writes the Chinese labels as headers and enum values as their Chinese
    labels (import reads either language back).
    """
    fields = export_fields()
    defs = definitions(ctx, "customer")
    defined = {d.name for d in defs}
    extra_keys = [d.name for d in defs] + [k for k in custom_keys(ctx, q) if k not in defined]
    zh = labels == "zh"
    header = [
        ("系统编号" if zh else "id") if n == "id" else CUSTOMER[n].zh if zh else n for n in fields
    ]
    header += [(d.zh or d.name) if zh else d.name for d in defs] + extra_keys[len(defs) :]
    kinds = ["int" if n == "id" else _KINDS.get(CUSTOMER[n].type, "text") for n in fields]
    kinds += [_CUSTOM_KINDS.get(d.type, "text") for d in defs]
    kinds += ["text"] * (len(extra_keys) - len(defs))
    widths = [_width(n) for n in fields]
    widths += [max(12, min(30, 2 * len(h) + 4)) for h in header[len(fields) :]]
    typed_at = {i: d for i, d in enumerate(defs) if d.type in _CUSTOM_KINDS}
    converters: list[Callable[[Any], Any] | None] = []
    for n in fields:
        f = CUSTOMER.get(n)
        if zh and f is not None and f.vocab is not None:
            converters.append(_zh_label(f.vocab))
        elif f is not None and f.type == "tags":
            converters.append(lambda v: ",".join(v) if v else None)
        else:
            converters.append(None)
    names = [c.key for c in q.selected_columns]
    picks = [names.index(n) for n in fields]  # the query's columns, in the file's order
    extra_at = names.index("extra")
    converted = [(i, c) for i, c in enumerate(converters) if c is not None]

    def rows() -> Iterator[list[Any]]:
        for r in stream(ctx, q):
            row = [r[i] for i in picks]
            for i, convert in converted:
                row[i] = convert(row[i])
            if extra_keys:
                extra = r[extra_at] or {}
                custom = [text(extra.get(k)) for k in extra_keys]
                for i, d in typed_at.items():
                    custom[i] = typed(d, custom[i])
                row += custom
            yield row

    return Export(header, kinds, widths, rows(), keys=extra_keys)


def text(value: Any) -> str | None:
    return value if value is None or type(value) is str else str(value)


def _zh_label(vocab: Any) -> Callable[[Any], Any]:
    labels = {c.key: c.zh for c in vocab.choices}
    return lambda v: labels.get(v, v)


def _width(name: str) -> int:
    if name in _WIDTHS:
        return _WIDTHS[name]
    if name == "id":
        return 8
    kind = CUSTOMER[name].type
    if kind == "datetime":
        return 20
    if kind in ("date", "phone"):
        return 16
    return 14
