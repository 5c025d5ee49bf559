"""team mode: the ownership rule enforced by PostgreSQL itself (row-level security).

No tables or columns change. On SQLite this revision does nothing: whoever can read
the file sees everything, and crm's own permission checks are all there is.

On PostgreSQL it adds, for the database roles that ``crm user add`` creates (one per
member of staff, mapped by ``app_user.db_role``; never the table owner, never
BYPASSRLS):

- functions ``crm_uid()``, ``crm_username()``, ``crm_role()``: the app user that the
  connected database role (``current_user``) belongs to, if it is active;
- policies (USING and WITH CHECK) on ``customer``: admin, manager and service read
  every customer, sales their own and unassigned ones; admin and manager change every
  customer, sales their own and unassigned ones, and only as their own or unassigned;
- policies on every table that hangs under a customer by ``customer_id`` (contact,
  interaction, followup, opportunity, sales_order, contract, ticket), and on the
  tables under those (stage_change, order_line, payment_plan, receipt, ticket_event):
  a row is visible when its customer is; service staff may write interactions,
  follow-ups and tickets, but not contacts, opportunities, orders or contracts;
- ``audit_entry``: append-only for the team (no UPDATE/DELETE is granted), entries
  written only in one's own name, read by admins and managers, otherwise one's own
  entries and those about visible records;
- ``setting``: read by all, written by admins;
- a trigger refusing a change of ``customer.owner_id`` by sales or service staff
  (assignment is for managers and admins).

The table owner (the account that runs ``crm init`` and migrations) is not subject to
row-level security: it is the administrator's key to the building.

Revision ID: i7_team
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "i7_team"
down_revision = "0001"
branch_labels = None
depends_on = None

#: tables with a customer_id: (table, service staff may write it)
UNDER_CUSTOMER = [
    ("contact", False),
    ("interaction", True),
    ("followup", True),
    ("opportunity", False),
    ("sales_order", False),
    ("contract", False),
    ("ticket", True),
]
#: tables under those: (table, column, parent table, service staff may write it)
UNDER_RECORD = [
    ("stage_change", "opportunity_id", "opportunity", False),
    ("order_line", "order_id", "sales_order", False),
    ("payment_plan", "contract_id", "contract", False),
    ("receipt", "contract_id", "contract", False),
    ("ticket_event", "ticket_id", "ticket", True),
]
#: audit entity name -> table, for reading the audit entries of visible records
AUDITED = {
    "customer": "customer",
    "contact": "contact",
    "interaction": "interaction",
    "followup": "followup",
    "opportunity": "opportunity",
    "order": "sales_order",
    "sales_order": "sales_order",
    "contract": "contract",
    "ticket": "ticket",
}

FUNCTIONS = """
CREATE OR REPLACE FUNCTION crm_uid() RETURNS integer
    LANGUAGE sql STABLE SECURITY INVOKER
    AS $$ SELECT id FROM app_user WHERE db_role = current_user AND active $$;
CREATE OR REPLACE FUNCTION crm_username() RETURNS text
    LANGUAGE sql STABLE SECURITY INVOKER
    AS $$ SELECT username::text FROM app_user WHERE db_role = current_user AND active $$;
CREATE OR REPLACE FUNCTION crm_role() RETURNS text
    LANGUAGE sql STABLE SECURITY INVOKER
    AS $$ SELECT role::text FROM app_user WHERE db_role = current_user AND active $$;
CREATE OR REPLACE FUNCTION crm_guard_owner() RETURNS trigger
    LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    IF NEW.owner_id IS DISTINCT FROM OLD.owner_id AND crm_role() IN ('sales', 'service') THEN
        RAISE EXCEPTION 'only managers and admins assign customers'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""

# Scalar sub-selects are evaluated once per statement (an InitPlan), not once per row.
ROLE = "(SELECT crm_role())"
UID = "(SELECT crm_uid())"
SEES_ALL = f"{ROLE} IN ('admin', 'manager', 'service')"
CHANGES_ALL = f"{ROLE} IN ('admin', 'manager')"
OWNS = f"({ROLE} = 'sales' AND (owner_id IS NULL OR owner_id = {UID}))"


def _visible(table: str, column: str) -> str:
    """The row's parent is visible (the parent's own policies decide)."""
    return f"EXISTS (SELECT 1 FROM {table} p WHERE p.id = {column})"


def _policies(table: str, read: str, write: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY crm_read ON {table} FOR SELECT USING ({read})",
        f"CREATE POLICY crm_insert ON {table} FOR INSERT WITH CHECK ({write})",
        f"CREATE POLICY crm_update ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})",
        f"CREATE POLICY crm_delete ON {table} FOR DELETE USING ({write})",
    ]


def statements() -> list[str]:
    sql = [FUNCTIONS]
    sql += _policies("customer", f"{SEES_ALL} OR {OWNS}", f"{CHANGES_ALL} OR {OWNS}")
    for table, service_writes in UNDER_CUSTOMER:
        visible = _visible("customer", "customer_id")
        write = visible if service_writes else f"{ROLE} <> 'service' AND {visible}"
        sql += _policies(table, visible, write)
    for table, column, parent, service_writes in UNDER_RECORD:
        visible = _visible(parent, column)
        write = visible if service_writes else f"{ROLE} <> 'service' AND {visible}"
        sql += _policies(table, visible, write)
    about_visible = " OR ".join(
        f"(entity = '{entity}' AND {_visible(table, 'entity_id')})"
        for entity, table in AUDITED.items()
    )
    sql += [
        "ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY crm_read ON audit_entry FOR SELECT USING ("
        f'{CHANGES_ALL} OR "user" = (SELECT crm_username()) OR {about_visible})',
        "CREATE POLICY crm_insert ON audit_entry FOR INSERT "
        'WITH CHECK ("user" = (SELECT crm_username()))',
        "ALTER TABLE setting ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY crm_read ON setting FOR SELECT USING ({ROLE} IS NOT NULL)",
        f"CREATE POLICY crm_write ON setting FOR ALL USING ({ROLE} = 'admin') "
        f"WITH CHECK ({ROLE} = 'admin')",
        "CREATE TRIGGER crm_guard_owner BEFORE UPDATE OF owner_id ON customer "
        "FOR EACH ROW EXECUTE FUNCTION crm_guard_owner()",
    ]
    return sql


SECURED = (
    ["customer", "audit_entry", "setting"]
    + [t for t, _ in UNDER_CUSTOMER]
    + [t for t, *_ in UNDER_RECORD]
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sql in statements():
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS crm_guard_owner ON customer")
    for table in SECURED:
        for name in ("crm_read", "crm_insert", "crm_update", "crm_delete", "crm_write"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in ("crm_guard_owner()", "crm_role()", "crm_username()", "crm_uid()"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
