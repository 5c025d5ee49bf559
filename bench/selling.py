"""How do the selling commands hold up on a big book, beside the customer list?

Builds a SQLite database with 10,000 customers, 20,000 opportunities (with their stage
history), 100,000 orders of two lines each and 5,000 contracts (three instalments, some
paid), then prints the median whole-process time of the everyday selling commands next
to ``crm customer list --limit 50`` on the same database (the foundation's floor for
"open the database and show a table"). Writes go to a copy, so every run starts alike.

    python bench/selling.py [--customers 10000] [--orders 100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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
PROBABILITY = {
    "lead": 10,
    "qualified": 25,
    "proposal": 50,
    "negotiation": 75,
    "won": 100,
    "lost": 0,
}


def build(path: Path, customers: int, orders: int) -> None:
    env = {**os.environ, "CRM_DB": str(path), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(5)
    conn = sqlite3.connect(path)
    now = "2026-11-26 09:00:00"
    today = date(2026, 11, 26)
    conn.executemany(
        "INSERT INTO customer (code, name, kind, level, status, created_at, updated_at) "
        "VALUES (?, ?, 'company', 'regular', 'active', ?, ?)",
        [(f"C{i:06d}", f"客户{i}有限公司", now, now) for i in range(1, customers + 1)],
    )
    conn.executemany(
        "INSERT INTO product (code, name, unit, price, created_at, updated_at) VALUES (?, ?, '台', ?, ?, ?)",
        [
            (f"P{i:04d}", f"产品{i}", rnd.randrange(1_000, 100_000) * 100, now, now)
            for i in range(1, 51)
        ],
    )
    opportunities = customers * 2
    opp_rows, moves = [], []
    for i in range(1, opportunities + 1):
        stage = rnd.choice(STAGES) if i > 1 else "proposal"  # O000001 moves in the bench
        opp_rows.append(
            (
                f"O{i:06d}",
                rnd.randrange(1, customers + 1),
                f"机会{i}",
                rnd.randrange(10_000, 1_000_000) * 100,
                stage,
                PROBABILITY[stage],
                (today + timedelta(days=rnd.randrange(-30, 180))).isoformat(),
                now,
                now,
            )
        )
        path_ = (
            ["lead", *STAGES[1 : STAGES.index(stage) + 1]] if stage != "lost" else ["lead", "lost"]
        )
        previous = None
        for to in path_:
            moves.append((i, previous, to, now))
            previous = to
    conn.executemany(
        "INSERT INTO opportunity (code, customer_id, title, amount, stage, probability, "
        "probability_manual, expected_close, created_at, updated_at) VALUES (?,?,?,?,?,?,0,?,?,?)",
        opp_rows,
    )
    conn.executemany(
        "INSERT INTO stage_change (opportunity_id, from_stage, to_stage, at) VALUES (?,?,?,?)",
        moves,
    )
    order_rows, line_rows = [], []
    for i in range(1, orders + 1):
        a, b = rnd.randrange(100, 10_000) * 100, rnd.randrange(100, 10_000) * 100
        day = (today - timedelta(days=rnd.randrange(0, 730))).isoformat()
        order_rows.append(
            (f"D{i:06d}", rnd.randrange(1, customers + 1), day, "paid", a + b, now, now)
        )
        line_rows += [(i, 1, 1000, a, 0, a), (i, 2, 1000, b, 0, b)]
    conn.executemany(
        "INSERT INTO sales_order (code, customer_id, ordered_on, status, total, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?)",
        order_rows,
    )
    conn.executemany(
        "INSERT INTO order_line (order_id, product_id, qty, unit_price, discount, amount) VALUES (?,?,?,?,?,?)",
        line_rows,
    )
    contracts = customers // 2
    plans, receipts = [], []
    for i in range(1, contracts + 1):
        signed = today - timedelta(days=rnd.randrange(0, 400))
        for seq in (1, 2, 3):
            plans.append((i, seq, (signed + timedelta(days=90 * seq)).isoformat(), 100_000))
        if rnd.random() < 0.6:
            receipts.append((i, (signed + timedelta(days=95)).isoformat(), 100_000, now))
    conn.executemany(
        "INSERT INTO contract (code, customer_id, title, amount, signed_on, created_at, updated_at) "
        "VALUES (?,?,?,300000,?,?,?)",
        [
            (
                f"H{i:06d}",
                rnd.randrange(1, customers + 1),
                f"合同{i}",
                (today - timedelta(days=100)).isoformat(),
                now,
                now,
            )
            for i in range(1, contracts + 1)
        ],
    )
    conn.executemany(
        "INSERT INTO payment_plan (contract_id, seq, due_on, amount) VALUES (?,?,?,?)", plans
    )
    conn.executemany(
        "INSERT INTO receipt (contract_id, paid_on, amount, created_at) VALUES (?,?,?,?)", receipts
    )
    conn.executemany(
        "INSERT INTO code_counter (prefix, last) VALUES (?, ?)",
        [("C", customers), ("O", opportunities), ("D", orders), ("H", contracts), ("P", 50)],
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def timed(argv: list[str], env: dict[str, str], fresh: Path | None, db: Path) -> float:
    """Seconds for one whole process; with ``fresh``, it writes to a new copy of it."""
    if fresh is not None:
        shutil.copy(fresh, db)
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    crm = [sys.executable, "-m", "crmcli"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        master, db = work / "master.db", work / "bench.db"
        started = time.perf_counter()
        build(master, args.customers, args.orders)
        print(
            f"built {args.customers:,} customers, {args.customers * 2:,} opportunities, "
            f"{args.orders:,} orders ({args.orders * 2:,} lines), {args.customers // 2:,} contracts "
            f"in {time.perf_counter() - started:.1f} s"
        )
        shutil.copy(master, db)
        env = {
            **os.environ,
            "CRM_DB": str(db),
            "CRM_LANG": "en",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "PYTHONPATH": str(ROOT),
        }
        reads = {
            "customer list --limit 50": ["customer", "list", "--limit", "50"],
            "customer show C000009": ["customer", "show", "C000009"],
            "opportunity list --open": ["opportunity", "list", "--open"],
            "opportunity list --open -f json": ["opportunity", "list", "--open", "-f", "json"],
            "order list": ["order", "list"],
            "order list C000001 -f json": ["order", "list", "C000001", "-f", "json"],
            "order list -f jsonl (all)": ["order", "list", "-f", "jsonl"],
            "contract receivables": ["contract", "receivables"],
            "contract receivables -f json": ["contract", "receivables", "-f", "json"],
        }
        writes = {
            "customer edit (write floor)": ["customer", "edit", "C000001", "--city", "杭州"],
            "order add (3 lines)": [
                "order",
                "add",
                "C000002",
                "-i",
                "P0001:2",
                "-i",
                "P0002:1:99.5:5%",
                "-i",
                "P0003:3",
            ],
            "opportunity stage": ["opportunity", "stage", "O000001", "lost", "--reason", "bench"],
            "contract pay": ["contract", "pay", "H000001", "--amount", "1"],
        }
        # round-robin: every command once per round, so a machine's changing load falls on
        # all of them alike; the first round warms the file cache and is dropped
        plan = [(name, argv, None) for name, argv in reads.items()]
        plan += [(name, argv, master) for name, argv in writes.items()]
        runs: dict[str, list[float]] = {name: [] for name, _, _ in plan}
        for round_ in range(args.runs + 1):
            for name, argv, fresh in plan:
                elapsed = timed([*crm, *argv], env, fresh, db)
                if round_:
                    runs[name].append(elapsed)
        started = time.perf_counter()
        subprocess.run(
            [*crm, "init", "--demo"],
            env={**env, "CRM_DB": str(work / "demo.db")},
            check=True,
            capture_output=True,
        )
        runs["init --demo (whole book, once)"] = [time.perf_counter() - started]
    floor = runs["customer list --limit 50"]
    print(
        f"\nwhole process, seconds: median and best of {args.runs} interleaved runs, "
        "each with its ratio to `crm customer list --limit 50`\n"
    )
    print(f"  {'':<38} {'median':>7} {'ratio':>6} {'best':>7} {'ratio':>6}")
    for name, times in runs.items():
        median, fastest = statistics.median(times), min(times)
        print(
            f"  crm {name:<34} {median:7.3f} {median / statistics.median(floor):6.2f} "
            f"{fastest:7.3f} {fastest / min(floor):6.2f}"
        )


if __name__ == "__main__":
    main()
