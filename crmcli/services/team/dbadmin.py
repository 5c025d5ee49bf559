"""Looking after the database: what is in it, is it healthy, and purging deleted records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crmcli.db import HEAD, Database
from crmcli.errors import DatabaseError, Invalid
from crmcli.i18n import t
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions

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

    from crmcli.models import AuditEntry, Customer

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
        q = select(func.count()).select_from(Customer if name == "customer" else table(name))
        if name == "customer" and scope is not None:
            q = q.where(scope)
        elif name in UNDER_CUSTOMER:
            q = q.where(_within(ctx, column("customer_id")))
        elif name == "audit_entry" and (seen := permissions.audit_scope(ctx)) is not None:
            q = select(func.count()).select_from(AuditEntry).where(seen)
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
    from crmcli.services.team import dbroles

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
        SurveyAnswer,
        SurveyResponse,
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
        SurveyResponse: under(SurveyResponse, customers),
        Product: deleted(Product),
        Supplier: deleted(Supplier),
        Competitor: deleted(Competitor),
    }
    counts = {model.__tablename__: len(ids) for model, ids in doomed.items() if ids}
    if dry_run or not counts:
        return counts
    pointers = [
        (
            Contact,
            [
                Interaction.contact_id,
                Followup.contact_id,
                Ticket.contact_id,
                SurveyResponse.contact_id,
            ],
        ),
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
        (SurveyAnswer.response_id, SurveyResponse),
    ]
    for column, parent in children:
        for chunk in _chunks(doomed[parent]):
            ctx.session.execute(delete(column.class_).where(column.in_(chunk)))
    for model in (
        SurveyResponse,
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


# -- backup of a PostgreSQL database -----------------------------------------------------


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    import glob
    import shutil

    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def _libpq_env(url: str) -> dict[str, str]:
    """The connection as libpq environment variables (no password on a command line)."""
    import os

    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", u.host),
        ("PGPORT", u.port),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value is not None:
            env[key] = str(value)
    for key, value in u.query.items():  # sslmode=..., host=/run/postgresql ...
        if isinstance(value, str):
            env["PG" + key.upper()] = value
    return env


def dumped_row_counts(pg_restore: str, path: Any, env: dict[str, str]) -> dict[str, int]:
    """Rows per table in a custom-format dump (the COPY lines ``pg_restore`` writes out)."""
    import subprocess

    counts: dict[str, int] = {}
    proc = subprocess.Popen(
        [pg_restore, "--data-only", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None
    table = None
    for line in proc.stdout:
        if table is None:
            if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                table = line.split()[1].split(".")[-1].strip('"')
                counts[table] = 0
        elif line.rstrip("\n") == "\\.":
            table = None
        else:
            counts[table] += 1
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise DatabaseError(t("cannot read the backup back: {error}", error=err.strip()))
    return counts


def backup(ctx: Ctx, target: Any) -> dict[str, int] | None:
    """Back the database up to ``target`` (a new file); admins only in team mode.

    SQLite: a consistent copy of the file (None). PostgreSQL: :func:`backup_postgres`
    in this unit's read transaction; returns the row counts checked.
    """
    permissions.require_admin(ctx, t("back up the database"))
    if not target.parent.is_dir():
        raise Invalid(
            t("no folder '{folder}' to write {file} in", folder=target.parent, file=target.name)
        )
    if ctx.db.is_sqlite:
        ctx.db.backup_to(target)
        return None
    return backup_postgres(ctx.session.connection(), ctx.db, target)


def backup_postgres(conn: Any, db: Database, target: Any) -> dict[str, int]:
    """Dump a PostgreSQL database with ``pg_dump`` and check that every table's row count
    in the file equals the database's, both taken in the same snapshot.

    ``conn`` is in a REPEATABLE READ transaction: the counts are taken in it and its
    snapshot is exported; ``pg_dump --snapshot`` dumps exactly that state, so people may
    keep working meanwhile. The file (custom format, for ``pg_restore``) is written under
    a temporary name and renamed when verified. Returns the row counts.
    """
    import os
    import subprocess

    from sqlalchemy import inspect, text

    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    if not pg_dump or not pg_restore:
        raise DatabaseError(
            t("backing up PostgreSQL needs pg_dump and pg_restore"),
            hint=t(
                "install PostgreSQL's client programs (Debian: apt-get install postgresql-client)"
            ),
        )
    env = _libpq_env(db.url)
    tmp = target.with_name(target.name + ".part")
    snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
    counts = {
        name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
        for name in inspect(conn).get_table_names()
    }
    result = subprocess.run(
        [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={tmp}"],
        capture_output=True,
        text=True,
        env=env,
    )
    try:
        if result.returncode != 0:
            raise DatabaseError(t("pg_dump failed: {error}", error=result.stderr.strip()))
        dumped = dumped_row_counts(pg_restore, tmp, env)
        differ = {
            name: (n, dumped.get(name, 0)) for name, n in counts.items() if dumped.get(name, 0) != n
        }
        if differ:
            raise DatabaseError(
                t(
                    "the backup's row counts differ from the database's: {tables}",
                    tables=", ".join(f"{k} {a} != {b}" for k, (a, b) in differ.items()),
                )
            )
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return counts
