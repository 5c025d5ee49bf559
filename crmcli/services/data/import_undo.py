"""Import history and undo: ``crm db imports`` lists the batches, ``crm customer import
--undo BATCH`` removes what one created and restores what it changed, audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from crmcli.bulk import chunks, update_rows
from crmcli.errors import Conflict, NotFound
from crmcli.i18n import pick, t
from crmcli.services.archive import phones
from crmcli.services.context import Ctx
from crmcli.services.data.import_rows import IMPORTERS
from crmcli.services.team import audit, permissions
from crmcli.validate import ID_LIMIT, email_key, phone_key
from crmcli.vocab import CUSTOMER

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
    from crmcli.searching import custom_values, search_text

    ids = sorted(set(ids))
    for chunk in chunks(ids):
        names: dict[int, list[str]] = {}
        q = select(K.customer_id, K.name).where(K.customer_id.in_(chunk), K.deleted_at.is_(None))
        for r in ctx.session.execute(q.order_by(K.id)):
            names.setdefault(r.customer_id, []).append(r.name)
        rows = ctx.session.execute(
            select(C.id, C.code, C.name, C.phone, C.phone_key, C.email, C.extra).where(
                C.id.in_(chunk)
            )
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
                        custom=custom_values(r.extra),
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
            for chunk in chunks(ids):
                q = select(table.c.customer_id).where(table.c.customer_id.in_(chunk)).distinct()
                for (cid,) in ctx.session.execute(q):
                    blocked.setdefault(customers[cid], set()).add(table.name)
    for chunk in chunks(ids):
        q = select(Contact.id, Contact.customer_id).where(Contact.customer_id.in_(chunk))
        for r in ctx.session.execute(q):
            if r.id not in mine:
                blocked.setdefault(customers[r.customer_id], set()).add("contact")
    owner_of = {}
    for chunk in chunks(sorted(mine)):
        q = select(Contact.id, Contact.customer_id).where(Contact.id.in_(chunk))
        owner_of.update(ctx.session.execute(q).all())
    from crmcli.models import Customer

    for table in load_all().sorted_tables:
        if "contact_id" in table.c:
            for chunk in chunks(sorted(mine)):
                q = select(table.c.contact_id).where(table.c.contact_id.in_(chunk)).distinct()
                for (kid,) in ctx.session.execute(q):
                    code = (
                        customers.get(owner_of[kid])
                        or ctx.session.get(Customer, owner_of[kid]).code
                    )
                    blocked.setdefault(code, set()).add(table.name)
    return blocked


def _reopen(ctx: Ctx, ids: list[int], logged: list[Any], kept: list[str]) -> int:
    """The touches an import cancelled (their customer lost) pending again, where they are
    still cancelled (one done or changed since is kept and reported); returns how many."""
    from sqlalchemy import select, update

    from crmcli.models import Followup as F

    session = ctx.session
    reopened = 0
    for chunk in chunks(sorted(ids)):
        q = select(F.id).where(F.id.in_(chunk), F.status == "cancelled")
        still = set(session.execute(q).scalars())
        if still:
            pending = {"status": "pending", "updated_at": ctx.at}
            session.execute(update(F).where(F.id.in_(still)).values(**pending))
        changed = {"status": ["cancelled", "pending"]}
        logged += [("undo", "followup", i, None, changed) for i in sorted(still)]
        kept += [f"{pick('follow-up', '跟进')} {i} status" for i in chunk if i not in still]
        reopened += len(still)
    return reopened


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

    batch = ctx.session.get(ImportBatch, batch_id) if batch_id <= ID_LIMIT else None
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
        for chunk in chunks(sorted(changes)):
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
            values.update(phones.tails(entity, values))  # crm who
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
    touches = [e.entity_id for e in entries if e.entity == "followup"]
    reopened = _reopen(ctx, touches, logged, kept) if touches else 0
    if new_contacts:
        survivors = session.execute(
            select(Contact.customer_id)
            .where(Contact.id.in_(new_contacts), Contact.customer_id.not_in(list(created) or [0]))
            .distinct()
        ).scalars()
        touched.update(survivors)
        for chunk in chunks(new_contacts):
            session.execute(delete(Contact).where(Contact.id.in_(chunk)))
    for chunk in chunks(sorted(created)):
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
        "followups_restored": reopened,
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
