"""The layering of crmcli is checked by import-linter (``[tool.importlinter]`` in
pyproject.toml, run by .ci/run): the contracts hold on this tree, and a wrong arrow or a
circle, even an import inside a function, breaks them with a message naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def crm_env() -> None:
    """No database (overrides conftest's per-backend ``crm_env``): this runs once."""


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    tree = tmp_path
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copytree(ROOT / "crmcli", tree / "crmcli", ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / "crmcli" / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_room_reaching_up_breaks_the_rooms_contract(copy):
    add_import(
        copy,
        "services/archive/customers",
        "\n\ndef _up():\n    from crmcli.services.relationship import followups\n",
    )
    result = lint(copy)
    assert result.returncode == 1
    assert "Rooms of services" in result.stdout and "BROKEN" in result.stdout
    assert (
        "crmcli.services.archive.customers -> crmcli.services.relationship.followups"
        in result.stdout
    )


def test_a_service_printing_or_a_circle_breaks_the_contracts(copy):
    add_import(copy, "services/team/people", "\n\ndef _show():\n    import rich\n")
    add_import(copy, "cells", "\n\ndef _back():\n    from crmcli import tabular\n")
    result = lint(copy)
    assert result.returncode == 1
    assert "crmcli.services.team.people -> rich" in result.stdout
    assert "No cycles are allowed in crmcli" in result.stdout
