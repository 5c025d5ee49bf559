"""``crm customer dedupe`` and ``merge``: finding and joining customers entered twice."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from crmcli.services.archive.dedupe import name_key


def test_name_key_folds_forms_and_company_suffixes():
    assert name_key("厦门市海晟贸易有限公司") == name_key("厦门海晟贸易有限公司") == "厦门海晟贸易"
    assert name_key("杭州明远科技") == name_key("杭州明远科技股份有限公司")
    assert name_key("ＡＣＭＥ Co., Ltd.") == name_key("Acme Limited") == "acme"
    assert name_key("有限公司") and name_key("Co.") == "co"  # never empty


def test_alike_names_share_at_least_the_bigrams_the_blocking_counts_on():
    """The prefix filter's promise, on random names and random changes to them."""
    from collections import Counter

    from rapidfuzz.distance import Indel

    from crmcli.services.archive.dedupe import min_shared_bigrams

    def bigrams(text: str) -> Counter:
        return Counter(text[i : i + 2] for i in range(len(text) - 1))

    rnd = random.Random(13)
    for _ in range(3000):
        a = "".join(rnd.choice("华东精工机械") for _ in range(rnd.randrange(1, 14)))
        b = list(a)
        for _ in range(rnd.randrange(1, 4)):
            at = rnd.randrange(len(b) + 1)
            change = rnd.choice(("drop", "add", "swap"))
            if change == "drop" and at < len(b):
                del b[at]
            elif change == "swap" and at + 1 < len(b):
                b[at], b[at + 1] = b[at + 1], b[at]
            else:
                b.insert(at, rnd.choice("华东精工机械"))
        b = "".join(b)
        shared = sum((bigrams(a) & bigrams(b)).values())
        for cutoff in (0.6, 0.75, 0.8, 0.85, 0.9, 0.95):
            if Indel.normalized_similarity(a, b) >= cutoff:
                assert shared >= min_shared_bigrams(len(a), cutoff), (a, b, cutoff)
                assert shared >= min_shared_bigrams(len(b), cutoff), (a, b, cutoff)


def test_the_demo_books_two_pairs_are_found_with_their_evidence(crm):
    crm("init", "--demo")
    pairs = crm.json("customer", "dedupe")
    assert [(p["a"], p["b"], p["reasons"]) for p in pairs] == [
        ("C000003", "C000068", ["phone", "name"]),
        ("C000016", "C000069", ["email", "name"]),
    ]
    assert all(p["score"] == 100 for p in pairs)
    assert pairs[0]["a_name"] == "杭州明远科技有限公司" and pairs[0]["b_name"] == "杭州明远科技"
    table = crm("--lang", "zh", "customer", "dedupe").stdout
    assert "电话, 名称" in table and "邮箱, 名称" in table and "crm customer merge" in table


def test_scores_thresholds_and_evidence(crm):
    crm("customer", "add", "华东精工机械有限公司")
    crm("customer", "add", "华东精工机械股份有限公司")
    crm("customer", "add", "华南精工机械", "--phone", "0571-1111 2222")
    crm("customer", "add", "完全不同的名字", "--phone", "(0571) 11112222", "--email", "a@b.cn")
    crm("customer", "add", "另一个名字", "--email", "A@B.CN")
    pairs = {(p["a"], p["b"]): p for p in crm.json("customer", "dedupe")}
    assert pairs[("C000001", "C000002")]["reasons"] == ["name"]
    assert pairs[("C000001", "C000002")]["score"] == 100
    assert pairs[("C000003", "C000004")]["reasons"] == ["phone"]
    assert pairs[("C000004", "C000005")]["reasons"] == ["email"]
    assert ("C000001", "C000003") not in pairs  # 华东 / 华南: 83, under 90
    loose = {(p["a"], p["b"]) for p in crm.json("customer", "dedupe", "--threshold", "80")}
    assert ("C000001", "C000003") in loose
    scores = [p["score"] for p in crm.json("customer", "dedupe")]
    assert scores == sorted(scores, reverse=True)
    assert len(crm.json("customer", "dedupe", "--limit", "1")) == 1
    for bad, message in (("101", "between 0 and 100"), ("high", "invalid number 'high'")):
        assert message in crm("customer", "dedupe", "--threshold", bad, code=1).stderr


def test_dedupe_sees_only_live_customers_in_the_users_scope(crm, db):
    crm("init")
    db.execute(
        "INSERT INTO app_user (username, role, active) VALUES ('a', 'sales', true), ('b', 'sales', true)"
    )
    crm("--user", "a", "customer", "add", "同一家公司", "--phone", "12345678")
    crm("--user", "b", "customer", "add", "同一家公司", "--phone", "12345678")
    crm("--user", "a", "customer", "add", "同一家公司有限公司")
    assert [(p["a"], p["b"]) for p in crm.json("--user", "a", "customer", "dedupe")] == [
        ("C000001", "C000003")
    ]
    crm("--user", "a", "customer", "delete", "C000003", "--yes")
    assert crm.json("--user", "a", "customer", "dedupe") == []


@pytest.fixture
def pair(crm, db):
    """Two records of one company, each with records of every kind hanging under it."""
    crm(
        "customer",
        "add",
        "杭州明远科技有限公司",
        "--phone",
        "0571-8821 6630",
        "--level",
        "gold",
        "--tags",
        "重点客户",
        "--set",
        "法人=张三",
    )
    crm(
        "customer",
        "add",
        "杭州明远科技",
        "--phone",
        "(0571) 88216630",
        "--email",
        "info@my.cn",
        "--city",
        "杭州",
        "--level",
        "silver",
        "--tags",
        "华东区,重点客户",
        "--set",
        "法人=李四",
        "--set",
        "开票类型=专票",
    )
    crm("contact", "add", "C000002", "王芳", "--title", "采购经理")
    db.execute(
        "INSERT INTO interaction (customer_id, contact_id, occurred_at, channel, summary) VALUES (2, 1, '2026-01-05 10:00:00', 'visit', '拜访')"
    )
    db.execute(
        "INSERT INTO followup (customer_id, due_at, kind, status) VALUES (2, '2026-02-01 09:00:00', 'call', 'pending')"
    )
    db.execute(
        "INSERT INTO opportunity (customer_id, title, stage, probability, probability_manual) VALUES (2, 'ERP', 'lead', 10, false)"
    )
    db.execute(
        "INSERT INTO sales_order (customer_id, ordered_on, status, total) VALUES (2, '2026-01-10', 'confirmed', 100000)"
    )
    db.execute("INSERT INTO contract (customer_id, title, amount) VALUES (2, '年度合同', 100000)")
    db.execute(
        "INSERT INTO ticket (customer_id, kind, subject, priority, status, opened_at) VALUES (2, 'repair', '服务器故障', 'high', 'open', '2026-01-11 09:00:00')"
    )
    return crm


def test_merge_moves_everything_fills_empty_fields_and_deletes_the_duplicate(pair, db):
    result = pair("customer", "merge", "C000001", "C000002", "--yes")
    assert "Merged C000002 杭州明远科技 into C000001 杭州明远科技有限公司" in result.stdout
    assert "1 contacts" in result.stdout and "1 interactions" in result.stdout
    for table in (
        "contact",
        "interaction",
        "followup",
        "opportunity",
        "sales_order",
        "contract",
        "ticket",
    ):
        assert db.scalar(f"SELECT customer_id FROM {table}") == 1, table
    keep = db.one(
        "SELECT email, email_key, city, level, tags, extra, phone, deleted_at FROM customer WHERE id = 1"
    )
    assert (
        keep["email"] == "info@my.cn"
        and keep["email_key"] == "info@my.cn"
        and keep["city"] == "杭州"
    )
    assert keep["level"] == "gold" and keep["phone"] == "0571-8821 6630"  # KEEP's values stay
    assert keep["tags"] == "重点客户,华东区" and keep["deleted_at"] is None
    assert json.loads(keep["extra"]) == {"法人": "张三", "开票类型": "专票"}
    assert db.scalar("SELECT deleted_at FROM customer WHERE id = 2") is not None
    assert [c["code"] for c in pair.json("customer", "list", "--search", "王芳")] == ["C000001"]
    entries = db.rows(
        "SELECT entity_id, action, changes FROM audit_entry WHERE action = 'merge' ORDER BY entity_id"
    )
    assert [e["entity_id"] for e in entries] == [1, 2]
    changes = json.loads(entries[0]["changes"])
    assert changes["merged"] == [None, "C000002"] and changes["email"] == [None, "info@my.cn"]
    assert changes["moved"][1]["contact"] == 1
    assert json.loads(entries[1]["changes"])["merged_into"] == [None, "C000001"]
    assert pair.json("customer", "dedupe") == []


def test_merge_asks_first_and_refuses_what_makes_no_sense(pair, db):
    before = db.dump()
    assert "Aborted" in pair("customer", "merge", "C000001", "C000002", input="n\n", code=1).stderr
    assert "into itself" in pair("customer", "merge", "C000001", "1", "--yes", code=1).stderr
    assert (
        "no customer 'C000009'"
        in pair("customer", "merge", "C000001", "C000009", "--yes", code=1).stderr
    )
    assert db.dump() == before
    pair("customer", "delete", "C000002", "--yes")
    assert "is deleted" in pair("customer", "merge", "C000001", "C000002", "--yes", code=1).stderr
    pair("customer", "restore", "C000002")
    merged = pair("customer", "merge", "C000001", "C000002", "--yes", "-f", "json")
    done = json.loads(merged.stdout)
    assert done["keep"] == "C000001" and done["drop"] == "C000002" and "email" in done["filled"]


def test_merge_respects_ownership(pair, db):
    db.execute(
        "INSERT INTO app_user (username, role, active) VALUES ('a', 'sales', true), ('b', 'sales', true)"
    )
    db.execute("UPDATE customer SET owner_id = 2 WHERE id = 2")
    before = db.dump()
    result = pair("--user", "a", "customer", "merge", "C000001", "C000002", "--yes", code=1)
    assert "no customer 'C000002'" in result.stderr  # b's customer: out of a's sight
    assert db.dump() == before


def test_a_contact_on_both_becomes_one(pair, db):
    pair("contact", "add", "C000001", "王 芳", "--mobile", "139 0000 1111")  # the same person
    pair("contact", "add", "C000001", "赵六")
    result = pair("customer", "merge", "C000001", "C000002", "--yes")
    assert "Contacts on both, now one: 王 芳" in result.stdout
    people = db.rows("SELECT id, name, title, mobile, deleted_at FROM contact ORDER BY id")
    live = [(p["name"], p["title"], p["mobile"]) for p in people if p["deleted_at"] is None]
    assert live == [("王 芳", "采购经理", "139 0000 1111"), ("赵六", None, None)]
    assert db.scalar("SELECT contact_id FROM interaction") == 2  # now the kept 王 芳
    shown = pair.json("customer", "show", "C000001")["contacts"]
    assert [c["name"] for c in shown] == ["王 芳", "赵六"]


def _bulk_customers(crm, db, names: list[str]) -> None:
    """A book of ``names`` (codes C000001 ...), inserted in one go."""
    from sqlalchemy import text

    crm("init")
    rows = [
        {"code": f"C{i:06d}", "name": name, "kind": "company", "level": "regular", "status": "lead"}
        for i, name in enumerate(names, 1)
    ]
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO customer (code, name, kind, level, status) "
                "VALUES (:code, :name, :kind, :level, :status)"
            ),
            rows,
        )


def test_names_made_only_of_common_words_are_still_compared(crm, db):
    """Every character pair of 华东精工机械制造 is shared by more than BLOCK_LIMIT names
    (科技, 贸易 on a big book); its near duplicates are found all the same, and names
    that merely share words with them are not listed."""
    from crmcli.services.archive.dedupe import BLOCK_LIMIT

    words = [
        "".join(w)
        for w in itertools.product("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥", repeat=2)
    ]
    words = words[: BLOCK_LIMIT + 50]
    names = [f"华东精工{w}有限公司" for w in words]  # 华东, 东精, 精工
    names += [f"{w}精工机械科技有限公司" for w in words]  # 精工, 工机, 机械, 械科, 科技
    names += [f"{w}机械制造科技有限公司" for w in words]  # 机械, 械制, 制造, 造科, 科技
    names += ["华东精工机械制造有限公司", "华东精工机械制造厂", "华东精工机械制造集团有限公司"]
    _bulk_customers(crm, db, names)
    a, b, c = (f"C{i:06d}" for i in range(len(names) - 2, len(names) + 1))
    found = crm.json("customer", "dedupe")
    assert [(p["a"], p["b"], p["reasons"], p["score"]) for p in found] == [
        (a, c, ["name"], 100),  # the same name once folded
        (a, b, ["name"], 94),  # a character more
        (b, c, ["name"], 94),
    ]


def test_names_sharing_words_are_not_pairs(crm):
    for name in (
        "明远贸易有限公司",
        "明远精密仪器制造有限公司",
        "杭州明远",
        "上海贸易商行",
        "远明贸易",
    ):
        crm("customer", "add", name)
    assert crm.json("customer", "dedupe") == []
    assert [(p["a"], p["b"]) for p in crm.json("customer", "dedupe", "--threshold", "60")] == [
        ("C000001", "C000005")  # 明远贸易 / 远明贸易: 75
    ]
