"""Several crm processes at once against the test's database (SQLite or PostgreSQL).

For the concurrency tests of any capability: start writers and readers as real
processes, let them overlap, then check that every one of them succeeded and never
met "database is locked". A nightly export while an import runs, for example::

    from tests.parallel import Crowd

    crowd = Crowd()
    crowd.crm("customer", "import", "big.csv")                # a long writing transaction
    for _ in range(5):
        crowd.crm("customer", "export", "-", "--format", "jsonl")
    results = crowd.finish()                                  # every one exited 0
    for out in results.stdout_of("customer", "export"):
        ...                                                   # each one consistent

``BULK_WRITER`` is an import-shaped writer made of what exists today: one
transaction that adds many customers slowly (so readers overlap it), then commits.
``snapshot_counts`` reads a database the way an export does: in one read transaction.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: argv: DB_URL PREFIX ROWS FLAG_FILE RELEASE_FILE -- adds ROWS customers named PREFIX-i
#: in ONE transaction, the way an import writes a file's rows; then creates FLAG_FILE and
#: keeps the transaction open until RELEASE_FILE exists (at most a minute), so that the
#: test runs readers and other writers while the import is known to be in its middle.
BULK_WRITER = """
import sys, time
from pathlib import Path
from crmcli.db import Database, resolve_url
from crmcli.services.archive import customers
from crmcli.services.context import unit

db = Database(resolve_url(sys.argv[1]))
prefix, rows = sys.argv[2], int(sys.argv[3])
flag, release = Path(sys.argv[4]), Path(sys.argv[5])
with unit(db, None, write=True) as ctx:
    for i in range(rows):
        customers.add(ctx, name=f"{prefix}-{i}", values={"city": prefix})
    ctx.session.flush()
    flag.touch()
    deadline = time.time() + 60
    while not release.exists() and time.time() < deadline:
        time.sleep(0.05)
print("ok", rows)
"""


def wait_for(path: Path, timeout: float = 60) -> None:
    """Wait until ``path`` exists (a flag a background process creates)."""
    deadline = time.time() + timeout
    while not path.exists():
        assert time.time() < deadline, f"{path} never appeared"
        time.sleep(0.05)


#: argv: DB_URL NAME TIMES -- TIMES transactions that each read a customer's points and
#: write back points + 1 (a read-modify-write: a lost update shows in the final count).
INCREMENTER = """
import sys
from crmcli.db import Database, resolve_url
from crmcli.services.archive import customers
from crmcli.services.context import unit

db = Database(resolve_url(sys.argv[1]))
for _ in range(int(sys.argv[3])):
    with unit(db, None, write=True) as ctx:
        customer = customers.find(ctx, sys.argv[2], lock=True)
        customers.edit(ctx, sys.argv[2], values={"points": (customer.points or 0) + 1})
print("ok")
"""


@dataclass
class Results:
    """What each process of a :class:`Crowd` did: (argv, exit code, stdout, stderr)."""

    runs: list[tuple[list[str], int, str, str]] = field(default_factory=list)

    def stdout_of(self, *argv_start: str) -> list[str]:
        """The outputs of the processes whose crm arguments start with ``argv_start``."""
        return [out for argv, _, out, _ in self.runs if argv[: len(argv_start)] == list(argv_start)]


class Crowd:
    """Processes started now, running together, against ``CRM_DB`` unless told otherwise."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "CRM_LANG": "en", **(env or {})}
        self.procs: list[tuple[list[str], subprocess.Popen, Any, Any]] = []

    def _start(self, argv: list[str], label: list[str], env: dict[str, str] | None) -> None:
        # output goes to files, not pipes: a process never blocks on a full pipe
        out = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by finish)
        err = tempfile.TemporaryFile("w+")  # noqa: SIM115
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**self.env, **(env or {})},
        )
        self.procs.append((label, proc, out, err))

    def running(self) -> bool:
        """Some process of the crowd has not finished yet."""
        return any(proc.poll() is None for _, proc, _, _ in self.procs)

    def crm(self, *args: str, env: dict[str, str] | None = None) -> None:
        """Start ``crm ARGS...`` (``python -m crmcli``)."""
        self._start([sys.executable, "-m", "crmcli", *args], list(args), env)

    def python(self, script: str, *args: str, env: dict[str, str] | None = None) -> None:
        """Start ``python -c SCRIPT ARGS...`` (scripts such as :data:`BULK_WRITER`)."""
        self._start([sys.executable, "-c", script, *args], ["python", *args], env)

    def finish(self, timeout: float = 180, check: bool = True) -> Results:
        """Wait for every process; with ``check`` each must exit 0, with no lock errors."""
        results = Results()
        for label, proc, out_file, err_file in self.procs:
            proc.wait(timeout=timeout)
            texts = []
            for f in (out_file, err_file):
                f.seek(0)
                texts.append(f.read())
                f.close()
            results.runs.append((label, proc.returncode, *texts))
        self.procs = []
        if check:
            for label, code, out, err in results.runs:
                assert code == 0, f"{label} exited {code}: {err}{out[-500:]}"
                assert "locked" not in err and "Traceback" not in err, f"{label}: {err}"
        return results


def snapshot_counts(url: str, sql: list[str]) -> list[Any]:
    """Run ``sql`` queries in ONE read transaction of crm's own (what an export uses)."""
    from sqlalchemy import text

    from crmcli.db import Database, resolve_url

    db = Database(resolve_url(url))
    try:
        with db.connect(write=False) as conn:
            return [conn.execute(text(q)).scalar() for q in sql]
    finally:
        db.dispose()
