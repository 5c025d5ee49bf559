"""A customer's search text (``--search``), rebuilt when the customer, its contacts or its
custom fields change."""

from __future__ import annotations

from typing import Any

from crmcli.searching import custom_values, search_text
from crmcli.services.context import Ctx


def refresh_search(ctx: Ctx, customer: Any) -> None:
    """Recompute what ``--search`` looks in: code, name, phone, e-mail, contact names and
    custom field values."""
    from sqlalchemy import select

    from crmcli.models import Contact

    names = []
    if customer.id is not None:
        names = ctx.session.execute(
            select(Contact.name).where(
                Contact.customer_id == customer.id, Contact.deleted_at.is_(None)
            )
        ).scalars()
    customer.search_text = search_text(
        code=customer.code,
        name=customer.name,
        phone=customer.phone,
        phone_key=customer.phone_key,
        email=customer.email,
        contacts=names,
        custom=custom_values(customer.extra),
    )
