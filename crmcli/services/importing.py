"""Importing customers from a file (实训4-2): the rules, from columns to rows in the database.

1. :func:`layout` matches the file's columns to fields (names, labels, synonyms, a
   ``--mapping``); unknown columns become custom fields, so nothing is dropped.
2. :func:`prepare` converts every cell with the validators the command line uses
   (:mod:`crmcli.validate`), outside any transaction.
3. :func:`run` (inside one write transaction) matches rows to each other and to the
   database by the ``--match`` keys, then writes in bulk through SQLAlchemy Core:
   new customers and contacts, changed fields (never blanked by an empty cell), the
   matching keys and search text they imply, an audit entry per record and a batch
   that :func:`undo` can take back.

By default an import is all-or-nothing: one bad row and nothing is written, and every
bad row is reported (row as the user sees it, column, value, reason).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crmcli.bulk import big_cache, insert_many
from crmcli.errors import Conflict, Invalid, NotFound
from crmcli.i18n import pick, t
from crmcli.services import audit, permissions
from crmcli.services.codes import code_shape
from crmcli.services.context import Ctx
from crmcli.tabular import Table, column_letter, header_key, unneutralise
from crmcli.validate import email_key, parse_field, parse_phone_key, parse_text, phone_key
from crmcli.vocab import (
    CONTACT,
    CUSTOMER,
    CUSTOMER_FIELDS,
    IMPORT_IGNORED,
    IMPORT_SYNONYMS,
    MATCH_KEY,
    FieldDef,
    fold,
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
_EMPTY = dict.fromkeys(n for n in UPDATABLE if n != "owner")
#: what a new customer is when the file does not say (as ``crm customer add``)
_DEFAULTS = {"kind": "company", "level": "regular", "status": "lead"}
IMPORTERS = ("admin", "manager", "sales")


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
    from crmcli.services.customers import check_extra

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
        if "name" not in values and not any(p.column == name_header for p in problems):
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


# -- matching and writing --------------------------------------------------------------------


@dataclass
class Options:
    match: tuple[str, ...] = ("code", "phone", "email")
    on_duplicate: str = "update"
    skip_invalid: bool = False
    dry_run: bool = False


def parse_match(text: str) -> tuple[str, ...]:
    """``code,phone`` (or 编号,电话) -> ('code', 'phone')."""
    import re

    keys = [MATCH_KEY.parse(p) for p in re.split(r"[,，、\s]+", text) if p.strip()]
    if not keys:
        raise Invalid(t("--match needs at least one of {accepted}", accepted=MATCH_KEY.accepted()))
    return tuple(dict.fromkeys(keys))


@dataclass(eq=False, slots=True)
class Group:
    """The rows of the file that are one customer: an existing one (``target``) or a new one."""

    first: Row
    target: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str | None] = field(default_factory=dict)
    skip: bool = False
    id: int | None = None
    now: dict[str, Any] = field(default_factory=dict)  # the matched customer as it is
    changes: dict[str, list[Any]] = field(default_factory=dict)

    def take(self, row: Row) -> None:
        self.values.update(row.values)
        self.keys.update(row.keys)
        self.extra.update(row.extra)
        if row.contact:
            key = fold(row.contact["name"])
            self.contacts[key] = {**self.contacts.get(key, {}), **row.contact}


@dataclass
class Result:
    file: str
    format: str
    encoding: str | None
    sheet: str | None
    header_row: int
    dry_run: bool
    read: int = 0
    batch: int | None = None
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, int]] = field(default_factory=list)
    contacts_created: int = 0
    contacts_updated: int = 0
    custom_fields: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    rejected_rows: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON summary (SPEC §6), with a few keys more."""
        return {
            "batch": self.batch,
            "encoding": self.encoding,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "file": self.file,
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "dry_run": self.dry_run,
            "contacts": {"created": self.contacts_created, "updated": self.contacts_updated},
            "custom_fields": self.custom_fields,
            "ignored_columns": self.ignored_columns,
        }


class _Index:
    """The live customers' matching keys (and every code), loaded once per import."""

    def __init__(self, ctx: Ctx, match: Sequence[str]) -> None:
        from sqlalchemy import select

        from crmcli.models import Customer as C

        self.code: dict[str, tuple[int, bool]] = {}
        self.keys: dict[str, dict[str, list[int]]] = {k: {} for k in match if k != "code"}
        self.info: dict[int, tuple[str, int | None]] = {}
        by_name = "name" in match
        columns = [C.id, C.code, C.owner_id, C.deleted_at, C.phone_key, C.email_key]
        rows = ctx.session.connection().execute(select(*columns, C.name if by_name else C.id))
        phones = self.keys.get("phone")
        emails = self.keys.get("email")
        names = self.keys.get("name")
        for id_, code, owner, deleted, phone, email, name in rows.all():
            live = deleted is None
            if code:
                self.code[code] = (id_, live)
            if not live:
                continue
            self.info[id_] = (code, owner)
            if phones is not None and phone:
                phones.setdefault(phone, []).append(id_)
            if emails is not None and email:
                emails.setdefault(email, []).append(id_)
            if names is not None:
                names.setdefault(fold(name), []).append(id_)


def _row_keys(row: Row, match: Sequence[str]) -> list[tuple[str, str]]:
    keys = []
    for k in match:
        if k == "code":
            v = row.values.get("code")
        elif k == "name":
            v = fold(row.values["name"])
        else:
            v = row.keys.get(k)
        if v:
            keys.append((k, v))
    return keys


def _owners(ctx: Ctx) -> Callable[[str], int]:
    """Username or a member of staff's exact name -> user id, by the rules of ``--owner``:
    an unknown or disabled user, or one the actor may not give records to, is Invalid."""
    from sqlalchemy import select

    from crmcli.models import User

    by_username: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    disabled: set[int] = set()
    for u in ctx.session.execute(select(User.id, User.username, User.name, User.active)):
        by_username[u.username] = u.id
        if u.name:
            by_name.setdefault(u.name, []).append(u.id)
        if not u.active:
            disabled.add(u.id)
    anyone = permissions.changes_all(ctx)

    def owner(text: str) -> int:
        found = by_username.get(text)
        if found is None and len(by_name.get(text, [])) == 1:
            found = by_name[text][0]
        if found is None:
            raise Invalid(t("unknown user '{value}'", value=text))
        if found in disabled:
            raise Invalid(t("user '{value}' is disabled", value=text))
        if not anyone and found != ctx.actor.id:
            raise Invalid(t("you may not give customers to other staff ({value})", value=text))
        return found

    return owner


def run(
    ctx: Ctx,
    prepared: Prepared,
    options: Options,
    *,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Match and write (the caller's transaction; it rolls back a dry run or a refusal).

    Nothing is written when a row is bad and ``skip_invalid`` is off: the result then
    lists every problem and ``written`` is False.
    """
    permissions.require_role(ctx, IMPORTERS, t("import customers"))
    table, found = prepared.table, prepared.layout
    result = Result(
        file=table.name,
        format=table.format,
        encoding=table.encoding,
        sheet=table.sheet,
        header_row=found.header_row,
        dry_run=options.dry_run,
        read=len(prepared.rows),
        custom_fields=found.custom_fields,
        ignored_columns=found.ignored,
        warnings=list(found.warnings),
    )
    groups = _match(ctx, prepared, options, result)
    problems = [r for r in prepared.rows if r.problems]
    for row in problems:
        for p in row.problems:
            result.errors.append(
                {"row": row.number, "column": p.column, "value": p.value, "reason": p.reason}
            )
    result.rejected = len(problems)
    result.rejected_rows = problems
    if problems and not options.skip_invalid:
        return result
    created = [g for g in groups if g.target is None]
    matched = [g for g in groups if g.target is not None]
    _compare(ctx, matched, result)
    result.created = len(created)
    result.updated = sum(1 for g in matched if g.changes or g.contacts)
    result.skipped = len(matched) - result.updated
    result.contacts_created += sum(len(g.contacts) for g in created)
    batch = _new_batch(ctx, result)
    writer = _Writer(ctx, batch, progress)
    with big_cache(ctx.session.connection()):
        writer.create(created)
        writer.update([g for g in matched if g.changes or g.contacts])
        writer.finish(result)
    _finish_batch(batch, result, options)
    result.batch = None if options.dry_run else batch.id  # a dry run keeps no batch
    result.written = True
    return result


def _match(ctx: Ctx, prepared: Prepared, options: Options, result: Result) -> list[Group]:
    """Group the rows: each group one customer (new, or the existing one its keys match).

    A code names its customer: a row with a code is matched by it alone (when ``code`` is
    a match key), other rows by their other keys. A row whose keys name two customers is
    a problem (ambiguous), never a guess.
    """
    match = options.match
    index = _Index(ctx, match)
    targets = prepared.layout.targets
    owner_of = _owners(ctx) if "owner" in targets else None
    code_header = targets["code"].header if "code" in targets else None
    in_file: dict[tuple[str, str], list[Group]] = {}
    by_target: dict[int, Group] = {}
    groups: list[Group] = []
    for row in prepared.rows:
        if row.problems:
            continue
        if owner_of is not None and "owner" in row.values:
            try:
                row.values["owner"] = owner_of(row.values["owner"])
            except Invalid as e:
                row.problems.append(
                    Problem(targets["owner"].header, row.values["owner"], e.message)
                )
                continue
        keys = _row_keys(row, match)
        code = row.values.get("code")
        decides = bool(code) and "code" in match
        lookups = [("code", code)] if decides else [k for k in keys if k[0] != "code"]
        # what the keys name: ("g", id(group)) or ("c", customer id) -> (group, id, key)
        found: dict[tuple[str, int], tuple[Group | None, int | None, str]] = {}
        for key, value in lookups:
            for group in in_file.get((key, value), []):
                found.setdefault(("g", id(group)), (group, None, key))
            if key == "code":
                hit = index.code.get(value)
                if hit is not None and not hit[1]:
                    row.problems.append(Problem(code_header, value, _deleted(value)))
                ids = [hit[0]] if hit is not None and hit[1] else []
            else:
                ids = index.keys[key].get(value, [])
            for target in ids:
                group = by_target.get(target)
                if group is not None:
                    found.setdefault(("g", id(group)), (group, None, key))
                else:
                    found.setdefault(("c", target), (None, target, key))
        if not found and code and not decides:
            _code_taken(row, code, code_header, index, in_file)
        if row.problems:
            continue
        if len(found) > 1:
            row.problems.append(Problem(None, None, _ambiguous(found.values(), index)))
            continue
        if found:
            group, target, key = next(iter(found.values()))
            if group is not None:
                if not _join(row, group, key, options, result, index):
                    continue
            else:
                group = _existing(ctx, row, target, key, options, index)  # type: ignore[arg-type]
                if group is None:
                    continue
                by_target[target] = group  # type: ignore[index]
                groups.append(group)
        else:
            group = Group(row)
            group.take(row)
            groups.append(group)
        for key_value in (("code", code), *keys) if code else keys:
            members = in_file.setdefault(key_value, [])  # type: ignore[arg-type]
            if group not in members:
                members.append(group)
    return groups


def _deleted(code: str) -> str:
    return t("customer {code} is deleted; restore it first: crm customer restore {code}", code=code)


def _code_taken(
    row: Row, code: str, header: str | None, index: _Index, in_file: dict[Any, list[Group]]
) -> None:
    """A new customer's code (codes not being a match key) must be free."""
    hit = index.code.get(code)
    earlier = in_file.get(("code", code))
    if hit is not None:
        other = index.info[hit[0]][0] if hit[1] else _deleted(code)
    elif earlier:
        other = t("row {row} ({key})", row=earlier[0].first.number, key=MATCH_KEY.label("code"))
    else:
        return
    row.problems.append(
        Problem(
            header,
            code,
            t("customer code '{value}' is already used by {other}", value=code, other=other),
        )
    )


def _describe(group: Group | None, target: int | None, key: str, index: _Index) -> str:
    what = MATCH_KEY.label(key)
    if group is not None and group.target is None:
        return t("row {row} ({key})", row=group.first.number, key=what)
    code = index.info[group.target if group is not None else target][0]  # type: ignore[index]
    return f"{code} ({what})"


def _ambiguous(found: Iterable[tuple[Group | None, int | None, str]], index: _Index) -> str:
    return t(
        "matches more than one customer: {candidates}",
        candidates=", ".join(_describe(g, tid, k, index) for g, tid, k in found),
    ) + pick(
        "; merge them first (crm customer dedupe) or give a code",
        "；请先合并（crm customer dedupe）或填写客户编号",
    )


def _join(
    row: Row, group: Group, key: str, options: Options, result: Result, index: _Index
) -> bool:
    """A row that repeats an earlier row of the file: merged into it (listed under duplicates)."""
    what = MATCH_KEY.label(key)
    if options.on_duplicate == "error":
        row.problems.append(
            Problem(None, None, t("repeats row {row} ({key})", row=group.first.number, key=what))
        )
        return False
    code, other = row.values.get("code"), group.values.get("code")
    if group.target is not None:
        other = index.info[group.target][0]
    if code and other and code != other:
        row.problems.append(
            Problem(
                None,
                code,
                t(
                    "repeats row {row} ({key}) but has another code, {code}",
                    row=group.first.number,
                    key=what,
                    code=code,
                ),
            )
        )
        return False
    result.duplicates.append({"row": row.number, "same_as_row": group.first.number})
    if not group.skip:
        group.take(row)
    return True


def _existing(
    ctx: Ctx, row: Row, target: int, key: str, options: Options, index: _Index
) -> Group | None:
    """A row matching a customer in the database."""
    code, owner_id = index.info[target]
    what = MATCH_KEY.label(key)
    if row.values.get("code") and row.values["code"] != code:
        row.problems.append(
            Problem(
                None,
                row.values["code"],
                t("matches {code} ({key}) but has another code", code=code, key=what),
            )
        )
        return None
    if options.on_duplicate == "error":
        row.problems.append(
            Problem(None, None, t("duplicate of {code} ({key})", code=code, key=what))
        )
        return None
    if (
        ctx.actor.team
        and ctx.actor.role not in permissions.CHANGE_ALL
        and owner_id not in (None, ctx.actor.id)
    ):
        row.problems.append(
            Problem(
                None,
                None,
                t(
                    "matches {code} ({key}), which {user} may not change",
                    code=code,
                    key=what,
                    user=ctx.actor.username,
                ),
            )
        )
        return None
    group = Group(row, target=target, skip=options.on_duplicate == "skip")
    if not group.skip:
        group.take(row)
    return group


# -- comparing with the database -------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _current(ctx: Ctx, ids: Sequence[int], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    """These customers' columns ``names`` (and id, code, name, phone, e-mail), by id."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    wanted = dict.fromkeys(["id", "code", "name", "phone", "email", *names])
    columns = [C.__table__.c[n] for n in wanted]
    current = {}
    conn = ctx.session.connection()  # Core rows: no ORM loading for thousands of them
    for chunk in _chunks(list(ids)):
        for r in conn.execute(select(*columns).where(C.id.in_(chunk))).all():
            current[r.id] = dict(r._mapping)
    return current


def _contacts_of(ctx: Ctx, ids: Sequence[int]) -> dict[tuple[int, str], dict[str, Any]]:
    from sqlalchemy import select

    from crmcli.models import Contact as K

    names = [n[8:] for n in CONTACT_TARGETS]
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for chunk in _chunks(list(ids)):
        q = (
            select(K.id, K.customer_id, *(getattr(K, n) for n in names))
            .where(K.customer_id.in_(chunk), K.deleted_at.is_(None))
            .order_by(K.id)
        )
        for r in ctx.session.connection().execute(q):
            found.setdefault((r.customer_id, fold(r.name)), dict(r._mapping))
    return found


def _compare(ctx: Ctx, matched: list[Group], result: Result) -> None:
    """What each matched row would change: fields and custom fields it fills or changes
    (an empty cell never blanks a value) and its contact, new or changed."""
    wanted = [g for g in matched if not g.skip]
    names: set[str] = set()
    for g in wanted:
        names.update(g.values)
        if g.extra:
            names.add("extra")
    names = {"owner_id" if n == "owner" else n for n in names} - {"created_at"}
    current = _current(ctx, [g.target for g in wanted], names)  # type: ignore[misc]
    with_contacts = [g.target for g in wanted if g.contacts]
    people = _contacts_of(ctx, with_contacts) if with_contacts else {}
    for g in wanted:
        now = g.now = current[g.target]  # type: ignore[index]
        g.id = g.target
        changes = {}
        for name, value in g.values.items():
            if name in ("code", "created_at"):
                continue
            column = "owner_id" if name == "owner" else name
            old = now[column]
            if old != value:  # the same types: a cell is converted as the column stores it
                changes[column] = [old, value]
        if g.extra:
            old_extra = now["extra"] or {}
            new_extra = {**old_extra, **g.extra}
            if new_extra != old_extra:
                changes["extra"] = [old_extra or None, new_extra]
        g.changes = changes
        kept = {}
        for key, person in g.contacts.items():
            existing = people.get((g.target, key))  # type: ignore[arg-type]
            if existing is None:
                kept[key] = person
                result.contacts_created += 1
                continue
            diff = {
                k: [existing[k], v] for k, v in person.items() if k != "name" and existing[k] != v
            }
            if diff:
                kept[key] = {**person, "_id": existing["id"], "_changes": diff}
                result.contacts_updated += 1
        g.contacts = kept


# -- writing ---------------------------------------------------------------------------------


def _new_batch(ctx: Ctx, result: Result) -> Any:
    from crmcli.models import ImportBatch

    batch = ImportBatch(
        at=ctx.at,
        user=ctx.actor.username,
        entity="customer",
        file=result.file,
        format=result.format,
        encoding=result.encoding,
    )
    ctx.session.add(batch)
    ctx.session.flush()
    return batch


def _finish_batch(batch: Any, result: Result, options: Options) -> None:
    batch.read = result.read
    batch.created = result.created
    batch.updated = result.updated
    batch.skipped = result.skipped
    batch.rejected = result.rejected
    batch.details = {
        "sheet": result.sheet,
        "match": list(options.match),
        "on_duplicate": options.on_duplicate,
        "duplicates": len(result.duplicates),
        "contacts": {"created": result.contacts_created, "updated": result.contacts_updated},
        "custom_fields": result.custom_fields,
    }


class _Writer:
    """Bulk writes through SQLAlchemy Core, in the caller's transaction, with an audit
    entry (carrying the batch) for every record created or changed."""

    def __init__(self, ctx: Ctx, batch: Any, progress: Callable[[int], None] | None) -> None:
        from crmcli.models import Contact, Customer

        self.ctx = ctx
        self.conn = ctx.session.connection()
        self.batch = batch
        self.progress = progress or (lambda n: None)
        self.customers = Customer.__table__
        self.contacts = Contact.__table__
        self.audits: list[tuple[str, str, int, str | None, Any]] = []
        self.new_contacts: list[dict[str, Any]] = []

    def _audit(
        self, action: str, entity: str, entity_id: int, code: str | None, changes: Any = None
    ) -> None:
        self.audits.append((action, entity, entity_id, code, changes))

    def _contact(self, customer_id: int, person: dict[str, Any]) -> None:
        record = {n[8:]: person.get(n[8:]) for n in CONTACT_TARGETS}
        record.update(
            customer_id=customer_id,
            import_batch_id=self.batch.id,
            created_at=self.ctx.at,
            updated_at=self.ctx.at,
            deleted_at=None,
        )
        self.new_contacts.append(record)

    def create(self, groups: list[Group]) -> None:
        """New customers, with codes handed out in file order, and their contacts."""
        from sqlalchemy import select

        from crmcli.models import Customer
        from crmcli.services.codes import next_codes
        from crmcli.services.customers import search_text
        from crmcli.services.people import default_owner

        if not groups:
            return
        ctx = self.ctx
        given = {g.values["code"] for g in groups if g.values.get("code")}
        missing = len(groups) - len(given)
        codes: list[str] = []
        while len(codes) < missing:
            fresh = next_codes(ctx, "C", Customer, missing - len(codes))
            codes += [c for c in fresh if c not in given]
        codes.reverse()
        owner = default_owner(ctx, None)
        at, batch = ctx.at, self.batch.id
        records = []
        for g in groups:
            v = g.values
            code = v.get("code") or codes.pop()
            phone, email = v.get("phone"), v.get("email")
            key = g.keys.get("phone")
            record = {**_EMPTY, **v}
            record.pop("owner", None)
            record.update(
                code=code,
                kind=v.get("kind") or _DEFAULTS["kind"],
                level=v.get("level") or _DEFAULTS["level"],
                status=v.get("status") or _DEFAULTS["status"],
                owner_id=v.get("owner", owner),
                extra=g.extra or None,
                phone_key=key,
                email_key=g.keys.get("email"),
                search_text=search_text(
                    code=code,
                    name=v["name"],
                    phone=phone,
                    phone_key=key,
                    email=email,
                    contacts=[p["name"] for p in g.contacts.values()],
                ),
                import_batch_id=batch,
                created_at=v.get("created_at") or at,
                updated_at=at,
                deleted_at=None,
            )
            records.append(record)
        table = self.customers
        given_fields = set().union(*(g.values for g in groups), _DEFAULTS)
        used = [c for c in records[0] if c in given_fields or c not in _EMPTY]
        for chunk in _chunks(records, CHUNK * 5):
            insert_many(self.conn, table, chunk, columns=used)
            self.progress(len(chunk))
        q = select(table.c.code, table.c.id).where(table.c.import_batch_id == batch)
        ids = dict(self.conn.execute(q).all())
        for g, record in zip(groups, records, strict=True):
            g.id = ids[record["code"]]
            self._audit("create", "customer", g.id, record["code"])
            for person in g.contacts.values():
                self._contact(g.id, person)

    def update(self, groups: list[Group]) -> None:
        """Changed customers (fields, matching keys, search text) and their contacts."""
        from sqlalchemy import select

        from crmcli.services.customers import search_text

        if not groups:
            return
        at = self.ctx.at
        contact_changes = []
        searched: dict[int, list[str]] = {}
        for g in groups:
            assert g.id is not None
            added = []
            for person in g.contacts.values():
                if "_id" in person:
                    values = {f: change[1] for f, change in person["_changes"].items()}
                    contact_changes.append((person["_id"], {**values, "updated_at": at}))
                    self._audit("update", "contact", person["_id"], None, person["_changes"])
                else:
                    self._contact(g.id, person)
                    added.append(person["name"])
            if added or {"name", "phone", "email"} & set(g.changes):
                searched[g.id] = added
        update_rows(self.conn, self.contacts, contact_changes)
        k = self.contacts
        for chunk in _chunks(sorted(searched)):
            q = select(k.c.customer_id, k.c.name).where(
                k.c.customer_id.in_(chunk), k.c.deleted_at.is_(None)
            )
            for r in self.conn.execute(q):
                searched[r.customer_id].append(r.name)
        updates = []
        for g in groups:
            values = {f: change[1] for f, change in g.changes.items()}
            if "phone" in values:
                values["phone_key"] = phone_key(values["phone"])
            if "email" in values:
                values["email_key"] = email_key(values["email"])
            if g.id in searched:
                now = {**g.now, **values}
                values["search_text"] = search_text(
                    code=now["code"],
                    name=now["name"],
                    phone=now["phone"],
                    phone_key=phone_key(now["phone"]),
                    email=now["email"],
                    contacts=searched[g.id],
                )
            values["updated_at"] = at
            updates.append((g.id, values))
            if g.changes:
                self._audit("update", "customer", g.id, g.now["code"], g.changes)  # type: ignore[arg-type]
        update_rows(self.conn, self.customers, updates)  # type: ignore[arg-type]
        self.progress(len(groups))

    def finish(self, result: Result) -> None:
        """The contacts gathered, then every audit entry, the batch's own one last."""
        from sqlalchemy import select

        k = self.contacts
        insert_many(self.conn, k, self.new_contacts)
        if self.new_contacts:
            q = select(k.c.id, k.c.customer_id, k.c.name).where(
                k.c.import_batch_id == self.batch.id
            )
            for r in self.conn.execute(q.order_by(k.c.id)):
                changes = {"customer_id": [None, r.customer_id], "name": [None, r.name]}
                self._audit("create", "contact", r.id, None, changes)
        counts = {
            key: [None, getattr(result, key)]
            for key in ("created", "updated", "skipped", "rejected")
        }
        self._audit(
            "import", "import_batch", self.batch.id, None, {"file": [None, result.file], **counts}
        )
        audit.record_many(self.ctx, self.audits, batch_id=self.batch.id)
        self.audits = []


def update_rows(conn: Any, table: Any, updates: list[tuple[int, dict[str, Any]]]) -> None:
    """Many ``UPDATE table SET ... WHERE id = :id``: one executemany per set of columns."""
    from sqlalchemy import bindparam, update

    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in updates:
        shapes.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    for columns, params in shapes.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        for chunk in _chunks(params, CHUNK):
            conn.execute(stmt, list(chunk))


# -- history and undo ------------------------------------------------------------------------

BATCH_FIELDS = [
    "id",
    "at",
    "user",
    "entity",  # customer: an import; segment: report segment --apply (undo: --revert)
    "file",
    "format",
    "encoding",
    "read",
    "created",
    "updated",
    "skipped",
    "rejected",
    "undone_at",
]


def batches(ctx: Ctx, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Import batches, newest first (``crm db imports``)."""
    from sqlalchemy import select

    from crmcli.models import ImportBatch as B

    q = select(*(getattr(B, n) for n in BATCH_FIELDS)).order_by(B.id.desc())
    if limit:
        q = q.limit(limit)
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def _typed(column: str, value: Any) -> Any:
    """A value as the audit log keeps it (plain JSON) back in its column's type."""
    if value is None:
        return None
    f = CUSTOMER.get(column)
    kind = f.type if f is not None else "text"
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "money":
        return Decimal(value)
    return value


def _refresh_search(ctx: Ctx, ids: Iterable[int]) -> None:
    """Recompute the search text of these customers (bulk)."""
    from sqlalchemy import select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.services.customers import search_text

    ids = sorted(set(ids))
    for chunk in _chunks(ids):
        names: dict[int, list[str]] = {}
        q = select(K.customer_id, K.name).where(K.customer_id.in_(chunk), K.deleted_at.is_(None))
        for r in ctx.session.execute(q.order_by(K.id)):
            names.setdefault(r.customer_id, []).append(r.name)
        rows = ctx.session.execute(
            select(C.id, C.code, C.name, C.phone, C.phone_key, C.email).where(C.id.in_(chunk))
        )
        updates = [
            (
                r.id,
                {
                    "search_text": search_text(
                        code=r.code,
                        name=r.name,
                        phone=r.phone,
                        phone_key=r.phone_key,
                        email=r.email,
                        contacts=names.get(r.id, []),
                    )
                },
            )
            for r in rows
        ]
        update_rows(ctx.session.connection(), C.__table__, updates)


def _blockers(ctx: Ctx, customers: dict[int, str], contacts: list[int]) -> dict[str, set[str]]:
    """Records added since the import under what it created: code -> kinds of record."""
    from sqlalchemy import select

    from crmcli.models import Contact, load_all

    blocked: dict[str, set[str]] = {}
    ids = sorted(customers)
    mine = set(contacts)
    for table in load_all().sorted_tables:
        if "customer_id" in table.c and table.name != "contact":
            for chunk in _chunks(ids):
                q = select(table.c.customer_id).where(table.c.customer_id.in_(chunk)).distinct()
                for (cid,) in ctx.session.execute(q):
                    blocked.setdefault(customers[cid], set()).add(table.name)
    for chunk in _chunks(ids):
        q = select(Contact.id, Contact.customer_id).where(Contact.customer_id.in_(chunk))
        for r in ctx.session.execute(q):
            if r.id not in mine:
                blocked.setdefault(customers[r.customer_id], set()).add("contact")
    owner_of = {}
    for chunk in _chunks(sorted(mine)):
        q = select(Contact.id, Contact.customer_id).where(Contact.id.in_(chunk))
        owner_of.update(ctx.session.execute(q).all())
    from crmcli.models import Customer

    for table in load_all().sorted_tables:
        if "contact_id" in table.c:
            for chunk in _chunks(sorted(mine)):
                q = select(table.c.contact_id).where(table.c.contact_id.in_(chunk)).distinct()
                for (kid,) in ctx.session.execute(q):
                    code = (
                        customers.get(owner_of[kid])
                        or ctx.session.get(Customer, owner_of[kid]).code
                    )
                    blocked.setdefault(code, set()).add(table.name)
    return blocked


def _named(entity: str, row: Any) -> str:
    return row["code"] if entity == "customer" else f"{pick('contact', '联系人')} {row['id']}"


def undo(ctx: Ctx, batch_id: int) -> dict[str, Any]:
    """Take back one import: remove what it created, restore what it changed.

    A field is restored only while it still holds what the import wrote (a later edit
    is kept and reported). Refused, changing nothing, when records have been added
    since under a customer or contact the import created.
    """
    from sqlalchemy import delete, select

    from crmcli.models import AuditEntry as A
    from crmcli.models import Contact, Customer, ImportBatch

    batch = ctx.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(
            t("no import batch {batch}", batch=batch_id),
            hint=t("see the list with: {command}", command="crm db imports"),
        )
    if batch.entity == "segment":
        raise Conflict(
            t("batch {batch} set levels from a segmentation, not an import", batch=batch_id),
            hint=t(
                "take it back with: {command}", command=f"crm report segment --revert {batch_id}"
            ),
        )
    if batch.undone_at is not None:
        raise Conflict(
            t(
                "import batch {batch} was already undone at {at}",
                batch=batch_id,
                at=batch.undone_at.isoformat(sep=" ", timespec="minutes"),
            )
        )
    if ctx.actor.team and batch.user != ctx.actor.username:
        permissions.require_role(ctx, permissions.CHANGE_ALL, t("undo another user's import"))
    permissions.require_role(ctx, IMPORTERS, t("undo imports"))
    session = ctx.session
    created = dict(
        session.execute(
            select(Customer.id, Customer.code).where(Customer.import_batch_id == batch_id)
        ).all()
    )
    new_contacts = list(
        session.execute(select(Contact.id).where(Contact.import_batch_id == batch_id)).scalars()
    )
    blocked = _blockers(ctx, created, new_contacts)
    if blocked:
        shown = "; ".join(
            f"{code}: {', '.join(sorted(kinds))}" for code, kinds in sorted(blocked.items())
        )
        raise Conflict(
            t(
                "cannot undo import batch {batch}: records were added since under what it created ({records})",
                batch=batch_id,
                records=shown,
            ),
            hint=t("delete or move those records first"),
        )
    entries = session.execute(
        select(A.entity, A.entity_id, A.changes)
        .where(A.batch_id == batch_id, A.action == "update")
        .order_by(A.id)
    ).all()
    kept: list[str] = []
    logged: list[tuple[str, str, int, str | None, Any]] = []
    touched: set[int] = set()
    restored = {"customer": 0, "contact": 0}
    for entity, model in (("customer", Customer), ("contact", Contact)):
        changes = {e.entity_id: e.changes or {} for e in entries if e.entity == entity}
        if not changes:
            continue
        columns = sorted({c for ch in changes.values() for c in ch} | {"id"})
        if entity == "customer":
            columns = sorted({*columns, "code"})
        table = model.__table__
        current = {}
        for chunk in _chunks(sorted(changes)):
            q = select(*(table.c[c] for c in columns)).where(table.c.id.in_(chunk))
            current.update({r.id: r._mapping for r in session.execute(q)})
        updates = []
        for row_id, fields in changes.items():
            now = current.get(row_id)
            if now is None:
                continue
            values: dict[str, Any] = {}
            for column, (old, new) in fields.items():
                if column == "extra":
                    extra = dict(now["extra"] or {})
                    for key, value in (new or {}).items():
                        if extra.get(key) == value:
                            if (old or {}).get(key) is None:
                                extra.pop(key, None)
                            else:
                                extra[key] = old[key]
                        else:
                            kept.append(f"{_named(entity, now)} {key}")
                    if extra != (now["extra"] or {}):
                        values["extra"] = extra or None
                elif audit.plain(now[column]) == new:
                    values[column] = _typed(column, old)
                else:
                    kept.append(f"{_named(entity, now)} {column}")
            if not values:
                continue
            if "phone" in values:
                values["phone_key"] = phone_key(values["phone"])
            if "email" in values:
                values["email_key"] = email_key(values["email"])
            values["updated_at"] = ctx.at
            updates.append((row_id, values))
            changed = {c: [now[c], v] for c, v in values.items() if c in fields}
            logged.append(("undo", entity, row_id, now.get("code"), changed))
            if entity == "customer" and {"name", "phone", "email"} & set(values):
                touched.add(row_id)
        update_rows(session.connection(), table, updates)
        restored[entity] = len(updates)
    if new_contacts:
        survivors = session.execute(
            select(Contact.customer_id)
            .where(Contact.id.in_(new_contacts), Contact.customer_id.not_in(list(created) or [0]))
            .distinct()
        ).scalars()
        touched.update(survivors)
        for chunk in _chunks(new_contacts):
            session.execute(delete(Contact).where(Contact.id.in_(chunk)))
    for chunk in _chunks(sorted(created)):
        session.execute(delete(Customer).where(Customer.id.in_(chunk)))
    logged += [("remove", "contact", i, None, None) for i in new_contacts]
    logged += [("remove", "customer", i, code, None) for i, code in sorted(created.items())]
    audit.record_many(ctx, logged, batch_id=batch_id)
    _refresh_search(ctx, touched - set(created))
    batch.undone_at = ctx.at
    counts = {
        "batch": batch_id,
        "customers_removed": len(created),
        "contacts_removed": len(new_contacts),
        "customers_restored": restored["customer"],
        "contacts_restored": restored["contact"],
        "kept": kept,
    }
    audit.record(
        ctx,
        "undo",
        "import_batch",
        batch_id,
        changes={k: [None, v] for k, v in counts.items() if k not in ("batch", "kept")},
    )
    return counts
