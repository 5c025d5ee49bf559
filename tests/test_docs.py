"""The generated documents are current: docs/cli.md (the reference of the ``crm`` command)
and the layout table of CONTRIBUTING.md (the tree and its docstrings), regenerated and compared."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
GENERATOR = ROOT / "docs" / "make_cli_reference.py"
LAYOUT = ROOT / "docs" / "make_layout.py"


@pytest.fixture
def crm_env() -> None:
    """No database: overrides the autouse, per-backend ``crm_env`` of conftest.py, so this
    test runs once and never starts PostgreSQL."""


def _generator(path: Path = GENERATOR):
    spec = importlib.util.spec_from_file_location(path.stem, path)
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


def test_the_layout_table_is_current():
    layout = _generator(LAYOUT)
    current = layout.CONTRIBUTING.read_text(encoding="utf-8")
    assert layout.updated(current) == current, (
        f"CONTRIBUTING.md's layout table differs from the tree; regenerate it: {layout.COMMAND}"
    )
