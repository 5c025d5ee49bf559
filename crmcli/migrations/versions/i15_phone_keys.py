"""Phone tails for ``crm who``, and call lists (呼叫中心).

``crm who PHONE`` finds the customer or contact a caller's number belongs to, whatever
its shape (+86, an area code or not): each stored number keeps the last 7 digits of its
key in an indexed column (``customer.phone_tail``, ``fax_tail``; ``contact.mobile_tail``,
``phone_tail``; see ``crmcli/services/archive/phones.py``). This revision adds them and
fills them for the numbers already in the book, a chunk at a time.

``crm call`` keeps outbound call lists: ``call_list`` (a list, its segment and script)
and ``call_entry`` (a customer on a list, the caller, the outcome of the calls). A call
entry hangs under its customer: on PostgreSQL it has the row-level security of the other
tables under customers (service staff may record calls), and the staff's group roles are
granted both tables (``crmcli.grants``).

Revision ID: i15_phone_keys
Revises: i15_marketing_opt_out
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "i15_phone_keys"
down_revision = "i15_marketing_opt_out"
branch_labels = None
depends_on = None

CHUNK = 2000
TAIL = 7
#: table -> (number column, tail column)
TAILS = {
    "customer": (("phone", "phone_tail"), ("fax", "fax_tail")),
    "contact": (("mobile", "mobile_tail"), ("phone", "phone_tail")),
}
_SPLIT = re.compile(r"^(.*?)(?:\s*(?:x|ext\.?|转|分机)\s*(\d{1,6}))?$", re.IGNORECASE)


def tail(value: str | None) -> str | None:
    """The last 7 digits of a number's key, as ``crmcli.validate.phone_key`` makes it
    (the digits; +86 / 0086 dropped; an extension ignored), as of this revision."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    m = _SPLIT.match(text)
    main = re.sub(r"[\s\-.()（）]", "", m.group(1)) if m else ""
    if re.fullmatch(r"\+?\d{5,20}", main):
        key = main.lstrip("+")
        if key.startswith("0086"):
            key = key[4:]
        elif main.startswith("+86"):
            key = key[2:]
    else:
        key = re.sub(r"\D", "", text)
    return key[-TAIL:] if key else None


def _fill() -> None:
    conn = op.get_bind()
    for table, pairs in TAILS.items():
        numbers = ", ".join(n for n, _ in pairs)
        read = sa.text(f"SELECT id, {numbers} FROM {table} WHERE id > :after ORDER BY id LIMIT :n")
        sets = ", ".join(f"{t} = :{t}" for _, t in pairs)
        write = sa.text(f"UPDATE {table} SET {sets} WHERE id = :id")
        after = 0
        while rows := conn.execute(read, {"after": after, "n": CHUNK}).all():
            after = rows[-1][0]
            changed = []
            for r in rows:
                values = {t: tail(r._mapping[n]) for n, t in pairs}
                if any(values.values()):
                    changed.append({"id": r[0], **values})
            if changed:
                conn.execute(write, changed)


def _policies() -> list[str]:
    """call_entry as the other tables under customers (migration i7_team)."""
    visible = "EXISTS (SELECT 1 FROM customer p WHERE p.id = customer_id)"
    return [
        "ALTER TABLE call_entry ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY crm_read ON call_entry FOR SELECT USING ({visible})",
        f"CREATE POLICY crm_insert ON call_entry FOR INSERT WITH CHECK ({visible})",
        f"CREATE POLICY crm_update ON call_entry FOR UPDATE USING ({visible}) "
        f"WITH CHECK ({visible})",
        f"CREATE POLICY crm_delete ON call_entry FOR DELETE USING ({visible})",
    ]


def upgrade() -> None:
    # only what is missing: a book whose version was set back (tests do) has it all
    inspector = sa.inspect(op.get_bind())
    for table, pairs in TAILS.items():
        there = {c["name"] for c in inspector.get_columns(table)}
        for _, column in pairs:
            if column not in there:
                op.add_column(table, sa.Column(column, sa.String(length=20), nullable=True))
    _fill()
    for table, pairs in TAILS.items():
        indexes = {i["name"] for i in inspector.get_indexes(table)}
        for _, column in pairs:
            if f"ix_{table}_{column}" not in indexes:
                op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
    if "call_list" not in inspector.get_table_names():
        _call_tables()


def _call_tables() -> None:
    op.create_table(
        "call_list",
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("segment", sa.String(length=300), nullable=True),
        sa.Column("script", sa.String(length=4000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_call_list_owner_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_list")),
        sa.UniqueConstraint("name", name=op.f("uq_call_list_name")),
    )
    op.create_table(
        "call_entry",
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_list_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("callback_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("followup_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_list_id"], ["call_list.id"], name=op.f("fk_call_entry_call_list_id_call_list")
        ),
        sa.ForeignKeyConstraint(
            ["caller_id"], ["app_user.id"], name=op.f("fk_call_entry_caller_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_call_entry_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["followup_id"], ["followup.id"], name=op.f("fk_call_entry_followup_id_followup")
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_call_entry_interaction_id_interaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_entry")),
    )
    op.create_index("ix_call_entry_caller_id", "call_entry", ["caller_id"])
    op.create_index("ix_call_entry_customer_id", "call_entry", ["customer_id"])
    op.create_index("ix_call_entry_followup_id", "call_entry", ["followup_id"])
    op.create_index("ix_call_entry_interaction_id", "call_entry", ["interaction_id"])
    op.create_index(
        "ix_call_entry_list_status_position", "call_entry", ["call_list_id", "status", "position"]
    )
    op.create_index(
        "ux_call_entry_list_customer", "call_entry", ["call_list_id", "customer_id"], unique=True
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":  # (new tables: their policies and grants)
        from crmcli import grants

        for sql in _policies():
            op.execute(sql)
        for sql in grants.regrant_statements(conn):
            op.execute(sql)


def downgrade() -> None:
    op.drop_table("call_entry")
    op.drop_table("call_list")
    for table, pairs in TAILS.items():
        with op.batch_alter_table(table) as batch:
            for _, column in pairs:
                batch.drop_index(f"ix_{table}_{column}")
                batch.drop_column(column)
