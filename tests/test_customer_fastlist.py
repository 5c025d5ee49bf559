"""The plain ``crm customer list`` on SQLite runs through sqlite3 alone (fastlist): it prints
exactly what the SQLAlchemy path prints, for every kind of user, and leaves anything
unusual to that path."""

from __future__ import annotations

import pytest

from crmcli.services import fastread
from crmcli.services.archive import fastlist, list_sql
from tests.test_migrations import run_crm_python

pytestmark = pytest.mark.sqlite_only(
    "the fast path reads SQLite files; PostgreSQL takes the full one"
)


def team(db):
    for name, role, active in (
        ("boss", "manager", True),
        ("lina", "sales", True),
        ("wang", "sales", True),
        ("gone", "sales", False),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:n, :r, :a)",
            n=name,
            r=role,
            a=active,
        )


def both(crm, monkeypatch, *args, code=0):
    """(fast, full) results of ``crm customer list`` with these arguments."""
    monkeypatch.setattr(fastread, "ENABLED", True)
    fast = crm(*args, code=code)
    monkeypatch.setattr(fastread, "ENABLED", False)
    full = crm(*args, code=code)
    monkeypatch.setattr(fastread, "ENABLED", True)
    return fast, full


def test_the_compiled_statement_is_current():
    with open(fastlist.SQL_FILE, encoding="utf-8") as f:
        assert f.read() == list_sql.source(), "run: python -m crmcli.services.archive.list_sql"


def test_both_paths_print_the_same_for_every_user(crm, db, monkeypatch):
    for i in range(60):  # more than a table shows: the "N of M shown" line
        crm("customer", "add", f"客户{i:02d}", "--city", "杭州", "--level", "金牌")
    crm("customer", "delete", "客户05", "--yes")
    team(db)
    crm("--user", "boss", "customer", "assign", "客户01", "--owner", "lina")
    crm("--user", "boss", "customer", "assign", "客户02", "--owner", "wang")
    db.execute("UPDATE customer SET owner_id = 3 WHERE code > 'C000010'")  # wang's
    for user in ("boss", "lina", "wang"):
        for extra in ([], ["--limit", "3"], ["-n", "100"]):
            fast, full = both(crm, monkeypatch, "--user", user, "customer", "list", *extra)
            assert fast.stdout == full.stdout, (user, extra)
    fast, _ = both(crm, monkeypatch, "--user", "lina", "customer", "list")
    # lina sees her own customer and the unassigned ones, never wang's nor the deleted
    assert "客户01" in fast.stdout and "客户02" not in fast.stdout
    assert "客户05" not in fast.stdout and "客户11" not in fast.stdout
    fast, _ = both(crm, monkeypatch, "--user", "boss", "customer", "list")
    assert "50 of 59 shown; 9 more" in fast.stdout


def test_both_paths_agree_in_chinese_and_on_an_empty_book(crm, monkeypatch):
    fast, full = both(crm, monkeypatch, "customer", "list")
    assert fast.stdout == full.stdout and "No customers found." in fast.stdout
    crm("customer", "add", "华晨电子", "--level", "银牌", "--phone", "0755-8960 6110")
    monkeypatch.setenv("CRM_LANG", "zh")
    fast, full = both(crm, monkeypatch, "customer", "list")
    assert fast.stdout == full.stdout and "银牌" in fast.stdout


def test_both_paths_find_the_same_with_search(crm, db, monkeypatch):
    crm("customer", "add", "深圳市华晨电子有限公司", "--phone", "0755-8960 6110")
    crm("customer", "add", "杭州明远科技", "--phone", "0571-8821 6630", "--email", "a_b@x.cn")
    crm("customer", "add", "100%纯净水厂")
    crm("customer", "add", "华晨宝马", "--city", "沈阳")
    team(db)
    crm("--user", "boss", "customer", "assign", "华晨宝马", "--owner", "wang")
    searches = ["华晨", "huachen", "hua chen", "szshcdz", "0755 8960", "a_b", "100%", "无此客户"]
    for user in ("boss", "lina"):
        for text in searches:
            fast, full = both(
                crm, monkeypatch, "--user", user, "customer", "list", "--search", text
            )
            assert fast.stdout == full.stdout, (user, text)
    found = both(crm, monkeypatch, "--user", "boss", "customer", "list", "--search", "huachen")
    assert "华晨电子" in found[0].stdout and "华晨宝马" in found[0].stdout
    found = both(crm, monkeypatch, "--user", "lina", "customer", "list", "--search", "huachen")
    assert "华晨电子" in found[0].stdout and "华晨宝马" not in found[0].stdout  # wang's
    found = both(crm, monkeypatch, "--user", "boss", "customer", "list", "--search", "a_b")
    assert "明远" in found[0].stdout and "华晨" not in found[0].stdout  # "_" is no wildcard


def test_who_the_fast_path_cannot_serve_gets_the_full_paths_error(crm, db, monkeypatch):
    crm("customer", "add", "甲")
    team(db)
    fast, full = both(crm, monkeypatch, "customer", "list", code=1)  # no --user in a team
    assert fast.stderr == full.stderr and "--user NAME" in fast.stderr
    for user in ("nobody", "gone"):
        fast, full = both(crm, monkeypatch, "--user", user, "customer", "list", code=1)
        assert fast.stderr == full.stderr and fast.stderr.startswith("Error:")


def test_a_plain_list_or_search_imports_no_sqlalchemy_and_a_filtered_one_does(crm):
    crm("customer", "add", "甲")
    code = (
        "import sys; from crmcli.cli import run\nsys.argv = ['crm', 'customer', 'list'{more}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\nprint('SQLA', 'sqlalchemy' in sys.modules)"
    )
    for more in ("", ", '--search', 'jia'"):
        plain = run_crm_python(code.format(more=more))
        assert "甲" in plain.stdout and "SQLA False" in plain.stdout, plain.stderr
    filtered = run_crm_python(code.format(more=", '--level', 'gold'"))
    assert "SQLA True" in filtered.stdout, filtered.stderr


def test_a_book_whose_path_holds_uri_characters_is_read_itself(crm, tmp_path, monkeypatch):
    """A folder named ``a#b?c`` is a name, not a URI's fragment and query: the fast path
    reads the book there, not the file ``a`` beside it."""
    monkeypatch.setenv("CRM_DB", str(tmp_path / "a"))
    crm("customer", "add", "诱饵公司")
    (tmp_path / "a#b?c%d").mkdir()
    monkeypatch.setenv("CRM_DB", str(tmp_path / "a#b?c%d" / "crm.db"))
    crm("customer", "add", "真的公司")
    fast, full = both(crm, monkeypatch, "customer", "list")
    assert fast.stdout == full.stdout and "真的公司" in fast.stdout and "诱饵" not in fast.stdout
