"""Files crm writes and reads: pipes, devices, links, folders, and files it may not touch.

A target that is not a regular file (a FIFO, ``/dev/full``, ``/dev/stdout``) is written
through, never replaced; a symbolic link to a file keeps being a link while the file it
names is replaced whole, with its mode; a read-only file, a folder, a file the user may not
read or write, a JSON nested too deep: one ``Error:`` line naming the file, exit 1, nothing
changed. Most of this is about files, not the database: those tests run on SQLite only.
"""

from __future__ import annotations

import errno
import glob
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crmcli import i18n
from tests.conftest import ROOT

files_only = pytest.mark.sqlite_only(reason="about files, not the database")

#: the unprivileged user a root test run drops to (root may write whatever it likes)
NOBODY = 65534


# -- helpers ----------------------------------------------------------------------------------


def errors(result: Any) -> list[str]:
    """The ``Error:`` lines of a run: a failure has exactly one."""
    return [line for line in result.stderr.splitlines() if line.startswith(("Error:", "错误:"))]


def only_error(result: Any) -> str:
    [line] = errors(result)
    return line


def leftovers(*folders: Path) -> list[str]:
    """Temporary files a write left behind in these folders."""
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".part")]


class Reader(threading.Thread):
    """The other end of a FIFO: reads it whole, as ``cat FIFO`` would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.data: bytes | None = None

    def run(self) -> None:
        with open(self.path, "rb") as f:
            self.data = f.read()

    def result(self) -> bytes | None:
        self.join(30)
        if self.is_alive():  # nothing was written: release the reader's open
            os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            self.join(30)
        return self.data


def fifo(path: Path) -> Reader:
    os.mkfifo(path)
    reader = Reader(path)
    reader.start()
    return reader


def temp_parts(name: str) -> list[str]:
    """What a write through ``name`` left in the temporary folder."""
    return glob.glob(os.path.join(tempfile.gettempdir(), f".{name}.*.part"))


@pytest.fixture
def book(crm):
    crm("customer", "add", "杭州明远科技", "--city", "杭州", "--phone", "0571-8888 6666")
    crm("customer", "add", "宁波港联物流", "--city", "宁波")
    return crm


# -- targets that are not regular files: written through --------------------------------------


@files_only
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_to_a_fifo_feeds_its_reader(book, tmp_path, fmt):
    target = tmp_path / f"feed.{fmt}"
    reader = fifo(target)
    result = book("customer", "export", str(target))
    data = reader.result()
    assert f"Exported 2 customers to {target}" in result.stdout
    assert stat.S_ISFIFO(os.lstat(target).st_mode)  # still a pipe, not a file
    assert data
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None
            sheet = z.read("xl/worksheets/sheet1.xml").decode()  # inline strings
            assert "杭州明远科技" in sheet
    else:
        assert "杭州明远科技" in data.decode("utf-8")
    assert leftovers(tmp_path) == [] and temp_parts(target.name) == []


@files_only
def test_export_through_a_symlink_to_a_fifo(book, tmp_path):
    pipe = tmp_path / "pipe"
    reader = fifo(pipe)
    link = tmp_path / "out.json"
    link.symlink_to("pipe")
    book("customer", "export", str(link))
    records = json.loads(reader.result() or b"null")
    assert [r["name"] for r in records] == ["杭州明远科技", "宁波港联物流"]
    assert os.readlink(link) == "pipe" and stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert leftovers(tmp_path) == []


@files_only
def test_export_to_a_full_device_is_one_clear_error(book, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    result = book("customer", "export", "/dev/full", "-f", "csv", code=1)
    assert only_error(result) == (
        "Error: cannot write /dev/full: no space left on the disk or device"
    )
    assert result.stdout == ""
    link = tmp_path / "full.xlsx"  # xlsxwriter's file, copied through
    link.symlink_to("/dev/full")
    result = book("--lang", "zh", "customer", "export", str(link), code=1)
    assert only_error(result) == f"错误: 无法写入 {link}：磁盘或设备已没有剩余空间"
    assert os.readlink(link) == "/dev/full" and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert leftovers(tmp_path) == [] and temp_parts("full") == []


@files_only
def test_a_character_device_made_with_mknod_is_written_through(book, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mknod of a character device needs root")
    device = tmp_path / "full.csv"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
    result = book("customer", "export", str(device), code=1)
    assert (
        only_error(result) == f"Error: cannot write {device}: no space left on the disk or device"
    )
    assert stat.S_ISCHR(os.lstat(device).st_mode)  # not replaced by a regular file


def _crm_process(*args: str, **kw: Any) -> subprocess.CompletedProcess:
    """``crm`` in its own process, its standard output given by the caller."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "crmcli", *args], env=env, timeout=120, check=False, **kw
    )


@files_only
def test_export_to_dev_stdout_writes_the_data_alone_to_stdout(book, tmp_path):
    """``/dev/stdout`` is one of crm's own open files: written to as ``-`` is, so a pipe gets
    the CSV (the notice goes to stderr) and ``>>`` appends to a file, never replacing it."""
    if not os.path.exists("/dev/stdout"):
        pytest.skip("no /dev/stdout on this system")
    piped = _crm_process(
        "customer", "export", "/dev/stdout", "-f", "csv", capture_output=True, text=True
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines()[0].startswith("id,code,name")
    assert "杭州明远科技" in piped.stdout and "Exported" not in piped.stdout
    assert "Exported 2 customers to /dev/stdout" in piped.stderr
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n", encoding="utf-8")
    before = os.stat(log)
    with open(log, "ab") as out:
        appended = _crm_process(
            "customer", "export", "/dev/stdout", "-f", "jsonl", stdout=out, stderr=subprocess.PIPE
        )
    assert appended.returncode == 0, appended.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "earlier line" and len(lines) == 3
    assert [json.loads(line)["code"] for line in lines[1:]] == ["C000001", "C000002"]
    assert os.stat(log).st_ino == before.st_ino  # the same file, appended to
    assert leftovers(tmp_path) == []
    if os.path.exists("/dev/full"):  # - on a full device: the same clear error
        with open("/dev/full", "wb") as full:
            failed = _crm_process(
                "customer", "export", "-", stdout=full, stderr=subprocess.PIPE, text=True
            )
        assert failed.returncode == 1
        assert failed.stderr.splitlines() == [
            "Error: cannot write standard output: no space left on the disk or device"
        ]


# -- symbolic links to regular files: the file is replaced, the link stays ----------------------


@files_only
def test_export_through_a_symlink_replaces_the_file_it_names_and_keeps_its_mode(book, tmp_path):
    (tmp_path / "kept").mkdir()
    real = tmp_path / "kept" / "customers.csv"
    real.write_text("the previous export\n", encoding="utf-8")
    real.chmod(0o640)
    if os.geteuid() == 0:  # root's export keeps the owner's file the owner's
        os.chown(real, NOBODY, NOBODY)
    before = os.stat(real)
    link = tmp_path / "latest.csv"
    link.symlink_to("kept/customers.csv")
    result = book("customer", "export", str(link))
    assert f"Exported 2 customers to {link}" in result.stdout
    assert link.is_symlink() and os.readlink(link) == "kept/customers.csv"
    after = os.stat(real)
    assert after.st_ino != before.st_ino  # replaced whole, by rename
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    text = real.read_text(encoding="utf-8")
    assert text.startswith("id,code,name") and "宁波港联物流" in text
    assert leftovers(tmp_path, tmp_path / "kept") == []


@files_only
def test_a_new_file_gets_the_mode_the_umask_gives(book, tmp_path):
    old = os.umask(0o027)
    try:
        book("customer", "export", str(tmp_path / "new.csv"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o640


# -- what may not be written: refused, nothing changed ----------------------------------------


@files_only
def test_a_read_only_file_is_refused_even_to_root(book, tmp_path):
    """A file no one may write (mode 0444) was marked read-only on purpose: crm refuses it to
    everyone, root too (``chmod u+w`` first), instead of renaming a new file over it."""
    target = tmp_path / "frozen.csv"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    before = os.stat(target)
    result = book("customer", "export", str(target), code=1)
    assert only_error(result) == (
        f"Error: cannot write {target}: it is read-only; "
        "make it writable first (chmod u+w), or write to another file"
    )
    link = tmp_path / "via-link.csv"
    link.symlink_to(target)
    result = book("--lang", "zh", "customer", "export", str(link), code=1)
    assert only_error(result).startswith(f"错误: 无法写入 {link}：该文件是只读的")
    after = os.stat(target)
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, 0o444)
    assert leftovers(tmp_path) == []


@files_only
def test_a_folder_named_like_a_file_is_neither_written_nor_read(book, db, tmp_path):
    folder = tmp_path / "x.csv"
    folder.mkdir()
    before = db.dump()
    result = book("customer", "export", str(folder), code=1)
    assert only_error(result) == f"Error: cannot write {folder}: it is a folder, not a file"
    calendar = tmp_path / "cal.ics"
    calendar.mkdir()
    result = book("--lang", "zh", "followup", "ics", str(calendar), code=1)
    assert only_error(result) == f"错误: 无法写入 {calendar}：这是文件夹，不是文件"
    result = book("customer", "import", str(folder), code=1)
    assert only_error(result) == f"Error: '{folder}' is a folder, not a file"
    mapping = tmp_path / "map.yaml"
    mapping.mkdir()
    source = tmp_path / "in.csv"
    source.write_text("客户名称\n新客户\n", encoding="utf-8")
    result = book("customer", "import", str(source), "--mapping", str(mapping), code=1)
    assert only_error(result) == f"Error: '{mapping}' is a folder, not a file"
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []
    assert db.dump() == before


@files_only
def test_a_json_nested_100000_deep_is_one_clear_error(book, db, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    inside = tmp_path / "inside.jsonl"
    inside.write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    before = db.dump()
    result = book("customer", "import", str(deep), code=1)
    assert only_error(result) == (
        f"Error: {deep}: arrays and objects are nested too deeply to read"
    )
    result = book("--lang", "zh", "customer", "import", str(inside), code=1)
    assert only_error(result) == f"错误: {inside}：数组和对象嵌套太深，无法读取"
    source = tmp_path / "in.csv"
    source.write_text("客户名称\n新客户\n", encoding="utf-8")
    result = book("customer", "import", str(source), "--mapping", str(mapping), code=1)
    assert only_error(result) == (
        f"Error: {mapping}: arrays and objects are nested too deeply to read"
    )
    assert "unexpected" not in result.stderr
    assert db.dump() == before


def as_unprivileged(run: Callable[[], Any]) -> Any:
    """``run()`` as a user the permission bits apply to: ourselves when we are not root,
    else nobody (uid 65534) in a forked child, since root may read and write anything.

    The child keeps the modules the parent imported (the interpreter's own folder may not be
    readable by nobody): run the same commands once as root first."""
    if os.geteuid() != 0:
        return run()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            try:
                os.setgroups([])
                os.setresgid(NOBODY, NOBODY, NOBODY)
                os.setresuid(NOBODY, NOBODY, NOBODY)
                payload = {"value": run()}
            except BaseException:
                payload = {"error": traceback.format_exc()}
            data = json.dumps(payload).encode()
            while data:
                data = data[os.write(write, data) :]
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    payload = json.loads(data or b'{"error": "the child said nothing"}')
    if "error" in payload:
        raise AssertionError(payload["error"])
    return payload["value"]


@pytest.fixture
def open_folder():
    """A folder every user may enter and write in (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="crm-files-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@files_only
def test_what_the_user_may_not_read_or_write_is_refused(crm, open_folder):
    """Decided by permissions the user has: a folder they may not write in, a file someone
    else may write, a file they may not read. (As root, checked as nobody: root may.)"""
    env = {"CRM_DB": str(open_folder / "crm.db"), "CRM_CONFIG": str(open_folder / "prefs.toml")}
    crm("customer", "add", "杭州明远科技", env=env)
    locked = open_folder / "locked"
    locked.mkdir()
    others = open_folder / "theirs.csv"
    others.write_text("theirs\n", encoding="utf-8")
    secret = open_folder / "secret.csv"
    secret.write_text("客户名称\n秘密客户\n", encoding="utf-8")
    # as root, the same commands once (the child then has every module it needs)
    crm("customer", "export", str(locked / "warm.csv"), env=env)
    crm("customer", "export", str(others), env=env)
    crm("customer", "import", str(secret), "--dry-run", env=env)
    (locked / "warm.csv").unlink()
    others.write_text("theirs\n", encoding="utf-8")
    os.chmod(open_folder / "crm.db", 0o666)
    locked.chmod(0o555)
    others.chmod(0o464)  # the group may write it; its owner and the others may not
    secret.chmod(0o000)

    def attempts() -> list[list[str]]:
        i18n.set_lang("en")
        runs = [
            crm("customer", "export", str(locked / "out.csv"), code=1, env=env),
            crm("customer", "export", str(others), code=1, env=env),
            crm("--lang", "zh", "customer", "export", str(others), code=1, env=env),
            crm("customer", "import", str(secret), code=1, env=env),
            crm("--lang", "zh", "customer", "import", str(secret), code=1, env=env),
        ]
        return [errors(r) for r in runs]

    try:
        found = as_unprivileged(attempts)
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
    assert found == [
        [
            f"Error: cannot write {locked / 'out.csv'}: "
            f"no permission to create a file in its folder {locked}"
        ],
        [f"Error: cannot write {others}: permission denied"],
        [f"错误: 无法写入 {others}：没有权限"],
        [f"Error: cannot read {secret}: permission denied"],
        [f"错误: 无法读取 {secret}：没有权限"],
    ]
    assert list(locked.iterdir()) == [] and others.read_text(encoding="utf-8") == "theirs\n"
    listed = json.loads(crm("customer", "list", "-f", "json", env=env).stdout)
    assert [c["name"] for c in listed] == ["杭州明远科技"]  # and the import imported nothing


# -- the other commands that write files: the same mechanism --------------------------------


@files_only
def test_followup_ics_to_a_fifo_and_through_a_symlink(crm, tmp_path):
    crm("customer", "add", "杭州明远科技")
    crm("followup", "add", "C000001", "--due", "+2d", "--note", "回访报价")
    calendar = tmp_path / "crm.ics"
    reader = fifo(calendar)
    crm("followup", "ics", str(calendar))
    data = (reader.result() or b"").decode("utf-8")
    assert data.startswith("BEGIN:VCALENDAR") and "回访报价" in data
    assert stat.S_ISFIFO(os.lstat(calendar).st_mode)
    real = tmp_path / "shared.ics"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "mine.ics"
    link.symlink_to(real)
    crm("followup", "ics", str(link))
    assert link.is_symlink() and stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert "回访报价" in real.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == [] and temp_parts("crm.ics") == []


@files_only
def test_report_export_to_a_fifo_and_through_a_symlink(crm, tmp_path):
    crm("customer", "add", "杭州明远科技")
    target = tmp_path / "report.xlsx"
    reader = fifo(target)
    result = crm("report", "export", str(target))
    assert f"Wrote {target}" in result.stdout
    with zipfile.ZipFile(io.BytesIO(reader.result() or b"")) as z:
        assert z.testzip() is None and "xl/workbook.xml" in z.namelist()
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    real = tmp_path / "books" / "march.xlsx"
    real.parent.mkdir()
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "latest.xlsx"
    link.symlink_to(real)
    crm("report", "export", str(link))
    assert link.is_symlink() and stat.S_IMODE(os.stat(real).st_mode) == 0o640
    with zipfile.ZipFile(real) as z:
        assert z.testzip() is None
    assert leftovers(tmp_path, real.parent) == [] and temp_parts("report.xlsx") == []


# -- the rejects of an import: inside the import's transaction, so on both databases ------------

BAD_ROWS = "客户名称,客户等级\n杭州明远科技,金牌\n宁波港联物流,钻石\n"


def test_rejects_through_a_symlink(crm, db, tmp_path):
    crm("customer", "add", "温州老客户")
    source = tmp_path / "in.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    real = tmp_path / "fix-me.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "rejects.csv"
    link.symlink_to("fix-me.csv")
    before = db.dump()
    result = crm("customer", "import", str(source), "--rejects", str(link), code=1)
    assert only_error(result).startswith(
        f"Error: rows with errors: 1 (written to {link}); nothing was imported"
    )
    assert link.is_symlink() and os.readlink(link) == "fix-me.csv"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    rows = real.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "客户名称,客户等级,error" and rows[1].startswith("宁波港联物流,钻石,")
    assert db.dump() == before
    assert leftovers(tmp_path) == []


def test_rejects_that_cannot_be_written_import_nothing(crm, db, tmp_path):
    crm("customer", "add", "温州老客户")
    source = tmp_path / "in.csv"
    source.write_text(BAD_ROWS, encoding="utf-8")
    folder = tmp_path / "rejects.csv"
    folder.mkdir()
    before = db.dump()
    result = crm(
        "customer", "import", str(source), "--skip-invalid", "--rejects", str(folder), code=1
    )
    assert only_error(result) == f"Error: cannot write {folder}: it is a folder, not a file"
    assert db.dump() == before  # the good row was not imported either
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


# -- the one error path: an OSError no command caught -----------------------------------------


@files_only
def test_an_uncaught_os_error_names_its_file_and_why(monkeypatch):
    """The safety net in the error path (``LazyGroup.invoke``): any OSError that reaches it
    is one line naming the file and the reason in the user's language, exit 1."""
    import typer
    from typer.testing import CliRunner

    from crmcli.cli import LazyGroup

    app = typer.Typer(cls=LazyGroup)

    @app.command()
    def touch(name: str, lang: str = "en") -> None:
        i18n.set_lang(lang)
        raise PermissionError(errno.EACCES, "Permission denied", name)

    @app.command()
    def other() -> None:  # (two commands, so the names are sub-commands)
        raise OSError(errno.ENOSPC, "No space left on device")

    runner = CliRunner()
    result = runner.invoke(app, ["touch", "/srv/secret.csv"])
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: /srv/secret.csv: permission denied\n",
    )
    result = runner.invoke(app, ["touch", "/srv/secret.csv", "--lang", "zh"])
    assert (result.exit_code, result.stderr) == (1, "错误: /srv/secret.csv：没有权限\n")
    i18n.set_lang("en")
    result = runner.invoke(app, ["other"])
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: a file or device failed: no space left on the disk or device\n",
    )
    monkeypatch.setenv("CRM_DEBUG", "1")  # tracebacks for developers, as for other errors
    result = runner.invoke(app, ["other"])
    assert isinstance(result.exception, OSError)
