"""Write commands in fresh processes: what in-process tests (with every module already
imported by earlier tests) cannot show, such as a table a flush needs not being loaded."""

from __future__ import annotations

import json

from tests.conftest import run_crm


def test_each_write_command_works_in_a_fresh_process():
    env = {"CRM_LANG": "en"}  # CRM_DB: the test's database, SQLite or PostgreSQL
    steps = [
        ["customer", "add", "甲公司", "--phone", "13800138000"],
        ["contact", "add", "甲公司", "李娜", "--title", "经理"],
        ["contact", "edit", "李娜", "--title", "总监"],
        ["customer", "edit", "甲公司", "--level", "gold"],
        ["customer", "delete", "甲公司", "--yes"],
        ["customer", "restore", "甲公司"],
        ["config", "set", "care.intervals.gold", "10"],
        ["contact", "delete", "李娜", "--yes"],
    ]
    for args in steps:
        result = run_crm(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert "Error" not in result.stderr
    shown = json.loads(run_crm("customer", "show", "甲公司", "-f", "json", env=env).stdout)
    assert shown["level"] == "gold" and shown["contacts"] == []
