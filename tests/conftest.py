"""Every test gets its own database and drives the real CLI, on SQLite and on PostgreSQL.

The autouse ``crm_env`` fixture is the one place a test gets its database (``CRM_DB``):
it is parametrized by backend, so every test runs twice, ``[sqlite]`` on a file in
``tmp_path`` and ``[postgresql]`` on a fresh database of a throwaway server
(``tests/pgserver.py``). ``CRM_TEST_BACKENDS=sqlite`` (or ``postgresql``) runs one;
``CRM_TEST_PG_URL`` uses an existing server. Tests that are about SQLite itself
(PRAGMAs, file modes, backup files) carry ``@pytest.mark.sqlite_only`` and are not run
on PostgreSQL.

``crm(...)`` runs a command in-process through Typer's CliRunner and checks its exit
code; ``db`` reopens the database independently of crmcli's own code to assert
what is there (JSON, date and datetime columns come back as text on both databases).
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


BACKENDS = [
    b.strip()
    for b in os.environ.get("CRM_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if b.strip()
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): a test about SQLite itself; not run on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): a test about PostgreSQL itself (roles, RLS)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL runs of ``sqlite_only`` tests and the SQLite runs of
    ``postgresql_only`` ones."""
    keep, dropped = [], []
    for item in items:
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("crm_env")
        if (backend == "postgresql" and item.get_closest_marker("sqlite_only")) or (
            backend == "sqlite" and item.get_closest_marker("postgresql_only")
        ):
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


#: the reason of every test skipped for want of a server (counted in the summary)
PG_MISSING = "no PostgreSQL server for the tests"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say loudly, at the end, that the PostgreSQL half was skipped (outside CI)."""
    skipped = [
        r for r in terminalreporter.stats.get("skipped", []) if PG_MISSING in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep(
            "!", f"{len(skipped)} tests skipped: {PG_MISSING}; SQLite only", red=True, bold=True
        )
        terminalreporter.write_line(
            "install PostgreSQL (apt-get install postgresql), or point CRM_TEST_PG_URL at a "
            "server; with CI=true a missing server fails the run"
        )


@pytest.fixture(scope="session")
def pg_server() -> Any:
    """The session's PostgreSQL server, started on first use (skipped when there is none,
    except under CI, where a missing server is a failure)."""
    from tests.pgserver import PgServer

    server = PgServer()
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{PG_MISSING}: {e}")
    yield server
    server.stop()


@pytest.fixture(autouse=True, params=BACKENDS)
def crm_env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The test's database in ``CRM_DB``; returns the SQLite file's path (on PostgreSQL a
    path in ``tmp_path`` that is not used)."""
    db_path = tmp_path / "crm.db"
    if request.param == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.new_database()
        name = url.rsplit("/", 1)[1]
        request.addfinalizer(lambda: server.drop_database(name))
        monkeypatch.setenv("CRM_DB", url)
    else:
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
        self.url = url
        self.engine = create_engine(url)
        self.dialect = self.engine.dialect.name
        if self.dialect == "postgresql":
            from psycopg.types.string import TextLoader
            from sqlalchemy import event

            @event.listens_for(self.engine, "connect")
            def _as_text(dbapi_conn: Any, _record: Any) -> None:
                # read back as text, as SQLite gives them: one assertion serves both
                for name in ("json", "jsonb", "timestamp", "date"):
                    dbapi_conn.adapters.register_loader(name, TextLoader)

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


@pytest.fixture
def backend(request: pytest.FixtureRequest, crm_env: Path) -> str:
    """``sqlite`` or ``postgresql``: the database this run of the test uses."""
    return request.node.callspec.params.get("crm_env", "sqlite")


@pytest.fixture
def db_url(crm_env: Path) -> str:
    """The SQLAlchemy URL of the test's database."""
    return resolve_url(os.environ["CRM_DB"])


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
