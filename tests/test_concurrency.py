"""Several processes at once on one SQLite file: no "database is locked", nothing lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WRITER = """
import sys
from crmcli.db import Database, resolve_url
from crmcli.services import customers
from crmcli.services.context import unit

db = Database(resolve_url(sys.argv[1]))
db.ensure_schema()
for i in range(int(sys.argv[3])):
    with unit(db, None, write=True) as ctx:
        saved = customers.add(ctx, name=f"{sys.argv[2]}-{i}")
        customers.edit(ctx, saved.customer.code, values={"city": sys.argv[2]})
print("ok")
"""

READER = """
import sys, time
from sqlalchemy import text
from crmcli.db import Database, resolve_url

db = Database(resolve_url(sys.argv[1]))
seen = 0
deadline = time.time() + 20
while time.time() < deadline:
    with db.connect(write=False) as conn:
        n = conn.execute(text("SELECT count(*) FROM customer")).scalar()
        again = conn.execute(text("SELECT count(*) FROM customer")).scalar()
        assert n == again, (n, again)  # one snapshot per read transaction
        assert n >= seen
        seen = n
    if seen >= int(sys.argv[2]):
        break
print("ok", seen)
"""


def spawn(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_two_writers_and_a_reader(tmp_path, crm):
    path = str(tmp_path / "shared.db")
    crm("--db", path, "init")
    procs = [
        spawn(WRITER, path, "A", "40"),
        spawn(WRITER, path, "B", "40"),
        spawn(READER, path, "80"),
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in results:
        assert code == 0 and out.startswith("ok"), err
        assert "locked" not in err
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT code, name, city FROM customer").fetchall()
    assert len(rows) == 80 and len({r[0] for r in rows}) == 80
    assert all(name.split("-")[0] == city for _, name, city in rows)  # no lost update
    assert conn.execute("SELECT count(*) FROM audit_entry").fetchone() == (160,)
