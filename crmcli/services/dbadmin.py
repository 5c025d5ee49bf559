"""Looking after the database: what is in it, is it healthy, and purging deleted records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crmcli.db import HEAD, Database
from crmcli.i18n import t
from crmcli.services import audit, permissions
from crmcli.services.context import Ctx

#: table -> JSON key of ``crm db info``'s counts
COUNTED = [
    ("customer", "customers"),
    ("contact", "contacts"),
    ("interaction", "interactions"),
    ("followup", "followups"),
    ("opportunity", "opportunities"),
    ("sales_order", "orders"),
    ("contract", "contracts"),
    ("ticket", "tickets"),
    ("product", "products"),
    ("app_user", "users"),
    ("audit_entry", "audit_entries"),
    ("import_batch", "imports"),
]


#: tables counted by ``info`` whose rows hang under a customer (counted within scope)
UNDER_CUSTOMER = ("contact", "interaction", "followup", "opportunity", "sales_order")
UNDER_CUSTOMER += ("contract", "ticket")


def info(ctx: Ctx) -> dict[str, Any]:
    """Where the database is, its schema, mode, who is acting, and what it holds.

    Counts of customers and what hangs under them are those the actor may see.
    """
    from sqlalchemy import column, func, select, table

    from crmcli.models import Customer

    db = ctx.db
    conn = ctx.session.connection()
    data: dict[str, Any] = {
        "database": db.display,
        "dialect": conn.dialect.name,
        "schema": db.revision_in(conn),
        "schema_head": HEAD,
        "mode": "team" if ctx.actor.team else "single-user",
        "user": ctx.actor.username,
        "role": ctx.actor.role,
        "enforced_by": enforcement(ctx),
    }
    if db.is_sqlite:
        data["size_bytes"] = db.path.stat().st_size if db.path and db.path.exists() else 0
        data["journal_mode"] = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    counts = {}
    scope = permissions.customer_scope(ctx)
    for name, key in COUNTED:
        q = select(func.count()).select_from(table(name))
        if name == "customer" and scope is not None:
            q = q.where(scope)
        elif name in UNDER_CUSTOMER:
            q = q.where(_within(ctx, column("customer_id")))
        counts[key] = ctx.session.execute(q).scalar()
    deleted = select(func.count()).select_from(Customer).where(Customer.deleted_at.is_not(None))
    if scope is not None:
        deleted = deleted.where(scope)
    counts["deleted_customers"] = ctx.session.execute(deleted).scalar()
    data["counts"] = counts
    return data


def _within(ctx: Ctx, customer_id: Any) -> Any:
    from sqlalchemy import true

    condition = permissions.under_customer(ctx, customer_id)
    return true() if condition is None else condition


def enforcement(ctx: Ctx) -> str:
    """Who enforces the permissions: crm alone, or also the database server.

    ``crm`` on SQLite (whoever can read the file sees everything) and for the owner's
    connection to PostgreSQL; ``database`` when connected to PostgreSQL with a member of
    staff's own role, under row-level security.
    """
    from crmcli.services import dbroles

    return "database" if dbroles.on_postgres(ctx) and dbroles.connected_as_staff(ctx) else "crm"


def check(db: Database) -> list[str]:
    """Problems found (empty when healthy): integrity, foreign keys, schema drift."""
    from crmcli.migrate import schema_differences

    problems: list[str] = []
    with db.connect(write=False) as conn:
        if db.is_sqlite:
            result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems += [f"integrity: {r}" for r in result]
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: {row[0]} row {row[1]} -> {row[2]}")
        revision = db.revision_in(conn)
    if revision != HEAD:
        problems.append(f"schema revision {revision}, expected {HEAD}")
    problems += [f"schema differs from the models: {d}" for d in schema_differences(db)]
    return problems


# -- purge -----------------------------------------------------------------------------


def _ids(ctx: Ctx, q: Any) -> set[int]:
    return set(ctx.session.execute(q).scalars())


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    items = sorted(ids)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def purge(ctx: Ctx, *, before: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remove deleted records for good (with everything that hangs under them).

    Rows elsewhere that only point at a purged record (an order line's product, an
    interaction's contact) keep their data and lose the pointer. Returns counts per
    kind of record removed. Admins only in team mode.
    """
    from sqlalchemy import delete, select, update

    permissions.require_admin(ctx, t("purge deleted records"))

    from crmcli.models import (
        Competitor,
        Contact,
        Contract,
        Customer,
        Followup,
        Interaction,
        Opportunity,
        OrderLine,
        PaymentPlan,
        Product,
        Receipt,
        SalesOrder,
        StageChange,
        Supplier,
        Ticket,
        TicketEvent,
    )

    def deleted(model: Any) -> set[int]:
        q = select(model.id).where(model.deleted_at.is_not(None))
        if before is not None:
            q = q.where(model.deleted_at < before)
        return _ids(ctx, q)

    def under(model: Any, customers: set[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(customers):
            found |= _ids(ctx, select(model.id).where(model.customer_id.in_(chunk)))
        return found

    customers = deleted(Customer)
    doomed = {
        Customer: customers,
        Contact: deleted(Contact) | under(Contact, customers),
        Interaction: deleted(Interaction) | under(Interaction, customers),
        Followup: under(Followup, customers),
        Opportunity: deleted(Opportunity) | under(Opportunity, customers),
        SalesOrder: deleted(SalesOrder) | under(SalesOrder, customers),
        Contract: deleted(Contract) | under(Contract, customers),
        Ticket: deleted(Ticket) | under(Ticket, customers),
        Product: deleted(Product),
        Supplier: deleted(Supplier),
        Competitor: deleted(Competitor),
    }
    counts = {model.__tablename__: len(ids) for model, ids in doomed.items() if ids}
    if dry_run or not counts:
        return counts
    pointers = [
        (Contact, [Interaction.contact_id, Followup.contact_id, Ticket.contact_id]),
        (Interaction, [Followup.interaction_id]),
        (
            Opportunity,
            [
                Interaction.opportunity_id,
                Followup.opportunity_id,
                SalesOrder.opportunity_id,
                Contract.opportunity_id,
            ],
        ),
        (Product, [OrderLine.product_id, Opportunity.product_id]),
        (Supplier, [Product.supplier_id]),
        (Competitor, [Opportunity.competitor_id]),
    ]
    for target, columns in pointers:
        for column in columns:
            for chunk in _chunks(doomed[target]):
                ctx.session.execute(
                    update(column.class_).where(column.in_(chunk)).values({column.key: None})
                )
    children = [
        (StageChange.opportunity_id, Opportunity),
        (OrderLine.order_id, SalesOrder),
        (PaymentPlan.contract_id, Contract),
        (Receipt.contract_id, Contract),
        (TicketEvent.ticket_id, Ticket),
    ]
    for column, parent in children:
        for chunk in _chunks(doomed[parent]):
            ctx.session.execute(delete(column.class_).where(column.in_(chunk)))
    for model in (
        Followup,
        Interaction,
        Ticket,
        Contract,
        SalesOrder,
        Opportunity,
        Contact,
        Customer,
        Product,
        Supplier,
        Competitor,
    ):
        for chunk in _chunks(doomed[model]):
            ctx.session.execute(delete(model).where(model.id.in_(chunk)))
    audit.record(ctx, "purge", "database", None, changes={"before": before, "removed": counts})
    return counts
