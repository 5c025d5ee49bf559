"""Reading an import file's rows (实训4-2): which column is which field, and every cell
converted by the validators the command line uses (:mod:`crmcli.validate`), outside any
transaction. Bad cells become :class:`Problem` s: row as the user sees it, column, value,
reason. :mod:`crmcli.services.data.importing` then matches and writes the rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.codes import code_shape
from crmcli.services.team import permissions
from crmcli.tabular import Table, column_letter, header_key, unneutralise
from crmcli.validate import email_key, parse_field, parse_phone_key, parse_text
from crmcli.vocab import (
    CONTACT,
    CUSTOMER,
    CUSTOMER_FIELDS,
    IMPORT_IGNORED,
    IMPORT_SYNONYMS,
    FieldDef,
)

#: Customer fields a file may set (``updated_at`` is the import's own time).
FIELDS = [f for f in CUSTOMER_FIELDS if f.name != "updated_at"]
#: The contact a row may carry.
CONTACT_TARGETS = {
    "contact.name": CONTACT["name"],
    "contact.title": CONTACT["title"],
    "contact.mobile": CONTACT["mobile"],
    "contact.phone": CONTACT["phone"],
    "contact.email": CONTACT["email"],
    "contact.wechat": CONTACT["wechat"],
}
#: Fields compared (and changed) when a row matches a customer; ``code`` is the match itself.
UPDATABLE = [f.name for f in FIELDS if f.name not in ("code", "created_at", "extra")]
CHUNK = 1000
#: a new customer's fields before the row's values go in
EMPTY = dict.fromkeys(n for n in UPDATABLE if n != "owner")
#: what a new customer is when the file does not say (as ``crm customer add``)
DEFAULTS = {"kind": "company", "level": "regular", "status": "lead"}
IMPORTERS = permissions.IMPORTERS


# -- columns ---------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    header: str
    target: str | None  # a field name, ``contact.<field>``, or None: a custom field
    custom: str | None = None  # the custom field's name
    ignored: bool = False


@dataclass
class Layout:
    columns: list[Column]
    header_row: int  # as the user sees it
    data_from: int = 0  # the first row of data in ``Table.rows``
    warnings: list[str] = field(default_factory=list)

    @property
    def targets(self) -> dict[str, Column]:
        return {c.target: c for c in self.columns if c.target and not c.ignored}

    @property
    def custom_fields(self) -> list[str]:
        return [c.custom for c in self.columns if c.custom and not c.ignored]

    @property
    def ignored(self) -> list[str]:
        return [c.header for c in self.columns if c.ignored and c.header.strip()]


_KNOWN: dict[str, str] = {}


def known_headers() -> dict[str, str]:
    """header key -> target for every field name, label and synonym (built once)."""
    if not _KNOWN:
        for f in FIELDS:
            for word in (f.name, f.en, f.zh, *IMPORT_SYNONYMS.get(f.name, ())):
                _KNOWN.setdefault(header_key(word), f.name)
        for target in CONTACT_TARGETS:
            for word in (target, *IMPORT_SYNONYMS.get(target, ())):
                _KNOWN.setdefault(header_key(word), target)
    return _KNOWN


def _target_of(spec: str, column: str) -> str:
    """A ``--mapping`` value: a field's name, label or synonym, or ``extra.NAME``."""
    target = known_headers().get(header_key(spec))
    if target is None:
        accepted = ", ".join([f.name for f in FIELDS] + list(CONTACT_TARGETS))
        raise Invalid(
            t(
                "the mapping sends column '{column}' to '{value}', which is no field ({accepted})",
                column=column,
                value=spec,
                accepted=accepted,
            ),
            hint=t("use null to leave a column out, extra.NAME for a custom field"),
        )
    return target


def layout(table: Table, mapping: dict[str, Any] | None = None) -> Layout:
    """Match the file's columns to fields (SPEC §4); raises :class:`Invalid` when the file
    cannot be imported as it stands (no name column, two columns for one field)."""
    known = known_headers()
    overrides = {header_key(k): (k, v) for k, v in (mapping or {}).items()}
    if table.headers is not None:
        headers, header_row, data_from = table.headers, 1, 0
    else:
        start = _header_index(table.rows, known, overrides)
        header_row, headers = table.rows[start] if table.rows else (1, [])
        data_from = start + 1
    data = table.rows[data_from:]
    width = max([len(headers), *(len(cells) for _, cells in data)])
    headers = [*headers, *[""] * (width - len(headers))]
    ignored_keys = {header_key(w) for w in IMPORT_IGNORED}
    used: set[str] = set()
    columns = []
    for i, raw in enumerate(headers):
        header = raw.strip()
        key = header_key(header)
        column = Column(i, header, None)
        if key and key in overrides:
            used.add(key)
            spec = overrides[key][1]
            if spec is None or str(spec).strip() in ("", "-"):
                column.ignored = True
            elif str(spec).strip().lower().startswith("extra."):
                column.custom = str(spec).strip()[6:].strip() or header
            else:
                column.target = _target_of(str(spec), header)
        elif not key:  # no header: named after its spreadsheet column, if it holds anything
            if any(i < len(cells) and cells[i].strip() for _, cells in data):
                column.custom = f"column {column_letter(i)}"
            else:
                column.ignored = True
        elif key in ignored_keys:
            column.ignored = True
        elif key in known:
            column.target = known[key]
        else:
            column.custom = header
        columns.append(column)
    found = Layout(columns, header_row, data_from)
    found.warnings = [
        t("the mapping names column '{column}', which the file does not have", column=original)
        for key, (original, _) in overrides.items()
        if key not in used
    ]
    _settle_contact_columns(found)
    _refuse_doubles(found, table.name)
    if "name" not in found.targets and (headers or data):  # ([] in JSON: nothing to do)
        shown = ", ".join(c.header for c in columns if c.header) or "-"
        raise Invalid(
            t(
                "{file} has no column for the customer name (客户名称/name); its columns: {columns}",
                file=table.name,
                columns=shown,
            ),
            hint=t("name the column with --mapping, e.g. a file holding  公司全称: name"),
        )
    return found


def _header_index(rows: list[tuple[int, list[str]]], known: dict[str, str], overrides: dict) -> int:
    """The header row: the first of the top rows naming the customer name, else the first row
    (spreadsheets often carry a title such as 客户信息表 above the header)."""
    for i, (_, cells) in enumerate(rows[:10]):
        for cell in cells:
            key = header_key(cell)
            spec = overrides.get(key, (None, None))[1]
            if known.get(key) == "name" or (spec and known.get(header_key(str(spec))) == "name"):
                return i
    return 0


def _settle_contact_columns(found: Layout) -> None:
    """Contact columns belong to a contact only when the file names one (联系人); otherwise
    手机 is the customer's phone (unless the file has a phone column) and the rest are kept
    as custom fields."""
    targets = found.targets
    if "contact.name" in targets:
        return
    for c in found.columns:
        if c.target and c.target.startswith("contact."):
            if c.target == "contact.mobile" and "phone" not in targets:
                c.target = "phone"
            else:
                c.target, c.custom = None, c.header


def _refuse_doubles(found: Layout, name: str) -> None:
    seen: dict[str, Column] = {}
    for c in found.columns:
        if c.ignored:
            continue
        key = c.target or "extra." + (c.custom or "")
        if key in seen:
            raise Invalid(
                t(
                    "{file}: columns '{first}' and '{second}' both give {field}",
                    file=name,
                    first=seen[key].header,
                    second=c.header,
                    field=c.target or c.custom,
                ),
                hint=t("say which to use with --mapping (null leaves a column out)"),
            )
        seen[key] = c


# -- converting cells ------------------------------------------------------------------------


@dataclass
class Problem:
    column: str | None
    value: str | None
    reason: str


@dataclass(slots=True)
class Row:
    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    keys: dict[str, str | None] = field(default_factory=dict)  # phone_key, email_key


@dataclass
class Prepared:
    table: Table
    layout: Layout
    rows: list[Row]


class _Bad:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _converter(f: FieldDef) -> Callable[[str], Any]:
    """Text -> value for one field, by the command line's validators. A column of few
    distinct texts (levels, statuses, dates, amounts ...) has each converted once."""
    if f.type == "text":
        limit = f.limit

        def text(raw: str) -> Any:
            value = raw.strip()
            if limit and len(value) > limit:
                parse_text(value, f)  # raises, naming the field and the limit
            return value or None

        return text
    if f.type == "user":
        return lambda raw: raw.strip() or None
    if f.type in ("phone", "email", "url"):
        return lambda raw: parse_field(f, raw)
    seen: dict[str, Any] = {}

    def cached(raw: str) -> Any:
        hit = seen.get(raw)
        if hit is None:
            try:
                hit = parse_field(f, raw)
            except Invalid as e:
                hit = _Bad(e.message)
            seen[raw] = hit
        if type(hit) is _Bad:
            raise Invalid(hit.message)
        return hit

    return cached


def _phone_and_key(raw: str) -> tuple[str, str | None]:
    text = parse_text(raw, CUSTOMER["phone"]) or ""
    return parse_phone_key(text)


def _custom_object(raw: str) -> dict[str, str]:
    """The ``extra`` column export writes: a JSON object of custom fields."""
    from crmcli.services.archive.customers import check_extra

    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise Invalid(
            t(
                "custom fields should be a JSON object such as {example}",
                example='{"微信群": "华东VIP"}',
            )
        )
    return check_extra({str(k): "" if v is None else str(v) for k, v in data.items()})


# what a column's cells become (see :func:`prepare`)
_CUSTOM, _TEXT, _FIELD, _PHONE, _EMAIL, _CONTACT, _EXTRA = range(7)


def _plan(found: Layout) -> list[tuple[int, str, int, str, Any]]:
    """Per column: (index, header, kind, field or custom name, converter or length limit)."""
    plan: list[tuple[int, str, int, str, Any]] = []
    for c in found.columns:
        if c.ignored:
            continue
        if c.target is None:
            plan.append((c.index, c.header, _CUSTOM, c.custom or c.header, None))
        elif c.target.startswith("contact."):
            f = CONTACT_TARGETS[c.target]
            plan.append((c.index, c.header, _CONTACT, f.name, _converter(f)))
        elif c.target == "phone":  # the customer's phone and its matching key, in one go
            plan.append((c.index, c.header, _PHONE, "phone", _phone_and_key))
        elif c.target == "email":
            plan.append((c.index, c.header, _EMAIL, "email", _converter(CUSTOMER["email"])))
        elif c.target == "extra":
            plan.append((c.index, c.header, _EXTRA, "extra", _custom_object))
        elif CUSTOMER[c.target].type == "text":
            plan.append((c.index, c.header, _TEXT, c.target, CUSTOMER[c.target]))
        else:
            plan.append((c.index, c.header, _FIELD, c.target, _converter(CUSTOMER[c.target])))
    return plan


def prepare(
    table: Table,
    *,
    mapping: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Prepared:
    """Map the columns and convert every cell; bad cells become :class:`Problem`s."""
    found = layout(table, mapping)
    plan = _plan(found)
    unquote = table.format == "csv"  # CSV carries neutralised formulas; XLSX plain strings
    name_header = found.targets["name"].header if "name" in found.targets else ""
    contact_header = found.targets["contact.name"].header if "contact.name" in found.targets else ""
    code_header = found.targets["code"].header if "code" in found.targets else ""
    rows = []
    for done, (number, cells) in enumerate(table.rows[found.data_from :], 1):
        width = len(cells)
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        contact: dict[str, Any] = {}
        keys: dict[str, str | None] = {}
        problems: list[Problem] = []
        for index, header, kind, name, convert in plan:
            if index >= width:
                continue
            raw = cells[index]
            if not raw or raw.isspace():
                continue
            if unquote and raw[0] == "'":
                raw = unneutralise(raw)
            if kind == _CUSTOM:
                extra[name] = raw.strip()
                continue
            if kind == _TEXT:
                value = raw.strip()
                if convert.limit and len(value) > convert.limit:
                    problems.append(Problem(header, raw, _too_long(value, convert)))
                else:
                    values[name] = value
                continue
            try:
                value = convert(raw)
            except Invalid as e:
                problems.append(Problem(header, raw, e.message))
                continue
            if value is None:
                continue
            if kind == _FIELD:
                values[name] = value
            elif kind == _PHONE:
                values["phone"], keys["phone"] = value
            elif kind == _EMAIL:
                values["email"] = value
                keys["email"] = email_key(value)
            elif kind == _CONTACT:
                contact[name] = value
            else:
                extra = {**value, **extra}
        if any(ch in values.get("name", "") for ch in "\t\r\n"):
            one_line = t("{field} is one line, without tabs", field=CUSTOMER["name"].label)
            problems.append(Problem(name_header, values.pop("name"), one_line))
        elif "name" not in values and not any(p.column == name_header for p in problems):
            required = t("{field} is required", field=CUSTOMER["name"].label)
            problems.append(Problem(name_header, "", required))
        if contact and "name" not in contact:
            missing = t("contact details are given but no contact name")
            problems.append(Problem(contact_header, "", missing))
        if "code" in values:
            try:
                values["code"] = code_shape(values["code"], CUSTOMER["code"].label)
            except Invalid as e:
                problems.append(Problem(code_header, values.pop("code"), e.message))
        rows.append(Row(number, cells, values, extra, contact or None, problems, keys))
        if progress and done % CHUNK == 0:
            progress(CHUNK)
    if progress:
        progress(len(rows) % CHUNK)
    return Prepared(table, found, rows)


def _too_long(value: str, f: FieldDef) -> str:
    try:
        parse_text(value, f)
    except Invalid as e:
        return e.message
    return ""
