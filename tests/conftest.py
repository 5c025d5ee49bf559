"""Every test gets its own database (``CRM_DB`` -> ``tmp_path``) and drives the real CLI.

``crm(...)`` runs a command in-process through Typer's CliRunner and checks its exit
code; ``db`` reopens the database independently of crmcli's own code to assert
what is there.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from crmcli import i18n
from crmcli.cli import app
from crmcli.db import resolve_url

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def crm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db_path = tmp_path / "crm.db"
    monkeypatch.setenv("CRM_DB", str(db_path))
    monkeypatch.setenv("CRM_CONFIG", str(tmp_path / "prefs.toml"))
    monkeypatch.setenv("CRM_LANG", "en")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("TERM", "dumb")
    for name in ("CRM_USER", "CRM_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_lang("en")
    return db_path


class Crm:
    """Run ``crm`` in-process: ``crm("customer", "add", "ACME")`` or ``crm("customer list")``."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(
        self, *args: str, code: int = 0, input: str | None = None, env: dict[str, str] | None = None
    ) -> Any:
        argv = shlex.split(args[0]) if len(args) == 1 and " " in args[0] else list(args)
        result = self.runner.invoke(app, argv, input=input, env=env)
        if result.exit_code != code:
            raise AssertionError(
                f"crm {' '.join(argv)} exited {result.exit_code}, expected {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\nexception: {result.exception!r}"
            )
        if code == 1:  # a user-facing error: one clear line, never a traceback
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert lines and lines[-1].startswith(("Error: ", "错误: ")), result.stderr
            assert "Traceback" not in result.stderr
        return result

    def json(self, *args: str) -> Any:
        import json

        return json.loads(self(*args, "-f", "json").stdout)


@pytest.fixture
def crm() -> Crm:
    return Crm()


class Db:
    """The test's database, opened without crmcli's code."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]

    def one(self, sql: str, **params: Any) -> dict[str, Any]:
        rows = self.rows(sql, **params)
        assert len(rows) == 1, rows
        return rows[0]

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table: compare before and after to prove nothing changed."""
        from sqlalchemy import inspect

        with self.engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                for t in tables
            }


@pytest.fixture
def db(crm_env: Path) -> Any:
    database = Db(resolve_url(os.environ["CRM_DB"]))
    yield database
    database.engine.dispose()


def run_crm(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, **kw: Any
) -> subprocess.CompletedProcess:
    """``python -m crmcli ...`` in a real process (for what in-process runs cannot show)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "crmcli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        **kw,
    )
