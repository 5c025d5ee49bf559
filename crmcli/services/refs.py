"""Naming records on the command line: by id, by code (``C000042``), or by exact name.

Digits name a record by its code when one has that code (an ERP's ``01001``), else by id.

An ambiguous name is an error that lists each candidate by code and name, so the
user can pick one; a name that matches none exactly suggests, the same way, the records
whose name contains it (``华晨`` → ``C000001 深圳市华晨电子有限公司``), among those the
user may see.
"""

from __future__ import annotations

from typing import Any

from crmcli.errors import Ambiguous, Conflict, NotFound
from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.validate import record_id


def resolve(
    ctx: Ctx,
    model: Any,
    ref: str,
    *,
    what: tuple[str, str],
    name_attr: str = "name",
    deleted: bool | None = False,
    where: Any = None,
    list_command: str | None = None,
    restore_command: str | None = None,
    hint: str | None = None,
    lock: bool = False,
) -> Any:
    """The one record ``ref`` names.

    ``deleted`` False: live records only (a deleted match is a clear error);
    True: deleted records only (for ``restore``); None: either.
    ``where`` narrows the search (the acting user's scope, a parent record).
    ``lock`` (in a writing unit) locks the record against concurrent changes until
    the transaction ends (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writers
    already take turns), so a read-modify-write never loses another's update.
    ``hint`` is added to "not found" (e.g. why a record may be out of sight).
    """
    from sqlalchemy import select

    label = pick(*what)
    text = ref.strip()
    has_code = hasattr(model, "code")
    q = select(model)
    if where is not None:
        q = q.where(where)
    visible = q
    if lock and ctx.write:
        q = q.with_for_update(of=model)
    code = text.upper()
    if has_code and ctx.session.execute(q.where(model.code == code).limit(1)).first():
        found = list(ctx.session.execute(q.where(model.code == code)).scalars())
    elif text.isdigit():  # an id (one no record can have finds nothing)
        number = record_id(text)
        found = (
            []
            if number is None
            else list(ctx.session.execute(q.where(model.id == number)).scalars())
        )
    else:
        found = list(
            ctx.session.execute(
                q.where(getattr(model, name_attr) == text).order_by(model.id)
            ).scalars()
        )
    if deleted is not None and hasattr(model, "deleted_at"):
        matching = [r for r in found if (r.deleted_at is not None) == deleted]
        if not matching and found:
            record = found[0]
            shown = getattr(record, "code", None) or record.id
            if deleted:
                raise Conflict(t("{what} {ref} is not deleted", what=label, ref=shown))
            raise Conflict(
                t("{what} {ref} is deleted", what=label, ref=shown),
                hint=restore_command.format(ref=shown) if restore_command else None,
            )
        found = matching
    if not found:
        near, count = (
            ([], 0)
            if text.isdigit() or not text
            else containing(ctx, visible, model, text, name_attr=name_attr, deleted=deleted)
        )
        if near:  # 华晨 for 深圳市华晨电子有限公司: say which ones, by code and name
            hint = "; ".join(h for h in (_did_you_mean(near, count, name_attr), hint) if h)
        raise NotFound(
            t("no {what} '{ref}'", what=label, ref=ref),
            hint=hint
            or (t("see the list with: {command}", command=list_command) if list_command else None),
        )
    if len(found) > 1:
        candidates = ", ".join(
            f"{getattr(r, 'code', None) or r.id} {getattr(r, name_attr)}" for r in found
        )
        raise Ambiguous(
            t(
                "'{ref}' matches {count} {what}s: {candidates}",
                ref=ref,
                count=len(found),
                what=label,
                candidates=candidates,
            ),
            hint=t("name them by code or id"),
        )
    return found[0]


#: how many records a name that matches none exactly suggests
SUGGESTED = 5


def containing(
    ctx: Ctx, q: Any, model: Any, text: str, *, name_attr: str, deleted: bool | None
) -> tuple[list[Any], int]:
    """The first :data:`SUGGESTED` records whose name contains ``text`` (any case),
    oldest first, and how many there are. ``q`` selects the records the actor may see,
    so a salesperson is not told about another's customers; ``deleted`` as in
    :func:`resolve`."""
    from sqlalchemy import func, select

    near = q.where(getattr(model, name_attr).icontains(text, autoescape=True))
    if deleted is not None and hasattr(model, "deleted_at"):
        near = near.where(model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None))
    records = list(ctx.session.execute(near.order_by(model.id).limit(SUGGESTED + 1)).scalars())
    count = len(records)
    if count > SUGGESTED:
        count = ctx.session.execute(select(func.count()).select_from(near.subquery())).scalar_one()
    return records[:SUGGESTED], count


def _did_you_mean(records: list[Any], count: int, name_attr: str) -> str:
    shown = ", ".join(_named(r, name_attr) for r in records)
    if count > len(records):
        shown += " " + t("and {count} more", count=count - len(records))
    return t("did you mean {suggestions}?", suggestions=shown)


def _named(record: Any, name_attr: str) -> str:
    """``C000001 深圳市华晨电子有限公司``: the code (else the id) and the name."""
    key = str(getattr(record, "code", None) or record.id)
    name = getattr(record, name_attr)
    return key if name == key else f"{key} {name}"
