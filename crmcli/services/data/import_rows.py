"""Reading an import file's rows (实训4-2): which column is which field, and every cell
converted by the validators the command line uses (:mod:`crmcli.validate`), outside any
transaction. Bad cells become :class:`Problem` s: row as the user sees it, column, value,
reason. :mod:`crmcli.services.data.importing` then matches and writes the rows.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import Any

from crmcli.cells import chinese_address, join_address, person_name
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
    "contact.birthday": CONTACT["birthday"],
    "contact.notes": CONTACT["notes"],
    "contact.role": CONTACT["role"],
    "contact.relation_level": CONTACT["relation_level"],
    "contact.hobbies": CONTACT["hobbies"],
    "contact.family": CONTACT["family"],
}
#: Customer fields a row fills only where the customer has none (the first row of the file
#: that gives one, for a new customer): a vCard's address, fax and web site of a person at
#: a company are the company's only when it has none of its own.
FILL_TARGETS = {f"fill.{name}": CUSTOMER[name] for name in ("address", "city", "fax", "website")}
#: Fields compared (and changed) when a row matches a customer; ``code`` is the match itself.
UPDATABLE = [f.name for f in FIELDS if f.name not in ("code", "created_at", "extra")]
#: rows converted, matched and written at a time (memory holds a chunk, not the file)
CHUNK = 5000
#: rows read before the columns are settled: the header is one of the first ten, and a
#: column matched only by a synonym is judged by its values in the rest (SPEC §7)
HEAD = 2000
#: a new customer's fields before the row's values go in
EMPTY = dict.fromkeys(n for n in UPDATABLE if n != "owner")
#: what a new customer is when the file does not say (as ``crm customer add``)
DEFAULTS = {"kind": "company", "level": "regular", "status": "lead"}
#: who imports customers and undoes imports (sales: their own)
IMPORTERS = permissions.IMPORTERS


# -- columns ---------------------------------------------------------------------------------


@dataclass
class Column:
    index: int
    header: str
    #: a field name, ``contact.<field>``, an ``address.<part>`` or ``contact.name.<part>`` to
    #: join, or None: a custom field
    target: str | None
    custom: str | None = None  # the custom field's name
    ignored: bool = False
    #: matched only by a synonym or another system's header, not by the field's own name or
    #: label: values that do not parse keep the column as a custom field (SPEC §7)
    lenient: bool = False


@dataclass
class Layout:
    columns: list[Column]
    header_row: int  # as the user sees it
    data_from: int = 0  # the first row of data in the head of ``Table.rows``
    warnings: list[str] = field(default_factory=list)
    system: str | None = None  # the CRM or ERP whose export the headers show
    #: a header of two cells or more: footer lines of one cell can be told from the data
    footers: bool = False
    #: custom fields the rows give beyond the columns planned as such: columns without a
    #: header that the first rows leave empty, given a value further on, and the postcode
    #: column of a Chinese address (written without it)
    late: dict[str, None] = field(default_factory=dict)

    @property
    def targets(self) -> dict[str, Column]:
        return {c.target: c for c in self.columns if c.target and not c.ignored}

    @property
    def custom_fields(self) -> list[str]:
        return [c.custom for c in self.columns if c.custom and not c.ignored] + list(self.late)

    @property
    def ignored(self) -> list[str]:
        return [c.header for c in self.columns if c.ignored and c.header.strip()]


_KNOWN: dict[str, str] = {}
#: the keys of fields' own names and labels (the rest of ``_KNOWN`` are synonyms)
_OWN: set[str] = set()
#: system -> {header key -> target} for the exports of other CRMs and ERPs
_SYSTEMS: dict[str, dict[str, str]] = {}


def known_headers() -> dict[str, str]:
    """header key -> target for every field name, label and synonym (built once)."""
    if not _KNOWN:
        for f in FIELDS:
            for i, word in enumerate((f.name, f.en, f.zh, *IMPORT_SYNONYMS.get(f.name, ()))):
                key = header_key(word)
                if key not in _KNOWN and i < 3:
                    _OWN.add(key)
                _KNOWN.setdefault(key, f.name)
        for target in [*CONTACT_TARGETS, *FILL_TARGETS]:
            for i, word in enumerate((target, *IMPORT_SYNONYMS.get(target, ()))):
                key = header_key(word)
                if key not in _KNOWN and i == 0:
                    _OWN.add(key)
                _KNOWN.setdefault(key, target)
    return _KNOWN


def system_headers() -> dict[str, dict[str, str]]:
    """system -> {header key -> target}: the headers of other CRMs' and ERPs' exports."""
    if not _SYSTEMS:
        from crmcli.import_headers import SYSTEM_HEADERS

        for system, headers in SYSTEM_HEADERS.items():
            _SYSTEMS[system] = {header_key(h): target for h, target in headers.items()}
    return _SYSTEMS


def recognise(headers: list[str]) -> tuple[str, dict[str, str]] | None:
    """The system whose export these headers are: the one sharing the most of them, with at
    least two of its own fields that are not headers of ours too (so our own export, custom
    fields and all, is never taken for one)."""
    known = known_headers()
    keys = {header_key(h) for h in headers if h.strip()}
    best: tuple[tuple[int, int], str, dict[str, str]] | None = None
    for system, table in system_headers().items():
        hits = keys & table.keys()
        own = {k for k in hits - known.keys() if table[k] != "extra"}  # (not custom fields)
        score = (len(own), len(hits))
        if score[0] >= 2 and (best is None or score > best[0]):
            best = (score, system, table)
    return (best[1], best[2]) if best else None


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


def layout(
    table: Table, head: list[tuple[int, list[str]]], mapping: dict[str, Any] | None = None
) -> Layout:
    """Match the file's columns to fields (SPEC §4), from the ``head`` of its rows (the
    header is one of the first ten; the rest are a sample of the data); raises
    :class:`Invalid` when the file cannot be imported as it stands (no name column, two
    columns for one field)."""
    known = known_headers()
    columns_given = (mapping or {}).get("columns", {})
    overrides = {header_key(k): (k, v) for k, v in columns_given.items()}
    notes: list[str] = []
    if table.headers is not None:
        headers, header_row, data_from = table.headers, 1, 0
    else:
        start = _header_index(head, known, overrides)
        header_row, headers = head[start] if head else (1, [])
        data_from = start + 1
        if start:
            notes.append(_read_past("above the header", head[:start]))
    data = head[data_from:]
    width = max([len(headers), *(len(cells) for _, cells in data)])
    headers = [*headers, *[""] * (width - len(headers))]
    ignored_keys = {header_key(w) for w in IMPORT_IGNORED}
    recognised = recognise(headers)
    system, by_system = recognised if recognised else (None, {})
    used: set[str] = set()
    from_system: set[str] = set()
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
            if any(i < len(cells) and _filled(cells[i]) for _, cells in data):
                column.custom = f"column {column_letter(i)}"
            else:
                column.ignored = True
        elif key in by_system:  # the system's own meaning first (its 类型, 状态 ...)
            target = by_system[key]
            if target == "extra" or target in from_system:  # (one column per field)
                column.custom = header
            else:
                from_system.add(target)
                column.target = target
                column.lenient = not (key in _OWN and known.get(key) == target)
        elif key in ignored_keys:
            column.ignored = True
        elif key in known:
            column.target = known[key]
            column.lenient = key not in _OWN
        else:
            column.custom = header
        columns.append(column)
    footers = data_from > 0 and sum(1 for c in headers if c.strip()) >= 2
    found = Layout(columns, header_row, data_from, system=system, footers=footers)
    if system:
        notes.insert(0, t("the columns are those of an export from {system}", system=system))
    found.warnings = notes + [
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
    """The header row: of the top rows naming the customer name, the one with the most cells
    that are headers (ours or another system's), else the first row (spreadsheets often carry
    a title such as 客户信息表 above the header; a data row may hold a word like 客户)."""
    systems = system_headers().values()
    their_names = {k for table in systems for k, target in table.items() if target == "name"}
    theirs = set().union(*systems)
    best: tuple[int, int] | None = None
    for i, (_, cells) in enumerate(rows[:10]):
        names = headers = 0
        for cell in cells:
            key = header_key(cell)
            spec = overrides.get(key, (None, None))[1]
            if spec is not None:
                names += known.get(header_key(str(spec))) == "name"
            else:
                names += known.get(key) == "name" or key in their_names
            headers += key in known or key in overrides or key in theirs
        if names and (best is None or headers > best[0]):
            best = (headers, i)
    return best[1] if best else 0


def _without_footer(rows: Iterator[tuple[int, list[str]]], found: Layout) -> Iterator[Any]:
    """The data rows, less the footer lines that end a report's export: after a blank line
    that follows the data, lines of one cell each (a report's name, "Generated By",
    copyright, confidentiality, the organisation: SPEC §4), reported in the layout's
    warnings. Rows are passed on ``FOOTER_LINES`` behind, to tell. (Blank lines are not in
    the rows: a gap in the line numbers is one.)"""
    if not found.footers:  # (a file of one column: every line is one cell)
        yield from rows
        return
    tail: deque[tuple[int, list[str]]] = deque()
    last = None  # the number of the last row passed on
    for row in rows:
        tail.append(row)
        if len(tail) > FOOTER_LINES:
            passed = tail.popleft()
            last = passed[0]
            yield passed
    end = list(tail)
    for i, (number, _) in enumerate(end):
        before = end[i - 1][0] if i else last
        if before is None or number <= before + 1:  # the first data row, or no blank line
            continue
        if all(sum(1 for c in cells if c.strip()) <= 1 for _, cells in end[i:]):
            found.warnings.append(_read_past("after the data", end[i:]))
            end = end[:i]
            break
    yield from end


def _read_past(where: str, lines: list[tuple[int, list[str]]]) -> str:
    texts = [" ".join(c.strip() for c in cells if c.strip()) for _, cells in lines]
    shown = "; ".join(text[:60] for text in texts if text)
    first, last = lines[0][0], lines[-1][0]
    rows = str(first) if first == last else f"{first}-{last}"
    if where == "above the header":
        return t("read past line(s) {rows} above the header: {text}", rows=rows, text=shown)
    return t("read past line(s) {rows} after the data: {text}", rows=rows, text=shown)


def _settle_contact_columns(found: Layout) -> None:
    """Contact columns belong to a contact only when the file names one (联系人); otherwise
    手机 is the customer's phone (unless the file has a phone column) and the rest are kept
    as custom fields."""
    targets = found.targets
    if "contact.name" in targets or any(k.startswith("contact.name.") for k in targets):
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
    fills: dict[str, Any] = field(default_factory=dict)  # see FILL_TARGETS


@dataclass
class Prepared:
    table: Table
    layout: Layout
    #: the data rows, converted, a chunk at a time as the file is read
    chunks: Iterator[list[Row]]


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
    parse = _excel_date(f) if f.type in ("date", "datetime") else lambda raw: parse_field(f, raw)

    def cached(raw: str) -> Any:
        hit = seen.get(raw)
        if hit is None:
            try:
                hit = parse(raw)
            except Invalid as e:
                hit = _Bad(e.message)
            seen[raw] = hit
        if type(hit) is _Bad:
            raise Invalid(hit.message)
        return hit

    return cached


_BREAKS = re.compile("[\t\r\n]").search
#: Outlook's empty date, written in every empty date field of its CSV export: an empty cell
NO_DATE = re.compile(r"\s*0{1,2}/0{1,2}/(?:00|0000)\s*").fullmatch


def _filled(raw: str) -> bool:
    """A cell that holds something: not blank, nor Outlook's empty date (``0/0/00``)."""
    return bool(raw) and not raw.isspace() and not NO_DATE(raw)


#: an Excel serial day number (45000 = 2023-03-15), with the time of day as its fraction
SERIAL = re.compile(r"\d{1,7}(\.\d+)?")


def _excel_date(f: FieldDef) -> Callable[[str], Any]:
    """A date field also takes Excel's serial day numbers (SPEC §4: a date cell that lost
    its date format, or a CSV written from one)."""

    def parse(raw: str) -> Any:
        text = raw.strip()
        if SERIAL.fullmatch(text) and 0 < float(text) < 2958466:  # up to 9999-12-31
            moment = datetime(1899, 12, 30) + timedelta(days=float(text))
            return moment.date() if f.type == "date" else moment.replace(microsecond=0)
        return parse_field(f, raw)

    return parse


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
_CUSTOM, _TEXT, _FIELD, _PHONE, _EMAIL, _CONTACT, _EXTRA, _PART, _FILL, _LATE = range(10)
#: exports of people, not companies: a row with no company is a person customer (SPEC §4)
ADDRESS_BOOKS = ("Outlook", "Google Contacts")
#: at most this many footer lines end a report's export (Salesforce writes five)
FOOTER_LINES = 10


def _plan(found: Layout) -> list[tuple[int, str, int, str, Any]]:
    """Per column: (index, header, kind, field or custom name, converter or length limit)."""
    plan: list[tuple[int, str, int, str, Any]] = []
    for c in found.columns:
        if c.ignored and not c.header:  # no header, empty in the head: named if it fills
            plan.append((c.index, c.header, _LATE, f"column {column_letter(c.index)}", None))
        if c.ignored:
            continue
        if c.target is None:
            plan.append((c.index, c.header, _CUSTOM, c.custom or c.header, None))
        elif c.target.startswith(("address.", "contact.name.")):  # a part, joined per row
            plan.append((c.index, c.header, _PART, c.target, CUSTOMER["address"]))
        elif c.target in FILL_TARGETS:
            f = FILL_TARGETS[c.target]
            plan.append((c.index, c.header, _FILL, f.name, _converter(f)))
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


def prepare(table: Table, *, mapping: dict[str, Any] | None = None) -> Prepared:
    """Map the columns (from the first :data:`HEAD` rows) and convert every cell as the rows
    are read, :data:`CHUNK` rows at a time; bad cells become :class:`Problem`s."""
    rows = iter(table.rows)
    head = list(islice(rows, HEAD))
    found = layout(table, head, mapping)
    sample = head[found.data_from :]
    unquote = table.format == "csv"  # CSV carries neutralised formulas; XLSX plain strings
    translate = _translations(found, (mapping or {}).get("values", {}))
    plan = _keep_what_does_not_parse(found, _plan(found), sample, unquote, translate)
    data = _without_footer(chain(sample, rows), found)
    converted = _converted(data, table, found, plan, unquote, translate)
    return Prepared(table, found, _chunked(converted))


def _chunked(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _converted(
    lines: Iterator[tuple[int, list[str]]],
    table: Table,
    found: Layout,
    plan: list[tuple[int, str, int, str, Any]],
    unquote: bool,
    translate: dict[int, dict[str, str]],
) -> Iterator[Row]:
    name_header = found.targets["name"].header if "name" in found.targets else ""
    contact_header = found.targets["contact.name"].header if "contact.name" in found.targets else ""
    code_header = found.targets["code"].header if "code" in found.targets else ""
    postcode_header = (
        found.targets["address.postcode"].header if "address.postcode" in found.targets else ""
    )
    lost = table.lost_digits
    unvalued: dict[int, list[int]] = {}
    for number, index in sorted(table.unvalued):
        unvalued.setdefault(number, []).append(index)
    people = found.system in ADDRESS_BOOKS
    planned = len(found.columns)
    for number, cells in lines:
        width = len(cells)
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        contact: dict[str, Any] = {}
        keys: dict[str, str | None] = {}
        problems: list[Problem] = []
        parts: dict[str, str] = {}
        fills: dict[str, Any] = {}
        for index in unvalued.get(number, ()):
            header = found.columns[index].header if index < planned else ""
            problems.append(Problem(header or column_letter(index), "", _no_value()))
        for index, header, kind, name, convert in plan:
            if index >= width:
                continue
            raw = cells[index]
            if not raw or raw.isspace() or (raw[0] in "0 " and NO_DATE(raw)):
                continue
            if unquote and raw[0] == "'":
                raw = unneutralise(raw)
            if index in translate:
                raw = translate[index].get(raw.strip().casefold(), raw)
            if lost and kind in (_CUSTOM, _TEXT, _LATE) and (number, index) in lost:
                problems.append(Problem(header, raw, _lost_digits(raw)))
                continue
            if kind == _CUSTOM:
                extra[name] = raw.strip()
                continue
            if kind == _LATE:
                extra[name] = raw.strip()
                found.late[name] = None
                continue
            if kind == _PART:
                parts[name] = raw.strip()
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
            elif kind == _FILL:
                fills[name] = value
            else:
                extra = {**value, **extra}
        if parts:
            left_out = _join_parts(parts, values, contact, problems)
            if left_out:  # a Chinese address is written without its postcode: kept apart
                extra[postcode_header] = left_out
                found.late[postcode_header] = None
        if people and "name" not in values and contact.get("name"):
            _person(values, contact, keys)
        if _BREAKS(values.get("name", "")):
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
        if width > planned:  # cells beyond the header's columns: kept, named by column
            for index in range(planned, width):
                if _filled(cells[index]):
                    name = f"column {column_letter(index)}"
                    extra[name] = cells[index].strip()
                    found.late[name] = None
        yield Row(number, cells, values, extra, contact or None, problems, keys, fills)


def _translations(found: Layout, values: dict[str, dict[str, str]]) -> dict[int, dict[str, str]]:
    """Column index -> {value in the file (case folded) -> ours}, from a mapping's
    ``values:`` section (SPEC §4: an ERP's vocabulary translated once, reused)."""
    targets = found.targets
    out: dict[int, dict[str, str]] = {}
    for name, table in values.items():
        target = _target_of(name, name)
        if target in targets:
            out[targets[target].index] = {k.strip().casefold(): v for k, v in table.items()}
    return out


def _keep_what_does_not_parse(
    found: Layout,
    plan: list[tuple[int, str, int, str, Any]],
    lines: list,
    unquote: bool,
    translate: dict[int, dict[str, str]],
) -> list[tuple[int, str, int, str, Any]]:
    """A column matched only by a synonym or another system's header whose values do not
    all parse for its field is kept, whole, as a custom field, with a notice (SPEC §7:
    HubSpot's ``Type: Customer`` is not our kind); no row is rejected for it."""
    lenient = {c.index: c for c in found.columns if c.lenient and not c.ignored}
    kept = []
    for index, header, kind, name, convert in plan:
        if index in lenient and kind in (_FIELD, _PHONE, _EMAIL, _CONTACT):
            bad = _first_bad(lines, index, convert, unquote, translate.get(index, {}))
            if bad is not None:
                column = lenient[index]
                column.target, column.custom = None, header
                found.warnings.append(
                    t(
                        "column '{column}' does not hold {field} values ('{value}'): kept as "
                        "a custom field",
                        column=header,
                        field=(CONTACT if kind == _CONTACT else CUSTOMER)[name].label,
                        value=bad,
                    )
                )
                kept.append((index, header, _CUSTOM, header, None))
                continue
        kept.append((index, header, kind, name, convert))
    return kept


def _first_bad(
    lines: list, index: int, convert: Any, unquote: bool, translate: dict[str, str]
) -> str | None:
    seen: set[str] = set()
    for _, cells in lines:
        if index >= len(cells):
            continue
        raw = cells[index]
        if not _filled(raw) or raw in seen:
            continue
        seen.add(raw)
        text = unneutralise(raw) if unquote and raw[0] == "'" else raw
        try:
            convert(translate.get(text.strip().casefold(), text))
        except Invalid:
            return raw.strip()
    return None


def _person(values: dict[str, Any], contact: dict[str, Any], keys: dict[str, Any]) -> None:
    """An address book's card without a company: the person is the customer (and stays its
    contact too, so title and phones are kept)."""
    values["name"] = contact["name"]
    values.setdefault("kind", "person")
    phone = contact.get("mobile") or contact.get("phone")
    if phone and "phone" not in values:
        values["phone"], keys["phone"] = parse_phone_key(phone)
    if contact.get("email") and "email" not in values:
        values["email"] = contact["email"]
        keys["email"] = email_key(contact["email"])


def _join_parts(
    parts: dict[str, str], values: dict[str, Any], contact: dict[str, Any], problems: list
) -> str:
    """Address parts become one address (and the city); name parts the contact's name.
    Returns the postcode a Chinese address leaves out ("" when there is none)."""
    address = {k[8:]: v for k, v in parts.items() if k.startswith("address.")}
    left_out = ""
    if address:
        joined = join_address(address)
        if chinese_address(address):
            left_out = address.get("postcode", "")
        limit = CUSTOMER["address"].limit
        if joined and "address" not in values:
            if limit and len(joined) > limit:
                problems.append(Problem(None, joined, _too_long(joined, CUSTOMER["address"])))
            else:
                values["address"] = joined
        city = address.get("city")
        if city and "city" not in values and len(city) <= (CUSTOMER["city"].limit or len(city)):
            values["city"] = city
    name = {k[13:]: v for k, v in parts.items() if k.startswith("contact.name.")}
    if name and "name" not in contact:
        contact["name"] = person_name(
            name.get("given", ""), name.get("middle", ""), name.get("family", "")
        )
    return left_out


def _no_value() -> str:
    return t(
        "a formula the file holds no value for (it was never computed); open the file in "
        "Excel or LibreOffice, save it, and import again"
    )


def _lost_digits(raw: str) -> str:
    return t(
        "a number of {count} digits: Excel keeps 15, so '{value}' has lost its last digits; "
        "format the column as text in Excel and export again",
        count=len(raw.split(".")[0].lstrip("-")),
        value=raw,
    )


def _too_long(value: str, f: FieldDef) -> str:
    try:
        parse_text(value, f)
    except Invalid as e:
        return e.message
    return ""
