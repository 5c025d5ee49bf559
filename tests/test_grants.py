"""What each staff role may do to every table: one rule (``crmcli.grants``), which crm's
own checks follow on both databases, and which PostgreSQL grants each role's group
exactly, no more, whatever program a member of staff connects with."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from crmcli import grants
from crmcli.models import load_all
from crmcli.services import codes
from crmcli.services.data import import_rows
from crmcli.services.selling import contracts, orders, pipeline
from crmcli.services.team import permissions
from tests.test_team_pg import Psql

pg_only = pytest.mark.postgresql_only(reason="roles and grants of PostgreSQL")

STAFF = {
    "wangfang": "admin",
    "zhaolei": "manager",
    "liuyang": "sales",
    "chenjing": "sales",
    "sunhao": "service",
}


def every_table() -> list[str]:
    """Every table of the models, and Alembic's: a new one must have its rules."""
    return sorted({*load_all().tables, "alembic_version"})


def writers(table: str, op: str = "INSERT") -> set[str]:
    return {role for role in grants.ROLES if op in grants.allowed(table, role)}


# -- the rule ----------------------------------------------------------------------------


def test_every_table_of_the_models_has_its_rules():
    missing = set(every_table()) - set(grants.TABLES)
    assert not missing, f"tables without rules in crmcli/grants.py: {sorted(missing)}"
    assert set(grants.TABLES) == set(every_table()), "rules for tables that do not exist"
    for table, rule in grants.TABLES.items():
        assert tuple(rule) == grants.OPERATIONS, table
        assert all(set(roles) <= set(grants.ROLES) for roles in rule.values()), table
        assert rule["SELECT"] == grants.ROLES, table  # which rows: row-level security


def test_crms_role_sets_are_the_rules_own():
    assert permissions.ROLES is grants.ROLES and permissions.CHANGE_ALL is grants.CHANGE_ALL
    assert permissions.SERVICE_AREAS is grants.SERVICE_AREAS
    assert pipeline.SELLERS is orders.SELLERS is contracts.SELLERS is grants.SELLERS
    assert import_rows.IMPORTERS is grants.IMPORTERS
    tables = load_all().sorted_tables
    under = {t.name for t in tables if "customer_id" in t.c}
    under |= {  # the tables under those: stage changes, order lines, ticket events ...
        t.name for t in tables if any(fk.column.table.name in under for fk in t.foreign_keys)
    }
    assert {"contact", "ticket", "ticket_event", "order_line", "receipt"} <= under
    assert not under & {"customer", "import_batch", "audit_entry", "product"}
    for table in under:  # service staff work in their areas only; sales as crm lets them
        expected = set(grants.ROLES) if table in grants.SERVICE_AREAS else set(grants.SELLERS)
        assert writers(table) == expected, table
    for table in ("product", "supplier", "competitor"):  # crm's catalogue: admins, managers
        assert writers(table) == writers(table, "UPDATE") == set(grants.CHANGE_ALL)
    assert writers("setting") == writers("setting", "UPDATE") == {"admin"}
    assert writers("customer") == set(grants.CREATE_CUSTOMERS)
    assert writers("app_user") == writers("alembic_version") == set()
    assert writers("audit_entry", "UPDATE") == writers("audit_entry", "DELETE") == set()
    for table in grants.TABLES:  # removing for good: purge (admins), undoing an import
        assert writers(table, "DELETE") <= (
            set(grants.IMPORTERS) if table in ("customer", "contact") else {"admin"}
        ), table


def test_each_code_counter_belongs_to_a_kind_of_record():
    assert set(grants.COUNTERS) == set(codes.WIDTH)
    tables = load_all().tables
    for prefix, table in grants.COUNTERS.items():
        assert "code" in tables[table].c, prefix
    assert grants.counter_roles("C") == ("admin", "manager", "sales")
    assert grants.counter_roles("T") == grants.ROLES
    assert grants.counter_roles("P") == ("admin", "manager")
    counting = {r for p in grants.COUNTERS for r in grants.counter_roles(p)}
    assert writers("code_counter") == writers("code_counter", "UPDATE") == counting


# -- crm's checks follow the rule (both databases, the owner's connection and --user) ------


def test_crm_refuses_each_role_what_the_rules_refuse(crm, tmp_path):
    crm("customer", "add", "公海客户")
    crm("user", "add", "wangfang", "--role", "admin")
    for name, role in STAFF.items():
        if role != "admin":
            crm("--user", "wangfang", "user", "add", name, "--role", role)
    for name, role in STAFF.items():
        data = tmp_path / f"{name}.csv"
        data.write_text(f"客户名称\n{name}导入的客户\n", encoding="utf-8")
        actions = [
            ("product", ["product", "add", f"{name}的产品", "--price", "1000"]),
            ("supplier", ["supplier", "add", f"{name}的供应商"]),
            ("competitor", ["competitor", "add", f"{name}的对手"]),
            ("setting", ["config", "set", "care.intervals.gold", "21"]),
            ("customer", ["customer", "add", f"{name}的客户"]),
            ("contact", ["contact", "add", "公海客户", f"{name}的联系人"]),
            ("opportunity", ["opportunity", "add", "公海客户", "ERP", "--amount", "1000"]),
            ("interaction", ["log", "公海客户", "-c", "phone", "-s", "问候"]),
            ("ticket", ["ticket", "open", "公海客户", "--kind", "repair", "--subject", "掉线"]),
            ("import_batch", ["customer", "import", str(data)]),
        ]
        for table, argv in actions:
            allowed = "INSERT" in grants.allowed(table, role)
            result = crm("--user", name, *argv, code=0 if allowed else 1)
            assert allowed or "may not" in result.stderr, (name, argv)


# -- PostgreSQL grants each role exactly its rules -----------------------------------------


@pytest.fixture
def team(crm, db):
    """The yunfan staff, one of each role (two salespeople); returns each member's
    connection URL and a psql-like connection as them."""
    crm("customer", "add", "公海客户")  # unassigned
    urls = {"wangfang": crm.json("user", "add", "wangfang", "--role", "admin")["url"]}
    for name, role in STAFF.items():
        if role != "admin":
            urls[name] = crm.json("--user", "wangfang", "user", "add", name, "--role", role)["url"]
    crm("--user", "liuyang", "customer", "add", "刘洋的客户")
    crm("--user", "zhaolei", "product", "add", "交换机", "--price", "1000")
    connections = {name: Psql(url) for name, url in urls.items()}
    yield urls, connections
    for conn in connections.values():
        conn.engine.dispose()


def logins(db) -> dict[str, tuple[str, str]]:
    """username -> (login role, staff role)"""
    rows = db.rows("SELECT username, db_role, role FROM app_user")
    return {r["username"]: (r["db_role"], r["role"]) for r in rows}


def granted(db, grantee: str) -> set[tuple[str, str]]:
    """(table, operation) granted to ``grantee`` itself, as information_schema shows it."""
    rows = db.rows(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
        "WHERE grantee = :g AND table_schema = current_schema()",
        g=grantee,
    )
    return {(r["table_name"], r["privilege_type"]) for r in rows}


def expected(role: str) -> set[tuple[str, str]]:
    return {(table, op) for table in every_table() for op in grants.allowed(table, role)}


@pg_only
def test_postgresql_grants_every_role_exactly_its_rules_on_every_table(team, db):
    prefix = grants.role_prefix(db.scalar("SELECT current_database()"))
    staff = logins(db)
    assert len(staff) == len(STAFF)
    for role in grants.ROLES:
        assert granted(db, grants.group_role(prefix, role)) == expected(role), role
    for username, (login, role) in staff.items():
        assert granted(db, login) == set(), username  # all through the group
        groups = db.rows(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :u",
            u=login,
        )
        assert [g["rolname"] for g in groups] == [grants.group_role(prefix, role)], username
        for table in every_table():
            for op in grants.OPERATIONS:
                has = db.scalar(
                    "SELECT has_table_privilege(:u, :t, :p)", u=login, t=f'"{table}"', p=op
                )
                assert has == (op in grants.allowed(table, role)), (username, table, op)
    sequences = db.rows(
        "SELECT s.relname AS seq, t.relname AS tab FROM pg_class s "
        "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
        "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' "
        "AND s.relnamespace = current_schema()::regnamespace"
    )
    assert {s["tab"] for s in sequences} >= {"customer", "audit_entry", "product"}
    for login, role in staff.values():
        for s in sequences:
            uses = db.scalar("SELECT has_sequence_privilege(:u, :s, 'USAGE')", u=login, s=s["seq"])
            assert uses == ("INSERT" in grants.allowed(s["tab"], role)), (login, s["seq"])
            assert not db.scalar(
                "SELECT has_sequence_privilege(:u, :s, 'UPDATE')", u=login, s=s["seq"]
            )  # setval
    defaults = db.scalar(
        "SELECT count(*) FROM pg_default_acl d, aclexplode(d.defaclacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee WHERE starts_with(r.rolname, :p)",
        p=prefix + "_",
    )
    assert defaults == 0  # a table created later is granted to nobody until its rules say
    assert db.scalar("SELECT count(*) FROM pg_roles WHERE rolname = :r", r=prefix + "__team") == 0
    with db.engine.connect() as conn:  # what a migration adding a table runs
        assert grants.regrant_statements(conn) == grants.grant_statements(conn)


def refusal(conn: Psql, sql: str, **params) -> str:
    """The server refuses it as a permission matter (SQLSTATE 42501); returns the message."""
    with pytest.raises(DBAPIError) as info:
        conn.run(sql, **params)
    assert info.value.orig.sqlstate == "42501", info.value.orig
    return str(info.value.orig)


def counter(db, prefix: str) -> int:
    return db.scalar("SELECT last FROM code_counter WHERE prefix = :p", p=prefix)


@pg_only
def test_a_salesperson_neither_reprices_nor_rewinds_but_adds_customers(team, crm, db):
    urls, psql = team
    liu = psql["liuyang"]
    price = db.scalar("SELECT price FROM product")
    assert "permission denied for table product" in refusal(liu, "UPDATE product SET price = 0")
    assert "only moves forward" in refusal(liu, "UPDATE code_counter SET last = 0")
    assert "only moves forward" in refusal(
        liu, "UPDATE code_counter SET prefix = 'X' WHERE prefix = 'C'"
    )
    assert liu.run("UPDATE code_counter SET last = last + 5 WHERE prefix = 'P'") == 0  # not hers
    assert "permission denied" in refusal(liu, "DELETE FROM code_counter")
    assert "row-level security" in refusal(liu, "INSERT INTO code_counter VALUES ('Z', 0)")
    assert "permission denied" in refusal(liu, "INSERT INTO supplier (name) VALUES ('x')")
    assert "permission denied" in refusal(liu, "UPDATE setting SET value = '1'")
    assert "permission denied" in refusal(liu, "UPDATE app_user SET role = 'admin'")
    assert db.scalar("SELECT price FROM product") == price
    before = counter(db, "C")
    added = crm.json("--db", urls["liuyang"], "customer", "add", "她自己加的")
    assert added["code"] == f"C{before + 1:06d}" and added["owner"] == "liuyang"
    assert counter(db, "C") == before + 1
    result = crm("--db", urls["liuyang"], "product", "edit", "交换机", "--price", "0", code=1)
    assert "may not change the products list" in result.stderr
    assert (
        "may not change settings"
        in crm("--db", urls["liuyang"], "config", "set", "care.intervals.gold", "1", code=1).stderr
    )
    assert counter(db, "P") == 1 and db.scalar("SELECT price FROM product") == price


@pg_only
def test_service_staff_take_ticket_codes_only(team, crm, db):
    urls, psql = team
    sun = psql["sunhao"]
    ticket = crm.json(
        "--db",
        urls["sunhao"],
        "ticket",
        "open",
        "刘洋的客户",
        "--kind",
        "repair",
        "--subject",
        "掉线",
    )
    assert ticket["code"] == "T000001" and counter(db, "T") == 1
    assert "only moves forward" in refusal(
        sun, "UPDATE code_counter SET last = 0 WHERE prefix = 'T'"
    )
    assert sun.run("UPDATE code_counter SET last = last + 1 WHERE prefix = 'C'") == 0
    assert "permission denied" in refusal(sun, "UPDATE product SET price = 0")
    assert "permission denied" in refusal(
        sun,
        "INSERT INTO customer (name, kind, level, status) VALUES ('x', 'company', 'regular', 'lead')",
    )
    assert "permission denied" in refusal(sun, "UPDATE import_batch SET undone_at = now()")
    result = crm("--db", urls["sunhao"], "customer", "add", "客服加的", code=1)
    assert "may not add customers" in result.stderr
    # crm locks a customer before it checks who may edit it: the server refuses the lock
    result = crm("--db", urls["sunhao"], "customer", "edit", "刘洋的客户", "--city", "x", code=1)
    assert "sunhao (Service) may not do this: the database refused it (permission denied" in (
        result.stderr
    )
    assert counter(db, "C") == 2  # the two customers of the fixture


@pg_only
def test_managers_keep_the_catalogue_but_neither_purge_nor_set(team, crm, db):
    urls, psql = team
    zhao = psql["zhaolei"]
    crm("--db", urls["zhaolei"], "product", "edit", "交换机", "--price", "900")
    added = crm.json("--db", urls["zhaolei"], "product", "add", "路由器")
    assert added["code"] == "P0002" and counter(db, "P") == 2
    assert zhao.run("UPDATE product SET price = 800 WHERE code = 'P0001'") == 1
    assert "permission denied" in refusal(zhao, "DELETE FROM product")  # purge: admins
    assert "permission denied" in refusal(zhao, "DELETE FROM interaction")
    assert "permission denied" in refusal(zhao, "UPDATE setting SET value = '1'")
    assert "only moves forward" in refusal(zhao, "UPDATE code_counter SET last = 1")
    assert (
        "may not change settings"
        in crm("--db", urls["zhaolei"], "config", "set", "care.intervals.gold", "1", code=1).stderr
    )
    wang = urls["wangfang"]
    crm("--db", wang, "config", "set", "care.intervals.gold", "21")
    assert crm.json("--db", wang, "config", "show")
    crm("--db", wang, "product", "delete", "路由器", "--yes")
    crm("--db", wang, "db", "purge", "--yes")
    assert db.scalar("SELECT count(*) FROM product") == 1


@pg_only
def test_a_salesperson_imports_and_undoes_her_own_imports_only(team, crm, db, tmp_path):
    urls, psql = team
    data = tmp_path / "new.csv"
    data.write_text("客户名称,联系人\n导入甲,张三\n导入乙,李四\n", encoding="utf-8")
    result = crm.json("--db", urls["liuyang"], "customer", "import", str(data))
    batch = result["batch"]
    assert result["created"] == 2 and counter(db, "C") == 4
    chen = psql["chenjing"]
    assert chen.run("UPDATE import_batch SET undone_at = now()") == 0  # not hers
    assert "row-level security" in refusal(
        chen,
        'INSERT INTO import_batch (at, "user", entity, read, created, updated, skipped, '
        "rejected) VALUES (now(), 'liuyang', 'customer', 0, 0, 0, 0, 0)",
    )
    crm("--db", urls["chenjing"], "customer", "import", "--undo", str(batch), code=1)
    crm("--db", urls["liuyang"], "customer", "import", "--undo", str(batch))
    assert db.scalar("SELECT count(*) FROM customer WHERE name LIKE '导入%'") == 0
    assert db.scalar("SELECT undone_at IS NOT NULL FROM import_batch WHERE id = :b", b=batch)


@pg_only
def test_a_new_role_moves_the_login_to_its_group(team, crm, db):
    _, psql = team
    liu = psql["liuyang"]
    crm("--user", "wangfang", "user", "edit", "liuyang", "--role", "manager")
    assert liu.run("UPDATE product SET price = 999") == 1
    crm("--user", "wangfang", "user", "edit", "liuyang", "--role", "sales")
    assert "permission denied" in refusal(liu, "UPDATE product SET price = 0")
    prefix = grants.role_prefix(db.scalar("SELECT current_database()"))
    groups = db.rows(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member JOIN app_user a ON a.db_role = u.rolname "
        "WHERE a.username = 'liuyang'"
    )
    assert [g["rolname"] for g in groups] == [grants.group_role(prefix, "sales")]


# -- an existing team database upgraded ------------------------------------------------------


@pg_only
def test_the_upgrade_replaces_the_one_team_group_by_a_group_per_role(pg_server):
    from alembic import command

    from crmcli.db import HEAD, Database
    from crmcli.migrate import alembic_config, upgrade
    from crmcli.migrations.versions.i9_role_grants import OLD_TEAM
    from tests.pgserver import with_database

    url = pg_server.empty_database()
    name = url.rsplit("/", 1)[1]
    database = Database(url)
    engine = create_engine(url)
    try:
        upgrade(database, target="i8_customer_indexes")
        prefix = grants.role_prefix(name)
        team, liu = f"{prefix}__team", f"{prefix}_liuyang"
        with engine.begin() as conn:  # what crm user add did before i9_role_grants
            conn.exec_driver_sql(f'CREATE ROLE "{team}" NOLOGIN NOINHERIT')
            for sql in OLD_TEAM:
                conn.exec_driver_sql(
                    sql.format(database=f'"{name}"', schema='"public"', g=f'"{team}"')
                )
            conn.exec_driver_sql(f'CREATE ROLE "{liu}" LOGIN INHERIT IN ROLE "{team}"')
            conn.execute(
                text(
                    "INSERT INTO app_user (username, role, active, db_role, created_at, "
                    "updated_at) VALUES ('liuyang', 'sales', true, :r, now(), now())"
                ),
                {"r": liu},
            )
            conn.exec_driver_sql("INSERT INTO code_counter VALUES ('C', 7)")
        as_liu = Psql(with_database(url, name, user=liu))
        assert as_liu.run("UPDATE code_counter SET last = 3") == 1  # the hole

        database.ensure_schema()
        assert database.revision() == HEAD
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": team}
                ).scalar()
                == 0
            )
        assert "permission denied" in refusal(as_liu, "UPDATE product SET price = 0")
        assert "only moves forward" in refusal(as_liu, "UPDATE code_counter SET last = 0")
        with engine.connect() as conn:
            for table in every_table():
                for op in grants.OPERATIONS:
                    has = conn.execute(
                        text("SELECT has_table_privilege(:u, :t, :p)"),
                        {"u": liu, "t": f'"{table}"', "p": op},
                    ).scalar()
                    assert has == (op in grants.allowed(table, "sales")), (table, op)
        as_liu.engine.dispose()

        cfg = alembic_config()
        with database.engine.connect() as conn:
            conn.execution_options(crm_write=True)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "i8_customer_indexes")
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT rolname FROM pg_roles WHERE starts_with(rolname, :p) ORDER BY 1"),
                {"p": prefix + "_"},
            ).scalars()
            assert list(left) == [team, liu]
            assert grants.regrant_statements(conn) == []  # no groups: not (yet) granted
    finally:
        engine.dispose()
        database.dispose()
        pg_server.drop_database(name)
