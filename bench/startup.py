"""How fast does ``crm`` start, beside what its stack costs at the least?

Builds a 100,000-customer SQLite database (with a contact and a follow-up for each tenth
customer, and the search text crm writes with each customer, pinyin included), then
prints the median whole-process time of ``crm --help``, ``crm customer list --limit 50``,
``crm customer list --search <name> -f json``, ``crm customer list --search <pinyin>``
(a syllable pair thousands of names hold, and one name's initials), ``crm followup due``
and ``crm customer show`` (a customer with a contact) next to their floors: ``python -c
pass``, ``import sqlmodel``, a minimal Typer app's ``--help``, and a minimal Typer +
SQLModel app that prints 20 rows of the same table in a Rich table. Aim: each crm
command within 1.1x of its floor (``customer show`` within 1.2x), and a pinyin search within 1.5x of ``crm customer list --limit 50`` (issue 16, on 1,000,000
customers: ``--customers 1000000``).

Before timing, each checkout's modules are compiled to bytecode, as installing a package
does (with ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise compile crmcli from
source and none of the floors'). crm leaves without the interpreter's teardown
(:func:`crmcli.cli.leave`); the floors, plain scripts, pay it, as a small app would.

``--baseline DIR`` also times the same crm commands from another checkout (say, ``git
worktree add /tmp/before main``) in the same run, alternating, and prints after/before.

    python bench/startup.py [--customers 100000] [--runs 15] [--baseline DIR]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MINI_HELP = '''
import typer
app = typer.Typer()

@app.command()
def hello(name: str = typer.Option("x", help="Who to greet.")):
    """Say hello."""

@app.command()
def bye():
    """Say goodbye."""

app()
'''

MINI_LIST = '''
from typing import Optional
import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Field, Session, SQLModel, create_engine, select


class Customer(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str
    name: str
    level: str
    status: str
    city: Optional[str] = None
    phone: Optional[str] = None


app = typer.Typer()


@app.command()
def main(db: str = typer.Option(..., help="Database file.")):
    """List 20 customers."""
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        rows = session.exec(select(Customer).limit(20)).all()
    table = Table()
    for col in ("code", "name", "level", "status", "city", "phone"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.code, r.name, r.level, r.status, r.city or "", r.phone or "")
    Console().print(table)


app()
'''

CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "天津",
    "重庆",
]
WORDS = [
    "华晨",
    "明远",
    "云帆",
    "港联",
    "精工",
    "恒通",
    "瑞丰",
    "东方",
    "新源",
    "博达",
    "金桥",
    "长城",
]
KINDS = ["科技有限公司", "电子有限公司", "物流股份有限公司", "贸易有限公司", "机械制造有限公司"]


def build(path: Path, customers: int) -> tuple[str, str, str]:
    """A crm database with ``customers`` rows (and a contact each tenth customer); returns
    what to search for: a name, a pinyin fragment many names hold, a name's initials."""
    sys.path.insert(0, str(ROOT))
    from crmcli.searching import pinyin, search_text

    env = {**os.environ, "CRM_DB": str(path)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(7)
    conn = sqlite3.connect(path)
    now = "2026-11-26 09:00:00"
    rows = []
    for i in range(1, customers + 1):
        name = f"{rnd.choice(CITIES)}{rnd.choice(WORDS)}{rnd.choice(WORDS)}{rnd.choice(KINDS)}{i}"
        phone = f"138{rnd.randrange(10**8):08d}"
        email = f"info{i}@example.com"
        rows.append(
            (
                f"C{i:06d}",
                name,
                "company",
                rnd.choice(["gold", "silver", "regular", "regular"]),
                rnd.choice(["lead", "prospect", "active"]),
                rnd.choice(CITIES),
                phone,
                phone,
                email,
                email,
                now,
                now,
            )
        )
    pinyin("华晨")  # pypinyin's import and the tables, once
    started = time.process_time()
    texts = [
        search_text(
            code=r[0],
            name=r[1],
            phone=r[6],
            phone_key=r[7],
            email=r[8],
            contacts=[f"联系人{i}"] if i % 10 == 1 else [],
        )
        for i, r in enumerate(rows, 1)
    ]
    print(
        f"search text (with pinyin) of {customers:,} customers: "
        f"{time.process_time() - started:.2f} s CPU"
    )
    rows = [(*r[:10], text, *r[10:]) for r, text in zip(rows, texts, strict=True)]
    conn.executemany(
        "INSERT INTO customer (code, name, kind, level, status, city, phone, phone_key, email, email_key,"
        " search_text, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO contact (customer_id, name) VALUES (?, ?)",
        [(i, f"联系人{i}") for i in range(1, customers + 1, 10)],
    )
    conn.executemany(  # the morning list: a few due today, the rest spread over a year
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (?, ?, 'call', 'pending')",
        [
            (i, f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 09:00:00")
            for i in range(1, customers + 1, 10)
        ],
    )
    conn.execute("INSERT INTO code_counter (prefix, last) VALUES ('C', ?)", (customers,))
    conn.commit()
    conn.close()
    name = rows[customers // 2][1]
    initials = pinyin(name)
    assert initials is not None
    return name, "huachenmingyuan", initials[1]


def compile_bytecode(root: Path) -> None:
    """Write the bytecode of ``root``'s crmcli, as ``pip install`` does."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(root / "crmcli")], env=env, check=True
    )


def median_times(runs: list[tuple[list[str], dict[str, str]]], n: int) -> list[float]:
    """The median time of each command, the commands taking turns (so a noisy moment
    falls on all of them alike)."""
    for argv, env in runs:  # (run from /, so that ``-m crmcli`` finds the PYTHONPATH's)
        subprocess.run(argv, env=env, capture_output=True, cwd="/")  # warm the file cache
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(n):
        for i, (argv, env) in enumerate(runs):
            start = time.perf_counter()
            result = subprocess.run(argv, env=env, capture_output=True, cwd="/")
            times[i].append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()}")
    return [statistics.median(t) for t in times]


def median_time(argv: list[str], runs: int, env: dict[str, str]) -> float:
    return median_times([(argv, env)], runs)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="another checkout to time beside this one")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "bench.db"
        started = time.perf_counter()
        needle, spelled, initials = build(db, args.customers)
        print(
            f"built {args.customers:,} customers in {time.perf_counter() - started:.1f} s;"
            f" search for {needle!r}, {spelled!r} and {initials!r}"
        )
        (work / "mini_help.py").write_text(MINI_HELP, encoding="utf-8")
        (work / "mini_list.py").write_text(MINI_LIST, encoding="utf-8")
        env = {
            **os.environ,
            "CRM_DB": str(db),
            "CRM_LANG": "en",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "PYTHONPATH": str(ROOT),
        }
        crm = [py, "-m", "crmcli"]
        for checkout in (ROOT, *([args.baseline] if args.baseline else [])):
            compile_bytecode(checkout.resolve())
        commands = {
            "crm --help": ["--help"],
            "crm customer list --limit 50": ["customer", "list", "--limit", "50"],
            "crm customer list --search": ["customer", "list", "--search", needle, "-f", "json"],
            "crm customer list --search <pinyin>": ["customer", "list", "--search", spelled],
            "crm customer list --search <initials>": ["customer", "list", "--search", initials],
            "crm followup due": ["followup", "due", "--within", "7"],
            "crm customer show": ["customer", "show", f"C{args.customers // 2 + 1:06d}"],
        }
        t = {
            name: median_time(argv, args.runs, env)
            for name, argv in {
                "python -c pass": [py, "-c", "pass"],
                "import sqlmodel": [py, "-c", "import sqlmodel"],
                "mini Typer --help": [py, str(work / "mini_help.py"), "--help"],
                "mini Typer+SQLModel list": [py, str(work / "mini_list.py"), "--db", str(db)],
            }.items()
        }
        if args.baseline is None:
            t.update(
                {
                    name: median_time([*crm, *argv], args.runs, env)
                    for name, argv in commands.items()
                }
            )
        else:
            before_env = {**env, "PYTHONPATH": str(args.baseline.resolve())}
            for name, argv in commands.items():
                after, before = median_times(
                    [([*crm, *argv], env), ([*crm, *argv], before_env)], args.runs
                )
                t[name], t[f"{name} (baseline)"] = after, before
    print(f"\nmedian of {args.runs} runs, whole process (seconds)\n")
    for name, seconds in t.items():
        print(f"  {name:<44} {seconds:7.3f}")
    print("\nratios (aim: <= 1.10, customer show <= 1.20; pinyin search / list: <= 1.50)\n")
    for name, floor in [
        ("crm --help", "mini Typer --help"),
        ("crm customer list --limit 50", "mini Typer+SQLModel list"),
        ("crm customer list --search", "mini Typer+SQLModel list"),
        ("crm customer list --search", "crm customer list --limit 50"),
        ("crm customer list --search <pinyin>", "crm customer list --limit 50"),
        ("crm customer list --search <initials>", "crm customer list --limit 50"),
        ("crm followup due", "mini Typer+SQLModel list"),
        ("crm customer show", "mini Typer+SQLModel list"),
    ]:
        print(f"  {name:<38} / {floor:<30} {t[name] / t[floor]:5.2f}")
    if args.baseline is not None:
        print(f"\nthis checkout / {args.baseline} (aim: <= 1.00, within noise)\n")
        for name in commands:
            print(f"  {name:<38} {t[name] / t[f'{name} (baseline)']:5.2f}")


if __name__ == "__main__":
    main()
