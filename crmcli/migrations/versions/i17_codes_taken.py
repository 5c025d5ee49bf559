"""PostgreSQL: which codes are taken, whoever's records hold them.

A salesperson connected with her own login role sees only her customers (row-level
security), so the next free code crm hands her could be one a colleague's customer already
holds: the insert then failed on the unique constraint. ``crm_codes_taken(table, codes)``
answers for every row (it runs as the tables' owner, whom the policies do not bind) and
says nothing else: only which of the given codes are used. SQLite has no policies and
needs nothing.

Revision ID: i17_codes_taken
Revises: i15_phone_keys
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "i17_codes_taken"
down_revision = "i15_phone_keys"
branch_labels = None
depends_on = None

#: the tables whose records have codes (crmcli.services.codes.next_codes)
TABLES = ("customer", "opportunity", "sales_order", "contract", "ticket", "product")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    allowed = ", ".join(f"'{t}'" for t in TABLES)
    conn.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION crm_codes_taken(tbl text, codes text[])
        RETURNS SETOF text LANGUAGE plpgsql STABLE SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp AS $fn$
        BEGIN
            IF tbl NOT IN ({allowed}) THEN
                RAISE EXCEPTION 'records of % have no codes', tbl;
            END IF;
            RETURN QUERY EXECUTE format(
                'SELECT code::text FROM %I.%I WHERE code = ANY($1)', '{schema}', tbl
            ) USING codes;
        END
        $fn$
        """.replace("%", "%%")  # (the driver's own placeholders are %s: the function's doubled)
    )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS crm_codes_taken(text, text[])")
