"""The ui lab (examples/labs/lab-ui-morning.md) runs as written, with Textual's pilot.

A ui can't be run as shell commands, so the lab shows its steps in ```text blocks: a line
``⌨ KEYS`` gives the keys to press (``enter``, ``ctrl+s``, ``f3`` ...; any other word,
quoted or not, is typed a character at a time), and the lines under it are what must then
appear on the screen or in a notification (spaces collapsed). This test drives one app
through every step, in Chinese at 80×24, on the demo company as of the day
tests/test_ui.py fixes, and checks each quoted line. (Its ```console blocks are run by
tests/test_labs.py, as in every lab.)
"""

from __future__ import annotations

import asyncio
import html
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.test_ui import SIZE, _load, make_app

pytestmark = pytest.mark.sqlite_only("one copy of the demo book, a file")

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "examples" / "labs" / "lab-ui-morning.md"
KEYS = {"enter", "escape", "tab", "up", "down", "left", "right", "d", "l", "r", "n", "p"}
KEYS |= {f"f{i}" for i in range(1, 13)} | {f"ctrl+{c}" for c in "qs"}


@dataclass
class Step:
    line: int
    keys: list[str]
    expected: list[str] = field(default_factory=list)


def parse(text: str) -> list[Step]:
    steps: list[Step] = []
    in_block = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("```"):
            in_block = line == "```text" if not in_block else False
            continue
        if not in_block or not line:
            continue
        if line.startswith("⌨"):
            steps.append(Step(number, shlex.split(line[1:])))
        else:
            assert steps, f"{LAB.name}:{number}: screen text before any keys"
            steps[-1].expected.append(line)
    return steps


def squash(text: str) -> str:
    return " ".join(text.split())


_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+"'
    r' clip-path="url\(#[^)]*?line-(\d+)\)">([^<]*)</text>'
)


def screen_text(app) -> str:
    """What the screen shows, a line per terminal row (from the SVG screenshot)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for m in _TEXT.finditer(app.export_screenshot()):
        text = html.unescape(m.group(3)).replace("\xa0", " ")
        rows.setdefault(int(m.group(2)), []).append((float(m.group(1)), text))
    return "\n".join("".join(t for _, t in sorted(rows[r])) for r in sorted(rows))


@pytest.fixture(scope="module")
def lab_template(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("ui-lab") / "demo.db")


def test_the_lab_parses():
    steps = parse(LAB.read_text(encoding="utf-8"))
    assert len(steps) >= 8
    assert all(s.expected for s in steps[:-1]), "every step but quitting shows something"
    assert steps[-1].keys == ["ctrl+q"]


def test_the_ui_lab_runs_as_written(lab_template, crm_env, db):
    shutil.copy(lab_template, crm_env)
    contacts = (
        "SELECT count(*) FROM interaction i JOIN customer c ON c.id = i.customer_id"
        " WHERE c.code = 'C000004'"
    )
    logged = db.scalar(contacts)
    steps = parse(LAB.read_text(encoding="utf-8"))
    app = make_app(crm_env, "zh")
    told: list[str] = []
    notify = app.notify

    def recording(message, *args, **kw):
        told.append(str(message))
        return notify(message, *args, **kw)

    app.notify = recording  # the forms' confirmations, however soon their toasts go

    async def run():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for step in steps:
                before = len(told)
                for key in step.keys:
                    await pilot.press(*([key] if key in KEYS else list(key)))
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                if not app.is_running:
                    break
                for _ in range(50):  # a busy machine draws the footer a moment later
                    shown = squash(screen_text(app) + "\n" + "\n".join(told[before:]))
                    if all(squash(e) in shown for e in step.expected):
                        break
                    await pilot.pause(0.1)
                for expected in step.expected:
                    assert squash(expected) in shown, (
                        f"{LAB.name}:{step.line}: after {' '.join(step.keys) or 'opening'},"
                        f" the screen does not show {expected!r}:\n{screen_text(app)}\n{told[before:]}"
                    )

    asyncio.run(run())
    assert not app.is_running  # the last step quit
    # the morning's work is in the book, as the lab's last step says
    assert db.scalar("SELECT status FROM followup WHERE id = 16") == "done"
    assert db.scalar(contacts) == logged + 2  # the call logged, and the follow-up's visit
    summaries = db.rows(
        "SELECT i.summary FROM interaction i JOIN customer c ON c.id = i.customer_id"
        " WHERE c.code = 'C000004' ORDER BY i.id DESC LIMIT 2"
    )
    assert "电话确认下周二上门调试设备" in [r["summary"] for r in summaries]
