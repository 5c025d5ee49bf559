"""PostgreSQL for a shared book: the server itself enforces who sees what.

Each member of staff connects with the login role ``crm user add`` made for them, as
psql or any other program would; row-level security lets a salesperson read and
change only their own and unassigned customers and what hangs under them.
"""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from crmcli.services.team.dbadmin import pg_tool

pytestmark = pytest.mark.postgresql_only(reason="roles and row-level security of PostgreSQL")


class Psql:
    """A connection as one member of staff's own database role (what psql would be)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]

    def run(self, sql: str, **params) -> int:
        with self.engine.begin() as conn:
            return conn.execute(text(sql), params).rowcount

    def refused(self, sql: str, **params) -> str:
        with pytest.raises(DBAPIError) as info:
            self.run(sql, **params)
        return str(info.value.orig)


@pytest.fixture
def team(crm):
    """The yunfan team; returns each member's connection URL (with their password)."""
    crm("customer", "add", "公海客户")  # unassigned, from the single-user days
    crm("contact", "add", "公海客户", "周敏")
    urls = {"wangfang": crm.json("user", "add", "wangfang", "--role", "admin")["url"]}
    for name, role in [
        ("zhaolei", "manager"),
        ("liuyang", "sales"),
        ("chenjing", "sales"),
        ("sunhao", "service"),
    ]:
        urls[name] = crm.json("--user", "wangfang", "user", "add", name, "--role", role)["url"]
    crm("--user", "liuyang", "customer", "add", "刘洋的客户")
    crm("--user", "liuyang", "contact", "add", "刘洋的客户", "李娜")
    crm("--user", "chenjing", "customer", "add", "陈静的客户")
    crm("--user", "chenjing", "contact", "add", "陈静的客户", "王强")
    connections = {name: Psql(url) for name, url in urls.items()}
    yield urls, connections
    for conn in connections.values():
        conn.engine.dispose()


def test_every_table_under_customers_has_row_level_security(db):
    under = {
        r["table_name"]
        for r in db.rows(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name = 'customer_id' AND table_schema = current_schema()"
        )
    }
    assert under >= {"contact", "interaction", "followup", "opportunity", "sales_order"}
    secured = {
        r["relname"]
        for r in db.rows(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r' "
            "AND relnamespace = current_schema()::regnamespace"
        )
    }
    expected = under | {"customer", "audit_entry", "setting", "stage_change", "order_line"}
    expected |= {"payment_plan", "receipt", "ticket_event"}
    assert expected <= secured
    for table in expected - {"audit_entry", "setting"}:
        kinds = {
            r["cmd"] for r in db.rows("SELECT cmd FROM pg_policies WHERE tablename = :t", t=table)
        }
        assert kinds == {"SELECT", "INSERT", "UPDATE", "DELETE"}, table


def test_staff_roles_are_plain_logins_named_after_the_database(team, db):
    database = db.scalar("SELECT current_database()")
    roles = db.rows(
        "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcanlogin "
        "FROM pg_roles r JOIN app_user u ON u.db_role = r.rolname"
    )
    assert len(roles) == 5
    for role in roles:
        assert role["rolname"].startswith(database + "_")
        assert not (role["rolsuper"] or role["rolbypassrls"] or role["rolcreaterole"])
        assert role["rolcanlogin"]
    owner = db.scalar("SELECT tableowner FROM pg_tables WHERE tablename = 'customer'")
    assert owner not in {r["rolname"] for r in roles}


def test_a_salesperson_cannot_read_or_take_anothers_customers_even_with_psql(team, db):
    _, psql = team
    liu = psql["liuyang"]
    assert sorted(r[0] for r in liu.rows("SELECT name FROM customer")) == ["公海客户", "刘洋的客户"]
    assert sorted(r[0] for r in liu.rows("SELECT name FROM contact")) == ["周敏", "李娜"]
    chen_id = db.scalar("SELECT id FROM customer WHERE name = '陈静的客户'")
    assert liu.run("UPDATE customer SET name = 'mine' WHERE id = :i", i=chen_id) == 0
    assert liu.run("DELETE FROM contact WHERE name = '王强'") == 0
    me = db.scalar("SELECT id FROM app_user WHERE username = 'liuyang'")
    chen = db.scalar("SELECT id FROM app_user WHERE username = 'chenjing'")
    assert "only managers and admins assign customers" in liu.refused(
        "UPDATE customer SET owner_id = :me WHERE name = '公海客户'", me=me
    )
    assert "row-level security" in liu.refused(
        "INSERT INTO customer (name, kind, level, status, owner_id) "
        "VALUES ('x', 'company', 'regular', 'lead', :o)",
        o=chen,
    )
    assert "row-level security" in liu.refused(
        "INSERT INTO contact (customer_id, name) VALUES (:c, '间谍')", c=chen_id
    )
    assert "permission denied" in liu.refused("DELETE FROM audit_entry")
    assert "permission denied" in liu.refused("UPDATE audit_entry SET action = 'x'")
    assert "row-level security" in liu.refused(
        'INSERT INTO audit_entry (at, "user", action, entity) '
        "VALUES (now(), 'chenjing', 'forged', 'customer')"
    )
    assert "permission denied" in liu.refused("UPDATE app_user SET role = 'admin'")
    assert "permission denied" in liu.refused("UPDATE setting SET value = '1'")
    assert db.scalar("SELECT name FROM customer WHERE id = :i", i=chen_id) == "陈静的客户"
    assert liu.run("UPDATE customer SET city = '杭州' WHERE name = '公海客户'") == 1


def test_service_reads_all_and_works_tickets_only(team, db):
    _, psql = team
    sun = psql["sunhao"]
    assert len(sun.rows("SELECT id FROM customer")) == 3
    assert "permission denied" in sun.refused("UPDATE customer SET city = 'x'")
    chen_id = db.scalar("SELECT id FROM customer WHERE name = '陈静的客户'")
    sun.run(
        "INSERT INTO ticket (customer_id, kind, subject, priority, status, opened_at) "
        "VALUES (:c, 'repair', '交换机掉线', 'high', 'open', now())",
        c=chen_id,
    )
    assert "permission denied" in sun.refused(
        "INSERT INTO opportunity (customer_id, title, stage, probability, probability_manual) "
        "VALUES (:c, 'x', 'lead', 10, false)",
        c=chen_id,
    )
    liu = psql["liuyang"]
    assert liu.rows("SELECT subject FROM ticket") == []  # a ticket of another's customer
    assert [r[0] for r in psql["chenjing"].rows("SELECT subject FROM ticket")] == ["交换机掉线"]


def test_managers_see_all_and_assign(team, db):
    _, psql = team
    zhao = psql["zhaolei"]
    assert len(zhao.rows("SELECT id FROM customer")) == 3
    me = db.scalar("SELECT id FROM app_user WHERE username = 'liuyang'")
    assert zhao.run("UPDATE customer SET owner_id = :me WHERE name = '陈静的客户'", me=me) == 1
    assert len(psql["liuyang"].rows("SELECT id FROM customer")) == 3


def test_crm_through_a_staff_role_knows_who_you_are(team, crm, db):
    urls, _ = team
    liu = urls["liuyang"]
    names = [c["name"] for c in crm.json("--db", liu, "customer", "list")]
    assert sorted(names) == ["公海客户", "刘洋的客户"]
    info = crm.json("--db", liu, "db", "info")
    assert info["user"] == "liuyang" and info["enforced_by"] == "database"
    result = crm("--db", liu, "--user", "wangfang", "customer", "list", code=1)
    assert "connected as the database role of liuyang" in result.stderr
    crm("--db", liu, "customer", "add", "通过自己的角色")  # writes pass the policies
    crm("--db", liu, "contact", "add", "通过自己的角色", "张三")
    crm("--db", liu, "customer", "edit", "通过自己的角色", "--city", "宁波")
    assert db.scalar("SELECT city FROM customer WHERE name = '通过自己的角色'") == "宁波"
    assert "no customer" in crm("--db", liu, "customer", "show", "陈静的客户", code=1).stderr
    result = crm("--db", urls["wangfang"], "user", "add", "x", "--role", "sales", code=1)
    assert "database owner's connection" in result.stderr
    assert crm.json("--user", "wangfang", "db", "info")["enforced_by"] == "crm"


def test_a_disabled_member_cannot_log_in(team, crm):
    urls, psql = team
    psql["liuyang"].engine.dispose()
    crm("--user", "wangfang", "user", "disable", "liuyang")
    engine = create_engine(urls["liuyang"])
    with pytest.raises(DBAPIError) as info:
        engine.connect()
    assert "not permitted to log in" in str(info.value.orig)
    crm("--user", "wangfang", "user", "edit", "liuyang", "--enable")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM customer")).scalar() == 2
    engine.dispose()


def test_role_names_never_collide_across_databases(crm, db, pg_server):
    first = crm.json("user", "add", "wangfang", "--role", "admin")["db_role"]
    other = pg_server.new_database()
    try:
        second = crm.json("--db", other, "user", "add", "wangfang", "--role", "admin")["db_role"]
        assert first != second
        assert first.startswith(db.scalar("SELECT current_database()") + "_")
        assert second.startswith(other.rsplit("/", 1)[1] + "_")
    finally:
        pg_server.drop_database(other.rsplit("/", 1)[1])


def test_backup_checks_row_counts_and_restores(crm, db, tmp_path, pg_server):
    crm("init", "--demo")
    target = tmp_path / "yunfan.dump"
    out = crm("db", "backup", str(target)).stdout
    assert "counts checked against the database" in out
    assert target.stat().st_mode & 0o077 == 0
    assert "exists" in crm("db", "backup", str(target), code=1).stderr
    restored = pg_server.empty_database()
    name = restored.rsplit("/", 1)[1]
    try:
        from tests.pgserver import with_database

        libpq = with_database(pg_server.owner_url, name).replace("postgresql+psycopg", "postgresql")
        result = subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", f"--dbname={libpq}", str(target)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        engine = create_engine(restored)
        with engine.connect() as conn:
            for table in ("customer", "contact", "audit_entry"):
                n = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                assert n == db.scalar(f"SELECT count(*) FROM {table}") > 0
        engine.dispose()
        assert "healthy" in crm("--db", restored, "db", "check").stdout
    finally:
        pg_server.drop_database(name)


def test_init_force_drops_the_staff_roles(crm, db):
    role = crm.json("user", "add", "wangfang", "--role", "admin")["db_role"]
    db.engine.dispose()
    crm("--user", "wangfang", "init", "--demo", "--force")
    assert db.scalar("SELECT count(*) FROM pg_roles WHERE rolname = :r", r=role) == 0
    assert db.scalar("SELECT count(*) FROM app_user") == 0
    assert db.scalar("SELECT count(*) FROM customer") > 60


def test_demo_team_on_postgresql(crm, db):
    crm("init", "--demo", "--team", "--force")
    roles = db.rows("SELECT username, role, db_role FROM app_user ORDER BY username")
    assert [r["username"] for r in roles] == [
        "chenjing",
        "liuyang",
        "sunhao",
        "wangfang",
        "zhaolei",
    ]
    assert all(r["db_role"] for r in roles)
    mine = crm.json("--user", "liuyang", "customer", "list")
    assert 0 < len(mine) < 69 and {c["owner"] for c in mine} <= {"liuyang", None}


def test_another_programs_database_is_left_alone(crm, pg_server):
    url = pg_server.empty_database()
    name = url.rsplit("/", 1)[1]
    try:
        pg_server.admin("CREATE TABLE notes (x int)", url=url)
        assert "another program" in crm("--db", url, "customer", "list", code=1).stderr
        tables = pg_server.admin(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", url=url
        )
        assert tables == [("notes",)]
    finally:
        pg_server.drop_database(name)


def test_a_salesperson_gets_a_free_code_when_the_next_one_is_hidden_from_her(team, crm, db):
    urls, _ = team
    crm("--user", "wangfang", "customer", "add", "陈静的新客户", "--code", "C000004")
    crm("--user", "wangfang", "customer", "assign", "陈静的新客户", "--owner", "chenjing")
    added = crm.json("--db", urls["liuyang"], "customer", "add", "刘洋的新客户")
    assert added["code"] == "C000005"  # C000004 is taken, by a customer she may not see
    assert db.scalar("SELECT count(*) FROM customer WHERE code = 'C000004'") == 1


def test_a_code_given_by_hand_that_a_hidden_customer_holds_is_said_to_be_taken(team, crm):
    urls, _ = team
    crm("--user", "wangfang", "customer", "add", "陈静的另一个客户", "--code", "X01")
    crm("--user", "wangfang", "customer", "assign", "陈静的另一个客户", "--owner", "chenjing")
    result = crm("--db", urls["liuyang"], "customer", "add", "刘洋的", "--code", "X01", code=1)
    assert "'X01' is already taken; choose another" in result.stderr
    assert "陈静" not in result.stderr
