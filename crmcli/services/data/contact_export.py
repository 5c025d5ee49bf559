"""Exporting contacts (``crm contact export``): every contact the acting user may see, as
vCards for phones and mail programs, or as rows for CSV, spreadsheets and JSON.

JSON and JSON lines carry the records as ``crm contact list -f json`` does (custom fields
in ``extra``); CSV and spreadsheets one column per field (field names as headers, or the
Chinese labels), then one per custom field: those the book defines (``crm field --on
contact``), then the others in use. A vCard
4.0 per contact names the customer in ORG. A person customer's own contact (the person is
the customer, as ``crm customer import`` makes a card without ORG) has no ORG and carries
the customer's phone, e-mail and notes where the contact has none, so importing the file
gives the same customers and contacts. The address on a card is the customer's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from crmcli.services.archive import contacts
from crmcli.services.context import Ctx
from crmcli.services.data.exporting import Export, _zh_label, stream
from crmcli.vcard import OWN, Card
from crmcli.vocab import CONTACT, fold

#: the fields of a contact, as ``crm contact list -f json`` gives them
FIELDS = contacts.JSON_FIELDS
#: headers of the columns that are not a contact's own fields, in Chinese
_ZH = {"id": "系统编号", "customer_code": "客户编号", "customer_name": "客户名称"}
_KINDS = {"id": "int", "birthday": "date", "relation_level": "int"}
_WIDTHS = {"customer_name": 30, "notes": 40, "email": 28, "family": 24, "hobbies": 24}


def query(ctx: Ctx, customer: str | None = None) -> Any:
    """The contacts to export (of one customer when given), with what their cards need of
    their customers, by customer code and contact."""
    from crmcli.models import Contact as K
    from crmcli.models import Customer as C

    return contacts.query(ctx, customer=customer).add_columns(
        K.created_at.label("created_at"),
        C.kind.label("customer_kind"),
        C.phone.label("customer_phone"),
        C.email.label("customer_email"),
        C.address.label("customer_address"),
        C.city.label("customer_city"),
        C.notes.label("customer_notes"),
    )


def records(ctx: Ctx, q: Any) -> Iterator[dict[str, Any]]:
    """Contact records as ``crm contact list -f json`` gives them."""
    for r in stream(ctx, q):
        m = r._mapping
        yield {**{k: m[k] for k in FIELDS}, "extra": m["extra"]}


def _custom_keys(ctx: Ctx, q: Any) -> list[str]:
    """The custom fields to write: the defined ones, then every other one in use."""
    from crmcli.models import Contact as K
    from crmcli.services.archive.fields import definitions

    keys = dict.fromkeys(d.name for d in definitions(ctx, "contact"))
    for (extra,) in stream(ctx, q.with_only_columns(K.extra).where(K.extra.is_not(None))):
        keys.update(dict.fromkeys(extra or {}))
    return list(keys)


def table(ctx: Ctx, q: Any, *, labels: str = "en") -> Export:
    """Rows for CSV and spreadsheets; ``labels`` zh: Chinese headers and enum values."""
    from crmcli.services.archive.fields import definitions

    zh = labels == "zh"
    header = [(_ZH[n] if n in _ZH else CONTACT[n].zh) if zh else n for n in FIELDS]
    custom = _custom_keys(ctx, q)
    labelled = {d.name: d.zh or d.name for d in definitions(ctx, "contact")} if zh else {}
    header += [labelled.get(k, k) for k in custom]
    kinds = [_KINDS.get(n, "text") for n in FIELDS] + ["text"] * len(custom)
    widths = [_WIDTHS.get(n, 16 if n in ("birthday", "phone", "mobile") else 12) for n in FIELDS]
    widths += [max(12, min(30, 2 * len(h) + 4)) for h in header[len(FIELDS) :]]
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for i, n in enumerate(FIELDS):
        f = CONTACT.get(n)
        if zh and f is not None and f.vocab is not None:
            converters.append((i, _zh_label(f.vocab)))

    def rows() -> Iterator[list[Any]]:
        for r in stream(ctx, q):
            m = r._mapping
            row = [m[n] for n in FIELDS]
            for i, convert in converters:
                row[i] = convert(row[i])
            if custom:
                extra = m["extra"] or {}
                row += [extra.get(k) for k in custom]
            yield row

    return Export(header, kinds, widths, rows())


def uid(contact_id: int, created_at: Any) -> str:
    """A contact's UID on its card: the same in every export of the book, so a phone or
    mail program importing a newer file updates the card rather than adding another."""
    if created_at is None:
        return f"crm-contact-{contact_id}@crmcli"
    return f"crm-contact-{contact_id}-{created_at:%Y%m%dT%H%M%S}@crmcli"


def cards(ctx: Ctx, q: Any) -> Iterator[Card]:
    """One vCard per contact (see the module's docstring)."""
    for r in stream(ctx, q):
        own = r.customer_kind == "person" and fold(r.name) == fold(r.customer_name)
        borrowed_phone = own and not (r.phone or r.mobile) and r.customer_phone
        yield Card(
            uid=uid(r.id, r.created_at),
            name=r.name,
            org=None if own else r.customer_name,
            title=r.title,
            mobile=r.mobile,
            phone=r.customer_phone if borrowed_phone else r.phone,
            phone_type="voice" if borrowed_phone else "work",
            email=r.email or (r.customer_email if own else None),
            birthday=r.birthday,
            note=r.notes or (r.customer_notes if own else None),
            address=r.customer_address,
            city=r.customer_city,
            wechat=r.wechat,
            own={k: getattr(r, k) for k in OWN},
        )
