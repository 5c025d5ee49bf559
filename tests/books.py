"""Little prebuilt books for the relationship tests: built once through the CLI, copied per test.

A fixture made with :func:`prebuilt` runs its ``build(crm, db)`` once per test session on
a template database, then gives every test a private copy as its own database (the
``CRM_DB`` of ``conftest.crm_env``), so a hundred bad-input cases do not each replay
the same dozen commands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crmcli.db import resolve_url
from tests.conftest import Crm, Db


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


class _Building(Crm):
    """``crm(...)`` against the template being built, whatever the test's environment."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.env = {
            "CRM_DB": str(path),
            "CRM_LANG": "en",
            "CRM_CONFIG": str(path.with_suffix(".toml")),
            "CRM_USER": None,
            "CRM_DEBUG": None,
            "NO_COLOR": "1",
        }

    def __call__(self, *args: str, code: int = 0, **kw: Any) -> Any:
        return super().__call__(*args, code=code, env=self.env)


def prebuilt(name: str, build: Callable[[Crm, Db], None]) -> Any:
    """A fixture giving each test its own copy of the book ``build`` makes; returns ``db``."""

    @pytest.fixture
    def book(crm_env: Path, tmp_path_factory: pytest.TempPathFactory, db: Db) -> Db:
        template = tmp_path_factory.getbasetemp() / f"book-{name}.db"
        if not template.exists():
            building = template.with_name(template.name + ".building")
            tdb = Db(resolve_url(str(building)))
            try:
                build(_Building(building), tdb)
            finally:
                tdb.engine.dispose()
            _copy(building, template)
        _copy(template, crm_env)
        return db

    return book
