"""``crm user``: staff and their roles; the first user is an admin, then admins manage."""

from __future__ import annotations

import json

import pytest

USER_FIELDS = ["id", "username", "name", "role", "active", "db_role", "created_at", "updated_at"]


@pytest.fixture
def admin(crm):
    crm("user", "add", "wangfang", "--role", "admin", "--name", "王芳")
    return "wangfang"


def test_first_user_must_be_an_admin(crm, db):
    crm("init")
    before = db.dump()
    result = crm("user", "add", "liuyang", "--role", "sales", code=1)
    assert "the first user must be an admin" in result.stderr
    assert db.dump() == before
    result = crm("user", "add", "wangfang", "--role", "管理员", "--name", "王芳")
    assert "Added user wangfang (Admin)" in result.stdout
    assert db.one("SELECT username, name, role, active FROM app_user") == {
        "username": "wangfang",
        "name": "王芳",
        "role": "admin",
        "active": True,
    }


def test_with_users_every_command_needs_an_active_acting_user(crm, admin):
    result = crm("customer", "list", code=1)
    assert "this database has users: say who you are with --user NAME or CRM_USER" in result.stderr
    assert "unknown user 'ghost'" in crm("--user", "ghost", "customer", "list", code=1).stderr
    crm("--user", "wangfang", "customer", "list")
    crm("customer", "list", env={"CRM_USER": "wangfang"})


def test_add_list_and_json_shape(crm, db, admin, backend):
    crm("--user", admin, "user", "add", "zhaolei", "--role", "经理", "--name", "赵磊")
    crm("--user", admin, "user", "add", "liuyang", "--role", "sales")
    crm("--user", admin, "user", "add", "sunhao", "--role", "客服")
    users = crm.json("--user", "liuyang", "user", "list")  # everyone may list the staff
    assert [u["username"] for u in users] == ["liuyang", "sunhao", "wangfang", "zhaolei"]
    assert list(users[0]) == USER_FIELDS
    assert {u["username"]: u["role"] for u in users} == {
        "liuyang": "sales",
        "sunhao": "service",
        "wangfang": "admin",
        "zhaolei": "manager",
    }
    assert all(u["active"] is True for u in users)
    if backend == "postgresql":
        assert all(u["db_role"].endswith("_" + u["username"]) for u in users)
    else:
        assert all(u["db_role"] is None for u in users)
    assert [u["username"] for u in crm.json("--user", admin, "user", "list", "--role", "销售")] == [
        "liuyang"
    ]
    zh = crm("--lang", "zh", "--user", admin, "user", "list").stdout
    assert "用户名" in zh and "经理" in zh and "客服" in zh
    entries = db.rows("SELECT action, entity_code FROM audit_entry WHERE entity = 'user'")
    assert [e["entity_code"] for e in entries] == ["wangfang", "zhaolei", "liuyang", "sunhao"]


def test_sqlite_says_plainly_that_the_file_is_not_protected(crm, backend):
    result = crm("user", "add", "wangfang", "--role", "admin")
    if backend == "sqlite":
        assert "whoever can read the database file sees everything" in result.stderr
    else:
        assert "Database role" in result.stdout and "shown only now" in result.stdout


def test_edit_disable_enable(crm, db, admin):
    crm("--user", admin, "user", "add", "liuyang", "--role", "sales")
    result = crm("--user", admin, "user", "edit", "liuyang", "--name", "刘洋", "--role", "manager")
    assert "Updated user liuyang (Manager)" in result.stdout
    assert db.one("SELECT name, role FROM app_user WHERE username = 'liuyang'") == {
        "name": "刘洋",
        "role": "manager",
    }
    assert "unchanged" in crm("--user", admin, "user", "edit", "liuyang", "--role", "经理").stdout
    assert "Disabled user liuyang" in crm("--user", admin, "user", "disable", "liuyang").stdout
    assert not db.scalar("SELECT active FROM app_user WHERE username = 'liuyang'")
    assert (
        "user 'liuyang' is disabled" in crm("--user", "liuyang", "customer", "list", code=1).stderr
    )
    assert "is disabled" in crm("--user", admin, "user", "disable", "liuyang", code=1).stderr
    assert [u["username"] for u in crm.json("--user", admin, "user", "list", "--active")] == [admin]
    crm("--user", admin, "user", "edit", "liuyang", "--enable")
    crm("--user", "liuyang", "customer", "list")
    changes = [
        json.loads(r["changes"])
        for r in db.rows(
            "SELECT changes FROM audit_entry WHERE entity = 'user' AND entity_code = 'liuyang' "
            "ORDER BY id"
        )
    ]
    assert changes[1] == {"name": [None, "刘洋"], "role": ["sales", "manager"]}
    assert changes[2] == {"active": [True, False]} and changes[3] == {"active": [False, True]}


def test_the_last_active_admin_stays(crm, db, admin):
    assert "last active admin" in crm("--user", admin, "user", "disable", admin, code=1).stderr
    result = crm("--user", admin, "user", "edit", admin, "--role", "sales", code=1)
    assert "last active admin" in result.stderr
    crm("--user", admin, "user", "add", "zhangwei", "--role", "admin")
    crm("--user", admin, "user", "edit", admin, "--role", "manager")
    assert db.scalar("SELECT role FROM app_user WHERE username = :u", u=admin) == "manager"


def test_only_admins_manage_staff(crm, db, admin):
    crm("--user", admin, "user", "add", "zhaolei", "--role", "manager")
    crm("--user", admin, "user", "add", "liuyang", "--role", "sales")
    before = db.dump()
    for who, args in [
        ("zhaolei", ["user", "add", "x", "--role", "sales"]),
        ("liuyang", ["user", "edit", "liuyang", "--role", "admin"]),
        ("zhaolei", ["user", "disable", "liuyang"]),
    ]:
        result = crm("--user", who, *args, code=1)
        assert "may not manage staff" in result.stderr and "Admin" in result.stderr
    assert db.dump() == before


def test_reset_password_is_for_postgresql(crm, admin, backend):
    if backend == "sqlite":
        result = crm("--user", admin, "user", "edit", admin, "--reset-password", code=1)
        assert "passwords are for PostgreSQL" in result.stderr
    else:
        data = crm.json("--user", admin, "user", "edit", admin, "--reset-password")
        assert data["password"] and data["url"].startswith("postgresql+psycopg://")


BAD = [
    (["user", "add", "LiuYang", "--role", "sales"], "invalid username 'LiuYang'"),
    (["user", "add", "刘洋", "--role", "sales"], "invalid username '刘洋'"),
    (["user", "add", "liu yang", "--role", "sales"], "invalid username"),
    (["user", "add", "9lives", "--role", "sales"], "invalid username"),
    (["user", "add", "liuyang", "--role", "boss"], "unknown role 'boss' (admin/管理员"),
    (["user", "add", "wangfang", "--role", "sales"], "user 'wangfang' exists"),
    (["user", "add", "x", "--role", "sales", "--name", "长" * 101], "too long"),
    (["user", "add", "x", "--role", "sales", "-f", "xml"], "unknown format 'xml'"),
    (["user", "edit", "ghost", "--role", "sales"], "unknown user 'ghost'"),
    (["user", "edit", "wangfang"], "no changes given"),
    (["user", "edit", "wangfang", "--role", "king"], "unknown role 'king'"),
    (["user", "disable", "ghost"], "unknown user 'ghost'"),
    (["user", "list", "--role", "king"], "unknown role 'king'"),
    (["user", "list", "-f", "yaml"], "unknown format 'yaml'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(crm, db, admin, args, message):
    before = db.dump()
    result = crm("--user", admin, *args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.dump() == before


def test_usage_errors(crm):
    crm("user", "add", "x", code=2)  # --role is required
    crm("user", "frobnicate", code=2)
