"""Several processes at once on one database, SQLite or PostgreSQL: nobody meets "database
is locked", no update is lost, and a reader sees one consistent state."""

from __future__ import annotations

import json

from tests.parallel import BULK_WRITER, INCREMENTER, Crowd, wait_for

WRITER = """
import sys
from crmcli.db import Database, resolve_url
from crmcli.services.archive import customers
from crmcli.services.context import unit

db = Database(resolve_url(sys.argv[1]))
db.ensure_schema()
for i in range(int(sys.argv[3])):
    with unit(db, None, write=True) as ctx:
        saved = customers.add(ctx, name=f"{sys.argv[2]}-{i}")
        customers.edit(ctx, saved.customer.code, values={"city": sys.argv[2]})
print("ok")
"""

READER = """
import sys, time
from sqlalchemy import text
from crmcli.db import Database, resolve_url

db = Database(resolve_url(sys.argv[1]))
seen = 0
deadline = time.time() + 60
while time.time() < deadline:
    with db.connect(write=False) as conn:
        n = conn.execute(text("SELECT count(*) FROM customer")).scalar()
        time.sleep(0.01)
        again = conn.execute(text("SELECT count(*) FROM customer")).scalar()
        audited = conn.execute(text("SELECT count(*) FROM audit_entry")).scalar()
        assert n == again, (n, again)  # one snapshot per read transaction
        assert audited == 2 * n, (audited, n)  # a customer and its two entries, together
        assert n >= seen
        seen = n
    if seen >= int(sys.argv[2]):
        break
print("ok", seen)
"""


def test_two_writers_and_a_reader(crm, db, db_url):
    crm("init")
    crowd = Crowd()
    crowd.python(WRITER, db_url, "A", "25")
    crowd.python(WRITER, db_url, "B", "25")
    crowd.python(READER, db_url, "50")
    crowd.finish()
    rows = db.rows("SELECT code, name, city FROM customer")
    assert len(rows) == 50 and len({r["code"] for r in rows}) == 50
    assert all(r["name"].split("-")[0] == r["city"] for r in rows)  # no lost update
    assert db.scalar("SELECT count(*) FROM audit_entry") == 100


def test_read_modify_write_loses_no_update(crm, db, db_url):
    """Two processes add 1 to the same customer's points, 15 times each: 30."""
    crm("customer", "add", "共享客户", "--points", "0")
    crowd = Crowd()
    crowd.python(INCREMENTER, db_url, "C000001", "15")
    crowd.python(INCREMENTER, db_url, "C000001", "15")
    crowd.finish()
    assert db.scalar("SELECT points FROM customer") == 30
    assert db.scalar("SELECT count(*) FROM audit_entry WHERE action = 'update'") == 30


def test_two_people_edit_the_same_customer(crm, db):
    """Different fields of one customer, changed by two people at once: both changes stay."""
    crm("customer", "add", "共享客户")
    crowd = Crowd()
    for i in range(3):
        crowd.crm("customer", "edit", "C000001", "--city", f"城市{i}")
        crowd.crm("customer", "edit", "C000001", "--notes", f"备注{i}")
    crowd.finish()
    row = db.one("SELECT city, notes FROM customer")
    assert row["city"].startswith("城市") and row["notes"].startswith("备注")
    assert db.scalar("SELECT count(*) FROM audit_entry WHERE action = 'update'") >= 2


def test_nightly_export_while_an_import_runs(crm, db, db_url, tmp_path):
    """An import-shaped writer adds 40 customers in one transaction. Exports taken in the
    middle of it see none of them (never a part), exports after it see all; a salesperson's
    edit during the import waits its turn (SQLite) or goes ahead (PostgreSQL): it succeeds."""
    crm("customer", "add", "老客户")
    flag, release = tmp_path / "importing", tmp_path / "release"
    importer = Crowd()
    importer.python(BULK_WRITER, db_url, "bulk", "40", str(flag), str(release))
    wait_for(flag)
    editor = Crowd()
    editor.crm("customer", "edit", "老客户", "--city", "杭州")
    exports = Crowd()
    exports.crm("customer", "list", "-f", "json")
    exports.crm("customer", "list", "-f", "jsonl")
    outputs = exports.finish().stdout_of("customer", "list")
    assert importer.running()  # the exports really ran inside the import's transaction
    release.touch()
    importer.finish()
    editor.finish()
    first = [r["name"] for r in json.loads(outputs[0])]
    second = [json.loads(line)["name"] for line in outputs[1].splitlines()]
    assert first == second == ["老客户"]  # the import is not half-visible
    after = crm.json("customer", "list")
    assert len([r for r in after if r["name"].startswith("bulk-")]) == 40
    assert db.scalar("SELECT city FROM customer WHERE name = '老客户'") == "杭州"
    codes = [r["code"] for r in db.rows("SELECT code FROM customer")]
    assert len(codes) == len(set(codes)) == 41
