"""Importing customers from a file (实训4-2): the rules, from columns to rows in the database.

1. :func:`~crmcli.services.data.import_rows.layout` matches the file's columns to fields
   (names, labels, synonyms, a ``--mapping``); unknown columns become custom fields, so
   nothing is dropped.
2. :func:`~crmcli.services.data.import_rows.prepare` converts every cell with the validators
   the command line uses (:mod:`crmcli.validate`) as the file is read.
3. :func:`run` (here, inside one write transaction) takes the rows a chunk at a time:
   :mod:`~crmcli.services.data.import_match` matches them to each other and to the
   database by the ``--match`` keys, and :mod:`~crmcli.services.data.import_write` writes
   in bulk through SQLAlchemy Core: new customers and contacts, changed fields (never
   blanked by an empty cell), the matching keys and search text they imply, an audit
   entry per record and a batch that :func:`~crmcli.services.data.import_undo.undo` can
   take back. Memory holds a chunk, not the file: an import of any size runs in the same
   room, and a killed one leaves the database as it was.

By default an import is all-or-nothing: one bad row and nothing is written, and every
bad row is reported (row as the user sees it, column, value, reason).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from crmcli.bulk import big_cache, chunks
from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import fields
from crmcli.services.context import Ctx
from crmcli.services.data.import_match import Group, Matcher
from crmcli.services.data.import_result import Options, Result
from crmcli.services.data.import_rows import CONTACT_TARGETS, IMPORTERS, Prepared, Row
from crmcli.services.data.import_write import Writer
from crmcli.services.team import permissions
from crmcli.vocab import MATCH_KEY, fold

# -- options and result ------------------------------------------------------------------------


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


def run(
    ctx: Ctx,
    prepared: Prepared,
    options: Options,
    *,
    progress: Callable[[], None] | None = None,
) -> Result:
    """Match and write, a chunk of rows at a time as the file is read (the caller's one
    transaction; it rolls back a dry run or a refusal). ``progress`` is called after each
    chunk.

    Nothing is written when a row is bad and ``skip_invalid`` is off: the result then
    lists every problem and ``written`` is False (the rows are still matched and written
    as they come, so that later rows are checked against them; the caller rolls back).
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
        ignored_columns=found.ignored,
    )
    matcher = Matcher(ctx, found, options, result)
    defs = fields.definitions(ctx, "customer")
    matcher.required = [(d.name, d.label) for d in defs if d.required]
    writer = Writer(ctx)
    created = 0
    churned = _churn_reasons(ctx, found)
    with big_cache(ctx.session.connection()):
        for rows in prepared.chunks:
            result.read += len(rows)
            if churned is not None:
                _lost_why(rows, *churned)
            if defs:
                _custom_types(rows, defs)
            groups = matcher.chunk(rows)
            for row in rows:
                if row.problems:
                    _reject(row, result)
            new = [g for g in groups if g.target is None]
            matched = [g for g in groups if g.target is not None]
            _compare(ctx, matched, result)
            _churn(ctx, new, matched)
            changed = [g for g in matched if g.changes or g.contacts]
            matcher.changed.update(g.target for g in changed if not g.ours)  # type: ignore[misc]
            created += len(new)
            result.contacts_created += sum(len(g.contacts) for g in new)
            writer.write(new, changed, result)
            if writer.batch is not None:
                matcher.batch = writer.batch.id
            matcher.written(new)
            if progress:
                progress()
    matcher.finish()
    result.warnings = list(found.warnings)
    # (the book's own fields are fields, not columns kept for want of one)
    result.custom_fields = [h for h in found.custom_fields if fields.lookup(defs, h) is None]
    if result.unknown_owners and matcher.owner_header not in result.custom_fields:
        result.custom_fields.append(matcher.owner_header)
    if result.rejected and not options.skip_invalid:
        result.contacts_created = result.contacts_updated = 0
        return result
    result.created = created
    result.updated = len(matcher.changed)
    result.skipped = len(matcher.earlier) - result.updated
    result.written = True
    writer.finish(result, options)
    if writer.batch is not None and not options.dry_run:  # a dry run keeps no batch
        result.batch = writer.batch.id
    return result


def _churn_reasons(ctx: Ctx, found: Any) -> tuple[list[dict[str, Any]], str] | None:
    """The churn reasons and the column's header, when the file has a lost-reason column."""
    column = found.targets.get("lost_reason")
    if column is None:
        return None
    from crmcli.services.desk import churn

    return churn.reasons(ctx), column.header


def _lost_why(rows: list[Row], reasons: list[dict[str, Any]], header: str) -> None:
    """A lost reason (key or label) as its key, else a problem."""
    from crmcli.services.data.import_rows import Problem
    from crmcli.services.desk import churn

    for row in rows:
        raw = row.values.get("lost_reason")
        if raw is None:
            continue
        try:
            row.values["lost_reason"] = churn.parse_reason(reasons, raw)
        except Invalid as e:
            del row.values["lost_reason"]
            row.problems.append(Problem(header, raw, e.message))


def _custom_types(rows: list[Row], defs: list[Any]) -> None:
    """Values of the book's own fields (a column headed by a field's name or Chinese label)
    checked by the field's type and kept under its name in canonical form; a bad one is a
    problem of its row, as a bad built-in field is."""
    from crmcli.services.data.import_rows import Problem

    named: dict[str, Any] = {}
    for row in rows:
        if not row.extra:
            continue
        for key in list(row.extra):
            if key not in named:
                named[key] = fields.lookup(defs, key)
            d = named[key]
            if d is None:
                continue
            raw = row.extra.pop(key)
            try:
                value = fields.parse_value(d, raw)
            except Invalid as e:
                row.problems.append(Problem(key, raw, e.message))
                continue
            if value is not None:
                row.extra[d.name] = value


#: a customer's status and the fields of its churn (客户流失), null unless it is lost
CHURN = dict.fromkeys(["status", "lost_at", "lost_reason", "lost_note"])


def _churn(ctx: Ctx, new: list[Group], matched: list[Group]) -> None:
    """What a status implies, as ``crm customer edit --status`` does it
    (:func:`crmcli.services.desk.churn.churn_values`): a customer lost now was lost at the
    import's time (unless the file says when); one lost already keeps its time (the import's
    if it had none and the file gives a reason); one won back has the three churn fields
    cleared, where the file leaves them empty. (The writer cancels the pending touches of
    those lost now.)"""
    for g in new:
        if g.values.get("status") == "lost" and not g.values.get("lost_at"):
            g.values["lost_at"] = ctx.at
    for g in matched:
        if g.skip or not ({"status", "lost_reason"} & g.changes.keys()):
            continue
        now, changes = g.now, g.changes
        status = changes["status"][1] if "status" in changes else now["status"]
        if status == "lost" and "lost_at" not in g.values:
            if now["status"] != "lost" or (now["lost_at"] is None and "lost_reason" in changes):
                changes["lost_at"] = [now["lost_at"], ctx.at]
        elif status != "lost" and now["status"] == "lost":
            for name in ("lost_at", "lost_reason", "lost_note"):
                if name not in g.values and now[name] is not None:
                    changes[name] = [now[name], None]


def _reject(row: Row, result: Result) -> None:
    for p in row.problems:
        result.errors.append(
            {"row": row.number, "column": p.column, "value": p.value, "reason": p.reason}
        )
    result.rejected += 1
    result.rejected_rows.append(row)


# -- comparing with the database -------------------------------------------------------------


def _current(ctx: Ctx, ids: Sequence[int], names: Iterable[str]) -> dict[int, dict[str, Any]]:
    """These customers' columns ``names`` (and id, code, name, phone, e-mail), by id."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    wanted = dict.fromkeys(["id", "code", "name", "phone", "email", "extra", *names])
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
    if names & CHURN.keys():  # (what losing or winning back a customer implies: _churn)
        names |= CHURN.keys()
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
