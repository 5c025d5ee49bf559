"""Custom fields with types (客户资料卡): ``custom_field`` and ``contact.extra``.

``crm field add NAME --on customer|contact --type ...`` defines a field of the book's own
card: its type (text, number, money, date, choice, bool), its Chinese label, whether a new
record needs it. Its values live in the record's ``extra`` object, as before for
customers; contacts gain an ``extra`` column of their own. ``--search`` now finds custom
field values too: this revision rebuilds the search text of the customers that have any.

Revision ID: i18_custom_fields
Revises: i17_codes_taken
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "i18_custom_fields"
down_revision = "i19_costs"
branch_labels = None
depends_on = None

CHUNK = 2000


def upgrade() -> None:
    conn = op.get_bind()
    inspector = sa.inspect(conn)
    # only what is missing: a book whose version was set back (tests do) has it
    if "custom_field" not in inspector.get_table_names():
        op.create_table(
            "custom_field",
            sa.Column("created_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=True),
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("entity", sa.String(length=20), nullable=False),
            sa.Column("name", sa.String(length=40), nullable=False),
            sa.Column("type", sa.String(length=20), nullable=False),
            sa.Column("choices", sa.JSON(none_as_null=True), nullable=True),
            sa.Column("zh", sa.String(length=40), nullable=True),
            sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_field")),
            sa.UniqueConstraint("entity", "name", name=op.f("uq_custom_field_entity_name")),
        )
    if "extra" not in {c["name"] for c in inspector.get_columns("contact")}:
        with op.batch_alter_table("contact") as batch:
            batch.add_column(sa.Column("extra", sa.JSON(none_as_null=True), nullable=True))
    _search_text(conn)
    if conn.dialect.name == "postgresql":  # (a new table: its grants)
        from crmcli import grants

        for sql in grants.regrant_statements(conn):
            op.execute(sql)


def _search_text(conn: sa.engine.Connection) -> None:
    """The search text of customers with custom fields, now with their values."""
    from crmcli.searching import custom_values, search_text

    customers = sa.text(
        "SELECT id, code, name, phone, phone_key, email, extra, search_text FROM customer"
        " WHERE id > :after AND extra IS NOT NULL ORDER BY id LIMIT :n"
    )
    contacts = sa.text(
        "SELECT customer_id, name FROM contact"
        " WHERE customer_id >= :first AND customer_id <= :last AND deleted_at IS NULL"
        " ORDER BY id"
    )
    write = sa.text("UPDATE customer SET search_text = :text WHERE id = :id")
    after = 0
    while rows := conn.execute(customers, {"after": after, "n": CHUNK}).all():
        first, after = rows[0].id, rows[-1].id
        names: dict[int, list[str]] = defaultdict(list)
        for customer_id, name in conn.execute(contacts, {"first": first, "last": after}):
            if name:
                names[customer_id].append(name)
        changed = []
        for r in rows:
            extra = json.loads(r.extra) if isinstance(r.extra, str) else r.extra
            text = search_text(
                code=r.code,
                name=r.name,
                phone=r.phone,
                phone_key=r.phone_key,
                email=r.email,
                contacts=names.get(r.id, ()),
                custom=custom_values(extra),
            )
            if text != r.search_text:
                changed.append({"id": r.id, "text": text})
        if changed:
            conn.execute(write, changed)


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("extra")
    op.drop_table("custom_field")
