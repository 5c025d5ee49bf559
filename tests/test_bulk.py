"""``crmcli.bulk``: the fast INSERT binds values as SQLAlchemy would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from crmcli.bulk import insert_many
from crmcli.models import Customer, load_all

ROWS = [
    {
        "code": "C000001",
        "name": "甲公司",
        "capital": Decimal("12800.50"),
        "tags": ["港口", "重点"],
        "extra": {"统一社会信用代码": "913302000000000001"},
        "founded_on": date(2003, 6, 18),
        "created_at": datetime(2026, 3, 1, 9, 30),
    },
    {
        "code": "C000002",
        "name": "乙公司",
        "capital": None,
        "tags": [],
        "extra": None,
        "founded_on": date(2003, 6, 18),
        "created_at": datetime(2026, 3, 1, 9, 30),
    },
]


class Recorder:
    """A connection that keeps what it is asked to run."""

    def __init__(self, dialect):
        self.dialect = dialect
        self.calls = []

    def exec_driver_sql(self, sql, params):
        self.calls.append((sql, params))


@pytest.mark.parametrize(
    ("dialect", "placeholder"),
    [
        (sqlite.dialect(), "?"),
        (postgresql.psycopg2.dialect(), "%(name)s"),  # named, as psycopg 3 is
        (postgresql.pg8000.dialect(), "%s"),  # positional
    ],
    ids=["sqlite", "postgresql-named", "postgresql-positional"],
)
def test_one_statement_with_sqlalchemys_own_conversions(dialect, placeholder):
    load_all()
    conn = Recorder(dialect)
    assert insert_many(conn, Customer.__table__, ROWS, chunk=1) == 2
    assert len(conn.calls) == 2  # one executemany per chunk
    sql, params = conn.calls[0]
    assert sql.startswith(
        "INSERT INTO customer (code, name, capital, tags, extra, founded_on, created_at) VALUES"
    )
    assert placeholder in sql
    first = params[0] if isinstance(params[0], dict) else dict(zip(ROWS[0], params[0], strict=True))
    assert first["capital"] == 1280050  # exact cents
    assert first["tags"] == "港口,重点"
    assert json.loads(first["extra"]) == {"统一社会信用代码": "913302000000000001"}
    second = conn.calls[1][1][0]
    second = second if isinstance(second, dict) else dict(zip(ROWS[1], second, strict=True))
    assert second["capital"] is None and second["tags"] is None and second["extra"] is None


def test_rows_reach_the_database(crm, db):
    from crmcli.db import Database, resolve_url
    from crmcli.services.context import unit

    crm("init")
    database = Database(resolve_url(db.url))
    with unit(database, None, write=True) as ctx:
        rows = [{**r, "kind": "company", "level": "regular", "status": "lead"} for r in ROWS]
        insert_many(ctx.session.connection(), Customer.__table__, rows)
    database.dispose()
    assert [c["code"] for c in crm.json("customer", "list")] == ["C000001", "C000002"]
    shown = crm.json("customer", "show", "C000001")
    assert shown["capital"] == 12800.5 and shown["tags"] == ["港口", "重点"]
    assert shown["founded_on"] == "2003-06-18" and shown["created_at"] == "2026-03-01T09:30:00"
