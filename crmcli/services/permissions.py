"""Who may see and change what: the one place the ownership rule lives.

Single-user mode (no users): everything is allowed. Team mode (SPEC §1):

- admin: everything, including users;
- manager: every record, and assigning customers;
- sales: their own customers and unassigned ones, and what hangs under them;
- service: every customer to read, tickets to read and write.
"""

from __future__ import annotations

from typing import Any

from crmcli.errors import NotPermitted
from crmcli.i18n import t
from crmcli.services.context import Ctx

SEE_ALL = ("admin", "manager", "service")
CHANGE_ALL = ("admin", "manager")


def customer_scope(ctx: Ctx) -> Any:
    """A condition on ``Customer`` selecting what the actor may see (None: everything)."""
    actor = ctx.actor
    if not actor.team or actor.role in SEE_ALL:
        return None
    from sqlalchemy import or_

    from crmcli.models import Customer

    return or_(Customer.owner_id == actor.id, Customer.owner_id.is_(None))


def require_customer_change(ctx: Ctx, customer: Any) -> None:
    """Refuse unless the actor may change ``customer`` and what hangs under it."""
    actor = ctx.actor
    if not actor.team or actor.role in CHANGE_ALL:
        return
    if actor.role == "sales" and customer.owner_id in (None, actor.id):
        return
    raise NotPermitted(
        t(
            "{user} ({role}) may not change customer {code}",
            user=actor.username,
            role=actor.role,
            code=customer.code or customer.id,
        )
    )


def require_role(ctx: Ctx, roles: tuple[str, ...], action: str) -> None:
    """Refuse unless the actor has one of ``roles`` (always allowed in single-user mode)."""
    actor = ctx.actor
    if actor.team and actor.role not in roles:
        raise NotPermitted(
            t(
                "{user} ({role}) may not {action}",
                user=actor.username,
                role=actor.role,
                action=action,
            )
        )
