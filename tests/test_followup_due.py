"""``crm followup due``: whom do I call today? Windows, order, owners, the JSON of SPEC §6,
and the fast path (stdlib sqlite3) giving exactly what the SQLAlchemy path gives."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

import pytest

from crmcli.services import fastread
from crmcli.services.relationship import due_sql, fastdue
from tests.books import prebuilt
from tests.conftest import run_crm

SPEC_KEYS = [
    "id",
    "customer_code",
    "customer_name",
    "contact",
    "phone",
    "due_at",
    "days_overdue",
    "kind",
    "step",
    "note",
    "owner",
]


@pytest.fixture(params=["fast", "sqlalchemy"])
def path(request, monkeypatch):
    """Run a test on the fast path and again with it switched off."""
    monkeypatch.setattr(fastread, "ENABLED", request.param == "fast")
    return request.param


def _book(crm, db):
    """Three customers, contacts, a contact record, and touches around 2026-03-10."""
    crm("customer", "add", "华东制造", "--phone", "0512-6666 1234")
    crm("customer", "add", "华南零售", "--phone", "020-3888 7777")
    crm("customer", "add", "西北能源")
    crm("contact", "add", "华东制造", "李娜", "--mobile", "138 0000 1111")
    crm(
        "contact",
        "add",
        "华东制造",
        "王强",
        "--mobile",
        "139 0000 2222",
        "--role",
        "decision_maker",
    )
    crm("contact", "add", "华南零售", "陈晨", "--phone", "020-3888 7778")
    crm(
        "log",
        "华东制造",
        "--channel",
        "phone",
        "--summary",
        "第一次通话",
        "--at",
        "2026-03-01 10:00",
    )
    crm(
        "log",
        "华东制造",
        "--channel",
        "visit",
        "--summary",
        "上门拜访，看了机房",
        "--at",
        "2026-03-05 15:00",
    )
    touches = [
        ("华东制造", "2026-03-08 09:00", "call", "报价跟进", []),  # overdue 2 days
        ("华南零售", "2026-03-10", "visit", "签约", ["--contact", "陈晨"]),  # today, all day
        ("华南零售", "2026-03-10 14:00", "email", None, []),  # today, later
        ("西北能源", "2026-03-12 11:00", "call", None, []),  # in 2 days
        ("西北能源", "2026-03-20", "call", None, []),  # in 10 days
    ]
    for customer, due, kind, note, extra in touches:
        args = ["followup", "add", customer, "--due", due, "--kind", kind, *extra]
        if note:
            args += ["--note", note]
        crm(*args)


book = prebuilt("due", _book)


def due(crm, *args):
    return crm.json("followup", "due", *args)


def test_due_today_lists_overdue_and_today_earliest_first(crm, book, path):
    rows = due(crm, "--on", "2026-03-10")
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert [r["days_overdue"] for r in rows] == [2, 0, 0]
    first = rows[0]
    assert list(first)[: len(SPEC_KEYS)] == SPEC_KEYS
    assert first["customer_code"] == "C000001" and first["customer_name"] == "华东制造"
    # no contact on the touch: the decision maker, with their mobile
    assert first["contact"] == "王强" and first["phone"] == "139 0000 2222"
    assert first["due_at"] == "2026-03-08T09:00:00" and first["kind"] == "call"
    assert first["note"] == "报价跟进" and first["step"] is None and first["owner"] is None
    assert first["last_interaction_summary"] == "上门拜访，看了机房"
    assert first["last_interaction_at"] == "2026-03-05T15:00:00"
    # the touch's own contact, whose phone is a landline
    assert rows[1]["contact"] == "陈晨" and rows[1]["phone"] == "020-3888 7778"
    assert rows[1]["last_interaction_summary"] is None


def test_within_days_and_on(crm, book, path):
    assert [r["id"] for r in due(crm, "--on", "2026-03-10", "--within", "2")] == [1, 2, 3, 4]
    assert [r["days_overdue"] for r in due(crm, "--on", "2026-03-10", "--within", "10")] == [
        2,
        0,
        0,
        -2,
        -10,
    ]
    assert due(crm, "--on", "2026-03-07") == []
    assert [r["id"] for r in due(crm, "--on", "2026/3/8")] == [1]
    assert [r["id"] for r in due(crm, "--on", "2026-03-10", "--limit", "2")] == [1, 2]


def test_phone_falls_back_to_the_customer_and_contact_may_be_empty(crm, book, path):
    crm("customer", "add", "无联系人公司", "--phone", "0571-1234 5678")
    crm("followup", "add", "无联系人公司", "--due", "2026-03-09")
    row = next(r for r in due(crm, "--on", "2026-03-10") if r["customer_name"] == "无联系人公司")
    assert row["contact"] is None and row["phone"] == "0571-1234 5678"


def test_done_cancelled_deleted_and_lost_are_not_due(crm, book, path):
    crm("followup", "done", "1", "--at", "2026-03-09")
    crm("followup", "cancel", "2")
    assert [r["id"] for r in due(crm, "--on", "2026-03-10")] == [3]
    crm("customer", "delete", "华南零售", "--yes")
    assert due(crm, "--on", "2026-03-10") == []
    crm("customer", "restore", "华南零售")
    crm("customer", "edit", "华南零售", "--status", "lost")
    assert due(crm, "--on", "2026-03-10") == []
    assert book.scalar("SELECT status FROM followup WHERE id = 3") == "cancelled"


def test_table_shows_the_touches_and_how_many_more(crm, book, path):
    out = crm("followup", "due", "--on", "2026-03-10", "--within", "10").stdout
    assert "Due by 2026-03-20" in out
    assert "03-08 09:00" in out and "王强 139 0000 2222" in out and "上门拜访" in out
    assert "Call" in out and "Visit" in out
    zh = crm("--lang", "zh", "followup", "due", "--on", "2026-03-10").stdout
    assert "逾期" in zh and "客户 / 联系人" in zh and "拜访" in zh
    out = crm("followup", "due", "--on", "2026-03-10", "--within", "10", "--limit", "3").stdout
    assert "03-10 14:00" in out and "03-12" not in out and "more" not in out  # --limit caps
    for _i in range(55):
        crm("followup", "add", "西北能源", "--due", "2026-03-01")
    out = crm("followup", "due", "--on", "2026-03-10").stdout
    assert "50 of 58 shown; 8 more" in out
    assert len(due(crm, "--on", "2026-03-10")) == 58


def test_nothing_due(crm, path):
    crm("customer", "add", "A")
    assert f"Nothing due by {date.today()}." in crm("followup", "due").stdout
    assert "没有到期的跟进" in crm("--lang", "zh", "followup", "due", "--within", "2").stdout
    assert crm("followup", "due", "-f", "csv").stdout == ""


def test_jsonl_and_csv(crm, book, path):
    lines = crm("followup", "due", "--on", "2026-03-10", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3]
    header, *rows = crm("followup", "due", "--on", "2026-03-10", "-f", "csv").stdout.splitlines()
    assert header.split(",")[: len(SPEC_KEYS)] == SPEC_KEYS and len(rows) == 3


def team(db):
    for name, role in (
        ("boss", "manager"),
        ("lina", "sales"),
        ("wang", "sales"),
        ("kefu", "service"),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:n, :r, true)", n=name, r=role
        )


def test_owners_mine_by_default_all_and_another(crm, db, path):
    crm("customer", "add", "甲")
    crm("customer", "add", "乙")
    crm("customer", "add", "丙")
    team(db)
    crm("--user", "boss", "customer", "assign", "甲", "--owner", "lina")
    crm("--user", "boss", "customer", "assign", "乙", "--owner", "wang")
    crm("--user", "lina", "followup", "add", "甲", "--due", "2026-03-01")
    crm("--user", "wang", "followup", "add", "乙", "--due", "2026-03-02")
    crm("--user", "boss", "followup", "add", "丙", "--due", "2026-03-03", "--owner", "lina")
    crm("--user", "boss", "followup", "add", "乙", "--due", "2026-03-04")

    def ids(user, *args):
        return [
            r["id"]
            for r in crm.json("--user", user, "followup", "due", "--on", "2026-03-10", *args)
        ]

    assert ids("lina") == [1, 3]  # mine
    assert ids("wang") == [2]
    assert ids("boss") == [4]
    assert ids("boss", "--all") == [1, 2, 3, 4]
    assert ids("boss", "--owner", "lina") == [1, 3]
    # a salesperson sees only own and unassigned customers, even with --all
    assert ids("lina", "--all") == [1, 3]
    assert ids("lina", "--owner", "wang") == []
    assert ids("kefu", "--all") == [1, 2, 3, 4]
    rows = crm.json("--user", "boss", "followup", "due", "--on", "2026-03-10", "--all")
    assert [r["owner"] for r in rows] == ["lina", "wang", "lina", "boss"]


def test_team_mode_errors_come_from_the_full_path(crm, db, path):
    crm("customer", "add", "甲")
    team(db)
    assert "say who you are" in crm("followup", "due", code=1).stderr
    assert "unknown user 'ghost'" in crm("--user", "ghost", "followup", "due", code=1).stderr
    db.execute("UPDATE app_user SET active = false WHERE username = 'wang'")
    assert "disabled" in crm("--user", "wang", "followup", "due", code=1).stderr
    result = crm("--user", "lina", "followup", "due", "--owner", "nobody", code=1)
    assert "unknown user 'nobody'" in result.stderr


def test_overdue_tickets_are_flagged_under_the_touches(crm, db, path):
    crm("customer", "add", "客户甲")
    crm(
        "ticket",
        "open",
        "客户甲",
        "--kind",
        "repair",
        "--subject",
        "服务器宕机",
        "--priority",
        "urgent",
    )
    crm("ticket", "open", "客户甲", "--kind", "inquiry", "--subject", "咨询")
    db.execute("UPDATE ticket SET due_at = '2020-01-01 00:00:00.000000' WHERE code = 'T000001'")
    out = crm("followup", "due").stdout
    assert "Overdue tickets (1)" in out and "T000001" in out and "服务器宕机" in out
    assert "T000002" not in out
    assert crm.json("followup", "due") == []  # JSON stays one follow-up per object
    crm("ticket", "resolve", "T000001", "--resolution", "换了电源")
    assert "Overdue tickets" not in crm("followup", "due").stdout


BAD = [
    (["--on", "someday"], "invalid date 'someday'"),
    (["--on", "2026-02-30"], "invalid date '2026-02-30'"),
    (["--within", "-1"], "--within must be between 0 and 3660, not -1"),
    (["--within", "soon"], "invalid whole number 'soon'"),
    (["--limit", "0"], "--limit must be at least 1"),
    (["--owner", "ghost"], "unknown user 'ghost'"),
    (["--owner", "ghost", "--all"], "give --owner USER or --all, not both"),
    (["-f", "xml"], "unknown format 'xml'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input(crm, book, args, message, path):
    before = book.dump()
    result = crm("followup", "due", *args, code=1)
    assert message in result.stderr and result.stdout == ""
    assert book.dump() == before


# -- the two paths ------------------------------------------------------------------------


def both(crm, monkeypatch, user, *args):
    monkeypatch.setattr(fastread, "ENABLED", True)
    fast = crm("--user", user, "followup", "due", *args)
    monkeypatch.setattr(fastread, "ENABLED", False)
    slow = crm("--user", user, "followup", "due", *args)
    monkeypatch.setattr(fastread, "ENABLED", True)
    return fast.stdout, slow.stdout


def test_fast_and_full_paths_agree(crm, db, book, monkeypatch):
    team(db)
    crm("--user", "boss", "customer", "assign", "华东制造", "--owner", "lina")
    db.execute(
        "UPDATE followup SET owner_id = (SELECT id FROM app_user WHERE username = 'lina') "
        "WHERE id IN (1, 4)"
    )
    # another salesperson's customer: its touch 4 is lina's, yet lina may not see it
    crm("--user", "boss", "customer", "assign", "西北能源", "--owner", "wang")
    crm(
        "--user",
        "boss",
        "ticket",
        "open",
        "华东制造",
        "--kind",
        "complaint",
        "--subject",
        "慢",
        "--owner",
        "lina",
    )
    db.execute("UPDATE ticket SET due_at = '2020-01-01 00:00:00.000000'")
    seen = set()
    for user in ("boss", "lina", "wang", "kefu"):
        for args in ([], ["--all"], ["--owner", "lina"], ["--within", "30"], ["--limit", "1"]):
            for output in (["-f", "json"], ["-f", "table"]):
                fast, slow = both(crm, monkeypatch, user, "--on", "2026-03-10", *args, *output)
                assert fast == slow, (user, args, output)
                seen.add(fast)
    assert len(seen) >= 6  # the variants differ: the comparison is not of empty lists
    lina, _ = both(crm, monkeypatch, "lina", "--on", "2026-03-10", "--all", "--within", "30")
    wang, _ = both(crm, monkeypatch, "wang", "--on", "2026-03-10", "--all", "--within", "30")
    assert "西北能源" not in lina and "华南零售" in lina  # unassigned: seen; wang's: not
    assert "西北能源" in wang and "华东制造" not in wang
    fast, slow = both(crm, monkeypatch, "boss", "--on", "2026-03-10", "--all")
    assert "Overdue tickets (1)" in fast and fast == slow


@pytest.mark.sqlite_only("the fast path serves SQLite files only")
def test_the_fast_path_serves_a_healthy_sqlite_file_and_declines_otherwise(crm, book, crm_env):
    args = dict(
        username=None,
        on=date(2026, 3, 10),
        within=0,
        owner=None,
        everyone=False,
        limit=None,
        count=False,
        tickets=False,
        now=None,
    )
    url = "sqlite:///" + str(crm_env)
    report = fastdue.due(url=url, **args)
    assert report is not None and [r["id"] for r in report.rows] == [1, 2, 3]
    assert fastdue.due(url="postgresql+psycopg://x@y/z", **args) is None
    assert fastdue.due(url="sqlite:///" + str(crm_env.parent / "missing.db"), **args) is None
    assert not (crm_env.parent / "missing.db").exists()
    book.execute("UPDATE alembic_version SET version_num = '0000'")
    assert fastdue.due(url=url, **args) is None  # an upgrade is due: the full path does it


def test_compiled_sql_is_current():
    with open(fastdue.SQL_FILE, encoding="utf-8") as f:
        assert f.read() == due_sql.source(), "run: python -m crmcli.services.relationship.due_sql"


@pytest.mark.sqlite_only("the fast path serves SQLite files only")
def test_the_query_walks_an_index_in_due_order(book, crm_env):
    with open(fastdue.SQL_FILE, encoding="utf-8") as f:
        compiled = json.load(f)
    conn = sqlite3.connect(crm_env)
    for which, index in [
        ("all-open", "ix_followup_status_due_at"),
        ("all-scoped", "ix_followup_status_due_at"),
        ("owner-open", "ix_followup_owner_id_status_due_at"),
        ("owner-scoped", "ix_followup_owner_id_status_due_at"),
    ]:
        entry = compiled["DUE"][which]
        params = {**entry["params"], "end": "2026-03-11", "owner_id": 1, "actor_id": 1, "limit": 5}
        plan = list(conn.execute("EXPLAIN QUERY PLAN " + entry["sql"], params))
        top = [detail for _id, parent, _n, detail in plan if parent == 0]
        assert top[0].startswith(f"SEARCH followup USING INDEX {index}"), plan
        assert not any("TEMP B-TREE" in d for d in top), plan  # no sort of every due row
        assert "LIMIT :limit" in entry["sql"]
    conn.close()


@pytest.mark.sqlite_only("the fast path serves SQLite files only")
def test_the_morning_command_imports_no_database_toolkit(crm, book):
    code = (
        "import sys; from crmcli.cli import run\n"
        "sys.argv = ['crm', 'followup', 'due', '--on', '2026-03-10', '-f', 'json']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'pandas', 'alembic', 'icalendar', 'rich')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(fastdue.__file__).rsplit("/crmcli/", 1)[0]},
        timeout=60,
    )
    assert "HEAVY []" in result.stderr, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == [1, 2, 3]


def test_in_a_fresh_process_on_a_new_file(tmp_path):
    env = {"CRM_DB": str(tmp_path / "new.db"), "CRM_LANG": "en"}
    result = run_crm("followup", "due", "-f", "json", env=env)  # no file yet: full path
    assert result.returncode == 0 and json.loads(result.stdout) == []
    run_crm("customer", "add", "甲", env=env)
    run_crm("log", "甲", "-c", "phone", "-s", "首次电话", "--next", "auto", env=env)
    rows = json.loads(run_crm("followup", "due", "--within", "3", "-f", "json", env=env).stdout)
    assert [r["days_overdue"] for r in rows] == [-3]
    assert rows[0]["last_interaction_summary"] == "首次电话"
