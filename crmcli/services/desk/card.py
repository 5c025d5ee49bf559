"""The customer card (客户资料卡, ``crm customer show``): the archive's fields, then the
contacts, the contacts made, the follow-ups, the sales and the service, each section read
from the room that keeps it. It sits above them all, so none of them imports the archive
back to build it."""

from __future__ import annotations

from typing import Any

from crmcli.services.archive import contacts, customers, fields
from crmcli.services.context import Ctx
from crmcli.services.relationship import followups, interactions, tickets
from crmcli.services.selling import contracts, orders, pipeline

#: The sections of the card after the fields (SPEC §6), each a list: first the book's own
#: fields (``crm field``), each ``{name, zh, type, value}``, the value null when not filled.
CARD_KEYS = (
    "custom_fields",
    "contacts",
    "interactions",
    "followups",
    "opportunities",
    "orders",
    "contracts",
    "tickets",
)


def card(ctx: Ctx, ref: str) -> dict[str, Any]:
    """The archive card: the fields, then contacts, contacts made, follow-ups, sales, service."""
    customer = customers.find(ctx, ref, deleted=None)
    data = customers.as_dict(ctx, customer)
    data["deleted_at"] = customer.deleted_at
    data.update({key: [] for key in CARD_KEYS})
    data["custom_fields"] = fields.card_fields(fields.definitions(ctx, "customer"), customer.extra)
    data["contacts"] = contacts.for_customer(ctx, customer.id)
    data["interactions"] = interactions.for_customer(ctx, customer.id)
    data["followups"] = followups.for_customer(ctx, customer.id)
    data["tickets"] = tickets.for_customer(ctx, customer.id)
    data["opportunities"] = pipeline.for_customer(ctx, customer.id)
    data["orders"] = orders.for_customer(ctx, customer.id)
    data["contracts"] = contracts.for_customer(ctx, customer.id)
    return data
