"""The test harness itself: outside CI, a machine without PostgreSQL runs the SQLite half
and says so at the end of the run, not silently."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

#: a few quick tests, each run on both databases
CHOSEN = ["tests/test_cli_config.py", "-k", "show"]


@pytest.fixture
def crm_env() -> None:
    """No database (overrides conftest's per-backend ``crm_env``): this runs once."""


def test_a_missing_postgresql_server_is_said_in_the_summary(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "CRM_TEST_PG_URL")}
    env.update(PG_BINDIR=str(tmp_path / "no-postgresql"), CRM_TEST_BACKENDS="sqlite,postgresql")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", *CHOSEN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tail = result.stdout.splitlines()[-4:]
    summary = next(line for line in tail if "tests skipped" in line)
    ran = int(summary.strip("! ").split()[0])
    assert ran > 0 and "no PostgreSQL server for the tests; SQLite only" in summary
    assert "skipped" in tail[-1] and "passed" in tail[-1]
