"""crmcli's own validators: the one place that turns text typed by people into values.

Command-line options and file import both use these, so ``--founded-on 2026年3月1日``
and a cell ``2026年3月1日`` mean the same. Every failure is an :class:`Invalid` whose
message names the value and the accepted forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.vocab import FieldDef

CENT = Decimal("0.01")
INT_LIMIT = 2**63 - 1
# under 10 trillion: two decimals stay exact through a JSON number (15 significant digits)
MONEY_LIMIT = Decimal("1e13")

_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:(?:t|\s*)(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$"
)
_OFFSET_RE = re.compile(r"^([+-])\s*(\d+)\s*([dwmyh])$")
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1, "今天": 0, "明天": 1, "昨天": -1}


def nfkc(text: str) -> str:
    """Full-width forms folded to their plain forms (１２３ -> 123, ＋ -> +)."""
    return unicodedata.normalize("NFKC", text).strip()


def now() -> datetime:
    """Local time to the second: how crmcli stamps records."""
    return datetime.now().replace(microsecond=0)


#: record ids are INTEGER columns (32 bits on PostgreSQL)
ID_LIMIT = 2**31 - 1


def record_id(text: str) -> int | None:
    """The id a reference of digits names, or None when no record can have it."""
    digits = text.strip().lstrip("0") or "0"
    if not digits.isdigit() or len(digits) > 10:
        return None
    number = int(digits)
    return number if 0 < number <= ID_LIMIT else None


def _bad_date(value: str) -> Invalid:
    return Invalid(
        t(
            "invalid date '{value}': use 2026-03-01, 2026/3/1, 2026年3月1日, today, tomorrow, "
            "yesterday or an offset like +3d, -2w, +1m",
            value=value,
        )
    )


#: the years a date may fall in: room for an old firm's founding, and for a day added
#: to any date (``--until``) or ten years (``--within``) without leaving what dates hold
YEARS = (1000, 9899)


def parse_datetime(value: str, *, base: datetime | None = None) -> datetime:
    """A point in local time from any accepted date form; a bare date means midnight."""
    moment = _parse_datetime(value, base)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise Invalid(
            t(
                "date '{value}' is out of range (years {low}-{high})",
                value=value,
                low=YEARS[0],
                high=YEARS[1],
            )
        )
    return moment


def _parse_datetime(value: str, base: datetime | None) -> datetime:
    text = nfkc(value).lower()
    start = base or now()
    if text in _WORDS:
        day = start.date() + timedelta(days=_WORDS[text])
        return datetime.combine(day, datetime.min.time())
    if text == "now":
        return start
    m = _OFFSET_RE.match(text)
    if m:
        sign, amount, unit = m.groups()
        n = int(amount) * (1 if sign == "+" else -1)
        if unit == "h":
            try:
                return start + timedelta(hours=n)
            except OverflowError:
                raise _bad_date(value) from None
        from dateutil.relativedelta import relativedelta

        try:
            delta = {
                "d": relativedelta(days=n),
                "w": relativedelta(weeks=n),
                "m": relativedelta(months=n),
                "y": relativedelta(years=n),
            }[unit]
            day = start.date() + delta
        except (OverflowError, ValueError):  # beyond year 1 or 9999
            raise _bad_date(value) from None
        return datetime.combine(day, datetime.min.time())
    m = _DATE_RE.match(text)
    if not m:
        raise _bad_date(value)
    y, mo, d, hh, mm, ss = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError:
        raise _bad_date(value) from None


def parse_date(value: str, *, base: datetime | None = None) -> date:
    """A calendar day from any accepted date form (time of day, if given, is dropped)."""
    return parse_datetime(value, base=base).date()


#: a currency before or after an amount, as other systems export it ($139,000,000, RMB 5000)
CURRENCY_BEFORE = re.compile(r"^(?:RMB|CNY|USD|EUR|GBP|HKD|JPY|US\$|HK\$|[¥$€£])", re.I)
CURRENCY_AFTER = re.compile(r"(?:RMB|CNY|USD|EUR|GBP|HKD|JPY|元)$", re.I)
#: the units English reports write after an amount (12.5M, 850K, 1.2bn) and Chinese ones
UNITS = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 10**9, "bn": 10**9}
UNITS_ZH = (("万", 10_000), ("亿", 100_000_000))


def check_window(since: date | None, until: date | None, *, today: date | None = None) -> None:
    """:class:`Invalid` when ``--since`` comes after ``--until``, or, for a report whose
    window ends today unless told (``today`` given), after today."""
    if since is not None and until is not None and since > until:
        raise Invalid(t("--since {since} is after --until {until}", since=since, until=until))
    if since is not None and until is None and today is not None and since > today:
        raise Invalid(t("--since {since} is after today ({today})", since=since, today=today))


def parse_money(value: str, field: str = "amount") -> Decimal:
    """An exact amount with at most two decimals: 12800, 12,800.50, ¥12800, $139,000,000,
    RMB 5000, 1.28万, 40.3亿, GBP 12.5M, 850K (a currency sign or code is read past: amounts
    are in the book's one currency)."""
    text = nfkc(value).replace(",", "").replace("，", "").replace(" ", "")
    text = CURRENCY_AFTER.sub("", CURRENCY_BEFORE.sub("", text, count=1), count=1)
    scale = Decimal(1)
    for unit, factor in UNITS_ZH:
        if text.endswith(unit):
            text, scale = text[: -len(unit)], Decimal(factor)
    unit = re.fullmatch(r"([0-9.]+)([a-z]{1,2})", text, re.I)
    if unit and unit.group(2).lower() in UNITS:
        text, scale = unit.group(1), Decimal(UNITS[unit.group(2).lower()])
    try:
        amount = Decimal(text) * scale
    except InvalidOperation:
        amount = None
    if amount is not None and amount.is_finite() and abs(amount) >= MONEY_LIMIT:
        raise Invalid(
            t(
                "amount '{value}' for {field} is too large (under {limit})",
                value=value,
                field=field,
                limit=f"{int(MONEY_LIMIT):,}",
            )
        )
    if amount is None or not amount.is_finite() or amount != amount.quantize(CENT, ROUND_HALF_UP):
        raise Invalid(
            t(
                "invalid amount '{value}' for {field}: use a number with at most 2 decimals",
                value=value,
                field=field,
            )
        )
    return amount.quantize(CENT)


def parse_decimal(value: str, field: str, *, places: int = 3) -> Decimal:
    """An exact number with at most ``places`` decimals (quantities, percentages)."""
    text = nfkc(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(t("invalid number '{value}' for {field}", value=value, field=field)) from None
    quantum = Decimal(1).scaleb(-places)
    if (
        not number.is_finite()
        or abs(number) >= MONEY_LIMIT
        or number != number.quantize(quantum, ROUND_HALF_UP)
    ):
        raise Invalid(t("invalid number '{value}' for {field}", value=value, field=field))
    return number


def parse_int(value: str, field: str, *, low: int | None = None, high: int | None = None) -> int:
    text = nfkc(value).replace(",", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise Invalid(t("invalid whole number '{value}' for {field}", value=value, field=field))
    digits = text.lstrip("+-").lstrip("0")
    # (past 19 digits, past any limit: and Python refuses int() of 4,300 digits)
    number = int(text) if len(digits) <= 19 else int(text[0] + "1" + "0" * 19)
    too_low = low is not None and number < low
    too_high = high is not None and number > high
    if too_low or too_high:
        if low is not None and high is not None:
            message = t(
                "{field} must be between {low} and {high}, not {value}",
                field=field,
                low=low,
                high=high,
                value=value,
            )
        elif too_low:
            message = t(
                "{field} must be at least {low}, not {value}", field=field, low=low, value=value
            )
        else:
            message = t(
                "{field} must be at most {high}, not {value}", field=field, high=high, value=value
            )
        raise Invalid(message)
    if not -INT_LIMIT <= number <= INT_LIMIT:  # what a 64-bit database column holds
        raise Invalid(
            t(
                "{field} must be between {low} and {high}, not {value}",
                field=field,
                low=-INT_LIMIT,
                high=INT_LIMIT,
                value=value,
            )
        )
    return number


_PHONE_SPLIT = re.compile(r"^(.*?)(?:\s*(?:x|ext\.?|转|分机)\s*(\d{1,6}))?$", re.IGNORECASE)


def _phone_digits(value: str) -> tuple[str, str] | None:
    """(main number, extension) of a phone, or None when it is not phone-shaped."""
    text = nfkc(value)
    m = _PHONE_SPLIT.match(text)
    if not m:
        return None
    main = re.sub(r"[\s\-.()（）]", "", m.group(1))
    if not re.fullmatch(r"\+?\d{5,20}", main):
        return None
    return main, m.group(2) or ""


def parse_phone(value: str) -> str:
    """A phone as typed (trimmed), once it is known to be phone-shaped."""
    return parse_phone_key(value)[0]


def parse_phone_key(value: str) -> tuple[str, str | None]:
    """A phone as typed (trimmed) and its :func:`phone_key`, checking its shape once."""
    text = value.strip()
    parts = _phone_digits(text)
    if parts is None:
        raise Invalid(
            t(
                "invalid phone '{value}': use 5 to 20 digits, an optional leading +, and an "
                "optional extension (x123, ext 123, 转123)",
                value=value,
            )
        )
    return text, _key(parts, text)


def phone_key(value: str | None) -> str | None:
    """The digits that identify a phone for matching: +86 / 0086 dropped, extension ignored."""
    if not value:
        return None
    return _key(_phone_digits(value), value)


def _key(parts: tuple[str, str] | None, value: str) -> str | None:
    if parts is None:
        digits = re.sub(r"\D", "", nfkc(value))
        return digits or None
    main = parts[0].lstrip("+")
    if main.startswith("0086"):
        main = main[4:]
    elif parts[0].startswith("+86"):
        main = main[2:]
    return main or None


# A plain ASCII local part (RFC 5322 dot-atom), which email-validator always accepts.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


# A domain of lower-case ASCII labels (no "--", so no Punycode) under a top-level domain of
# letters that is not a special-use name: email-validator always accepts one, and a
# company's book has a domain per customer, so asking it for each costs more than the
# rest of an import (tests/test_validate.py checks the claim against it).
_PLAIN_DOMAIN = re.compile(
    r"(?!.*--)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?!(?:arpa|invalid|local|localhost|onion|test)\Z)[a-z]{2,63}"
)


def _domain_ok(domain: str) -> bool:
    """Does email-validator accept ``domain``?"""
    return (len(domain) <= 253 and _PLAIN_DOMAIN.fullmatch(domain) is not None) or _domain_asked(
        domain
    )


@functools.lru_cache(maxsize=65536)
def _domain_asked(domain: str) -> bool:
    """email-validator's answer for ``domain``, asked once per domain."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def parse_email(value: str) -> str:
    """An e-mail address as typed, checked for syntax only (offline).

    email-validator decides; an address with a plain ASCII local part only has its
    domain checked by it, once per domain, which makes importing a file fast.
    """
    text = value.strip()
    local, at, domain = text.rpartition("@")
    plain = at and len(local) <= 64 and len(text) <= 254 and _PLAIN_LOCAL.fullmatch(local)
    if plain and _domain_ok(domain):
        return text
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as e:
        raise Invalid(t("invalid e-mail '{value}': {reason}", value=value, reason=e)) from None
    return text


def email_key(value: str | None) -> str | None:
    return nfkc(value).lower() if value else None


def parse_url(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"(https?://)?[^\s/]+\.[^\s/]+(/\S*)?", text, re.IGNORECASE):
        raise Invalid(t("invalid website '{value}'", value=value))
    return text


def parse_tags(value: str) -> list[str]:
    """Tags from 'a, b，c、d' (ASCII or Chinese commas), trimmed, duplicates dropped."""
    tags: list[str] = []
    for part in re.split(r"[,，、;；]", value):
        tag = part.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def parse_text(value: str, field: FieldDef) -> str | None:
    text = value.strip()
    if field.limit and len(text) > field.limit:
        raise Invalid(
            t(
                "{field} is too long ({length} characters, at most {limit})",
                field=field.label,
                length=len(text),
                limit=field.limit,
            )
        )
    return text or None


#: Words for yes and no, as people and other systems' exports write them (case folded),
#: for a built-in yes/no field and a custom one (crm field) alike.
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "on", "x", "是", "对", "有", "√", "✓"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "off", "否", "不", "无", "×"})


def parse_bool(value: str, field: str) -> bool:
    """Yes or no: yes/no, true/false, 1/0, 是/否 (what a spreadsheet or a CRM writes)."""
    word = value.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(t("{field} must be yes or no: {value}", field=field, value=value))


def parse_field(field: FieldDef, value: str):
    """Convert text typed for ``field`` to its stored value (None for an empty text)."""
    if value.strip() == "" and field.type != "text":
        return None
    kind = field.type
    if kind == "enum":
        assert field.vocab is not None
        return field.vocab.parse(value)
    if kind == "date":
        return parse_date(value)
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "money":
        amount = parse_money(value, field.label)
        if amount < 0:
            raise Invalid(
                t("{field} must not be negative: {value}", field=field.label, value=value)
            )
        return amount
    if kind == "int":
        return parse_int(value, field.label, low=field.low, high=field.high)
    if kind == "phone":
        return parse_phone(parse_text(value, field) or "")
    if kind == "email":
        return parse_email(parse_text(value, field) or "")
    if kind == "url":
        return parse_url(parse_text(value, field) or "")
    if kind == "tags":
        return parse_tags(value)
    if kind == "bool":
        return parse_bool(value, field.label)
    return parse_text(value, field)
