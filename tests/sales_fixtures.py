"""Fixture databases for the selling tests, built once per session and copied per test.

A fresh database costs a schema creation (Alembic) and a dozen commands; the selling
tests start from the same few books hundreds of times. :func:`from_template` builds a
book once, through the real CLI, into a session folder, then copies it (SQLite's
backup API, so a WAL is folded in) to the test's own ``CRM_DB``: every test still owns
its database, and what it starts from went through exactly the commands shown.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_built: dict[str, Path] = {}


def from_template(
    key: str,
    build: Callable[[], None],
    *,
    target: Path,
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
) -> None:
    """Make ``target`` a copy of the book ``build`` writes (built the first time only)."""
    template = _built.get(key)
    if template is None:
        template = folder / f"{key}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{template}{suffix}").unlink(missing_ok=True)
        monkeypatch.setenv("CRM_DB", str(template))
        try:
            build()
        finally:
            monkeypatch.setenv("CRM_DB", str(target))
        _built[key] = template
    source = sqlite3.connect(template)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    os.chmod(target, 0o600)


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sales-templates")


def template(key: str, build: Callable[[Any], None]) -> Any:
    """A fixture that starts the test from the book ``build(crm)`` writes."""

    @pytest.fixture
    def fixture(
        crm: Any, crm_env: Path, monkeypatch: pytest.MonkeyPatch, template_folder: Path
    ) -> None:
        from_template(
            key,
            lambda: build(crm),
            target=crm_env,
            monkeypatch=monkeypatch,
            folder=template_folder,
        )

    return fixture
