"""Every command and every option explains itself (the meta-test), and help never fails."""

from __future__ import annotations

import importlib

import pytest
import typer

from crmcli.cli import COMMANDS


def all_commands():
    for name, (module, attr, _help) in COMMANDS.items():
        command = typer.main.get_command(getattr(importlib.import_module(module), attr))
        yield from walk(command, [name])


def walk(command, path):
    yield path, command
    for sub_name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, [*path, sub_name])


CASES = list(all_commands())


@pytest.mark.parametrize(("path", "command"), CASES, ids=[" ".join(p) for p, _ in CASES])
def test_every_command_and_option_has_help(path, command):
    assert (command.help or "").strip(), f"crm {' '.join(path)} has no help"
    for param in command.params:
        if param.name in ("help",):
            continue
        assert (getattr(param, "help", None) or "").strip(), (
            f"crm {' '.join(path)}: {param.name} has no help"
        )


@pytest.mark.parametrize("path", [p for p, _ in CASES], ids=[" ".join(p) for p, _ in CASES])
def test_help_runs(crm, path):
    assert "Usage" in crm(*path, "--help").stdout


def test_root_help_lists_every_command(crm):
    out = crm("--help").stdout
    for name in COMMANDS:
        assert name in out


def test_version(crm):
    assert crm("--version").stdout.startswith("crmcli ")
