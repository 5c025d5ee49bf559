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


def test_a_reader_that_stops_early_is_not_an_error():
    """``crm ... | head -1``: the pipe closes under a long output; crm stops quietly."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    rows = "".join(f"客户{i:03d},{'x' * 200}\n" for i in range(300))  # > a pipe buffer
    assert run_crm("customer", "import", "-", input="name,notes\n" + rows).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for fmt in ("jsonl", "csv", "table"):
        crm = subprocess.Popen(
            [sys.executable, "-m", "crmcli", "customer", "list", "-n", "300", "-f", fmt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert crm.stdout is not None and crm.stderr is not None
        crm.stdout.readline()
        crm.stdout.close()  # what head does after its first line
        assert crm.wait(timeout=60) == 0, fmt
        assert crm.stderr.read() == b"", fmt


def test_a_question_on_screen_holds_no_lock():
    """While ``order cancel`` waits for its y/N, others write and the nightly job runs."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    for step in (
        ["customer", "add", "甲公司"],
        ["product", "add", "服务器", "--price", "100"],
        ["order", "add", "甲公司", "-i", "P0001:1"],
    ):
        assert run_crm(*step).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRM_LANG": "en"}
    asking = subprocess.Popen(
        [sys.executable, "-m", "crmcli", "order", "cancel", "D000001"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert asking.stderr is not None  # the question is asked on stderr
        question = b""
        while b"[y/N]" not in question:
            question += asking.stderr.read1(200)  # type: ignore[attr-defined]
        assert b"Cancel order D000001" in question
        # with the write lock held by the question, these would wait, then fail "locked"
        for args in (
            ["log", "甲公司", "-c", "phone", "-s", "问候"],
            ["customer", "delete", "甲公司", "-y"],
        ):
            result = run_crm(*args, timeout=60)
            assert result.returncode == 0, result.stderr
        _out, err = asking.communicate(b"y\n", timeout=60)
    finally:
        asking.kill()
    # its customer went meanwhile: the order is out of sight, and nothing is cancelled
    assert asking.returncode == 1 and b"no order 'D000001'" in err


# -- the quick exit (crmcli.cli.leave): nothing a user could notice is skipped ------------

#: standard output buffered, as it is for a file or a pipe (an empty PYTHONUNBUFFERED is unset)
BUFFERED = {"PYTHONUNBUFFERED": ""}


def test_a_finished_command_leaves_everything_in_the_book_and_on_the_screen(tmp_path, backend):
    """The teardown skipped, still: every line of a buffered output (not a terminal) is
    written, the exit codes are the command's, and on SQLite the book file alone holds
    what was written (the write-ahead log merged when the last connection closed: a
    plain copy of crm.db is a whole backup)."""
    import os
    import shutil
    import sqlite3

    rows = "".join(f"客户{i:04d},{'x' * 100}\n" for i in range(400))  # > any stdio buffer
    assert run_crm("customer", "import", "-", input="name,notes\n" + rows).returncode == 0
    done = run_crm("customer", "list", "-f", "csv", env=BUFFERED)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 401
    assert lines[-1].startswith("400,C000400,客户0399,") and lines[-1].endswith(",false")
    missing = run_crm("customer", "show", "没有这家")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: ")
    assert run_crm("customer", "shwo").returncode == 2
    if backend == "sqlite":
        added = run_crm("customer", "add", "最后一家")
        assert added.returncode == 0, added.stderr
        book = os.environ["CRM_DB"]
        assert not os.path.exists(book + "-wal")
        shutil.copyfile(book, tmp_path / "copy.db")
        conn = sqlite3.connect(tmp_path / "copy.db")
        try:
            found = conn.execute("SELECT count(*) FROM customer WHERE name = '最后一家'")
            assert found.fetchone() == (1,)
        finally:
            conn.close()


def test_what_a_program_registered_to_run_at_exit_still_runs():
    """A script that calls ``crmcli.cli.main`` (or a library it uses) may register exit
    functions: they run, and what they print is shown."""
    from tests.test_migrations import run_crm_python

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('goodbye from atexit'))\n"
        "from crmcli.cli import main\n"
        "sys.argv = ['crm', 'customer', 'show', '没有这家']\n"
        "main()\n"
        "print('not reached')\n"
    )
    done = run_crm_python(code, env=BUFFERED)
    assert done.returncode == 1, done.stderr
    assert done.stdout == "goodbye from atexit\n"
    assert done.stderr.startswith("Error: ")


def test_a_profiled_run_still_writes_its_profile(tmp_path):
    """``python -m cProfile -o FILE -m crmcli ...`` (how a developer looks at a slow
    command) gets its file: under a profiler crm exits the normal way."""
    import os
    import pstats
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = tmp_path / "crm.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "crmcli", "customer", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "No customers found."
    listed = pstats.Stats(str(out)).stats
    assert any(path.endswith(os.path.join("crmcli", "cli", "__init__.py")) for path, _, _ in listed)
