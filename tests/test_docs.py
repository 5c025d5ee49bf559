"""docs/cli.md is the reference of the ``crm`` command as it is: regenerated and compared."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
GENERATOR = ROOT / "docs" / "make_cli_reference.py"


@pytest.fixture
def crm_env() -> None:
    """No database: overrides the autouse, per-backend ``crm_env`` of conftest.py, so this
    test runs once and never starts PostgreSQL."""


def _generator():
    spec = importlib.util.spec_from_file_location("make_cli_reference", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_current():
    generator = _generator()
    expected = generator.render()
    actual = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert actual == expected, (
        f"docs/cli.md is out of date with the crm command; regenerate it: {generator.COMMAND}"
    )
