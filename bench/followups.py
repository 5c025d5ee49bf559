"""How fast is the morning command, ``crm followup due``, on a million follow-ups?

Builds a SQLite book of 100,000 customers (20 salespeople), 120,000 contacts, 300,000
contact records and 1,000,000 follow-ups — ten years of done and cancelled touches and
about 25,000 pending ones, from two weeks overdue to two months ahead — then prints the
median whole-process time of ``crm followup due`` (a salesperson's own list, and
everyone's) beside ``crm --help`` in the same run, and beside a minimal Typer command
with the same options (what any Typer command costs before crm does anything). Runs
are interleaved, so a busy machine slows every command alike.

Aim (issue 4): ``crm followup due -f json`` within 1.3x of ``crm --help``.

    python bench/followups.py [--customers 100000] [--followups 1000000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy keeps a DateTime in SQLite
SALES = 20

MINI = '''
from typing import Annotated, Optional
import typer
app = typer.Typer()

@app.callback()
def root(db: Annotated[Optional[str], typer.Option(help="Database.")] = None,
         user: Annotated[Optional[str], typer.Option(help="Acting user.")] = None):
    """A CLI."""

@app.command()
def due(on: Annotated[Optional[str], typer.Option(help="Day.")] = None,
        within: Annotated[Optional[str], typer.Option(help="Days.")] = None,
        owner: Annotated[Optional[str], typer.Option(help="Owner.")] = None,
        everyone: Annotated[bool, typer.Option("--all", help="Everyone.")] = False,
        limit: Annotated[Optional[str], typer.Option("--limit", help="Rows.")] = None,
        output: Annotated[Optional[str], typer.Option("--format", "-f", help="Format.")] = None):
    """Print nothing much."""
    print("[]")

@app.command()
def other():
    """Another command, so the app is a group."""

app()
'''

SUMMARIES = [
    "电话跟进方案评审情况",
    "上门拜访，了解信息化规划",
    "微信发送产品资料和同行业案例",
    "邀请参加年度用户大会",
    "季度回访，了解系统使用情况",
    "发送报价单，等待采购部回复",
]


def stamp(moment: datetime) -> str:
    return moment.strftime(STAMP)


def build(path: Path, customers: int, followups: int) -> dict[str, int]:
    """The book, written with executemany in a few transactions."""
    env = {**os.environ, "CRM_DB": str(path), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(4)
    today = datetime.combine(date.today(), datetime.min.time())
    now = stamp(today)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    # load without the secondary indexes, then build each once (sorted, far faster)
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('contact', 'interaction', 'followup')"
        )
    ]
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('contact', 'interaction', 'followup')"
    ).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
    users = [("boss", "manager")] + [(f"sales{i:02d}", "sales") for i in range(1, SALES + 1)]
    conn.executemany(
        "INSERT INTO app_user (username, role, active, created_at, updated_at)"
        " VALUES (?, ?, 1, ?, ?)",
        [(u, r, now, now) for u, r in users],
    )
    owners = list(range(2, SALES + 2))  # the salespeople's ids
    owner_of = [rnd.choice(owners) for _ in range(customers + 1)]
    conn.executemany(
        "INSERT INTO customer (id, code, name, kind, level, status, owner_id, phone, city,"
        " created_at, updated_at) VALUES (?, ?, ?, 'company', ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                f"C{i:06d}",
                f"客户{i:06d}有限公司",
                rnd.choice(["gold", "silver", "regular", "regular"]),
                rnd.choice(["prospect", "active", "active", "dormant"]),
                owner_of[i],
                f"0571-{rnd.randrange(10**7, 10**8)}",
                rnd.choice(["杭州", "上海", "深圳", "成都"]),
                now,
                now,
            )
            for i in range(1, customers + 1)
        ),
    )
    conn.execute("INSERT INTO code_counter (prefix, last) VALUES ('C', ?)", (customers,))
    contact_rows = [
        (i, f"联系人{i}", f"138{rnd.randrange(10**8):08d}") for i in range(1, customers + 1)
    ]
    contact_rows += [
        (rnd.randrange(1, customers + 1), f"助理{j}", None) for j in range(customers // 5)
    ]
    conn.executemany(
        "INSERT INTO contact (customer_id, name, mobile) VALUES (?, ?, ?)", contact_rows
    )
    interactions = 3 * customers
    conn.executemany(
        "INSERT INTO interaction (customer_id, user_id, occurred_at, channel, kind, summary)"
        " VALUES (?, ?, ?, ?, 'contact', ?)",
        (
            (
                c,
                owner_of[c],
                stamp(today - timedelta(days=rnd.randrange(1, 900), minutes=rnd.randrange(600))),
                rnd.choice(["phone", "visit", "wechat", "email"]),
                rnd.choice(SUMMARIES),
            )
            for c in (rnd.randrange(1, customers + 1) for _ in range(interactions))
        ),
    )
    pending = customers // 4

    def rows():
        for n in range(followups):
            c = rnd.randrange(1, customers + 1)
            if n < pending:  # one pending touch for a quarter of the customers
                due = today + timedelta(days=rnd.randrange(-14, 61), hours=rnd.choice([0, 9, 14]))
                status, done_at = "pending", None
            else:
                due = today - timedelta(days=rnd.randrange(1, 3650))
                status = "done" if rnd.random() < 0.85 else "cancelled"
                done_at = stamp(due) if status == "done" else None
            step = rnd.randrange(1, 9) if n % 3 == 0 else None
            yield (
                c,
                owner_of[c],
                stamp(due),
                rnd.choice(["call", "call", "visit", "email"]),
                status,
                done_at,
                step,
                "memory" if step else None,
                now,
                now,
            )

    conn.executemany(
        "INSERT INTO followup (customer_id, owner_id, due_at, kind, status, done_at, step,"
        " cadence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    for sql in indexes:
        conn.execute(sql)
    conn.commit()
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("customer", "contact", "interaction", "followup")
    }
    end = stamp(today + timedelta(days=1))
    counts["pending due today or overdue"] = conn.execute(
        "SELECT count(*) FROM followup WHERE status = 'pending' AND due_at < ?", (end,)
    ).fetchone()[0]
    counts["... of sales01"] = conn.execute(
        "SELECT count(*) FROM followup WHERE status = 'pending' AND due_at < ? AND owner_id = 2",
        (end,),
    ).fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return counts


def plan(path: Path) -> list[str]:
    """The query plan of the salesperson's statement (what the fast path runs)."""
    import json

    compiled = json.loads(
        (ROOT / "crmcli" / "services" / "relationship" / "due_sql.json").read_text()
    )
    entry = compiled["DUE"]["owner-scoped"]
    params = {**entry["params"], "end": "9999", "owner_id": 2, "actor_id": 2, "limit": -1}
    conn = sqlite3.connect(path)
    try:
        return [
            ("  " if parent else "") + detail
            for _id, parent, _n, detail in conn.execute(
                "EXPLAIN QUERY PLAN " + entry["sql"], params
            )
        ]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--followups", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--db", type=Path, help="Keep the book in this file (reused when it exists)."
    )
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = args.db or work / "bench.db"
        if not db.exists():
            started = time.perf_counter()
            counts = build(db, args.customers, args.followups)
            size = db.stat().st_size / 1e6
            print(f"built in {time.perf_counter() - started:.1f} s ({size:.0f} MB):")
            for name, value in counts.items():
                print(f"  {name:<30} {value:>10,}")
        print("\nquery plan (sales01's own touches):")
        for line in plan(db):
            print("  " + line)
        (work / "mini.py").write_text(MINI, encoding="utf-8")
        env = {
            **os.environ,
            "CRM_DB": str(db),
            "CRM_LANG": "en",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("CRM_USER", None)
        crm = [py, "-m", "crmcli"]
        full_path = (
            "import sys, crmcli.services.relationship.fastdue as f; f.ENABLED = False; "
            "from crmcli.cli import main; sys.argv = ['crm', *sys.argv[1:]]; main()"
        )
        commands = {
            "python -c pass": [py, "-c", "pass"],
            "mini Typer command": [py, str(work / "mini.py"), "due", "-f", "json"],
            "crm --help": [*crm, "--help"],
            "due -f json (sales01)": [*crm, "--user", "sales01", "followup", "due", "-f", "json"],
            "due table (sales01)": [*crm, "--user", "sales01", "followup", "due"],
            "due --within 7 -f json": [
                *crm,
                "--user",
                "sales01",
                "followup",
                "due",
                "--within",
                "7",
                "-f",
                "json",
            ],
            "due --all -f json (boss)": [
                *crm,
                "--user",
                "boss",
                "followup",
                "due",
                "--all",
                "-f",
                "json",
            ],
            "due --all --limit 50": [
                *crm,
                "--user",
                "boss",
                "followup",
                "due",
                "--all",
                "--limit",
                "50",
                "-f",
                "json",
            ],
            "due -f json via SQLAlchemy": [
                py,
                "-c",
                full_path,
                "--user",
                "sales01",
                "followup",
                "due",
                "-f",
                "json",
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        sizes: dict[str, int] = {}
        for name, argv in commands.items():  # warm the file cache; check each works
            result = subprocess.run(argv, env=env, capture_output=True)
            if result.returncode != 0:
                raise SystemExit(f"{name} failed: {result.stderr.decode()}")
            sizes[name] = len(result.stdout)
        for _ in range(args.runs):
            for name, argv in commands.items():
                start = time.perf_counter()
                subprocess.run(argv, env=env, capture_output=True)
                times[name].append(time.perf_counter() - start)
    t = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nmedian of {args.runs} interleaved runs, whole process (seconds)\n")
    for name, seconds in t.items():
        print(f"  {name:<30} {seconds:7.3f}   ({sizes[name] / 1000:,.0f} kB out)")
    print("\nratios (aim: due -f json <= 1.30 x crm --help)\n")
    for name, floor in [
        ("due -f json (sales01)", "crm --help"),
        ("due table (sales01)", "crm --help"),
        ("due --all --limit 50", "crm --help"),
        ("due -f json (sales01)", "mini Typer command"),
        ("due --all -f json (boss)", "crm --help"),
        ("due -f json via SQLAlchemy", "due -f json (sales01)"),
        ("mini Typer command", "crm --help"),
    ]:
        print(f"  {name:<30} / {floor:<24} {t[name] / t[floor]:5.2f}")


if __name__ == "__main__":
    main()
