"""Importing customers from a file (实训4-2): the rules, from columns to rows in the database.

1. :func:`~crmcli.services.data.import_rows.layout` matches the file's columns to fields
   (names, labels, synonyms, a ``--mapping``); unknown columns become custom fields, so
   nothing is dropped.
2. :func:`~crmcli.services.data.import_rows.prepare` converts every cell with the validators
   the command line uses (:mod:`crmcli.validate`), outside any transaction.
3. :func:`run` (here, inside one write transaction) matches rows to each other and to
   the database by the ``--match`` keys, then writes in bulk through SQLAlchemy Core:
   new customers and contacts, changed fields (never blanked by an empty cell), the
   matching keys and search text they imply, an audit entry per record and a batch
   that :func:`~crmcli.services.data.import_undo.undo` can take back.

By default an import is all-or-nothing: one bad row and nothing is written, and every
bad row is reported (row as the user sees it, column, value, reason).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmcli.bulk import big_cache, chunks, insert_many, update_rows
from crmcli.errors import Invalid
from crmcli.i18n import pick, t
from crmcli.services.codes import taken_code
from crmcli.services.context import Ctx
from crmcli.services.data.import_rows import (
    CHUNK,
    CONTACT_TARGETS,
    DEFAULTS,
    EMPTY,
    IMPORTERS,
    Prepared,
    Problem,
    Row,
)
from crmcli.services.team import audit, permissions
from crmcli.validate import email_key, phone_key
from crmcli.vocab import CUSTOMER, MATCH_KEY, fold

# -- matching and writing --------------------------------------------------------------------


@dataclass
class Options:
    match: tuple[str, ...] = ("code", "phone", "email")
    on_duplicate: str = "update"
    skip_invalid: bool = False
    dry_run: bool = False


#: a vCard's cards of one company share only its name, so a vCard is matched by it too
VCARD_MATCH = ("code", "phone", "email", "name")


def default_match(fmt: str) -> tuple[str, ...]:
    """The ``--match`` keys when none are given: ``code,phone,email`` (SPEC §4), and ``name``
    too for a vCard (the cards of a company's people match the company by its name)."""
    return VCARD_MATCH if fmt == "vcf" else Options.match


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
    #: fields filled only where the customer has none (``fill.<field>``), the first row's
    fills: dict[str, Any] = field(default_factory=dict)
    skip: bool = False
    id: int | None = None
    now: dict[str, Any] = field(default_factory=dict)  # the matched customer as it is
    changes: dict[str, list[Any]] = field(default_factory=dict)

    def take(self, row: Row) -> None:
        self.values.update(row.values)
        self.keys.update(row.keys)
        self.extra.update(row.extra)
        for name, value in row.fills.items():
            self.fills.setdefault(name, value)
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
    #: owners named in the file who are not users of the book: kept as a custom field
    unknown_owners: list[str] = field(default_factory=list)
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
            "unknown_owners": self.unknown_owners,
            "warnings": self.warnings,
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
        #: the customers the actor may not see (another salesperson's), never named to them
        self.hidden: set[int] = set()
        self.unseen = t("a customer {user} may not see", user=ctx.actor.username)
        sees_all, actor = permissions.sees_all(ctx), ctx.actor.id
        by_name = "name" in match
        columns = [C.id, C.code, C.owner_id, C.deleted_at, C.phone_key, C.email_key]
        rows = ctx.session.connection().execute(select(*columns, C.name if by_name else C.id))
        phones = self.keys.get("phone")
        emails = self.keys.get("email")
        names = self.keys.get("name")
        for id_, code, owner, deleted, phone, email, name in rows.all():
            live = deleted is None
            if not sees_all and owner not in (None, actor):
                self.hidden.add(id_)
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


def _owners(ctx: Ctx) -> Callable[[str], int | None]:
    """Username or a member of staff's exact name -> user id, by the rules of ``--owner``;
    None for someone who is not a user of the book (the old system's salesperson: never a
    reason to reject a row). A disabled user, or one the actor may not give records to,
    is Invalid."""
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

    def owner(text: str) -> int | None:
        found = by_username.get(text)
        if found is None and len(by_name.get(text, [])) == 1:
            found = by_name[text][0]
        if found is None:
            return None
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
    result.written = True
    if not created and not result.updated:  # nothing to write: no empty batch to undo
        return result
    batch = _new_batch(ctx, result)
    writer = _Writer(ctx, batch, progress)
    with big_cache(ctx.session.connection()):
        writer.create(created)
        writer.update([g for g in matched if g.changes or g.contacts])
        writer.finish(result)
    _finish_batch(batch, result, options)
    result.batch = None if options.dry_run else batch.id  # a dry run keeps no batch
    return result


def _match(ctx: Ctx, prepared: Prepared, options: Options, result: Result) -> list[Group]:
    """Group the rows: each group one customer (new, or the existing one its keys match).

    A code names its customer: a row with a code is matched by it alone (when ``code`` is
    a match key), other rows by their other keys. A row whose keys name two customers is
    a problem (ambiguous), never a guess. A row with bad values is checked all the same
    (owner, code, ambiguity), so that one run, a ``--dry-run`` say, lists every problem.
    """
    match = options.match
    index = _Index(ctx, match)
    targets = prepared.layout.targets
    owner_of = _owners(ctx) if "owner" in targets else None
    owner_header = targets["owner"].header if "owner" in targets else ""
    strangers: dict[str, None] = {}
    code_header = targets["code"].header if "code" in targets else None
    in_file: dict[tuple[str, str], list[Group]] = {}
    by_target: dict[int, Group] = {}
    groups: list[Group] = []
    for row in prepared.rows:  # a bad row is still checked, so one run tells everything
        if owner_of is not None and "owner" in row.values:
            name = row.values["owner"]
            try:
                row.values["owner"] = owner_of(name)
            except Invalid as e:
                row.problems.append(Problem(owner_header, name, e.message))
            else:
                if row.values["owner"] is None:  # kept under its header, to assign later
                    del row.values["owner"]
                    row.extra[owner_header] = name
                    strangers[name] = None
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
        if len(found) > 1:
            row.problems.append(Problem(None, None, _ambiguous(found.values(), index)))
        if row.problems:  # (a bad row joins no customer: the rows after it never match it)
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
    if strangers:
        result.unknown_owners = list(strangers)
        if owner_header not in result.custom_fields:
            result.custom_fields.append(owner_header)
    return groups


def _deleted(code: str) -> str:
    return t("customer {code} is deleted; restore it first: crm customer restore {code}", code=code)


def _code_taken(
    row: Row, code: str, header: str | None, index: _Index, in_file: dict[Any, list[Group]]
) -> None:
    """A new customer's code (codes not being a match key) must be free."""
    hit = index.code.get(code)
    earlier = in_file.get(("code", code))
    if hit is not None and hit[0] in index.hidden:
        row.problems.append(Problem(header, code, taken_code(CUSTOMER["code"].label, code)))
        return
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
    customer = group.target if group is not None else target
    code = index.unseen if customer in index.hidden else index.info[customer][0]  # type: ignore[index]
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
    if target in index.hidden:  # say the value is taken, not by which customer
        row.problems.append(
            Problem(
                None,
                None,
                t(
                    "{key} already taken by {customer}; leave it out, or ask a manager",
                    key=what,
                    customer=index.unseen,
                ),
            )
        )
        return None
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


def _current(ctx: Ctx, ids: Sequence[int], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    """These customers' columns ``names`` (and id, code, name, phone, e-mail), by id."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    wanted = dict.fromkeys(["id", "code", "name", "phone", "email", *names])
    columns = [C.__table__.c[n] for n in wanted]
    current = {}
    conn = ctx.session.connection()  # Core rows: no ORM loading for thousands of them
    for chunk in chunks(list(ids)):
        for r in conn.execute(select(*columns).where(C.id.in_(chunk))).all():
            current[r.id] = dict(r._mapping)
    return current


def _contacts_of(ctx: Ctx, ids: Sequence[int]) -> dict[tuple[int, str], dict[str, Any]]:
    from sqlalchemy import select

    from crmcli.models import Contact as K

    names = [n[8:] for n in CONTACT_TARGETS]
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for chunk in chunks(list(ids)):
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
        names.update(g.values, g.fills)
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
        for name, value in g.fills.items():
            if name not in g.values and now[name] in (None, ""):
                changes[name] = [now[name], value]
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
        from crmcli.services.archive.customers import search_text
        from crmcli.services.codes import next_codes
        from crmcli.services.team.permissions import default_owner

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

        def record_of(g: Group) -> dict[str, Any]:
            v = g.values
            code = v.get("code") or codes.pop()
            phone, email = v.get("phone"), v.get("email")
            key = g.keys.get("phone")
            record = {**EMPTY, **g.fills, **v}
            record.pop("owner", None)
            record.update(
                code=code,
                kind=v.get("kind") or DEFAULTS["kind"],
                level=v.get("level") or DEFAULTS["level"],
                status=v.get("status") or DEFAULTS["status"],
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
            return record

        table = self.customers
        given_fields = set().union(
            *(g.values for g in groups), *(g.fills for g in groups), DEFAULTS
        )
        used: list[str] = []
        created: list[str] = []  # the codes, in the groups' order
        for chunk in chunks(groups, CHUNK * 5):  # built a chunk at a time: memory stays low
            records = [record_of(g) for g in chunk]
            used = used or [c for c in records[0] if c in given_fields or c not in EMPTY]
            insert_many(self.conn, table, records, columns=used)
            created += [r["code"] for r in records]
            self.progress(len(chunk))
        q = select(table.c.code, table.c.id).where(table.c.import_batch_id == batch)
        ids = dict(self.conn.execute(q).all())
        for g, code in zip(groups, created, strict=True):
            g.id = ids[code]
            self._audit("create", "customer", g.id, code)
            for person in g.contacts.values():
                self._contact(g.id, person)

    def update(self, groups: list[Group]) -> None:
        """Changed customers (fields, matching keys, search text) and their contacts."""
        from sqlalchemy import select

        from crmcli.services.archive.customers import search_text

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
        for chunk in chunks(sorted(searched)):
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
