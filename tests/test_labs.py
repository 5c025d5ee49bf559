"""Every course lab in examples/labs runs as written: the docs never rot.

In a lab, a ```console block holds ``$ crm ...`` commands; the lines under a command are
output that must appear (spaces collapsed) in what it prints. ``# exit N`` after a
command says it should fail with that code; ``export NAME=VALUE`` sets the environment
for the commands after it; ``...`` stands for output left out. Set-up commands (pip,
python, git, cd, source) are shown to students and checked by CI, not run here.
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
            assert squash(expected) in shown, (
                f"{lab.name}:{step.line}: `{step.command}` did not print {expected!r}\n{result.stdout}{result.stderr}"
            )
    assert os.environ.get("CRM_DB")  # every lab ran on the test's own database
