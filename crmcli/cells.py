"""Values as the files crm writes hold them: JSON values, CSV text, and spreadsheet formulas
defused (OWASP CSV injection) and restored.

One home for both directions: :mod:`crmcli.tabular` reads and writes files with them,
:mod:`crmcli.render` prints ``-f json|jsonl|csv`` with them. Standard library only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: how a text starts when :func:`neutralise` may change it: a formula start, or quotes
#: (before one); anything else goes to a file as it is
DEFUSED_START = (*FORMULA_START, "'")
CJK = re.compile(r"[\u3400-\u9fff]")
#: an address's parts in the order they are joined: Chinese from the country down without
#: separators (no postcode: callers keep it apart), others from the street up with commas
ADDRESS_ZH = ("country", "state", "city", "street", "street2", "box")
ADDRESS_EN = ("box", "street", "street2", "city", "state", "postcode", "country")
#: China as address books write it (folded): a Chinese address leaves its own country out
CHINA = frozenset({"china", "中国", "cn", "prc", "中华人民共和国", "peoplesrepublicofchina"})


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _json_default(value: Any) -> Any:
    converted = json_value(value)
    if converted is value:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
    return converted


def to_json(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def json_array(data: Iterable[dict[str, Any]]) -> str:
    """A JSON array with one record per line: readable, and written by the C encoder
    (an indented dump goes through the pure-Python one, ten times slower on big lists)."""
    lines = [to_json(record, indent=None) for record in data]
    return "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"


def text_value(value: Any) -> str:
    """A value as CSV text: ISO dates, plain numbers, comma-joined tags, JSON objects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(text_value(v) for v in value)
    if isinstance(value, dict):
        return to_json(value, indent=None) if value else ""
    return str(value)


def neutralise(text: str) -> str:
    """Defuse a spreadsheet formula (OWASP CSV injection): a leading ' before = + - @ etc.

    Text already made of quotes and then such a character (``'=x``) gets one too, so that
    :func:`unneutralise` gives every text back exactly.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: drop a leading ' only where a formula character follows it
    (after any further quotes)."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


def display_width(text: str) -> int:
    """How many columns ``text`` takes on a screen or in a spreadsheet: two for a wide
    (Chinese, full-width) character, none for a combining mark, one for the rest."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def chinese(text: str) -> bool:
    """Text holding Chinese characters (so names and addresses are joined the Chinese way)."""
    return bool(CJK.search(text))


def person_name(given: str, middle: str, family: str) -> str:
    """A name from its parts: family name first and without spaces for a Chinese name (李 娜
    -> 李娜), else given middle family."""
    if chinese(given + middle + family):
        return family + given + middle
    return " ".join(p for p in (given, middle, family) if p)


def chinese_address(parts: dict[str, str]) -> bool:
    """Parts of an address (keys of :data:`ADDRESS_EN`) that are written the Chinese way."""
    return chinese("".join(parts.values()))


def join_address(parts: dict[str, str]) -> str:
    """One address from its parts (keys of :data:`ADDRESS_EN`), as a Chinese or a Western
    address is written; a Chinese one without its postcode, nor China as its country (a
    customer book in China does not write its own country)."""
    if chinese_address(parts):
        country = parts.get("country", "")
        if re.sub(r"[\s.'’]", "", country).casefold() in CHINA:
            parts = {**parts, "country": ""}
        return "".join(parts[k] for k in ADDRESS_ZH if parts.get(k))
    return ", ".join(parts[k] for k in ADDRESS_EN if parts.get(k))
