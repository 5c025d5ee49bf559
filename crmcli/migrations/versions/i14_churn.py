"""customer: why and when a customer was lost (客户流失).

``crm customer edit REF --status lost --reason KEY [--note TEXT]`` records the reason (a
key of the ``churn.reasons`` setting), when (``lost_at``) and a note; ``crm report churn``
counts customers by ``lost_at``. Three nullable columns, nothing to fill in: customers
already lost have no recorded reason or date.

Revision ID: i14_churn
Revises: i16_pinyin_search
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i14_churn"
down_revision = "i16_pinyin_search"
branch_labels = None
depends_on = None


COLUMNS = [
    ("lost_at", sa.DateTime()),
    ("lost_reason", sa.String(length=40)),
    ("lost_note", sa.String(length=1000)),
]


def upgrade() -> None:
    # only the columns missing: a book whose version was set back (tests do) has them
    there = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("customer")}
    missing = [(name, kind) for name, kind in COLUMNS if name not in there]
    if missing:
        with op.batch_alter_table("customer") as batch:
            for name, kind in missing:
                batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("lost_note")
        batch.drop_column("lost_reason")
        batch.drop_column("lost_at")
