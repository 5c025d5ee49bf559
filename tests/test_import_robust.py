"""Imports that are killed, and files made to break the importer: the database stays whole.

A killed import (kill -9, at any moment) leaves the database exactly as it was, because
everything is written in one transaction. Generated files of every shape end in a
summary or one ``Error:`` line, never a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
ROWS = 20_000


def big_file(path: Path, rows: int = ROWS) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["客户名称", "电话", "邮箱", "客户等级", "城市", "成立日期", "联系人", "职务", "备注"]
        )
        for i in range(rows):
            writer.writerow(
                [
                    f"杭州测试{i}科技有限公司",
                    f"0571-{10000000 + i}",
                    f"info{i}@t{i % 97}.example.cn",
                    ("金牌", "银牌", "普通")[i % 3],
                    "杭州",
                    f"20{i % 20:02d}-0{i % 9 + 1}-1{i % 9}",
                    f"联系人{i}",
                    "经理",
                    "=1+2" if i % 50 == 0 else "",
                ]
            )
    return path


def counts(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        data: dict[str, object] = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("customer", "contact", "audit_entry", "import_batch", "code_counter")
        }
        data["customers"] = conn.execute("SELECT * FROM customer ORDER BY id").fetchall()
        data["integrity"] = conn.execute("PRAGMA integrity_check").fetchall()
        data["foreign_keys"] = conn.execute("PRAGMA foreign_key_check").fetchall()
        return data
    finally:
        conn.close()


def start_import(path: Path, db: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRM_DB": str(db), "CRM_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "crmcli", "customer", "import", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.sqlite_only(reason="watches the SQLite file's write-ahead log to time the kills")
def test_kill_9_at_any_moment_leaves_the_database_as_it_was(crm, tmp_path, crm_env):
    crm("customer", "add", "原有客户", "--phone", "0571-10000005", "--city", "宁波")
    crm("contact", "add", "原有客户", "老联系人")
    source = big_file(tmp_path / "big.csv")
    before = counts(crm_env)
    assert before["integrity"] == [("ok",)]
    wal = Path(str(crm_env) + "-wal")

    def wal_size() -> int:
        return wal.stat().st_size if wal.exists() else 0

    # after start-up, while reading, and twice while the one transaction's pages spill
    # into the write-ahead log (never committed)
    moments = [
        ("starting", lambda started, base: time.monotonic() - started > 0.3),
        ("writing begins", lambda started, base: wal_size() > base),
        ("writing", lambda started, base: wal_size() > base + 1_000_000),
        ("writing, later", lambda started, base: wal_size() > base + 8_000_000),
    ]
    for label, due in moments:
        base = wal_size()
        process = start_import(source, crm_env)
        started = time.monotonic()
        while process.poll() is None and not due(started, base):
            time.sleep(0.005)
        assert process.poll() is None, f"the import ended before the {label!r} moment"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, label
        assert counts(crm_env) == before, label
    result = start_import(source, crm_env)
    _, err = result.communicate(timeout=600)
    assert result.returncode == 0, err.decode()
    after = counts(crm_env)
    assert after["customer"] == before["customer"] + ROWS - 1  # one row matches 原有客户
    assert after["integrity"] == [("ok",)] and after["foreign_keys"] == []


@pytest.mark.postgresql_only(reason="watches the server's activity to time the kills")
def test_kill_9_mid_stream_leaves_a_postgresql_book_as_it_was(crm, db, tmp_path):
    crm("customer", "add", "原有客户", "--phone", "0571-10000005", "--city", "宁波")
    source = big_file(tmp_path / "big.csv")
    tables = ("customer", "contact", "audit_entry", "import_batch", "code_counter")

    def state() -> dict[str, object]:
        found: dict[str, object] = {t: db.scalar(f"SELECT count(*) FROM {t}") for t in tables}
        found["customers"] = db.rows("SELECT * FROM customer ORDER BY id")
        return found

    def writing(statement: str) -> bool:  # the import's connection runs this statement now
        return bool(
            db.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND query LIKE :q",
                q=f"{statement}%",
            )
        )

    def next_chunk() -> Any:
        """True once customers go in again after a chunk's audit entries: a later chunk."""
        seen = {"audit": False}

        def due(started: float) -> bool:
            seen["audit"] = seen["audit"] or writing("INSERT INTO audit_entry")
            return seen["audit"] and writing("INSERT INTO customer")

        return due

    before = state()
    # as the first chunk's customers go in, then a chunk's audit entries, then a later chunk
    moments = [
        ("first customers", lambda started: writing("INSERT INTO customer")),
        ("audit entries", lambda started: writing("INSERT INTO audit_entry")),
        ("a later chunk", next_chunk()),
    ]
    for label, due in moments:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CRM_LANG": "en"}
        process = subprocess.Popen(
            [sys.executable, "-m", "crmcli", "customer", "import", str(source)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        started = time.monotonic()
        while process.poll() is None and not due(started):
            time.sleep(0.01)
        assert process.poll() is None, f"the import ended before the {label!r} moment"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        deadline = time.monotonic() + 30  # the server notices the lost client and rolls back
        while writing("INSERT") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state() == before, label
    assert crm.json("customer", "import", str(source))["created"] == ROWS - 1


TEXT = st.text(
    alphabet=st.sampled_from(
        [*"ab 甲乙,\"'\n\r\t=+-@;0123456789.:/年月日@#金牌银", "\x00", "é", "𠮷"]
    ),
    max_size=12,
)
HEADERS = st.sampled_from(
    [
        "客户名称",
        "name",
        "电话",
        "邮箱",
        "客户等级",
        "成立日期",
        "联系人",
        "职务",
        "手机",
        "资本额",
        "员工人数",
        "标签",
        "客户编号",
        "负责人",
        "extra",
        "",
        "备注",
        "自定义",
    ]
)


def run(crm, *args: str, input: bytes | None = None):
    result = crm.runner.invoke(app, list(args), input=input)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and lines[-1].startswith("Error: "), result.stderr
        assert isinstance(result.exception, SystemExit), result.exception
    return result


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.lists(HEADERS, min_size=1, max_size=6),
    rows=st.lists(st.lists(TEXT, max_size=7), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", "\t", ";"]),
)
def test_generated_csv_files_never_give_a_traceback(
    crm, tmp_path, header, rows, encoding, delimiter
):
    buffer = []
    for row in [header, *rows]:
        buffer.append(
            delimiter.join(
                '"' + c.replace('"', '""') + '"' if any(x in c for x in ',;\t"\n\r') else c
                for c in row
            )
        )
    path = tmp_path / "generated.csv"
    path.write_bytes("\r\n".join(buffer).encode(encoding, errors="replace"))
    run(crm, "customer", "import", str(path), "--skip-invalid", "-f", "json")
    run(crm, "customer", "import", str(path), "--match", "code,phone,email,name")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_give_a_traceback(crm, tmp_path, data):
    for name in ("junk.csv", "junk.xlsx", "junk.json", "junk.jsonl", "junk"):
        path = tmp_path / name
        path.write_bytes(
            b"\xe5\xae\xa2\xe6\x88\xb7\xe5\x90\x8d\xe7\xa7\xb0\n" + data
            if name == "junk.csv"
            else data
        )
        run(crm, "customer", "import", str(path), "--dry-run")
    run(crm, "customer", "import", "-", "--dry-run", input=data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(
        st.dictionaries(HEADERS | TEXT, JSON_VALUES, max_size=5) | JSON_VALUES, max_size=4
    )
)
def test_generated_json_never_gives_a_traceback(crm, tmp_path, records):
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    run(crm, "customer", "import", str(path), "--skip-invalid")
    lines = tmp_path / "generated.jsonl"
    lines.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    run(crm, "customer", "import", str(lines), "--dry-run")
