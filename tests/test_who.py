"""``crm who PHONE``: a caller found by any shape of the number, the head of the card,
permissions, ``--log``, the sqlite3 fast path, and the back-fill of the phone tails."""

from __future__ import annotations

import pytest

from crmcli.services.archive.phones import caller_key, same_line
from crmcli.services.desk import who as who_service
from tests.books import prebuilt

SHAPE = [
    "customer_code",
    "customer_name",
    "contact",
    "matched",
    "level",
    "owner",
    "last_contacts",
    "open_opportunities",
    "pending_followups",
    "open_tickets",
]


def _book(crm, db):
    crm("customer", "add", "北京华晨电子", "--phone", "+86 138-0013-8000", "--level", "gold")
    crm("customer", "add", "杭州明远科技", "--phone", "0571-8821 6630", "--fax", "0571 8821 6631")
    crm(
        "contact",
        "add",
        "杭州明远科技",
        "周明",
        "--mobile",
        "139 1234 5678",
        "--phone",
        "8821 6639",
    )
    crm("customer", "add", "上海港联物流", "--phone", "021-6432 1000")
    crm("log", "杭州明远科技", "-c", "phone", "-s", "询问报价", "--contact", "周明")
    crm("log", "杭州明远科技", "-c", "visit", "-s", "上门演示", "-r", "客户满意")
    crm("opportunity", "add", "杭州明远科技", "ERP 升级", "--amount", "120000")
    crm("followup", "add", "杭州明远科技", "--due", "+3d", "--note", "发送报价单")
    crm("ticket", "open", "杭州明远科技", "--kind", "complaint", "--subject", "发货太慢")


book = prebuilt("who", _book)


def codes(crm, number, *args):
    return [
        (m["customer_code"], m["contact"], m["matched"]) for m in crm.json("who", number, *args)
    ]


@pytest.mark.parametrize(
    ("number", "found"),
    [
        ("+86 138-0013-8000", ("C000001", None, "phone")),
        ("13800138000", ("C000001", None, "phone")),
        ("0086 138 0013 8000", ("C000001", None, "phone")),
        ("8613800138000", ("C000001", None, "phone")),
        ("8821 6630", ("C000002", None, "phone")),  # without the area code
        ("0571 8821 6630", ("C000002", None, "phone")),
        ("+86 571 88216630", ("C000002", None, "phone")),
        ("057188216631", ("C000002", None, "fax")),
        ("+86 139 1234 5678", ("C000002", "周明", "mobile")),
        ("0571-88216639", ("C000002", "周明", "phone")),  # the contact's has no area code
    ],
)
def test_a_number_in_any_shape_finds_its_owner(crm, book, number, found):
    assert codes(crm, number) == [found]


def test_a_mobile_matches_only_whole_and_short_tails_do_not_match(crm, book):
    crm("who", "12345678", "-f", "json", code=1)  # the end of 139 1234 5678
    crm("who", "6630", "-f", "json", code=1)  # fewer than 7 digits
    assert same_line("0571-8821 6630", caller_key("88216630"))
    assert not same_line("139 1234 5678", caller_key("12345678"))


def test_json_has_the_head_of_the_card(crm, book):
    [match] = crm.json("who", "88216630")
    assert list(match) == SHAPE
    assert match["customer_name"] == "杭州明远科技" and match["level"] == "regular"
    assert match["owner"] is None
    assert [c["summary"] for c in match["last_contacts"]] == ["上门演示", "询问报价"]
    assert match["last_contacts"][1]["contact"] == "周明"
    assert match["last_contacts"][1]["channel"] == "phone"
    [deal] = match["open_opportunities"]
    assert deal["code"] == "O000001" and deal["amount"] == 120000
    [touch] = match["pending_followups"]
    assert touch["note"] == "发送报价单" and touch["due_at"].endswith(":00")
    [ticket] = match["open_tickets"]
    assert ticket["code"] == "T000001" and ticket["subject"] == "发货太慢"


def test_nobody_is_an_empty_list_and_exit_1(crm, book):
    result = crm("who", "0999 1234 567", "-f", "json", code=1)
    assert result.stdout.strip() == "[]"
    assert "nobody has the number 0999 1234 567" in result.stderr


def test_deleted_customers_and_contacts_are_not_found(crm, book):
    crm("customer", "delete", "上海港联物流", "--yes")
    crm("who", "64321000", "-f", "json", code=1)


def test_the_table_in_chinese(crm, book):
    out = crm("--lang", "zh", "who", "139-1234-5678").stdout
    for text in (
        "杭州明远科技 · 周明",
        "联系人",
        "手机",
        "最近接触",
        "进行中的销售机会",
        "待办跟进",
        "未结工单",
    ):
        assert text in out
    assert "发货太慢" in out and "ERP 升级" in out


def test_the_fast_path_gives_what_the_full_path_gives(crm, book, monkeypatch):
    fast = crm("who", "88216630", "-f", "json").stdout
    monkeypatch.setattr(who_service, "fast", lambda **kw: None)
    assert crm("who", "88216630", "-f", "json").stdout == fast


def test_edits_keep_the_tails_current(crm, book, db):
    crm("contact", "edit", "周明", "--mobile", "137 0000 1111")
    crm("who", "13912345678", "-f", "json", code=1)
    assert codes(crm, "13700001111") == [("C000002", "周明", "mobile")]
    crm("customer", "edit", "北京华晨电子", "--fax", "010-6552 1234")
    assert codes(crm, "65521234") == [("C000001", None, "fax")]
    assert db.scalar("SELECT fax_tail FROM customer WHERE code = 'C000001'") == "5521234"


def test_imported_customers_and_contacts_are_found(crm, tmp_path):
    file = tmp_path / "in.csv"
    file.write_text(
        "客户名称,电话,传真,联系人,手机\n苏州精工机械,0512-6655 1234,0512-6655 1235,钱伟,15912340000\n",
        encoding="utf-8",
    )
    crm("customer", "import", str(file))
    assert codes(crm, "66551234") == [("C000001", None, "phone")]
    assert codes(crm, "66551235") == [("C000001", None, "fax")]
    assert codes(crm, "+86 159 1234 0000") == [("C000001", "钱伟", "mobile")]


def test_a_merge_leaves_the_kept_customer_found_by_the_numbers_it_took(crm):
    crm("customer", "add", "苏州精工机械", "--email", "info@jinggong.cn")
    crm("contact", "add", "苏州精工机械", "钱伟")
    crm("customer", "add", "苏州精工机械有限公司", "--phone", "0512-6655 1234")
    crm("customer", "add", "苏州精工机械有限公司", "--fax", "0512-6655 1235", code=0)
    crm("contact", "add", "C000002", "钱伟", "--mobile", "159 1234 0000")
    crm("customer", "merge", "C000001", "C000002", "--yes")
    assert codes(crm, "66551234") == [("C000001", None, "phone")]
    assert codes(crm, "+86 159 1234 0000") == [("C000001", "钱伟", "mobile")]


def test_an_undone_import_is_not_found_by_the_numbers_it_wrote(crm, tmp_path):
    crm("customer", "add", "苏州精工机械", "--phone", "0512-6655 1234")
    crm("contact", "add", "苏州精工机械", "钱伟", "--mobile", "159 1234 0000")
    file = tmp_path / "in.csv"
    file.write_text(
        "客户编号,客户名称,电话,联系人,手机\nC000001,苏州精工机械,0512-6655 9999,钱伟,13712340000\n",
        encoding="utf-8",
    )
    crm("customer", "import", str(file), "--match", "code")
    assert codes(crm, "66559999") == [("C000001", None, "phone")]
    assert codes(crm, "13712340000") == [("C000001", "钱伟", "mobile")]
    crm("customer", "import", "--undo", "1")
    assert codes(crm, "66551234") == [("C000001", None, "phone")]
    assert codes(crm, "15912340000") == [("C000001", "钱伟", "mobile")]
    crm("who", "66559999", "-f", "json", code=1)
    crm("who", "13712340000", "-f", "json", code=1)


@pytest.fixture
def team(crm):
    crm("user", "add", "admin", "--role", "admin")
    for name, role in (("liuyang", "sales"), ("chenjing", "sales"), ("zhaolei", "service")):
        crm("--user", "admin", "user", "add", name, "--role", role)
    crm("--user", "chenjing", "customer", "add", "陈静的客户", "--phone", "0571-8888 0002")
    crm("--user", "liuyang", "customer", "add", "刘洋的客户", "--phone", "0571-8888 0001")
    crm("--user", "admin", "customer", "add", "公共客户", "--phone", "0571-8888 0003")
    return crm


def test_a_salesperson_does_not_find_anothers_customer(team):
    result = team("--user", "liuyang", "who", "88880002", "-f", "json", code=1)
    assert result.stdout.strip() == "[]"
    assert [m["customer_code"] for m in team.json("--user", "liuyang", "who", "88880001")] == [
        "C000002"
    ]
    team("--user", "liuyang", "who", "88880003", "-f", "json", code=1)  # the admin's own
    [mine] = team.json("--user", "chenjing", "who", "0571 8888 0002")
    assert mine["owner"] == "chenjing"
    assert team.json("--user", "zhaolei", "who", "88880002")[0]["customer_code"] == "C000001"


def test_log_records_the_inbound_call(crm, book, db):
    out = crm("who", "+86 139 1234 5678", "--log", "-s", "问交货期", "--outcome", "已答复")
    assert "Logged the call with C000002 杭州明远科技" in out.stderr
    row = db.one(
        "SELECT i.channel, i.summary, i.result, k.name AS contact FROM interaction i"
        " JOIN contact k ON k.id = i.contact_id WHERE i.summary = '问交货期'"
    )
    assert row == {"channel": "phone", "summary": "问交货期", "result": "已答复", "contact": "周明"}
    [match] = crm.json("who", "13912345678")
    assert match["last_contacts"][0]["summary"] == "问交货期"


def test_a_bad_next_is_one_error_in_the_users_language(crm, book, db):
    before = db.dump()
    args = ("who", "13912345678", "--log", "-s", "x", "--next", "bogus")
    err = crm("--lang", "zh", *args, code=1).stderr
    assert "无效的 --next 'bogus'：可用 日期或 auto（自动）" in err
    assert "DATE" not in err and " or " not in err
    assert "invalid --next 'bogus': use DATE or auto" in crm(*args, code=1).stderr
    err = crm("--lang", "zh", "followup", "done", "1", "--next", "later", code=1).stderr
    assert "可用 日期、auto（自动）或 none（无）" in err
    assert db.dump() == before


def test_log_without_summary_and_by_service_staff(team, db):
    team("--user", "zhaolei", "who", "88880002", "--log")
    assert db.scalar("SELECT summary FROM interaction") == "Inbound call from 88880002"
    team("--user", "liuyang", "who", "88880002", "--log", code=1)  # not hers to see
    team("who", "88880002", "-s", "x", code=1)  # --summary without --log


def test_backfill_of_the_tails_on_upgrade(crm, book, db, db_url):
    from alembic import command
    from sqlalchemy import create_engine

    from crmcli.db import HEAD
    from crmcli.migrate import alembic_config

    engine = create_engine(db_url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "i15_marketing_opt_out")
    engine.dispose()
    assert codes(crm, "0571 8821 6631") == [("C000002", None, "fax")]  # upgraded on open
    assert db.scalar("SELECT version_num FROM alembic_version") == HEAD
    assert db.scalar("SELECT mobile_tail FROM contact") == "2345678"
