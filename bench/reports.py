"""How fast are the analytical reports on a big book, beside a hand-written SQL baseline?

Builds a SQLite database with 100,000 customers, 1,000,000 orders and 20,000
opportunities (with stage history), then prints the median whole-process time of
``crm report segment --by rfm -f json``, ``--by abc -f json`` and ``crm report funnel``
beside one hand-written SQL GROUP BY read into pandas, in the same run.
Aim: within 1.5x of that baseline (aggregate in SQL, not in Python over ORM objects).

    python bench/reports.py [--customers 100000] [--orders 1000000] [--runs 5]
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]

BASELINE = """
import sqlite3, sys
import pandas as pd
con = sqlite3.connect(sys.argv[1])
df = pd.read_sql_query(
    "SELECT customer_id, max(ordered_on) AS last_order, count(*) AS frequency, sum(total) AS monetary "
    "FROM sales_order WHERE status != 'cancelled' GROUP BY customer_id", con)
print(len(df))
"""


def build(path: Path, customers: int, orders: int, opportunities: int) -> None:
    env = {**os.environ, "CRM_DB": str(path), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(11)
    conn = sqlite3.connect(path)
    stamp = "2026-01-01 09:00:00"
    conn.executemany(
        "INSERT INTO customer (id, code, name, kind, level, status, city, created_at, updated_at)"
        " VALUES (?, ?, ?, 'company', ?, 'active', ?, ?, ?)",
        (
            (
                i,
                f"C{i:06d}",
                f"客户{i}",
                rnd.choice(["gold", "silver", "regular"]),
                rnd.choice(["北京", "上海", "深圳", "杭州"]),
                stamp,
                stamp,
            )
            for i in range(1, customers + 1)
        ),
    )
    start = date(2024, 12, 1)
    conn.executemany(
        "INSERT INTO sales_order (customer_id, ordered_on, status, total) VALUES (?, ?, ?, ?)",
        (
            (
                rnd.randint(1, customers),
                (start + timedelta(days=rnd.randrange(725))).isoformat(),
                "cancelled" if rnd.random() < 0.03 else "confirmed",
                rnd.randrange(10_000, 5_000_000),
            )
            for _ in range(orders)
        ),
    )
    for i in range(1, opportunities + 1):
        stage = rnd.choice(STAGES)
        created = f"2026-{rnd.randint(1, 10):02d}-{rnd.randint(1, 28):02d} 10:00:00"
        conn.execute(
            "INSERT INTO opportunity (id, customer_id, title, amount, stage, probability, probability_manual,"
            " created_at, closed_at, lost_reason) VALUES (?, ?, 'deal', ?, ?, 50, 0, ?, ?, ?)",
            (
                i,
                rnd.randint(1, customers),
                rnd.randrange(1_000_000, 80_000_000),
                stage,
                created,
                "2026-11-01 10:00:00" if stage in ("won", "lost") else None,
                rnd.choice(["价格过高", "选择了竞争对手", "预算取消"]) if stage == "lost" else None,
            ),
        )
        previous = "lead"
        for to in STAGES[1 : STAGES.index(stage) + 1 if stage != "lost" else rnd.randint(1, 4)]:
            conn.execute(
                "INSERT INTO stage_change (opportunity_id, from_stage, to_stage, at) VALUES (?, ?, ?, ?)",
                (i, previous, to, created),
            )
            previous = to
    conn.commit()
    conn.close()


def median_time(argv: list[str], runs: int, env: dict[str, str]) -> float:
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--opportunities", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "reports.db"
        started = time.perf_counter()
        build(db, args.customers, args.orders, args.opportunities)
        print(
            f"built {args.customers:,} customers, {args.orders:,} orders, {args.opportunities:,} opportunities"
            f" in {time.perf_counter() - started:.1f} s"
        )
        env = {
            **os.environ,
            "CRM_DB": str(db),
            "CRM_LANG": "en",
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        }
        crm = [sys.executable, "-m", "crmcli"]
        times = {
            name: median_time(argv, args.runs, env)
            for name, argv in {
                "SQL GROUP BY into pandas": [sys.executable, "-c", BASELINE, str(db)],
                "crm report segment --by rfm -f json": [
                    *crm,
                    "report",
                    "segment",
                    "--by",
                    "rfm",
                    "-f",
                    "json",
                ],
                "crm report segment --by abc -f json": [
                    *crm,
                    "report",
                    "segment",
                    "--by",
                    "abc",
                    "-f",
                    "json",
                ],
                "crm report funnel": [*crm, "report", "funnel"],
            }.items()
        }
    base = times["SQL GROUP BY into pandas"]
    print(
        f"\nmedian of {args.runs} runs, whole process (seconds); ratio to the baseline (aim <= 1.50)\n"
    )
    for name, seconds in times.items():
        print(f"  {name:<40} {seconds:7.3f}   {seconds / base:5.2f}x")


if __name__ == "__main__":
    main()
