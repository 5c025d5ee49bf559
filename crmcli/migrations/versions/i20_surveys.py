"""Surveys (客户需求调查表, 满意度调查): questionnaires and the customers' answers.

``crm survey`` keeps questionnaires (``survey``, its ``survey_question`` rows: scale 1-5,
NPS 0-10, single or multiple choice, text) and the answers customers give
(``survey_response``, one per customer and survey, and its ``survey_answer`` rows);
``crm report satisfaction`` reads them. Surveys are written by admins and managers, like
the catalogue; a response hangs under its customer: on PostgreSQL it and its answers have
the row-level security of the other tables under customers (a salesperson sees and records
only her own and unassigned customers' answers; service staff record answers too), and the
staff's group roles are granted the four tables (``crmcli.grants``).

Revision ID: i20_surveys
Revises: i17_codes_taken
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i20_surveys"
down_revision = "i17_codes_taken"
branch_labels = None
depends_on = None

#: the tables with row-level security: (table, the condition that its row is visible)
SECURED = (
    ("survey_response", "EXISTS (SELECT 1 FROM customer p WHERE p.id = customer_id)"),
    ("survey_answer", "EXISTS (SELECT 1 FROM survey_response p WHERE p.id = response_id)"),
)


def _policies() -> list[str]:
    """survey_response and survey_answer as the other tables under customers (i7_team)."""
    sql = []
    for table, visible in SECURED:
        sql += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY crm_read ON {table} FOR SELECT USING ({visible})",
            f"CREATE POLICY crm_insert ON {table} FOR INSERT WITH CHECK ({visible})",
            f"CREATE POLICY crm_update ON {table} FOR UPDATE USING ({visible}) "
            f"WITH CHECK ({visible})",
            f"CREATE POLICY crm_delete ON {table} FOR DELETE USING ({visible})",
        ]
    return sql


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    if "survey" in sa.inspect(op.get_bind()).get_table_names():
        return  # a book whose version was set back (tests do) has them
    op.create_table(
        "survey",
        *_stamps(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_survey_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("title", name=op.f("uq_survey_title")),
    )
    op.create_index("ix_survey_created_by", "survey", ["created_by"])
    op.create_table(
        "survey_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("choices", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_question_survey_id_survey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_question")),
    )
    op.create_index(
        "ux_survey_question_survey_position",
        "survey_question",
        ["survey_id", "position"],
        unique=True,
    )
    op.create_table(
        "survey_response",
        *_stamps(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_response_survey_id_survey")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_survey_response_customer_id_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_survey_response_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_survey_response_recorded_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
    )
    op.create_index("ix_survey_response_customer_id", "survey_response", ["customer_id"])
    op.create_index("ix_survey_response_contact_id", "survey_response", ["contact_id"])
    op.create_index("ix_survey_response_recorded_by", "survey_response", ["recorded_by"])
    op.create_index(
        "ux_survey_response_survey_customer",
        "survey_response",
        ["survey_id", "customer_id"],
        unique=True,
    )
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_response.id"],
            name=op.f("fk_survey_answer_response_id_survey_response"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_question.id"],
            name=op.f("fk_survey_answer_question_id_survey_question"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
    )
    op.create_index("ix_survey_answer_question_id", "survey_answer", ["question_id"])
    op.create_index(
        "ux_survey_answer_response_question",
        "survey_answer",
        ["response_id", "question_id"],
        unique=True,
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":  # (new tables: their policies and grants)
        from crmcli import grants

        for sql in _policies():
            op.execute(sql)
        for sql in grants.regrant_statements(conn):
            op.execute(sql)


def downgrade() -> None:
    op.drop_table("survey_answer")
    op.drop_table("survey_response")
    op.drop_table("survey_question")
    op.drop_table("survey")
