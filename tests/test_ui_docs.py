"""The README's screenshot of ``crm ui`` is the one the tests produce, so it stays current.

``tests/test_ui.py`` keeps an SVG snapshot of every screen (and fails when the app no
longer draws it); the README shows ``docs/ui-morning.svg``, which must be the same file
as the Chinese morning screen's snapshot. After ``pytest tests/test_ui.py
--snapshot-update``, copy it again::

    cp 'tests/__snapshots__/test_ui/test_snapshot[sqlite-morning-zh].svg' docs/ui-morning.svg
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SCREENSHOT = "docs/ui-morning.svg"
SNAPSHOT = ROOT / "tests" / "__snapshots__" / "test_ui" / "test_snapshot[sqlite-morning-zh].svg"


@pytest.fixture
def crm_env() -> None:
    """No database: overrides the autouse, per-backend ``crm_env`` of conftest.py, so these
    tests run once and never start PostgreSQL."""


def quick_start() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^## Quick start\n(.*?)^## ", text, re.S | re.M)
    assert match, "README.md has no Quick start section"
    return match.group(1)


def test_the_quick_start_shows_crm_ui_with_its_screenshot():
    section = quick_start()
    assert "`crm ui`" in section
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", section)
    assert SCREENSHOT in images, f"the Quick start shows no {SCREENSHOT}: {images}"


def test_the_screenshot_is_the_snapshot_the_tests_produce():
    shown = (ROOT / SCREENSHOT).read_bytes()
    assert shown == SNAPSHOT.read_bytes(), (
        f"{SCREENSHOT} differs from the morning screen's snapshot; copy it again:\n"
        f"cp '{SNAPSHOT.relative_to(ROOT)}' {SCREENSHOT}"
    )


def test_the_readme_links_the_ui_lab():
    links = re.findall(r"\]\(([^)]+\.md)\)", quick_start())
    assert links and all((ROOT / link).is_file() for link in links), links
