"""Writing an import's customers (实训4-2), a chunk at a time, in bulk through SQLAlchemy Core,
inside the caller's one transaction: new customers and contacts, changed fields, the
matching keys and search text they imply, an audit entry (carrying the batch) for every
record created or changed, and the batch that
:func:`~crmcli.services.data.import_undo.undo` can take back.
"""

from __future__ import annotations

from typing import Any

from crmcli.bulk import chunks, insert_many, update_rows
from crmcli.searching import custom_values
from crmcli.services.archive import phones
from crmcli.services.context import Ctx
from crmcli.services.data.import_match import Group
from crmcli.services.data.import_result import Options, Result
from crmcli.services.data.import_rows import CONTACT_TARGETS, DEFAULTS, EMPTY
from crmcli.services.team import audit
from crmcli.validate import email_key, phone_key


class Writer:
    """Writes chunk after chunk; the batch is made when there is first something to write
    (an import that changes nothing records no batch)."""

    def __init__(self, ctx: Ctx) -> None:
        from crmcli.models import Contact, Customer

        self.ctx = ctx
        self.conn = ctx.session.connection()
        self.batch: Any = None
        self.customers = Customer.__table__
        self.contacts = Contact.__table__
        self.audits: list[tuple[str, str, int, str | None, Any]] = []
        self.new_contacts: list[dict[str, Any]] = []
        self.last_customer = 0  # the highest id of a customer this import created
        self.last_contact = 0

    def write(self, created: list[Group], changed: list[Group], result: Result) -> None:
        """One chunk's new customers (ids set on the groups) and changed ones."""
        if not created and not changed:
            return
        if self.batch is None:
            self.batch = _new_batch(self.ctx, result)
        self._create(created)
        self._update(changed)
        self._contacts()
        self._cancel_touches(changed)
        audit.record_many(self.ctx, self.audits, batch_id=self.batch.id)
        self.audits = []

    def finish(self, result: Result, options: Options) -> None:
        """The batch's counts, and its own audit entry last."""
        if self.batch is None:
            return
        counts = {
            key: [None, getattr(result, key)]
            for key in ("created", "updated", "skipped", "rejected")
        }
        changes = {"file": [None, result.file], **counts}
        entry = [("import", "import_batch", self.batch.id, None, changes)]
        audit.record_many(self.ctx, entry, batch_id=self.batch.id)
        _finish_batch(self.batch, result, options)

    def _audit(
        self, action: str, entity: str, entity_id: int, code: str | None, changes: Any = None
    ) -> None:
        self.audits.append((action, entity, entity_id, code, changes))

    def _contact(self, customer_id: int, person: dict[str, Any]) -> None:
        record = {n[8:]: person.get(n[8:]) for n in CONTACT_TARGETS}
        record.update(
            customer_id=customer_id,
            mobile_tail=phones.tail(record.get("mobile")),  # crm who
            phone_tail=phones.tail(record.get("phone")),
            import_batch_id=self.batch.id,
            created_at=self.ctx.at,
            updated_at=self.ctx.at,
            deleted_at=None,
        )
        self.new_contacts.append(record)

    def _create(self, groups: list[Group]) -> None:
        """New customers, with codes handed out in file order, and their contacts."""
        from sqlalchemy import select

        from crmcli.models import Customer
        from crmcli.searching import search_text
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
                marketing_opt_out=bool(v.get("marketing_opt_out")),
                owner_id=v.get("owner", owner),
                extra=g.extra or None,
                phone_key=key,
                email_key=g.keys.get("email"),
                phone_tail=key[-phones.TAIL :] if key else None,  # crm who
                fax_tail=phones.tail(v.get("fax")),
                search_text=search_text(
                    code=code,
                    name=v["name"],
                    phone=phone,
                    phone_key=key,
                    email=email,
                    contacts=[p["name"] for p in g.contacts.values()],
                    custom=custom_values(g.extra),
                ),
                import_batch_id=batch,
                created_at=v.get("created_at") or at,
                updated_at=at,
                deleted_at=None,
            )
            return record

        table = self.customers
        records = [record_of(g) for g in groups]
        # the columns a new customer always has, and those the chunk's rows give
        given = set(DEFAULTS).union(*(g.values for g in groups), *(g.fills for g in groups))
        used = [c for c in records[0] if c not in EMPTY or c in given]
        insert_many(self.conn, table, records, columns=used)
        q = select(table.c.code, table.c.id).where(
            table.c.import_batch_id == batch, table.c.id > self.last_customer
        )
        ids = dict(self.conn.execute(q).all())
        for g, record in zip(groups, records, strict=True):
            g.id, g.code = ids[record["code"]], record["code"]
            self._audit("create", "customer", g.id, record["code"])
            for person in g.contacts.values():
                self._contact(g.id, person)
        self.last_customer = max(ids.values())

    def _update(self, groups: list[Group]) -> None:
        """Changed customers (fields, matching keys, search text) and their contacts."""
        from sqlalchemy import select

        from crmcli.searching import search_text

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
                    values.update(phones.tails("contact", values))  # crm who
                    contact_changes.append((person["_id"], {**values, "updated_at": at}))
                    self._audit("update", "contact", person["_id"], None, person["_changes"])
                else:
                    self._contact(g.id, person)
                    added.append(person["name"])
            if added or {"name", "phone", "email", "extra"} & set(g.changes):
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
            values.update(phones.tails("customer", values))  # crm who
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
                    custom=custom_values(now.get("extra")),
                )
            values["updated_at"] = at
            updates.append((g.id, values))
            if g.changes:
                self._audit("update", "customer", g.id, g.now["code"], g.changes)
        update_rows(self.conn, self.customers, updates)  # type: ignore[arg-type]

    def _cancel_touches(self, groups: list[Group]) -> None:
        """The pending touches of the customers lost now are cancelled, as ``crm customer
        edit --status lost`` cancels them (:mod:`crmcli.services.desk.changes`)."""
        from crmcli.services.relationship import followups

        lost = [g.id for g in groups if g.changes.get("status", [None, None])[1] == "lost"]
        if not lost:
            return
        cancelled = {"status": ["pending", "cancelled"]}
        for followup_id in followups.cancel_pending_of(self.ctx, lost):  # type: ignore[arg-type]
            self._audit("update", "followup", followup_id, None, cancelled)

    def _contacts(self) -> None:
        """The contacts gathered, each with its audit entry."""
        from sqlalchemy import select

        if not self.new_contacts:
            return
        k = self.contacts
        insert_many(self.conn, k, self.new_contacts)
        self.new_contacts = []
        q = select(k.c.id, k.c.customer_id, k.c.name).where(
            k.c.import_batch_id == self.batch.id, k.c.id > self.last_contact
        )
        for r in self.conn.execute(q.order_by(k.c.id)):
            changes = {"customer_id": [None, r.customer_id], "name": [None, r.name]}
            self._audit("create", "contact", r.id, None, changes)
            self.last_contact = r.id


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
