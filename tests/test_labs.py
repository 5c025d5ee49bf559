"""Every course lab in examples/labs runs as written: the docs never rot.

In a lab, a ```console block holds ``$ crm ...`` commands; the lines under a command are
output that must appear (spaces collapsed) in what it prints. ``# exit N`` after a
command says it should fail with that code; ``export NAME=VALUE`` sets the environment
for the commands after it; ``...`` stands for output left out. What differs from run to
run is written as a placeholder the lab explains: ``YYYY-MM-DD``, ``HH:MM:SS`` and
``HH:MM`` stand for the day and time the student runs it, ``<user>`` for their login
name. Set-up commands (pip, python, git, cd, source) are shown to students and checked
by CI, not run here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "examples" / "labs").glob("lab-*.md"))
SKIPPED = {"pip", "python", "python3", "git", "cd", "source", ".", "ls", "libreoffice"}


@dataclass
class Step:
    line: int
    command: str
    code: int = 0
    expected: list[str] = field(default_factory=list)


def parse(text: str) -> list[Step]:
    steps: list[Step] = []
    in_block = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.startswith("```"):
            in_block = line.strip() == "```console" if not in_block else False
            continue
        if not in_block or not line.strip():
            continue
        if line.startswith("$ "):
            command = line[2:]
            code = 0
            m = re.search(r"\s+#\s*exit\s+(\d+)\s*$", command)
            if m:
                code = int(m.group(1))
                command = command[: m.start()]
            steps.append(Step(number, command.strip(), code))
        elif steps and line.strip() != "...":
            steps[-1].expected.append(line.strip())
    return steps


def squash(text: str) -> str:
    return " ".join(text.split())


#: placeholders of a lab's output lines, and what each stands for
PLACEHOLDERS = {
    "YYYY-MM-DD": r"\d{4}-\d{2}-\d{2}",
    "HH:MM:SS": r"\d{2}:\d{2}:\d{2}",
    "HH:MM": r"\d{2}:\d{2}",
    "<user>": r"\S+",
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def pattern(expected: str) -> re.Pattern[str]:
    """An output line as a pattern: the text itself, each placeholder what it stands for."""
    parts, at = [], 0
    for m in _PLACEHOLDER.finditer(expected):
        parts += [re.escape(expected[at : m.start()]), PLACEHOLDERS[m.group()]]
        at = m.end()
    return re.compile("".join([*parts, re.escape(expected[at:])]))


@pytest.mark.sqlite_only(reason="labs are written for a student's own SQLite file")
@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_lab_runs_as_written(lab, crm, tmp_path, monkeypatch):
    for folder in ("data", "examples"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.db", "__pycache__")
        )
    monkeypatch.chdir(tmp_path)
    env: dict[str, str] = {}
    steps = parse(lab.read_text(encoding="utf-8"))
    assert any(s.command.startswith("crm ") for s in steps), f"{lab.name} runs no crm command"
    for step in steps:
        words = shlex.split(step.command)
        if Path(words[0]).name in SKIPPED:
            continue
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            env[name] = value
            monkeypatch.setenv(name, value)
            continue
        assert words[0] == "crm", (
            f"{lab.name}:{step.line}: only crm commands can run here: {step.command}"
        )
        result = crm(*words[1:], code=step.code)
        shown = squash(result.stdout + "\n" + result.stderr)
        for expected in step.expected:
            assert pattern(squash(expected)).search(shown), (
                f"{lab.name}:{step.line}: `{step.command}` did not print {expected!r}\n{result.stdout}{result.stderr}"
            )
    assert os.environ.get("CRM_DB")  # every lab ran on the test's own database


def test_placeholders_stand_for_a_day_a_time_and_a_login_and_the_rest_is_literal():
    line = pattern(squash("1   YYYY-MM-DD HH:MM   <user>   导入"))
    assert line.search("批次 1 2026-12-06 16:38 root 导入 data/x.csv")
    assert not line.search("1 2026-12-6 16:38 root 导入")
    assert pattern('"created_at": "YYYY-MM-DDTHH:MM:SS"').search(
        '"created_at": "2026-12-06T16:38:28"'
    )
    assert not pattern("a.b (c)").search("axb (c)")
