"""What team mode costs: permissions, row-level security, PostgreSQL, and the test databases.

Builds a book of N customers (three salespeople own a quarter each, a quarter is
unassigned) on SQLite and on a throwaway PostgreSQL server (tests/pgserver.py), then
prints the median time of the query behind ``crm customer list -f json`` for:

- SQLite single-user / SQLite as a salesperson (crm's own scope condition);
- PostgreSQL as the owner (no row-level security) / as a salesperson through the
  owner's connection (crm's scope) / as the salesperson's own database role (crm's
  scope and the server's policies, which is what a team member runs);

and how long a test database takes: a copy of the migrated template vs. migrating an
empty one. Ratios are against the single-user run of the same database.

    python bench/team.py [--customers 20000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(url: str, customers: int) -> dict[str, str]:
    """Schema, an admin and three salespeople, N customers in one Core insert; returns URLs."""
    from sqlalchemy import insert

    from crmcli.db import Database
    from crmcli.models import Customer
    from crmcli.services.context import unit
    from crmcli.services.team import users

    db = Database(url)
    db.ensure_schema()
    urls = {}
    with unit(db, None, write=True) as ctx:
        urls["wangfang"] = users.add(ctx, username="wangfang", role="admin").url
        for name in ("liuyang", "chenjing", "zhaoyu"):
            urls[name] = users.add(ctx, username=name, role="sales").url
    with db.connect(write=True) as conn:
        ids = [None, 2, 3, 4]
        rows = [
            {
                "code": f"C{i:06d}",
                "name": f"客户{i:06d}有限公司",
                "kind": "company",
                "level": "regular",
                "status": "active",
                "owner_id": ids[i % 4],
                "city": "杭州",
                "search_text": f"c{i:06d}\n客户{i:06d}有限公司",
            }
            for i in range(1, customers + 1)
        ]
        conn.execute(insert(Customer.__table__), rows)
    db.dispose()
    return urls


def time_list(url: str, user: str | None, runs: int, limit: int | None = None) -> tuple[float, int]:
    """Median seconds of the customer list query (JSON fields) and its row count."""
    from crmcli.db import Database
    from crmcli.services.archive import customers
    from crmcli.services.context import unit

    db = Database(url)
    times, n = [], 0
    try:
        for _ in range(runs):
            start = time.perf_counter()
            with unit(db, user, write=False) as ctx:
                q = customers.order_by(customers.query(ctx, search="有限"), None)
                n = len(customers.rows(ctx, q, limit=limit))
            times.append(time.perf_counter() - start)
    finally:
        db.dispose()
    return statistics.median(times), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from tests.pgserver import PgServer, with_database

    print(f"customer list --search of {args.customers:,} customers, median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = "sqlite:///" + str(Path(tmp) / "bench.db")
        build(sqlite_url, args.customers)
        base, n = time_list(sqlite_url, "wangfang", args.runs)
        print(f"  SQLite      admin (sees all)            {base * 1000:8.1f} ms  {n:6} rows  1.00x")
        t, n = time_list(sqlite_url, "liuyang", args.runs)
        print(
            f"  SQLite      sales (crm's scope)         {t * 1000:8.1f} ms  {n:6} rows  {t / base:.2f}x"
        )

    server = PgServer()
    server.start()
    try:
        url = server.new_database()
        urls = build(url, args.customers)
        base, n = time_list(url, "wangfang", args.runs)
        print(f"  PostgreSQL  admin, owner's connection   {base * 1000:8.1f} ms  {n:6} rows  1.00x")
        t, n = time_list(url, "liuyang", args.runs)
        print(
            f"  PostgreSQL  sales, owner's connection   {t * 1000:8.1f} ms  {n:6} rows  {t / base:.2f}x"
        )
        t, n = time_list(urls["liuyang"], None, args.runs)
        print(
            f"  PostgreSQL  sales, own role (RLS)       {t * 1000:8.1f} ms  {n:6} rows  {t / base:.2f}x"
        )
        base, n = time_list(url, "liuyang", args.runs, limit=51)
        print(f"  PostgreSQL  sales, owner's, first 51    {base * 1000:8.1f} ms  {n:6} rows  1.00x")
        t, n = time_list(urls["liuyang"], None, args.runs, limit=51)
        print(
            f"  PostgreSQL  sales, own role, first 51   {t * 1000:8.1f} ms  {n:6} rows  {t / base:.2f}x"
        )

        copies = []
        for _ in range(args.runs):
            start = time.perf_counter()
            name = server.new_database().rsplit("/", 1)[1]
            copies.append(time.perf_counter() - start)
            server.drop_database(name)
        migrations = []
        for _ in range(min(args.runs, 3)):
            empty = server.empty_database()
            from crmcli.db import Database

            start = time.perf_counter()
            db = Database(empty)
            db.ensure_schema()
            migrations.append(time.perf_counter() - start)
            db.dispose()
            server.drop_database(empty.rsplit("/", 1)[1])
        copy, migrate = statistics.median(copies), statistics.median(migrations)
        print("a fresh PostgreSQL test database")
        print(f"  copy of the migrated template          {copy * 1000:8.1f} ms  1.00x")
        print(
            f"  migrating an empty database            {migrate * 1000:8.1f} ms  {migrate / copy:.1f}x"
        )
        assert with_database  # (imported for symmetry with the tests)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
