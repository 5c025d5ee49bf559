"""customer.marketing_opt_out: a customer who wants no promotions (营销退订).

``crm customer add/edit --no-marketing`` sets it; ``crm letter promotion`` passes such
customers by (thank-you letters, dunning notices and birthday greetings still go). Every
customer already in the book keeps receiving promotions (false).

Revision ID: i15_marketing_opt_out
Revises: i14_churn
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i15_marketing_opt_out"
down_revision = "i14_churn"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only when missing: a book whose version was set back (tests do) has it
    there = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("customer")}
    if "marketing_opt_out" not in there:
        op.add_column(
            "customer",
            sa.Column("marketing_opt_out", sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("marketing_opt_out")
