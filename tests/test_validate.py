"""The validators every option and every imported cell goes through."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmcli.errors import Invalid
from crmcli.validate import (
    email_key,
    parse_date,
    parse_datetime,
    parse_email,
    parse_int,
    parse_money,
    parse_phone,
    parse_tags,
    phone_key,
)
from crmcli.vocab import LEVEL, SOURCE

BASE = datetime(2026, 1, 31, 15, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("2026/3/1", date(2026, 3, 1)),
        ("2026.3.1", date(2026, 3, 1)),
        ("2026年3月1日", date(2026, 3, 1)),
        ("２０２６年３月１日", date(2026, 3, 1)),
        (" 2026-03-01 ", date(2026, 3, 1)),
        ("today", date(2026, 1, 31)),
        ("Tomorrow", date(2026, 2, 1)),
        ("yesterday", date(2026, 1, 30)),
        ("今天", date(2026, 1, 31)),
        ("+3d", date(2026, 2, 3)),
        ("-2w", date(2026, 1, 17)),
        ("+1m", date(2026, 2, 28)),  # month end, not an error
        ("+1y", date(2027, 1, 31)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text, base=BASE) == expected


def test_datetimes():
    assert parse_datetime("2026-03-01 14:30", base=BASE) == datetime(2026, 3, 1, 14, 30)
    assert parse_datetime("2026-03-01T14:30:05", base=BASE) == datetime(2026, 3, 1, 14, 30, 5)
    assert parse_datetime("2026年3月1日 9时30分", base=BASE) == datetime(2026, 3, 1, 9, 30)
    assert parse_datetime("2026-03-01", base=BASE) == datetime(2026, 3, 1)  # local midnight
    assert parse_datetime("+4h", base=BASE) == datetime(2026, 1, 31, 19, 30)
    assert parse_datetime("today", base=BASE) == datetime(2026, 1, 31)


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "03/04/2026", "next week", "", "+3x", "2026"]
)
def test_bad_dates_name_the_value(text):
    with pytest.raises(Invalid, match="invalid date"):
        parse_date(text, base=BASE)


def test_money_is_exact():
    assert parse_money("12800") == Decimal("12800.00")
    assert parse_money("12,800.5") == Decimal("12800.50")
    assert parse_money("¥ 1,000") == Decimal("1000.00")
    assert parse_money("１２３.４５") == Decimal("123.45")
    assert parse_money("1.28万") == Decimal("12800.00")
    assert parse_money("3元") == Decimal("3.00")
    # as other systems export amounts: currency signs and codes, separators (SPEC §7)
    assert parse_money("$139,000,000") == Decimal("139000000.00")
    assert parse_money("￥1,200,000.00") == Decimal("1200000.00")
    assert parse_money("RMB 5,000") == parse_money("5000 CNY") == Decimal("5000.00")
    assert parse_money("US$ 12.5") == parse_money("€12.50") == Decimal("12.50")
    assert parse_money("GBP 12.5M") == Decimal("12500000.00")
    assert parse_money("850K") == parse_money("850k") == Decimal("850000.00")
    assert parse_money("1.2bn") == Decimal("1200000000.00")
    for bad in ("1.234", "abc", "", "1e400", "NaN", "$", "$$5", "5$5", "RMB", "5X", "M"):
        with pytest.raises(Invalid):
            parse_money(bad)


def test_ints():
    assert parse_int("1,200", "n") == 1200
    with pytest.raises(Invalid, match="between 1 and 5"):
        parse_int("6", "level", low=1, high=5)
    with pytest.raises(Invalid):
        parse_int("1.5", "n")


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "+86 138 0013 8000",
        "0571-8765 4321",
        "(0571) 87654321",
        "021-12345678 x123",
        "021-12345678 ext 12",
        "021-12345678转8",
        "12345",
    ],
)
def test_phone_shapes(text):
    assert parse_phone(text) == text.strip()


@pytest.mark.parametrize(
    "text", ["1234", "call me", "+86 138 0013 8000 0000 0000 00", "138-0013-800a"]
)
def test_bad_phones(text):
    with pytest.raises(Invalid, match="invalid phone"):
        parse_phone(text)


def test_phone_and_email_keys():
    assert phone_key("+86 138 0013 8000") == phone_key("138-0013-8000") == "13800138000"
    assert phone_key("0086 13800138000") == "13800138000"
    assert phone_key("021-12345678 转 8") == "02112345678"
    assert email_key(" Info@Example.COM ") == "info@example.com"


def test_emails():
    assert parse_email("li.na@example.com") == "li.na@example.com"
    for bad in ("li.na", "a@", "@b.com", "a b@c.com"):
        with pytest.raises(Invalid, match="invalid e-mail"):
            parse_email(bad)


@given(
    st.lists(st.text(alphabet="abcxyz019-_A", min_size=0, max_size=66), min_size=1, max_size=4).map(
        ".".join
    )
    | st.sampled_from(["qq.com", "mail.163.com", "c123.example.cn", "ab--cd.com", "xn--fiq.cn"])
    | st.sampled_from(["example.test", "a.localhost", "a.onion", "a.b1", "a.c-", "-a.cn", "a.x"])
)
@settings(max_examples=400, deadline=None)
def test_a_domain_taken_without_asking_is_one_email_validator_accepts(domain):
    """The import's shortcut for plain domains never accepts what email-validator refuses."""
    from email_validator import EmailNotValidError, validate_email

    from crmcli.validate import _domain_asked, _domain_ok

    try:
        validate_email("a@" + domain, check_deliverability=False)
        accepted = True
    except EmailNotValidError:
        accepted = False
    assert _domain_ok(domain) == accepted == _domain_asked(domain)


def test_tags():
    assert parse_tags("vip, 重点，港口、vip") == ["vip", "重点", "港口"]


def test_enums_in_either_language():
    assert LEVEL.parse("金牌") == LEVEL.parse("GOLD") == LEVEL.parse(" gold ") == "gold"
    assert SOURCE.parse("老客户介绍") == "referral"
    assert SOURCE.parse("search engine") == "search_engine"
    assert SOURCE.parse("ＲＥＦＥＲＲＡＬ") == "referral"
    with pytest.raises(
        Invalid, match=r"unknown level 'diamond' \(gold/金牌, silver/银牌, regular/普通\)"
    ):
        LEVEL.parse("diamond")


def test_a_level_takes_the_erps_a_b_c_grading():
    assert [LEVEL.parse(v) for v in ("A", "b", "Ｃ", "gold", "银牌")] == [
        "gold",
        "silver",
        "regular",
        "gold",
        "silver",
    ]
    with pytest.raises(Invalid, match="gold/金牌"):
        LEVEL.parse("D")
