"""JSON columns hold UTF-8 text, not ``\\u`` escapes.

Custom fields (``customer.extra``), audit changes and import details were written with
Python's default ``ensure_ascii``, so a Chinese key was stored as ``"\\u7edf..."`` and
SQLite's ``json_extract(extra, '$."统一社会信用代码"')`` found nothing. crm now writes
UTF-8 (``crmcli.db``'s ``json_serializer``); this revision rewrites what is stored, in
chunks. No schema change.

Revision ID: i13_utf8_json
Revises: i9_role_grants
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "i13_utf8_json"
down_revision = "i9_role_grants"
branch_labels = None
depends_on = None

#: (table, key column, JSON column)
COLUMNS = (
    ("customer", "id", "extra"),
    ("audit_entry", "id", "changes"),
    ("import_batch", "id", "details"),
)
CHUNK = 1000


def _rewrite(ensure_ascii: bool) -> None:
    conn = op.get_bind()
    cast = "CAST(:v AS JSON)" if conn.dialect.name == "postgresql" else ":v"
    for table, key, column in COLUMNS:
        read = sa.text(
            f"SELECT {key}, CAST({column} AS TEXT) FROM {table} WHERE {column} IS NOT NULL"
        )
        write = sa.text(f"UPDATE {table} SET {column} = {cast} WHERE {key} = :k")
        result = conn.execute(read)
        changed = []
        while rows := result.fetchmany(CHUNK):
            for k, text in rows:
                if text is None or ("\\u" in text) == ensure_ascii:
                    continue
                new = json.dumps(json.loads(text), ensure_ascii=ensure_ascii)
                if new != text:
                    changed.append({"k": k, "v": new})
        for i in range(0, len(changed), CHUNK):
            conn.execute(write, changed[i : i + CHUNK])


def upgrade() -> None:
    _rewrite(ensure_ascii=False)


def downgrade() -> None:
    _rewrite(ensure_ascii=True)
