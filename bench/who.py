"""How fast does ``crm who PHONE`` answer on a big book, beside ``crm --help``?

Builds a SQLite book of 1,000,000 customers (phone, fax; a contact with a mobile for each
tenth customer, a contact record for each hundredth) straight through sqlite3, then prints
the median whole-process time of ``crm --help`` and of ``crm who`` for a customer's
number without its area code, a contact's mobile with +86, and a number nobody has, as a
table and as JSON. Aim: each ``who`` within 1.2x of ``crm --help``.

    python bench/who.py [--customers 1000000] [--runs 15] [--keep FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import CITIES, KINDS, WORDS

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 50_000


def build(path: Path, customers: int) -> dict[str, str]:
    """A book of ``customers``; returns numbers to look up."""
    env = {**os.environ, "CRM_DB": str(path), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(15)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    now = "2026-12-06 09:00:00.000000"
    probe: dict[str, str] = {}
    for start in range(1, customers + 1, CHUNK):
        rows, people, calls = [], [], []
        for i in range(start, min(start + CHUNK, customers + 1)):
            area = rnd.choice(["010", "021", "0571", "0755", "020"])
            local = f"{rnd.randrange(2 * 10**7, 9 * 10**7):08d}"
            phone = f"{area}-{local[:4]} {local[4:]}"
            key = area + local
            fax = f"{area}-{rnd.randrange(2 * 10**7, 9 * 10**7):08d}"
            name = f"{rnd.choice(CITIES)}{rnd.choice(WORDS)}{rnd.choice(KINDS)}{i}"
            rows.append(
                (
                    f"C{i:07d}",
                    name,
                    rnd.choice(["gold", "silver", "regular"]),
                    "active",
                    phone,
                    key,
                    key[-7:],
                    fax,
                    fax.replace("-", "")[-7:],
                    now,
                    now,
                )
            )
            if i % 10 == 0:
                mobile = f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}"
                people.append(
                    (
                        i,
                        f"联系人{i}",
                        f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
                        mobile[-7:],
                        now,
                        now,
                    )
                )
                if i == customers // 20 * 10:
                    probe["mobile"] = f"+86 {mobile}"
            if i % 100 == 0:
                calls.append((i, now, "phone", "contact", f"电话回访 {i}", now, now))
            if i == customers // 2:
                probe["phone"] = f"{local[:4]}-{local[4:]}"  # without the area code
        conn.executemany(
            "INSERT INTO customer (code, name, kind, level, status, phone, phone_key, phone_tail,"
            " fax, fax_tail, created_at, updated_at)"
            " VALUES (?, ?, 'company', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT INTO contact (customer_id, name, mobile, mobile_tail, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            people,
        )
        conn.executemany(
            "INSERT INTO interaction (customer_id, occurred_at, channel, kind, summary,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            calls,
        )
    conn.execute("INSERT INTO code_counter (prefix, last) VALUES ('C', ?)", (customers,))
    conn.commit()
    if "mobile" not in probe:
        mobile = conn.execute("SELECT mobile FROM contact ORDER BY id DESC LIMIT 1").fetchone()[0]
        probe["mobile"] = "+86 " + mobile
    conn.close()
    probe["nobody"] = "0999 1234 567"
    return probe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the book here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "who.db"
        if db.exists():
            db.unlink()
        started = time.perf_counter()
        probe = build(db, args.customers)
        print(f"built {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
        env = {
            **os.environ,
            "CRM_DB": str(db),
            "CRM_LANG": "en",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "PYTHONPATH": str(ROOT),
        }
        crm = [sys.executable, "-m", "crmcli"]
        commands = {
            "crm --help": ["--help"],
            f"crm who '{probe['phone']}'": ["who", probe["phone"]],
            f"crm who '{probe['phone']}' -f json": ["who", probe["phone"], "-f", "json"],
            f"crm who '{probe['mobile']}'": ["who", probe["mobile"]],
            f"crm who '{probe['nobody']}' (nobody)": ["who", probe["nobody"], "-f", "json"],
        }
        for name, argv in list(commands.items())[1:]:
            result = subprocess.run([*crm, *argv], env=env, capture_output=True, text=True)
            if result.returncode not in (0, 1) or ("nobody" not in name and result.returncode != 0):
                raise SystemExit(f"{name} failed: {result.stderr}")
        runs = [([*crm, *argv], env) for argv in commands.values()]
        times = dict(zip(commands, _medians(runs, args.runs), strict=True))
    help_time = times["crm --help"]
    print(f"\nmedian of {args.runs} runs, whole process (seconds)\n")
    for name, seconds in times.items():
        print(f"  {name:<48} {seconds:7.3f}   {seconds / help_time:5.2f}x --help")
    print("\naim: every crm who <= 1.20x crm --help")


def _medians(runs: list[tuple[list[str], dict[str, str]]], n: int) -> list[float]:
    """The median time of each command, taking turns (as bench/startup.py's
    median_times, but a number nobody has exits 1)."""
    import statistics

    for argv, env in runs:
        subprocess.run(argv, env=env, capture_output=True)
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(n):
        for i, (argv, env) in enumerate(runs):
            start = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True)
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


if __name__ == "__main__":
    main()
