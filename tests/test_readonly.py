"""A read-only book (a copy on a read-only share, an archive): read commands work, with
no schema upgrade and no journal written; write commands say the file is read-only.

File modes only bind a process that cannot override them: run as root, the commands drop
the capabilities that let root ignore modes (``setpriv``), so root is held to them as any
other user is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.sqlite_only("about a SQLite file's modes")

#: what lets root read and write whatever the modes say
OVERRIDES = "-dac_override,-dac_read_search,-fowner"


def as_user(db: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    """``crm ARGS`` in a real process that the file modes bind."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("run as root without setpriv (util-linux): root ignores file modes")
        prefix = [setpriv, f"--bounding-set={OVERRIDES}", f"--inh-caps={OVERRIDES}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRM_DB": str(db), "CRM_LANG": lang}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "crmcli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def book(crm, crm_env: Path) -> Iterator[Path]:
    """A small book, then made read-only: the file 0444 in a folder 0555."""
    crm("init")
    crm("customer", "add", "杭州明远科技有限公司", "--city", "杭州", "--phone", "0571-88216630")
    crm("followup", "add", "C000001", "--due", "+0d", "--note", "回访")
    folder = crm_env.parent / "archive"
    folder.mkdir()
    path = folder / "book.db"
    shutil.copy(crm_env, path)  # a copy without its WAL files, as on a share
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)


def files(path: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in path.parent.iterdir()}


def test_read_commands_work_on_a_read_only_book(book):
    before = files(book)
    listed = as_user(book, "customer", "list", "-f", "json")
    assert listed.returncode == 0, listed.stderr
    assert [c["code"] for c in json.loads(listed.stdout)] == ["C000001"]
    shown = as_user(book, "customer", "show", "C000001", "-f", "json")
    assert json.loads(shown.stdout)["city"] == "杭州"
    due = as_user(book, "followup", "due", "-f", "json")
    assert due.returncode == 0, due.stderr
    assert [r["customer_code"] for r in json.loads(due.stdout)] == ["C000001"]
    assert as_user(book, "report", "dashboard").returncode == 0
    assert files(book) == before  # nothing written beside it, the file untouched


def test_write_commands_say_the_book_is_read_only(book):
    before = files(book)
    for args in (
        ["customer", "add", "新客户"],
        ["customer", "edit", "C000001", "--city", "北京"],
        ["log", "C000001", "--channel", "phone", "--summary", "电话回访"],
        ["followup", "done", "1"],
    ):
        result = as_user(book, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr == (
            f"Error: database {book} is read-only: it can be read, not changed;"
            " copy it to a folder you may write, or ask for write access to it\n"
        )
    zh = as_user(book, "customer", "add", "新客户", lang="zh")
    assert zh.stderr.startswith(f"错误: 数据库 {book} 是只读的：可以查看，不能修改")
    assert files(book) == before


def test_a_read_only_book_is_not_upgraded(book, crm_env):
    book.parent.chmod(0o755)
    book.chmod(0o644)
    import sqlite3

    with sqlite3.connect(book) as conn:  # an older schema
        conn.execute("UPDATE alembic_version SET version_num = '0001_initial_schema'")
    conn.close()
    for name in os.listdir(book.parent):  # no WAL files left beside it
        if name != book.name:
            os.remove(book.parent / name)
    book.chmod(0o444)
    book.parent.chmod(0o555)
    result = as_user(book, "customer", "list")
    assert result.returncode == 1
    assert "is read-only" in result.stderr
    assert "its schema (0001_initial_schema) needs an upgrade" in result.stderr
    assert sorted(os.listdir(book.parent)) == ["book.db"]  # no backup copy, no journal
