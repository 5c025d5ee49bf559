"""Contacts (联系人): the people at a customer, with what a salesperson remembers of them."""

from __future__ import annotations

from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers, fields, phones
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.validate import parse_text
from crmcli.vocab import CONTACT, CONTACT_FIELDS

WHAT = ("contact", "联系人")
EDITABLE = [f.name for f in CONTACT_FIELDS if f.name != "customer"]
JSON_FIELDS = ["id", "customer_code", "customer_name", *EDITABLE]


def find(
    ctx: Ctx, ref: str, *, customer: Any = None, lock: bool = False, deleted: bool = False
) -> Any:
    """A live (or, with ``deleted``, a deleted) contact by id or exact name (within
    ``customer`` when given)."""
    from sqlalchemy import and_

    from crmcli.models import Contact

    where = customers.of_live(ctx, Contact.customer_id)
    if customer is not None:
        where = and_(where, Contact.customer_id == customer.id)
    return resolve(
        ctx,
        Contact,
        ref,
        what=WHAT,
        where=where,
        deleted=deleted,
        list_command="crm contact list",
        restore_command="crm contact restore {ref}",
        lock=lock,
    )


def _name(name: str | None) -> str:
    text = parse_text(name or "", CONTACT["name"])
    if not text:
        raise Invalid(t("{field} is required", field=CONTACT["name"].label))
    return text


def _snapshot(contact: Any) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in [*EDITABLE, "extra"]}


def add(
    ctx: Ctx,
    *,
    customer: str,
    name: str,
    values: dict[str, Any] | None = None,
    extra: dict[str, str] | None = None,
    batch_id: int | None = None,
) -> tuple[Any, Any]:
    """Add a contact; ``extra``: its custom fields (``--set``), checked by their types."""
    from crmcli.models import Contact

    owner = customers.find(ctx, customer)
    permissions.require_customer_change(ctx, owner, area="contact")
    name = _name(name)
    custom = fields.apply(ctx, "contact", None, customers.check_extra(extra or {}), new=True)
    contact = Contact(
        customer_id=owner.id, created_at=ctx.at, updated_at=ctx.at, import_batch_id=batch_id
    )
    for key, value in (values or {}).items():
        setattr(contact, key, value)
    contact.name = name
    contact.extra = custom or None
    phones.set_tails(contact, "contact")  # crm who
    ctx.session.add(contact)
    ctx.session.flush()
    customers.refresh_search(ctx, owner)
    changes = {k: [None, v] for k, v in audit.plain(_snapshot(contact)).items() if v is not None}
    changes["customer"] = [None, owner.code]
    audit.record(ctx, "create", "contact", contact.id, changes=changes, batch_id=batch_id)
    return contact, owner


def edit(
    ctx: Ctx,
    ref: str,
    *,
    values: dict[str, Any],
    customer: str | None = None,
    set_extra: dict[str, str] | None = None,
    unset_extra: list[str] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Change a contact's fields and custom fields (``--set``, ``--unset``); audited."""
    from crmcli.models import Customer

    contact = find(
        ctx, ref, customer=customers.find(ctx, customer) if customer else None, lock=True
    )
    permissions.require_customer_change(
        ctx, ctx.session.get(Customer, contact.customer_id), area="contact"
    )
    if "name" in values:
        values["name"] = _name(values["name"])
    before = _snapshot(contact)
    if set_extra or unset_extra:
        extra = fields.apply(
            ctx,
            "contact",
            contact.extra,
            customers.check_extra(set_extra or {}),
            unset=unset_extra,
            ref=contact.name,
        )
        values = {**values, "extra": extra or None}
    for key, value in values.items():
        setattr(contact, key, value)
    phones.set_tails(contact, "contact")  # crm who
    changes = audit.diff(before, _snapshot(contact))
    if "name" in changes:
        ctx.session.flush()
        customers.refresh_search(ctx, ctx.session.get(Customer, contact.customer_id))
    if changes:
        contact.updated_at = ctx.at
        audit.record(ctx, "update", "contact", contact.id, changes=changes)
    return contact, changes


def delete(ctx: Ctx, ref: str, *, customer: str | None = None) -> Any:
    from crmcli.models import Customer

    contact = find(
        ctx, ref, customer=customers.find(ctx, customer) if customer else None, lock=True
    )
    permissions.require_customer_change(
        ctx, ctx.session.get(Customer, contact.customer_id), area="contact"
    )
    contact.deleted_at = ctx.at
    ctx.session.flush()
    customers.refresh_search(ctx, ctx.session.get(Customer, contact.customer_id))
    audit.record(ctx, "delete", "contact", contact.id, changes={"name": [contact.name, None]})
    return contact


def restore(ctx: Ctx, ref: str, *, customer: str | None = None) -> Any:
    """Bring back a deleted contact (its customer must be live)."""
    from crmcli.models import Customer

    contact = find(
        ctx,
        ref,
        customer=customers.find(ctx, customer) if customer else None,
        lock=True,
        deleted=True,
    )
    owner = ctx.session.get(Customer, contact.customer_id)
    permissions.require_customer_change(ctx, owner, area="contact")
    contact.deleted_at = None
    ctx.session.flush()
    customers.refresh_search(ctx, owner)
    audit.record(ctx, "restore", "contact", contact.id, changes={"name": [None, contact.name]})
    return contact


def query(
    ctx: Ctx,
    *,
    customer: str | None = None,
    search: str | None = None,
    customer_id: int | None = None,
) -> Any:
    """Live contacts of visible customers (of one customer, by ref or id, when given)."""
    from sqlalchemy import or_, select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C

    columns = [K.id, C.code.label("customer_code"), C.name.label("customer_name")]
    columns += [getattr(K, n) for n in EDITABLE] + [K.extra]
    q = select(*columns).join(C, C.id == K.customer_id).where(K.deleted_at.is_(None))
    if customer is not None:
        customer_id = customers.find(ctx, customer).id
    q = customers.under(ctx, q, K.customer_id, customer_id)
    if search:
        q = q.where(
            or_(
                *(
                    col.icontains(search.strip(), autoescape=True)
                    for col in (K.name, K.title, K.phone, K.mobile, K.email, C.name)
                )
            )
        )
    return q.order_by(C.code, K.id)


def rows(
    ctx: Ctx,
    *,
    customer: str | None = None,
    search: str | None = None,
    customer_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """:func:`query`'s contacts as dicts, at most ``limit``."""
    q = query(ctx, customer=customer, search=search, customer_id=customer_id)
    return [dict(r._mapping) for r in ctx.session.execute(q.limit(limit) if limit else q)]


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    return rows(ctx, customer_id=customer_id)


def as_dict(ctx: Ctx, contact: Any) -> dict[str, Any]:
    from crmcli.models import Contact as K

    return next(dict(r._mapping) for r in ctx.session.execute(query(ctx).where(K.id == contact.id)))
