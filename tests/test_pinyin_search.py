"""``--search`` by pinyin (issue 16, SPEC §7): 深圳市华晨电子 is found by ``huachen``,
``hc`` or ``szshcdz`` (the first letter of each syllable), and a customer by the pinyin of
a contact's name; the pinyin is written with the customer, so the search stays one scan."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from crmcli.searching import fold_search, pinyin, search_needles, search_text
from tests.conftest import ROOT

HUACHEN = "深圳市华晨电子有限公司"


def names(crm, *args: str) -> list[str]:
    return [c["name"] for c in crm.json("customer", "list", *args)]


@pytest.fixture
def demo(crm):
    crm("init", "--demo")


def test_the_demo_book_is_found_by_full_pinyin_and_initials(crm, demo):
    assert names(crm, "--search", "huachen") == [HUACHEN]
    assert names(crm, "--search", "szshcdz") == [HUACHEN]  # SPEC's example
    assert names(crm, "--search", "shenzhenshihuachendianzi") == [HUACHEN]
    assert HUACHEN in names(crm, "--search", "hc")
    # as typed: capitals, spaces or apostrophes between syllables, full-width letters
    assert names(crm, "--search", "HuaChen") == [HUACHEN]
    assert names(crm, "--search", "hua chen") == [HUACHEN]
    assert names(crm, "--search", "hua'chen") == [HUACHEN]
    assert names(crm, "--search", "ＳＺＳＨＣＤＺ") == [HUACHEN]
    # what was found before still is
    assert names(crm, "--search", "华晨") == [HUACHEN]
    assert names(crm, "--search", "zzzzqx") == []
    # the table, as a salesperson sees it
    assert HUACHEN in crm("customer", "list", "--search", "huachen").stdout


def test_polyphones_are_read_as_in_the_phrase(crm, demo):
    """重庆 is chongqing (重 alone: zhong), 长沙 changsha (长 alone: zhang), 成都 chengdu,
    厦门 xiamen: pypinyin's phrase dictionary, not each character's first reading."""
    for chinese, spelled, misread in [
        ("重庆", "chongqing", "zhongqing"),
        ("长沙", "changsha", "zhangsha"),
        ("成都", "chengdu", "chengdou"),
        ("厦门", "xiamen", "shamen"),
    ]:
        assert names(crm, "--search", spelled) == names(crm, "--search", chinese) != [], chinese
        assert names(crm, "--search", misread) == []
    assert names(crm, "--search", "cqscwd") == ["重庆山城味道餐饮连锁有限公司"]


def test_a_contacts_name_finds_its_customer_by_pinyin(crm):
    crm("customer", "add", "华南零售")
    crm("customer", "add", "Beta Ltd")
    crm("contact", "add", "华南零售", "王小明")
    assert names(crm, "--search", "wangxiaoming") == ["华南零售"]
    assert names(crm, "--search", "wxm") == ["华南零售"]
    crm("contact", "add", "Beta Ltd", "欧阳娜娜")
    assert names(crm, "--search", "ouyang") == ["Beta Ltd"]
    assert names(crm, "--search", "oynn") == ["Beta Ltd"]
    crm("contact", "edit", "王小明", "--name", "李娜")
    assert names(crm, "--search", "wangxiaoming") == []
    assert names(crm, "--search", "lina") == ["华南零售"]
    crm("contact", "delete", "李娜", "--yes")
    assert names(crm, "--search", "lina") == []
    assert names(crm, "--search", "hnls") == ["华南零售"]


def test_an_edited_name_is_found_by_its_new_pinyin(crm, db):
    crm("customer", "add", "杭州明远科技有限公司")
    assert names(crm, "--search", "mingyuan") == ["杭州明远科技有限公司"]
    crm("customer", "edit", "C000001", "--name", "重庆银行股份有限公司")
    assert names(crm, "--search", "mingyuan") == []
    assert names(crm, "--search", "chongqingyinhang") == ["重庆银行股份有限公司"]
    assert names(crm, "--search", "cqyh") == ["重庆银行股份有限公司"]
    stored = db.scalar("SELECT search_text FROM customer")
    assert stored.split("\n")[-2:] == ["chongqingyinhanggufenyouxiangongsi", "cqyhgfyxgs"]


def test_imported_customers_and_contacts_are_found_by_pinyin(crm, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_text(
        "客户名称,联系人,联系电话\n"
        "重庆渝信小额贷款有限公司,张伟,023-6388 1234\n"
        "ACME 华东分公司,,021-5555 0000\n",
        encoding="utf-8",
    )
    crm("customer", "import", str(path))
    assert names(crm, "--search", "yuxin") == ["重庆渝信小额贷款有限公司"]
    assert names(crm, "--search", "cqyx") == ["重庆渝信小额贷款有限公司"]
    assert names(crm, "--search", "zhangwei") == ["重庆渝信小额贷款有限公司"]
    # Latin letters stay in the pinyin as they are
    assert names(crm, "--search", "acmehuadong") == ["ACME 华东分公司"]
    assert names(crm, "--search", "acmehdfgs") == ["ACME 华东分公司"]
    # a second file adds a contact to a customer already in the book
    again = tmp_path / "again.csv"
    again.write_text(
        "客户名称,联系人,联系电话\n重庆渝信小额贷款有限公司,刘洋,023-6388 1234\n",
        encoding="utf-8",
    )
    crm("customer", "import", str(again))
    assert names(crm, "--search", "liuyang") == ["重庆渝信小额贷款有限公司"]


def test_references_are_resolved_as_before(crm, demo):
    """``customer show REF`` still takes a code or a name, not pinyin: a name in pinyin
    could name many customers (``--search`` lists them)."""
    assert crm.json("customer", "show", HUACHEN)["name"] == HUACHEN
    assert crm.json("customer", "show", "C000001")["name"] == HUACHEN
    assert "no customer 'huachen'" in crm("customer", "show", "huachen", code=1).stderr


def test_old_books_are_back_filled_by_the_migration(crm, db, db_url):
    from crmcli.db import Database
    from crmcli.migrate import upgrade

    crm("customer", "add", HUACHEN, "--phone", "0755-8960 6110")
    crm("customer", "add", "Beta Ltd")
    crm("contact", "add", "Beta Ltd", "王小明")
    crm("contact", "add", "Beta Ltd", "李娜")
    crm("contact", "delete", "李娜", "--yes")
    crm("customer", "delete", "Beta Ltd", "--yes")
    written = {r["id"]: r["search_text"] for r in db.rows("SELECT id, search_text FROM customer")}
    head = db.scalar("SELECT version_num FROM alembic_version")
    # the book as the crm before wrote it: no pinyin, and one customer never indexed
    db.execute(
        "UPDATE customer SET search_text = :t WHERE id = 1",
        t=f"c000001\n{HUACHEN}\n0755-8960 6110\n075589606110",
    )
    db.execute("UPDATE customer SET search_text = NULL WHERE id = 2")
    assert names(crm, "--search", "huachen") == []
    # upgraded by the revision (alone: the schema is already the later revisions')
    db.execute("UPDATE alembic_version SET version_num = 'i13_utf8_json'")
    database = Database(db_url)
    assert upgrade(database, target="i16_pinyin_search")[1] == "i16_pinyin_search"
    database.dispose()
    db.execute("UPDATE alembic_version SET version_num = :v", v=head)
    after = {r["id"]: r["search_text"] for r in db.rows("SELECT id, search_text FROM customer")}
    assert after == written  # exactly as crm writes it now
    assert after[1].endswith("\nshenzhenshihuachendianziyouxiangongsi\nszshcdzyxgs")
    assert after[2] == "c000002\nbeta ltd\n王小明\nwangxiaoming\nwxm"  # live contacts only
    assert names(crm, "--search", "huachen") == [HUACHEN]
    assert names(crm, "--search", "wxm", "--deleted") == ["Beta Ltd"]


# -- the search text itself ---------------------------------------------------------------


def test_the_search_text_appends_pinyin_of_the_name_and_contact_names():
    text = search_text(
        code="C000001",
        name="深圳市华晨电子",
        phone="0755-8960 6110",
        phone_key="075589606110",
        email="Info@HuaChen.cn",
        contacts=iter(["王小明", "Mary Lee", "欧阳娜娜"]),
    )
    assert text.split("\n") == [
        "c000001",
        "深圳市华晨电子",
        "0755-8960 6110",
        "075589606110",
        "info@huachen.cn",
        "王小明",
        "mary lee",
        "欧阳娜娜",
        "shenzhenshihuachendianzi",
        "szshcdz",
        "wangxiaoming",
        "wxm",
        "ouyangnana",
        "oynn",
    ]
    # an English book pays nothing: no pinyin, and pypinyin is not even needed
    assert search_text(code="C1", name="ACME", phone=None, phone_key=None, email=None) == "c1\nacme"


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("深圳市华晨电子", "shenzhenshihuachendianzi", "szshcdz"),
        ("重庆银行长沙分行", "chongqingyinhangchangshafenhang", "cqyhcsfh"),
        ("绿地集团", "lvdijituan", "ldjt"),  # ü as v, as pypinyin writes it without tones
        ("华为技术（深圳）有限公司", "huaweijishushenzhenyouxiangongsi", "hwjsszyxgs"),
        ("云帆crm专业版（20用户）", "yunfancrmzhuanyeban20yonghu", "yfcrmzyb20yh"),
        ("abc", None, None),
        ("müller gmbh", None, None),
    ],
)
def test_pinyin_forms(name, full, initials):
    assert pinyin(name) == (None if full is None else (full, initials))


def test_pinyin_reads_as_pypinyin_does():
    """The fast reading (a table per character, phrases only where a character may read
    otherwise) gives what ``pypinyin.lazy_pinyin`` gives, phrase by phrase."""
    import re

    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    rnd = random.Random(16)
    phrases = [p for p in PHRASES_DICT if len(p) <= 4]
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    texts = []
    for _ in range(3000):
        parts = [rnd.choice(phrases) for _ in range(rnd.randint(1, 4))]
        if rnd.random() < 0.4:
            parts.insert(rnd.randrange(len(parts) + 1), rnd.choice(chars))
        if rnd.random() < 0.2:
            parts.insert(rnd.randrange(len(parts) + 1), rnd.choice(["abc", "（", "12", " ", "·"]))
        texts.append(fold_search("".join(parts)))

    def plain(syllables: list[str]) -> str:
        return re.sub(r"[\W_]+", "", "".join(syllables))

    for text in texts:
        expected = (plain(lazy_pinyin(text)), plain(lazy_pinyin(text, style=Style.FIRST_LETTER)))
        assert pinyin(text) == expected, text


def test_search_needles():
    assert search_needles(" HuaChen ") == ["huachen"]
    assert search_needles("Hua Chen") == ["hua chen", "huachen"]
    assert search_needles("xi'an") == ["xi'an", "xian"]
    assert search_needles("0755 8960") == ["0755 8960"]
    assert search_needles("华晨") == ["华晨"]


# -- what it costs ------------------------------------------------------------------------


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [["--help"], ["customer", "list"], ["customer", "list", "--search", "huachen", "-f", "json"]],
)
def test_help_and_reading_do_not_import_pypinyin(crm, args):
    crm("customer", "add", HUACHEN)
    code = (
        "import sys; from crmcli.cli import run\n"
        f"sys.argv = ['crm', *{args!r}]\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('PYPINYIN', 'pypinyin' in sys.modules)"
    )
    result = python(code)
    assert "PYPINYIN False" in result.stdout, result.stdout + result.stderr


def test_the_tables_are_cached_per_user_and_rebuilt_when_unreadable(tmp_path):
    """Built from pypinyin once, then read from the cache folder without importing it."""
    code = (
        "import sys; from crmcli.searching import pinyin\n"
        "print(pinyin('重庆银行长沙分行'), 'pypinyin' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path)}

    def run() -> str:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    spelled = "('chongqingyinhangchangshafenhang', 'cqyhcsfh')"
    assert run() == f"{spelled} True"
    cached = tmp_path / "crmcli" / "pinyin.marshal"
    assert cached.stat().st_size > 0
    assert run() == f"{spelled} False"
    cached.write_bytes(b"not the tables")
    assert run() == f"{spelled} True"
    assert run() == f"{spelled} False"
