"""How fast does ``crm ui`` open a big book, and answer a keystroke in the finder?

Builds a 100,000-customer SQLite book (``crm init --demo``, its customers copied with new
codes, a contact for each tenth copy, and a pending follow-up for each tenth copy spread
over the year ahead: a few due this morning), then, each in a new process, the median of:

- ``python -c "import textual.app"`` and a bare Textual app showing one DataTable of the
  morning's rows (read with sqlite3): the floor of opening;
- ``crm ui`` (``CrmApp`` under Textual's pilot, headless at 80x24) from the process's
  start to the morning screen shown, its tables filled;
- in the finder (F3), the time from each key pressed to the results of what the box then
  holds shown, typing texts that find many (``huach``: pinyin, as typed on a terminal
  without an input method) and none (a scan of every customer), mean and max; beside a
  bare Textual app whose Input runs the same ``LIKE`` in sqlite3 at each key and fills a
  DataTable (the floor of typing).

Aims (issue 16): the ui opens a 100,000-customer book within 1.5 s and answers a
keystroke in the finder within 100 ms. ``crm ui``'s own command line (``crm --help``'s
start-up, timed by bench/startup.py) comes before the figures here.

    python bench/ui.py [--customers 100000] [--runs 5] [--type huach --type qqqqq]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (80, 24)
DUE_SQL = (
    "SELECT f.due_at, c.name, f.kind, c.phone, f.note FROM followup f"
    " JOIN customer c ON c.id = f.customer_id"
    " WHERE f.status = 'pending' AND c.deleted_at IS NULL AND f.due_at < ?"
    " ORDER BY f.due_at, f.id"
)
FIND_SQL = (
    "SELECT code, name, level, city, phone FROM customer"
    " WHERE deleted_at IS NULL AND search_text LIKE ? ESCAPE '\\' ORDER BY code, id LIMIT 50"
)


def build(path: Path, customers: int) -> int:
    """The demo company grown to ``customers`` customers; how many follow-ups are due."""
    env = {**os.environ, "CRM_DB": str(path), "CRM_LANG": "en", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init", "--demo", "--force"],
        env=env,
        check=True,
        capture_output=True,
    )
    conn = sqlite3.connect(path)
    columns = [
        r[1] for r in conn.execute("PRAGMA table_info(customer)") if r[1] not in ("id", "code")
    ]
    names = ", ".join(columns)
    base = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    top = conn.execute("SELECT max(id) FROM customer").fetchone()[0]
    k = 1
    while (have := conn.execute("SELECT count(*) FROM customer").fetchone()[0]) < customers:
        conn.execute(
            f"INSERT INTO customer (code, {names}) SELECT 'G{k}' || substr(code, 2), {names}"
            f" FROM customer WHERE id <= {top} ORDER BY id LIMIT {min(base, customers - have)}"
        )
        k += 1
    today = date.today()
    copies = [r[0] for r in conn.execute(f"SELECT id FROM customer WHERE id > {top} ORDER BY id")]
    conn.executemany(
        "INSERT INTO contact (customer_id, name) VALUES (?, ?)",
        [(i, f"联系人{i}") for i in copies[::10]],
    )
    conn.executemany(  # a few due this morning (or overdue), the rest over the year ahead
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (?, ?, 'call', 'pending')",
        [
            (i, f"{today + timedelta(days=n % 365 - 3)} 09:00:00")
            for n, i in enumerate(copies[::10])
        ],
    )
    conn.commit()
    due = len(conn.execute(DUE_SQL, (f"{today + timedelta(days=1)}",)).fetchall())
    conn.close()
    return due


# -- what runs in each new process ----------------------------------------------------------


def _pressed(pilot: Any, text: str, shown: Any) -> Any:
    """Type ``text`` a key at a time; each key's seconds from its event reaching the app
    until ``shown()`` holds what the box then holds (the answer of a search that may run
    in a worker). The key goes to the app as ``pilot.press`` sends it, but without the
    pilot's waits for the process to go idle, which would time the harness."""
    from textual import events

    async def run() -> list[float]:
        seconds = []
        for i, key in enumerate(text):
            event = events.Key(key, key)
            event.set_sender(pilot.app)
            started = time.perf_counter()
            pilot.app._driver.send_message(event)
            while shown() != text[: i + 1]:
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"no answer to {text[: i + 1]!r} in 10 s")
                await asyncio.sleep(0.0005)
            seconds.append(time.perf_counter() - started)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        return seconds

    return run()


def child_crm(db: str, texts: list[str]) -> dict[str, Any]:
    from textual.widgets import Input

    from crmcli import i18n
    from crmcli.ui import finder
    from crmcli.ui.app import CrmApp
    from crmcli.ui.session import Session

    i18n.set_lang("zh")
    last: list[str] = [""]
    show = finder.FinderScreen.show

    def recording(self: Any, text: str, found: Any) -> None:
        show(self, text, found)
        if text == self.query_one(Input).value:  # an answer to what the box holds
            last[0] = text

    finder.FinderScreen.show = recording  # type: ignore[method-assign]
    app = CrmApp(Session(db=db))
    out: dict[str, Any] = {}

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            out["shown"] = time.time()
            out["rows"] = app.screen.query_one("#due").row_count
            for text in texts:
                await pilot.press("f3")
                await app.workers.wait_for_complete()
                await pilot.pause()
                out[text] = await _pressed(pilot, text, lambda: last[0])
                last[0] = ""
                await pilot.press("escape")
                await pilot.pause()

    asyncio.run(run())
    return out


def child_floor(db: str, texts: list[str]) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    conn = sqlite3.connect(db)
    last: list[str] = [""]

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield DataTable(id="t")

        def on_mount(self) -> None:
            tomorrow = f"{date.today() + timedelta(days=1)}"
            self.fill(["due", "customer", "kind", "phone", "note"], DUE_SQL, (tomorrow,))

        def fill(self, header: list[str], sql: str, params: tuple[Any, ...]) -> None:
            table = self.query_one(DataTable)
            table.clear(columns=True)
            table.add_columns(*header)
            table.add_rows([[str(v or "") for v in r] for r in conn.execute(sql, params)])

        def on_input_changed(self, event: Input.Changed) -> None:
            like = "%" + event.value.replace("\\", "\\\\").replace("%", "\\%") + "%"
            self.fill(["code", "name", "level", "city", "phone"], FIND_SQL, (like,))
            last[0] = event.value

    app = Bare()
    out: dict[str, Any] = {}

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            out["shown"] = time.time()
            out["rows"] = app.query_one(DataTable).row_count
            for text in texts:
                out[text] = await _pressed(pilot, text, lambda: last[0])
                app.query_one(Input).value = ""
                await pilot.pause()
                last[0] = ""

    asyncio.run(run())
    return out


# -- the parent ------------------------------------------------------------------------------


def run_child(kind: str, db: Path, texts: list[str], env: dict[str, str]) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", kind, "--db", str(db)]
    for text in texts:
        argv += ["--type", text]
    started = time.time()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr}")
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["open"] = out.pop("shown") - started
    out["process"] = time.time() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--type", action="append", help="text typed into the finder (default: huach, qqqqq)"
    )
    parser.add_argument("--db", type=Path, help="time this book (built by a run of --keep)")
    parser.add_argument("--keep", type=Path, help="build the book here and keep it")
    parser.add_argument("--child", choices=["crm", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = args.type or ["huach", "qqqqq"]
    if args.child:
        run = child_crm if args.child == "crm" else child_floor
        print(json.dumps(run(str(args.db), texts)))
        return
    env = {**os.environ, "CRM_LANG": "zh", "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or args.keep or Path(tmp) / "ui.db"
        if args.db is None:
            started = time.perf_counter()
            due = build(db, args.customers)
            print(
                f"built {args.customers:,} customers ({due} follow-ups due) in"
                f" {time.perf_counter() - started:.1f} s"
            )
        py = sys.executable
        imports = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([py, "-c", "import textual.app"], env=env, check=True)
            imports.append(time.perf_counter() - started)
        runs: dict[str, list[dict[str, Any]]] = {"floor": [], "crm": []}
        run_child("crm", db, texts[:1], env)  # warm the file cache
        for _ in range(args.runs):  # taking turns, so a noisy moment falls on both alike
            for kind in runs:
                runs[kind].append(run_child(kind, db, texts, env))
    opened = {k: statistics.median(r["open"] for r in v) for k, v in runs.items()}
    rows = {k: v[0]["rows"] for k, v in runs.items()}
    print(f"\nmedian of {args.runs} runs, from the process's start (seconds)\n")
    for name, seconds in (
        ('python -c "import textual.app"', statistics.median(imports)),
        (f"bare Textual app, one DataTable ({rows['floor']} rows)", opened["floor"]),
        (f"crm ui: the morning screen shown ({rows['crm']} due)", opened["crm"]),
    ):
        print(f"  {name:<48} {seconds:7.3f}")
    print("\nfinder: each key to its results shown (milliseconds, all runs)\n")
    keys: dict[str, dict[str, list[float]]] = {}
    for kind, outs in runs.items():
        for text in texts:
            keys.setdefault(text, {})[kind] = [s * 1000 for o in outs for s in o[text]]
    print(f"  {'typed':<10} {'':<6} {'mean':>7} {'max':>7}")
    for text, by in keys.items():
        for kind in ("floor", "crm"):
            ms = by[kind]
            print(f"  {text:<10} {kind:<6} {statistics.mean(ms):7.1f} {max(ms):7.1f}")
    print("\naims\n")
    print(
        f"  crm ui opens within 1.5 s: {opened['crm']:.2f} s;"
        f" {opened['crm'] / opened['floor']:.2f}x the bare app"
    )
    worst = max(max(by["crm"]) for by in keys.values())
    mean = statistics.mean(s for by in keys.values() for s in by["crm"])
    floor = statistics.mean(s for by in keys.values() for s in by["floor"])
    print(
        f"  a key answered within 100 ms: mean {mean:.0f} ms, max {worst:.0f} ms;"
        f" mean {mean / floor:.2f}x the bare app's"
    )


if __name__ == "__main__":
    main()
