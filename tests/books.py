"""Little prebuilt books: built once per session through the CLI, copied for every test.

A fixture made with :func:`prebuilt` runs its ``build(crm, db)`` once per session and
backend on a template database, then gives each test a private copy as its own database
(the ``CRM_DB`` of ``conftest.crm_env``), so a hundred bad-input cases do not each
replay the same dozen commands. On SQLite the template is a file copied with the backup
API; on PostgreSQL it is a database the test's own is recreated from
(``CREATE DATABASE ... TEMPLATE``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crmcli.db import resolve_url
from tests.conftest import Crm, Db

#: (backend, book) -> the template: a file path (SQLite) or a database name (PostgreSQL)
_BUILT: dict[tuple[str, str], Any] = {}


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)


class _Building(Crm):
    """``crm(...)`` against the template being built, whatever the test's environment."""

    def __init__(self, database: str, config: Path) -> None:
        super().__init__()
        self.env = {
            "CRM_DB": database,
            "CRM_LANG": "en",
            "CRM_CONFIG": str(config),
            "CRM_USER": None,
            "CRM_DEBUG": None,
            "NO_COLOR": "1",
        }

    def __call__(self, *args: str, code: int = 0, **kw: Any) -> Any:
        return super().__call__(*args, code=code, env=self.env)


def _build(build: Callable[[Crm, Db], None], database: str, folder: Path) -> None:
    template = Db(resolve_url(database))
    try:
        build(_Building(database, folder / "prefs.toml"), template)
    finally:
        template.engine.dispose()


def prebuilt(name: str, build: Callable[[Crm, Db], None]) -> Any:
    """A fixture giving each test its own copy of the book ``build`` makes; returns ``db``."""

    @pytest.fixture
    def book(
        request: pytest.FixtureRequest,
        crm_env: Path,
        tmp_path_factory: pytest.TempPathFactory,
        db: Db,
    ) -> Db:
        folder = tmp_path_factory.getbasetemp()
        if db.dialect == "postgresql":
            server = request.getfixturevalue("pg_server")
            key = ("postgresql", name)
            if key not in _BUILT:
                url = server.new_database()
                _build(build, url, folder)
                _BUILT[key] = url.rsplit("/", 1)[1]
            db.engine.dispose()
            server.recreate_database(db.url.rsplit("/", 1)[1], template=_BUILT[key])
            return db
        key = ("sqlite", name)
        if key not in _BUILT:
            building = folder / f"book-{name}.building.db"
            _build(build, str(building), folder)
            template = folder / f"book-{name}.db"
            _copy(building, template)
            _BUILT[key] = template
        _copy(_BUILT[key], crm_env)
        return db

    return book


def template(name: str, build: Callable[[Crm], None]) -> Any:
    """:func:`prebuilt` for a book built with ``crm`` alone."""
    return prebuilt(name, lambda crm, _db: build(crm))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo book (``crm init --demo``, SQLite) shared by a module's tests, which only
    read it (loading it takes a few seconds). Import it with :func:`crm_demo`."""
    from tests.conftest import run_crm

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_crm("init", "--demo", env={"CRM_DB": str(path), "CRM_LANG": "en"})
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def crm_demo(crm: Crm, demo: Path, monkeypatch: pytest.MonkeyPatch) -> Crm:
    """``crm`` over the module's demo book."""
    monkeypatch.setenv("CRM_DB", str(demo))
    return crm
