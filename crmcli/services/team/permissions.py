"""Who may see and change what: the one place the ownership rule lives.

Single-user mode (no users in the database): everything is allowed. Team mode
(SPEC §1), by the acting user's role:

=============================================  =====  =======  ====================  =======
                                               admin  manager  sales                 service
=============================================  =====  =======  ====================  =======
see customers and what hangs under them        all    all      own + unassigned      all
add customers                                  yes    yes      yes (as their own)    no
change customers, contacts                     all    all      own + unassigned      no
opportunities, orders, contracts               all    all      own + unassigned      read
interactions, follow-ups, tickets              all    all      own + unassigned      all
assign customers (客户分配)                    yes    yes      no                    no
import customers, undo an import               yes    yes      own imports           no
catalogue: products, suppliers, competitors    yes    yes      read                  read
audit log                                      all    all      own entries and those about
                                                               the records they see
business settings (``crm config set``)         yes    no       no                    no
custom fields (``crm field``): define, edit    yes    yes      no                    no
custom fields: remove                          yes    no       no                    no
staff (``crm user``), purge, backup, init      yes    no       no                    no
=============================================  =====  =======  ====================  =======

Everyone may list the staff (``crm user list``) and read the settings. A refusal is
:class:`~crmcli.errors.NotPermitted` (exit 1) naming who, as what, may not do what.

What each capability calls (services only; the CLI never checks permissions):

- **lists, reports, exports**: ``q.where(customer_scope(ctx))`` on queries of
  ``Customer`` (skip it when None), or ``q.where(under_customer(ctx, Model.customer_id))``
  on a table that hangs under customers. A customer named on the command line is
  found with ``customers.find(ctx, ref)``, which is already scoped. Whether somebody
  else sees a customer (a caller dealt a call): ``may_see(user, customer.owner_id)``.
- **a change under a customer** (add, edit, delete, restore of a contact, interaction,
  follow-up, opportunity, order, contract, ticket ...):
  ``require_customer_change(ctx, customer, area=...)`` where ``area`` is the kind of
  record: ``"customer"``, ``"contact"``, ``"opportunity"``, ``"order"``,
  ``"contract"`` (service staff refused) or ``"interaction"``, ``"followup"``,
  ``"ticket"`` (service staff allowed).
- **an owner given with --owner** on a new record: ``require_owner(ctx, owner_id)``
  (sales may only own records themselves; managers and admins assign anyone).
- **a role-restricted action**: ``require_role(ctx, ROLES_THAT_MAY, t("do it"))``, or
  ``require_admin(ctx, t("do it"))``.
- **the audit log**: ``audit_scope(ctx)``.

The roles (``ROLES``, ``SEE_ALL``, ``CHANGE_ALL``, ``CHANGE_CUSTOMERS``, ``SELLERS``,
``IMPORTERS``, ``SERVICE_AREAS`` ...) are defined in :mod:`crmcli.grants`, beside the table
of what each role may do to every table of the database.

On PostgreSQL the same rule is enforced by the server for members of staff connected
with their own database role: the group role of each staff role is granted, table by
table, exactly what ``crmcli.grants.TABLES`` lists (a new table needs its entry there, and
the migration that creates it runs ``grants.grant_statements``; ``tests/test_grants.py``
compares the rules with what PostgreSQL grants), and row-level security decides which
rows (migrations ``i7_team`` and ``i9_role_grants``): a new table that hangs under
customers needs its policies in the migration that creates it (see
``i7_team_row_security.py``). On SQLite the rule is crm's alone: whoever can read the
file sees everything.
"""

from __future__ import annotations

from typing import Any

from crmcli import grants
from crmcli.errors import NotPermitted
from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.services.team.people import user_id, usernames

# The role sets are defined once, in crmcli.grants, whose table of what each role may do
# to every table the GRANTs on PostgreSQL follow; the rooms name them here.
ROLES = grants.ROLES
SEE_ALL = grants.SEE_ALL
CHANGE_ALL = grants.CHANGE_ALL
#: who may add customers
CREATE_CUSTOMERS = grants.CREATE_CUSTOMERS
#: who may change customers and what hangs under them (sales: their own and unassigned)
CHANGE_CUSTOMERS = grants.CHANGE_CUSTOMERS
#: who may change opportunities, orders and contracts
SELLERS = grants.SELLERS
#: who may import customers and undo imports (sales: their own)
IMPORTERS = grants.IMPORTERS
#: kinds of record under a customer that service staff work on (the rest they only read)
SERVICE_AREAS = grants.SERVICE_AREAS


def team(ctx: Ctx) -> bool:
    return ctx.actor.team


def sees_all(ctx: Ctx) -> bool:
    """The actor sees every customer (single-user mode, admin, manager, service)."""
    return not ctx.actor.team or ctx.actor.role in SEE_ALL


def changes_all(ctx: Ctx) -> bool:
    """The actor may change every customer and assign them (single-user, admin, manager)."""
    return not ctx.actor.team or ctx.actor.role in CHANGE_ALL


def customer_scope(ctx: Ctx) -> Any:
    """A condition on ``Customer`` selecting what the actor may see (None: everything)."""
    if sees_all(ctx):
        return None
    return own_or_unassigned(ctx.actor.id)


def own_or_unassigned(actor_id: Any) -> Any:
    """A condition on ``Customer``: the salesperson ``actor_id`` (an id, or a bound
    parameter in a statement compiled ahead) owns it, or nobody does."""
    from sqlalchemy import or_

    from crmcli.models import Customer

    return or_(Customer.owner_id == actor_id, Customer.owner_id.is_(None))


def may_see(user: Any, owner_id: int | None) -> bool:
    """Whether the member of staff ``user`` (a ``User``, not the actor: a caller dealt a
    call) sees a customer owned by ``owner_id``, by the rule of :func:`customer_scope`."""
    return user.role in SEE_ALL or owner_id in (None, user.id)


def under_customer(ctx: Ctx, customer_id: Any) -> Any:
    """A condition on a ``customer_id`` column: the row's customer is visible (None: all)."""
    scope = customer_scope(ctx)
    if scope is None:
        return None
    from sqlalchemy import select

    from crmcli.models import Customer

    return customer_id.in_(select(Customer.id).where(scope))


def _refuse(ctx: Ctx, action: str, hint: str | None = None) -> NotPermitted:
    actor = ctx.actor
    return NotPermitted(
        t(
            "{user} ({role}) may not {action}",
            user=actor.username,
            role=_role_label(actor.role),
            action=action,
        ),
        hint=hint,
    )


def _role_label(role: str | None) -> str:
    from crmcli.vocab import ROLE

    return ROLE.label(role) if role else ""


def require_customer_change(ctx: Ctx, customer: Any, *, area: str = "customer") -> None:
    """Refuse unless the actor may change ``customer`` or its records of kind ``area``."""
    actor = ctx.actor
    if changes_all(ctx):
        return
    code = customer.code or customer.id
    if actor.role == "service":
        if area in SERVICE_AREAS:
            return
        raise _refuse(
            ctx,
            t("change {what} of customer {code}", what=_area_label(area), code=code)
            if area != "customer"
            else t("change customer {code}", code=code),
            hint=t("service staff read customers and work tickets"),
        )
    if actor.role == "sales" and customer.owner_id in (None, actor.id):
        return
    owner = usernames(ctx, {customer.owner_id}).get(customer.owner_id)
    raise _refuse(
        ctx,
        t("change customer {code}", code=code),
        hint=t(
            "it belongs to {owner}; a manager can reassign it with crm customer assign",
            owner=owner or "?",
        ),
    )


def _area_label(area: str) -> str:
    labels = {
        "contact": ("contacts", "联系人"),
        "opportunity": ("opportunities", "销售机会"),
        "order": ("orders", "订单"),
        "contract": ("contracts", "合同"),
    }
    return pick(*labels[area]) if area in labels else area


def require_customer_create(ctx: Ctx) -> None:
    """Refuse unless the actor may add customers (not service staff)."""
    require_role(ctx, CREATE_CUSTOMERS, t("add customers"))


def require_owner(ctx: Ctx, owner_id: int | None, *, handover: bool = False) -> None:
    """Refuse an owner the actor may not choose: sales own what they add. ``handover``
    (a service ticket): anyone may also hand it to staff who see every customer."""
    if changes_all(ctx) or owner_id == ctx.actor.id:
        return
    if handover and owner_id is not None:
        from crmcli.models import User

        owner = ctx.session.get(User, owner_id)
        if owner is not None and owner.role in SEE_ALL:
            return
    raise _refuse(
        ctx,
        t("give records to other staff"),
        hint=t("leave out --owner, or ask a manager to assign it (crm customer assign)"),
    )


def default_owner(ctx: Ctx, owner: str | None, *, handover: bool = False) -> int | None:
    """The owner of a new record: ``--owner`` if given (an active user the actor may give
    records to: see :func:`require_owner`), else the acting user (team mode)."""
    if owner is None:
        return ctx.actor.id
    owner_id = user_id(ctx, owner, active=True)
    require_owner(ctx, owner_id, handover=handover)
    return owner_id


def require_role(ctx: Ctx, roles: tuple[str, ...], action: str) -> None:
    """Refuse unless the actor has one of ``roles`` (always allowed in single-user mode)."""
    actor = ctx.actor
    if actor.team and actor.role not in roles:
        from crmcli.vocab import ROLE

        raise _refuse(
            ctx,
            action,
            hint=t("allowed to: {roles}", roles=", ".join(ROLE.label(r) for r in roles)),
        )


def require_admin(ctx: Ctx, action: str) -> None:
    require_role(ctx, ("admin",), action)


def audit_scope(ctx: Ctx) -> Any:
    """A condition on ``AuditEntry``: one's own entries and those about visible records."""
    if changes_all(ctx):
        return None
    from sqlalchemy import and_, or_, select

    from crmcli.models import AuditEntry as A
    from crmcli.models import (
        Contact,
        Contract,
        Customer,
        Followup,
        Interaction,
        Opportunity,
        SalesOrder,
        Ticket,
    )

    visible = [A.user == ctx.actor.username]
    scope = customer_scope(ctx)
    if scope is None:  # service staff: every customer
        return or_(*visible, A.entity.in_([*AUDITED_UNDER, "customer"]))
    customers = select(Customer.id).where(scope)
    visible.append(and_(A.entity == "customer", A.entity_id.in_(customers)))
    models = {
        "contact": Contact,
        "interaction": Interaction,
        "followup": Followup,
        "opportunity": Opportunity,
        "order": SalesOrder,
        "sales_order": SalesOrder,
        "contract": Contract,
        "ticket": Ticket,
    }
    for entity, model in models.items():
        rows = select(model.id).where(model.customer_id.in_(customers))
        visible.append(and_(A.entity == entity, A.entity_id.in_(rows)))
    return or_(*visible)


#: audit entity names of records that hang under a customer
AUDITED_UNDER = (
    "contact",
    "interaction",
    "followup",
    "opportunity",
    "order",
    "sales_order",
    "contract",
    "ticket",
)
