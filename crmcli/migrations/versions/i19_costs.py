"""product.cost and order_line.unit_cost: what a sale cost, for customer value (客户价值).

``crm product add/edit --cost`` records what one unit costs the business; an order line
keeps its product's cost at the time of sale (``unit_cost``), so ``crm report value`` can
rank customers by gross margin and a later change of a cost leaves old orders alone. Lines
already in the book take their product's current cost (none yet, unless a cost was set
before this revision ran); both columns are nullable: a product without a cost counts 0.

Revision ID: i19_costs
Revises: i17_codes_taken
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i19_costs"
down_revision = "i21_complaints"
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    # only when missing: a book whose version was set back (tests do) has them
    if "cost" not in _columns("product"):
        op.add_column("product", sa.Column("cost", sa.BigInteger(), nullable=True))
    if "unit_cost" not in _columns("order_line"):
        op.add_column("order_line", sa.Column("unit_cost", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE order_line SET unit_cost = "
        "(SELECT product.cost FROM product WHERE product.id = order_line.product_id) "
        "WHERE unit_cost IS NULL AND product_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("order_line") as batch:
        batch.drop_column("unit_cost")
    with op.batch_alter_table("product") as batch:
        batch.drop_column("cost")
