"""The schema: migrations equal the models, upgrades are safe, opening is cheap and private."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import textwrap
from pathlib import Path

import pytest

from crmcli.db import HEAD, Database, resolve_url
from crmcli.migrate import schema_differences, script_head, upgrade
from tests.conftest import run_crm

MIGRATIONS = Path(__file__).resolve().parents[1] / "crmcli" / "migrations"


def test_head_constant_is_the_last_migration():
    assert script_head() == HEAD


def test_migrated_schema_equals_the_models(crm, db_url):
    crm("db", "info")
    database = Database(db_url)
    assert schema_differences(database) == []
    database.dispose()


@pytest.mark.sqlite_only(reason="file modes and PRAGMAs")
def test_new_database_is_private_and_in_wal(tmp_path, crm):
    path = tmp_path / "new" / "folder" / "crm.db"
    crm("--db", str(path), "customer", "list")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    db = Database(resolve_url(str(path)))
    with db.connect(write=False) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_a_newer_schema_is_refused(crm, db):
    crm("customer", "add", "A")
    db.execute("UPDATE alembic_version SET version_num = '9999'")
    result = crm("customer", "list", code=1)
    assert "newer than this crm" in result.stderr


@pytest.mark.sqlite_only(reason="a SQLite file; test_team_pg.py has PostgreSQL's case")
def test_another_programs_database_is_left_alone(tmp_path, crm):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    assert "another program" in crm("--db", str(path), "customer", "list", code=1).stderr
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == [
        "notes"
    ]


SECOND = '''
"""test: widen the customer table (a batch step that recreates a parent table)"""
import sqlalchemy as sa
from alembic import op

revision = "0002test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def recreate():
    # SQLite copies the table (the case under test); PostgreSQL alters it in place
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    with op.batch_alter_table("customer", recreate=recreate()) as batch:
        batch.add_column(sa.Column("test_column", sa.String(20)))


def downgrade():
    with op.batch_alter_table("customer", recreate=recreate()) as batch:
        batch.drop_column("test_column")
'''


def test_upgrade_backs_up_first_and_never_cascades_children_away(
    crm, db, crm_env, tmp_path, db_url, backend
):
    crm("customer", "add", "父")
    crm("contact", "add", "父", "子")
    db.execute(
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (1, '2026-01-01 09:00:00', 'call', 'pending')"
    )
    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / "0002_test.py").write_text(
        textwrap.dedent(SECOND.replace("{head}", HEAD))
    )
    database = Database(db_url)
    notes: list[str] = []
    old, new = upgrade(database, notify=notes.append, location=str(location))
    database.dispose()
    assert (old, new) == (HEAD, "0002test")
    assert db.scalar("SELECT count(*) FROM contact") == 1
    assert db.scalar("SELECT count(*) FROM followup") == 1
    from sqlalchemy import inspect

    assert "test_column" in [c["name"] for c in inspect(db.engine).get_columns("customer")]
    if backend == "sqlite":
        backups = list(crm_env.parent.glob("crm.db.bak-*"))
        assert len(backups) == 1 and any(str(backups[0]) in n for n in notes)
        saved = sqlite3.connect(backups[0]).execute("SELECT name FROM customer").fetchall()
        assert saved == [("父",)]
        assert db.rows("PRAGMA foreign_key_check") == []


def test_concurrent_first_use_creates_the_schema_once(tmp_path, backend, request):
    """Five processes open a database that has no schema yet: it is created once, in one
    transaction (a process that waited finds it current, not half-way), and none of them
    meets "database is locked" while the file is switched to WAL."""
    if backend == "sqlite":
        url = str(tmp_path / "race.db")
    else:
        url = request.getfixturevalue("pg_server").empty_database()
    import subprocess
    import sys

    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "crmcli", "customer", "add", f"客户{i}"],
            env={**os.environ, "PYTHONPATH": str(MIGRATIONS.parents[1]), "CRM_DB": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(5)
    ]
    results = [(*p.communicate(timeout=60), p.returncode) for p in procs]
    assert [r[2] for r in results] == [0] * 5, results
    from sqlalchemy import create_engine, text

    engine = create_engine(resolve_url(url))
    with engine.connect() as conn:
        codes = sorted(conn.execute(text("SELECT code FROM customer")).scalars())
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    engine.dispose()
    assert codes == [f"C00000{i}" for i in range(1, 6)]


def test_opening_a_current_database_does_not_import_alembic(crm):
    crm("customer", "add", "A")
    code = (
        "import sys; from crmcli.cli import run\nsys.argv = ['crm', 'customer', 'list']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\nprint('alembic' in sys.modules)"
    )
    result = run_crm_python(code)
    assert result.stdout.strip().endswith("False"), result.stderr


def run_crm_python(code: str, env: dict[str, str] | None = None):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(MIGRATIONS.parents[1]), **(env or {})},
        timeout=60,
    )


@pytest.mark.parametrize(
    "args", [["--help"], ["customer", "list"], ["customer", "list", "-f", "json"]]
)
def test_fast_paths_import_no_heavy_modules(crm, args):
    crm("customer", "add", "A")
    code = (
        "import sys; from crmcli.cli import run\n"
        f"sys.argv = ['crm', *{args!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'openpyxl', 'alembic', 'xlsxwriter', 'python_calamine', 'numpy',"
        " 'pypinyin')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = run_crm_python(code)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


@pytest.mark.sqlite_only(reason="no file is created")
def test_help_does_not_touch_the_database(tmp_path):
    path = tmp_path / "untouched.db"
    result = run_crm("--help", env={"CRM_DB": str(path)})
    assert result.returncode == 0 and not path.exists()
    code = (
        "import sys; from crmcli.cli import run\nsys.argv = ['crm', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\nprint('SQLA', 'sqlalchemy' in sys.modules)"
    )
    assert "SQLA False" in run_crm_python(code).stdout


def test_custom_fields_are_stored_as_utf8_json_and_old_escapes_are_rewritten(
    crm, db, db_url, backend
):
    crm("customer", "add", "甲", "--set", "统一社会信用代码=913301082589831982")
    stored = db.scalar("SELECT CAST(extra AS TEXT) FROM customer")
    assert "统一社会信用代码" in stored and "\\u" not in stored
    if backend == "sqlite":  # what an analyst runs on the file
        query = """SELECT json_extract(extra, '$."统一社会信用代码"') FROM customer"""
    else:
        query = "SELECT extra ->> '统一社会信用代码' FROM customer"
    assert db.scalar(query) == "913301082589831982"
    # a book written before: escaped, then upgraded by i13_utf8_json
    escaped = json.dumps({"统一社会信用代码": "1"})
    cast = "CAST(:v AS JSON)" if backend == "postgresql" else ":v"
    db.execute(f"UPDATE customer SET extra = {cast}", v=escaped)
    db.execute("UPDATE alembic_version SET version_num = 'i9_role_grants'")
    crm("customer", "list")  # opening the book upgrades it
    assert db.scalar("SELECT version_num FROM alembic_version") == HEAD
    assert db.scalar("SELECT CAST(extra AS TEXT) FROM customer") == '{"统一社会信用代码": "1"}'
