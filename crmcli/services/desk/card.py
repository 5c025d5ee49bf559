"""The customer card (客户资料卡, ``crm customer show``): the archive's fields, then the
contacts, the contacts made, the follow-ups, the sales and the service, each section read
from the room that keeps it. It sits above them all, so none of them imports the archive
back to build it."""

from __future__ import annotations

from typing import Any

from crmcli.services.archive import contacts, customers, fields
from crmcli.services.context import Ctx

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


#: the tables behind the sections read from other rooms
SECTION_TABLES = {
    "interactions": "interaction",
    "followups": "followup",
    "tickets": "ticket",
    "opportunities": "opportunity",
    "orders": "sales_order",
    "contracts": "contract",
}


def card(ctx: Ctx, ref: str) -> dict[str, Any]:
    """The archive card: the fields, then contacts, contacts made, follow-ups, sales, service."""
    customer = customers.find(ctx, ref, deleted=None)
    data = customers.as_dict(ctx, customer)
    data["deleted_at"] = customer.deleted_at
    data.update({key: [] for key in CARD_KEYS})
    data["custom_fields"] = fields.card_fields(fields.definitions(ctx, "customer"), customer.extra)
    data["contacts"] = contacts.for_customer(ctx, customer.id)
    present = _with_rows(ctx, customer.id)  # (a room's module is imported when it has rows)
    if "interactions" in present:
        from crmcli.services.relationship import interactions

        data["interactions"] = interactions.for_customer(ctx, customer.id)
    if "followups" in present:
        from crmcli.services.relationship import followups

        data["followups"] = followups.for_customer(ctx, customer.id)
    if "tickets" in present:
        from crmcli.services.relationship import tickets

        data["tickets"] = tickets.for_customer(ctx, customer.id)
    if "opportunities" in present:
        from crmcli.services.selling import pipeline

        data["opportunities"] = pipeline.for_customer(ctx, customer.id)
    if "orders" in present:
        from crmcli.services.selling import orders

        data["orders"] = orders.for_customer(ctx, customer.id)
    if "contracts" in present:
        from crmcli.services.selling import contracts

        data["contracts"] = contracts.for_customer(ctx, customer.id)
    return data


def _with_rows(ctx: Ctx, customer_id: int) -> set[str]:
    """The sections whose table has any row of the customer, asked in one statement: the
    others are empty, and their rooms' models need not even be built (most customers have
    no tickets or contracts; building a room's tables costs more than reading them)."""
    from sqlalchemy import text

    asked = ", ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE customer_id = :id)"
        for table in SECTION_TABLES.values()
    )
    found = ctx.session.execute(text(f"SELECT {asked}"), {"id": customer_id}).one()
    return {key for key, there in zip(SECTION_TABLES, found, strict=True) if there}
