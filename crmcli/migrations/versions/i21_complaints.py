"""ticket: a complaint's cause, remedy and compensation, and its satisfaction call-back.

``crm ticket open/edit/resolve/close --cause --remedy --compensation`` record why the
customer complained (原因), what was done to make it good (补救措施) and any money given
(补偿金额, exact: integer cents like every amount). Closing a complaint schedules a
satisfaction call-back (满意度回访), a follow-up of the customer's owner: ``callback_id``
names it. Four nullable columns, nothing to fill in: tickets already there have none.
The ticket flow (``ticket.flow``) is a setting, not a column.

Revision ID: i21_complaints
Revises: i17_codes_taken
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i21_complaints"
down_revision = "i20_surveys"
branch_labels = None
depends_on = None


COLUMNS = [
    ("cause", sa.String(length=1000)),
    ("remedy", sa.String(length=1000)),
    ("compensation", sa.BigInteger()),
    ("callback_id", sa.Integer()),
]


def upgrade() -> None:
    # only the columns missing: a book whose version was set back (tests do) has them
    there = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("ticket")}
    missing = [(name, kind) for name, kind in COLUMNS if name not in there]
    if not missing:
        return
    with op.batch_alter_table("ticket") as batch:
        for name, kind in missing:
            batch.add_column(sa.Column(name, kind, nullable=True))
        if "callback_id" in dict(missing):
            batch.create_foreign_key(
                "fk_ticket_callback_id_followup", "followup", ["callback_id"], ["id"]
            )
            batch.create_index("ix_ticket_callback_id", ["callback_id"])


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_index("ix_ticket_callback_id")
        batch.drop_constraint("fk_ticket_callback_id_followup", type_="foreignkey")
        batch.drop_column("callback_id")
        batch.drop_column("compensation")
        batch.drop_column("remedy")
        batch.drop_column("cause")
