"""Usage errors are one line in the user's language, with a "did you mean" (issue 16.4).

A mistyped command (at every level) or option, a missing argument, an option without
its value: one ``Error: ...`` / ``错误: ...`` line on stderr and exit code 2, whether the
language comes from ``CRM_LANG`` or from ``--lang`` (which Click has not applied yet when
the root's own command line is wrong). A name that matches no record exactly suggests
the records whose name contains it, by code and name, among those the user may see.
Help shows no Typer type labels (``<bool>``, ``<str>``) and no braced arguments; every
hint the dashboard prints is an option it accepts.
"""

from __future__ import annotations

import importlib
import json
import re

import pytest
import typer

from crmcli.cli import COMMANDS, app


def usage_error(crm, *args, env=None):
    """Run a wrong command line: exit 2 and exactly one ``Error:`` line; the line."""
    result = crm(*args, code=2, env=env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(("Error: ", "错误: ")), lines[0]
    assert "╭" not in result.output and "Traceback" not in result.output
    return lines[0]


# -- each kind, in English ------------------------------------------------------------------


def test_unknown_command_at_the_root_suggests_the_command(crm):
    line = usage_error(crm, "custmer", "list")
    assert line == "Error: no such command 'custmer'; did you mean 'customer'?"


def test_unknown_command_one_level_down_suggests_the_command(crm):
    assert "did you mean 'list'?" in usage_error(crm, "customer", "lsit")
    assert "did you mean 'dashboard'?" in usage_error(crm, "report", "dashbord")
    assert "did you mean 'opportunity'?" in usage_error(crm, "oppurtunity", "list")


def test_unknown_command_without_a_close_one_points_at_the_help(crm):
    line = usage_error(crm, "customer", "frobnicate")
    assert line == "Error: no such command 'frobnicate'; see the commands with: crm customer -h"


def test_unknown_option_suggests_the_option(crm):
    line = usage_error(crm, "customer", "list", "--limt", "3")
    assert line == "Error: no such option '--limt'; did you mean '--limit'?"
    assert "did you mean '--lang'?" in usage_error(crm, "--lnag", "zh", "customer", "list")
    assert "crm customer list -h" in usage_error(crm, "customer", "list", "-z")


def test_a_root_option_after_the_command_says_where_it_goes(crm):
    line = usage_error(crm, "customer", "list", "--lang", "zh")
    assert "--lang is an option of 'crm'" in line


def test_missing_argument_and_option_show_the_usage(crm):
    line = usage_error(crm, "customer", "show")
    assert line == "Error: missing argument REF; usage: crm customer show [OPTIONS] REF"
    assert "missing option --role / -r" in usage_error(crm, "user", "add", "x")


def test_bad_values(crm):
    assert usage_error(crm, "customer", "list", "--limit").startswith(
        "Error: option --limit needs a value"
    )
    assert "option --deleted takes no value" in usage_error(crm, "customer", "list", "--deleted=3")
    line = usage_error(crm, "customer", "import", "--undo", "1", "--dry-run")
    assert "--undo takes no file" in line and "Invalid value" not in line
    assert "unexpected extra arguments: extra" in usage_error(crm, "customer", "list", "extra")


def test_a_group_without_a_command_still_shows_its_help(crm):
    result = crm.runner.invoke(app, ["customer"])
    assert "list" in result.output and "Error" not in result.output


# -- in Chinese ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["env", "option"])
def test_usage_errors_in_chinese(crm, how):
    def zh(*args):
        if how == "env":
            return usage_error(crm, *args, env={"CRM_LANG": "zh"})
        return usage_error(crm, "--lang", "zh", *args)

    assert zh("custmer", "list") == "错误: 没有命令 'custmer'; 您是不是指 'customer'？"
    assert zh("customer", "lsit") == "错误: 没有命令 'lsit'; 您是不是指 'list'？"
    assert (
        zh("customer", "list", "--limt", "3") == "错误: 没有选项 '--limt'; 您是不是指 '--limit'？"
    )
    assert zh("customer", "show") == "错误: 缺少参数 REF; 用法：crm customer show [OPTIONS] REF"
    assert zh("customer", "list", "--limit") == "错误: 选项 --limit 需要一个值"


def test_the_language_option_wins_over_the_environment(crm):
    line = usage_error(crm, "--lang", "en", "custmer", env={"CRM_LANG": "zh"})
    assert line.startswith("Error: no such command")
    line = usage_error(crm, "--lang=zh", "--lnag", "en", "customer", "list")
    assert line.startswith("错误: 没有选项 '--lnag'")


# -- a name contained in records' names ------------------------------------------------------


def test_a_name_contained_in_a_customer_suggests_it_by_code_and_name(crm):
    crm("init", "--demo")
    result = crm("customer", "show", "华晨", code=1)
    assert "no customer '华晨'" in result.stderr
    assert "C000001 深圳市华晨电子有限公司" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    zh = crm("--lang", "zh", "customer", "show", "华晨", code=1).stderr
    assert zh.startswith("错误: 找不到客户 '华晨'") and "C000001 深圳市华晨电子有限公司" in zh
    many = crm("customer", "show", "有限公司", code=1).stderr
    assert len(re.findall(r"C\d{6} ", many)) == 5 and "more" in many
    nothing = crm("customer", "show", "无此客户", code=1).stderr
    assert "did you mean" not in nothing and "crm customer list" in nothing


def test_a_salesperson_is_not_told_about_anothers_customers(crm):
    crm("customer", "add", "公海客户")
    crm("user", "add", "wangfang", "--role", "admin")
    for name in ("liuyang", "chenjing"):
        crm("--user", "wangfang", "user", "add", name, "--role", "sales")
    crm("--user", "liuyang", "customer", "add", "刘洋的客户")
    crm("--user", "chenjing", "customer", "add", "陈静的客户")
    hidden = crm("--user", "liuyang", "customer", "show", "陈静", code=1).stderr
    assert "陈静的客户" not in hidden and "C000003" not in hidden
    mine = crm("--user", "liuyang", "customer", "show", "客户", code=1).stderr
    assert "C000001 公海客户" in mine and "C000002 刘洋的客户" in mine
    assert "陈静的客户" not in mine
    everyone = crm("--user", "wangfang", "customer", "show", "客户", code=1).stderr
    assert "C000003 陈静的客户" in everyone


# -- the dashboard takes what its footer suggests -----------------------------------------


def test_the_dashboard_takes_limit_and_json(crm):
    crm("init", "--demo")
    out = crm("report", "dashboard", "--limit", "3").stdout
    assert "use --limit N or -f json" in out  # the hint names options the command takes
    board = json.loads(crm("report", "dashboard", "-f", "json").stdout)
    assert set(board) >= {
        "date",
        "followups_due",
        "pipeline",
        "orders_by_month",
        "drifting_gold",
        "overdue_receivables",
        "overdue_tickets",
    }
    assert len(board["followups_due"]) > 3
    limited = json.loads(crm("report", "dashboard", "-f", "json", "-n", "3").stdout)
    assert len(limited["followups_due"]) == 3
    assert len(limited["overdue_receivables"]) <= 3
    assert limited["pipeline"] == board["pipeline"]
    crm("report", "dashboard", "-f", "csv", code=1)


# -- help without artefacts -----------------------------------------------------------------


def _paths():
    def walk(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    yield []
    for name, (module, attr, _help) in COMMANDS.items():
        yield from walk(
            typer.main.get_command(getattr(importlib.import_module(module), attr)), [name]
        )


ARTEFACT = re.compile(r"<(bool|str|int|float|path|list\[\w+\])>|\{[A-Z][A-Z_|.-]*\}|\[\[")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_shows_no_type_labels_or_braces(crm, lang):
    seen = []
    for path in _paths():
        out = crm(*path, "--help", env={"CRM_LANG": lang}).stdout
        assert "Usage" in out
        seen += [
            f"crm {' '.join(path)}: {line.strip()}"
            for line in out.splitlines()
            if ARTEFACT.search(line)
        ]
    assert seen == []


def test_only_the_root_offers_shell_completion(crm):
    """``crm --install-completion`` covers every command: no group repeats the option."""
    assert "--install-completion" in crm("--help").stdout
    offering = [
        " ".join(path)
        for path in _paths()
        if path and "--install-completion" in crm(*path, "--help").stdout
    ]
    assert offering == []
    crm("customer", "--install-completion", code=2)


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source(crm):
    """At 80 columns a paragraph of help fills its lines: no line of a paragraph but its
    last is cut short (the docstring's own line breaks used to break it again)."""
    from rich.cells import cell_len

    short = []
    for path in _paths():
        out = crm(*path, "--help", env={"COLUMNS": "80"}).stdout
        text = out.split("╭")[0].splitlines()[3:]  # the description, below Usage
        block: list[str] = []
        for line in [*text, ""]:
            if line.strip():
                block.append(line.rstrip())
                continue
            short += [f"crm {' '.join(path)}: {b!r}" for b in block[:-1] if cell_len(b) < 55]
            block = []
    assert short == []
