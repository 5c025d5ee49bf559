"""The staff roles and what each may do to every table: the one rule that crm's own checks
and PostgreSQL's grants share.

crm checks the acting user's role before every change (``services/team/permissions.py``
imports the role sets below). On PostgreSQL each role is also a group role of the
database, ``<database>__admin``, ``__manager``, ``__sales`` and ``__service``; every
member of staff's login role is a member of the group of their role, and each group is
granted on each table exactly the operations :data:`TABLES` names for its role, nothing
by default (:func:`grant_statements`, run by the migration ``i9_role_grants`` and by
``crm user add``). Which *rows* a role may touch is row-level security's part: a
salesperson's own and unassigned customers and what hangs under them, one's own audit
entries (migration ``i7_team``), a salesperson's own imports and the code counters of the
records one may add (:func:`row_policies`).

A table of the models missing from :data:`TABLES` fails ``tests/test_grants.py``, and on
PostgreSQL it stays closed to staff until it has its entry and a migration grants it (the
migration that creates it runs :func:`regrant_statements`).
Nothing here imports crm: the migrations, the team room and the tests all read it.
"""

from __future__ import annotations

import re
from typing import Any

#: the staff roles (``crm user add --role``)
ROLES = ("admin", "manager", "sales", "service")
EVERYONE = ROLES
ADMIN = ("admin",)
#: who sees every customer (sales: their own and unassigned ones)
SEE_ALL = ("admin", "manager", "service")
#: who changes every customer, assigns them and keeps the catalogue
CHANGE_ALL = ("admin", "manager")
#: who adds customers and changes them with what hangs under them (sales: their own and
#: unassigned ones); service staff only read them
CHANGE_CUSTOMERS = ("admin", "manager", "sales")
CREATE_CUSTOMERS = CHANGE_CUSTOMERS
#: who works the pipeline, orders and contracts (of the customers they may change)
SELLERS = CHANGE_CUSTOMERS
#: who imports customers and undoes imports (sales: their own)
IMPORTERS = CHANGE_CUSTOMERS
#: records under a customer that service staff work on too (the rest they only read)
SERVICE_AREAS = frozenset(
    {"interaction", "followup", "ticket", "ticket_event", "survey_response", "survey_answer"}
)
#: who removes deleted records for good (``crm db purge``), and changes settings
PURGERS = ADMIN
SETTINGS = ADMIN

OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _rule(
    *,
    insert: tuple[str, ...] = (),
    update: tuple[str, ...] = (),
    delete: tuple[str, ...] = (),
) -> dict[str, tuple[str, ...]]:
    """Operation -> the roles granted it; every role reads every table (rows: RLS)."""
    return {"SELECT": EVERYONE, "INSERT": insert, "UPDATE": update, "DELETE": delete}


def _under(table: str, *, update: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
    """A table under customers: written by those who change customers, and by service
    staff too in their areas (``update``: who edits its rows, by default the same);
    admins purge deleted records for good (``crm db purge``)."""
    writers = EVERYONE if table in SERVICE_AREAS else CHANGE_CUSTOMERS
    return _rule(insert=writers, update=writers if update is None else update, delete=PURGERS)


#: table -> operation -> the roles granted it. Every table of ``crmcli.models`` and
#: ``alembic_version``; a table missing here is closed to staff on PostgreSQL.
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    # the staff and the schema: ``crm user`` and upgrades use the database owner's account
    "app_user": _rule(),
    "alembic_version": _rule(),
    # business settings: ``crm config set`` and ``reset`` (a reset deletes the row)
    "setting": _rule(insert=SETTINGS, update=SETTINGS, delete=SETTINGS),
    # the audit log: every change appends to it, in one's own name only (RLS)
    "audit_entry": _rule(insert=EVERYONE),
    # ``crm customer import`` and ``--undo`` (sales: their own batches, RLS);
    # ``crm report segment --apply`` and ``--revert`` (admins and managers)
    "import_batch": _rule(insert=IMPORTERS, update=IMPORTERS),
    # record codes: moved forward, never back, by those who add records of the kind (RLS)
    "code_counter": _rule(insert=EVERYONE, update=EVERYONE),
    # the archive; undoing an import deletes the customers and contacts it created, and a
    # purge (admins) what was deleted
    "customer": _rule(insert=CREATE_CUSTOMERS, update=CHANGE_CUSTOMERS, delete=IMPORTERS),
    "contact": _rule(insert=CHANGE_CUSTOMERS, update=CHANGE_CUSTOMERS, delete=IMPORTERS),
    # the custom fields of the card (``crm field``): defined by admins and managers; removed
    # (for good) by admins
    "custom_field": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
    # under customers (rows: RLS); histories are only appended to (update=()), and a purge
    # unlinks order lines from a purged product
    "interaction": _under("interaction"),
    "followup": _under("followup"),
    "ticket": _under("ticket"),
    "ticket_event": _under("ticket_event", update=()),
    # call lists (``crm call``): built by those who change customers; a call's outcome is
    # recorded by service staff too (rows of call_entry: RLS, as under customers)
    "call_list": _rule(insert=CHANGE_CUSTOMERS, update=CHANGE_CUSTOMERS, delete=PURGERS),
    "call_entry": _rule(insert=CHANGE_CUSTOMERS, update=EVERYONE, delete=PURGERS),
    "opportunity": _under("opportunity"),
    "stage_change": _under("stage_change", update=()),
    "sales_order": _under("sales_order"),
    "order_line": _under("order_line", update=PURGERS),
    "contract": _under("contract"),
    "payment_plan": _under("payment_plan", update=()),
    "receipt": _under("receipt", update=()),
    # surveys (``crm survey``): questionnaires written by admins and managers, as the
    # catalogue; a customer's answers are recorded (and replaced) by whoever keeps in touch
    # with the customer, service staff too (rows: RLS, as under customers)
    "survey": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
    "survey_question": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
    "survey_response": _under("survey_response"),
    "survey_answer": _under("survey_answer"),
    # the catalogue: kept by admins and managers, read by everyone
    "product": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
    "supplier": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
    "competitor": _rule(insert=CHANGE_ALL, update=CHANGE_ALL, delete=PURGERS),
}

#: code prefix -> the table whose new records take its codes (``services/codes.py``): a
#: role may move a counter forward only if it may add records to that table
COUNTERS = {
    "C": "customer",
    "O": "opportunity",
    "D": "sales_order",
    "H": "contract",
    "T": "ticket",
    "P": "product",
}


def allowed(table: str, role: str) -> frozenset[str]:
    """The operations ``role`` may run on ``table`` (KeyError: a table without rules)."""
    return frozenset(op for op, roles in TABLES[table].items() if role in roles)


def counter_roles(prefix: str) -> tuple[str, ...]:
    """The roles that may take codes with ``prefix``: those who may add its records."""
    return tuple(r for r in ROLES if "INSERT" in allowed(COUNTERS[prefix], r))


# -- names ---------------------------------------------------------------------------------


def slug(text: str, limit: int) -> str:
    """Lower-case letters, digits and ``_`` only, at most ``limit`` characters."""
    return re.sub(r"[^a-z0-9_]", "_", text.lower())[:limit].strip("_") or "crm"


def quote(name: str) -> str:
    """A PostgreSQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def role_prefix(database: str) -> str:
    """The prefix of the database's role names (roles are server-wide)."""
    return slug(database, 40)


def group_role(prefix: str, role: str) -> str:
    """The group role of a staff role: two underscores, which no username makes."""
    return f"{prefix}__{role}"


# -- SQL ---------------------------------------------------------------------------------


def _scalar(conn: Any, sql: str, **params: Any) -> Any:
    from sqlalchemy import text

    return conn.execute(text(sql), params).scalar()


def _sequences(conn: Any, table: str) -> list[str]:
    """The sequences behind the table's columns (serial or identity)."""
    from sqlalchemy import text

    rows = conn.execute(
        text(
            "SELECT s.relname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND t.relname = :t "
            "AND t.relnamespace = current_schema()::regnamespace ORDER BY 1"
        ),
        {"t": table},
    )
    return [r[0] for r in rows]


def grant_statements(conn: Any) -> list[str]:
    """SQL that creates the database's four group roles if missing and grants each
    exactly what :data:`TABLES` lets its role do: every privilege on the schema's tables
    and sequences is revoked first, the sequence behind a table's ids is granted with
    INSERT on it, and nothing is granted by default on tables created later.
    ``conn``: a connection of the database owner's account (CREATEROLE)."""
    database = _scalar(conn, "SELECT current_database()")
    schema = quote(_scalar(conn, "SELECT current_schema()"))
    prefix = role_prefix(database)
    existing = {
        table
        for table in TABLES
        if _scalar(conn, "SELECT to_regclass(:t) IS NOT NULL", t=quote(table))
    }
    sequences = {table: _sequences(conn, table) for table in existing}
    sql = []
    for role in ROLES:
        group = group_role(prefix, role)
        g = quote(group)
        if not _scalar(conn, "SELECT count(*) FROM pg_roles WHERE rolname = :n", n=group):
            sql.append(f"CREATE ROLE {g} NOLOGIN NOINHERIT")
        sql += [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {g}",
            f"GRANT USAGE ON SCHEMA {schema} TO {g}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {g}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {g}",
        ]
        for table in sorted(existing):
            ops = [op for op in OPERATIONS if op in allowed(table, role)]
            if ops:
                sql.append(f"GRANT {', '.join(ops)} ON {quote(table)} TO {g}")
            if "INSERT" in ops:
                sql += [f"GRANT USAGE ON SEQUENCE {quote(s)} TO {g}" for s in sequences[table]]
    return sql


def regrant_statements(conn: Any) -> list[str]:
    """:func:`grant_statements` in a team database (one with its group roles), else
    nothing: what a migration that adds a table runs after creating it."""
    group = group_role(role_prefix(_scalar(conn, "SELECT current_database()")), "admin")
    if not _scalar(conn, "SELECT count(*) FROM pg_roles WHERE rolname = :n", n=group):
        return []
    return grant_statements(conn)


# Row-level security of the shared tables whose rule depends on the role (the tables
# under customers and the audit log: migration ``i7_team``). Scalar sub-selects run once
# per statement.
_ROLE = "(SELECT crm_role())"


def _roles_in(roles: tuple[str, ...]) -> str:
    return f"{_ROLE} IN ({', '.join(repr(r) for r in roles)})" if roles else "false"


def counter_rule() -> str:
    """A counter row the connected member of staff may take codes from."""
    return " OR ".join(
        f"(prefix = '{prefix}' AND {_roles_in(counter_roles(prefix))})" for prefix in COUNTERS
    )


def import_rule() -> str:
    """An import batch the connected member of staff may write: admins and managers any,
    sales their own customer imports (``crm customer import --undo`` of their own)."""
    mine = "(\"user\" = (SELECT crm_username()) AND entity = 'customer')"
    others = tuple(r for r in IMPORTERS if r not in CHANGE_ALL)
    return f"{_roles_in(CHANGE_ALL)} OR ({_roles_in(others)} AND {mine})"


def row_policies() -> list[str]:
    """(Re)create the policies of ``code_counter`` and ``import_batch``: every member of
    staff reads them; a counter is created (at 0) and moved only by those who may add its
    records, and only forward (the trigger ``crm_guard_counter``); a batch is written by
    admins and managers, and by sales when it is their own import."""
    sql = []
    for table, write, insert_check in (
        ("code_counter", counter_rule(), f"last = 0 AND ({counter_rule()})"),
        ("import_batch", import_rule(), import_rule()),
    ):
        sql += [f"DROP POLICY IF EXISTS {name} ON {table}" for name in _POLICIES]
        sql += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY crm_read ON {table} FOR SELECT USING ({_ROLE} IS NOT NULL)",
            f"CREATE POLICY crm_insert ON {table} FOR INSERT WITH CHECK ({insert_check})",
            f"CREATE POLICY crm_update ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})",
        ]
    return sql


_POLICIES = ("crm_read", "crm_insert", "crm_update", "crm_delete", "crm_write")
