"""Finding a caller by number (``crm who``): the indexed tail of every phone, mobile and fax.

A caller's number comes in any shape: ``+86 138-0013-8000``, ``8821 6630`` without the
area code, ``0571 8821 6630`` with it. Two numbers are the same line when their keys
(:func:`crmcli.validate.phone_key`: digits, +86/0086 dropped, extension ignored) are
equal, or when one ends with the other and the shorter has at least :data:`TAIL` digits
(a landline with or without its area code; a mobile number only matches whole).
Either way both end in the same :data:`TAIL` digits, so each stored number keeps those
digits in an indexed column (``customer.phone_tail``/``fax_tail``, ``contact.phone_tail``/
``mobile_tail``): one index lookup finds the candidates, and :func:`same_line` decides.

Imports nothing heavy: the fast path of ``crm who`` (sqlite3 alone) uses it too.
"""

from __future__ import annotations

import re
from typing import Any

from crmcli.validate import phone_key

#: the fewest digits two numbers must share at their end to be the same line (a Chinese
#: landline without its area code has 7 or 8)
TAIL = 7
#: the columns that hold a tail, by table: (number column, tail column, what matched)
COLUMNS = {
    "customer": (("phone", "phone_tail", "phone"), ("fax", "fax_tail", "fax")),
    "contact": (("mobile", "mobile_tail", "mobile"), ("phone", "phone_tail", "phone")),
}


def tail(value: str | None) -> str | None:
    """The last :data:`TAIL` digits of a number's key (all of them when it is shorter)."""
    key = phone_key(value)
    return key[-TAIL:] if key else None


def tails(table: str, values: dict[str, Any]) -> dict[str, str | None]:
    """The tail columns to write beside the numbers ``values`` changes in ``table``."""
    return {
        tail_column: tail(values[number])
        for number, tail_column, _ in COLUMNS[table]
        if number in values
    }


def set_tails(record: Any, table: str) -> None:
    """Write a customer's or a contact's tails from the numbers it holds now."""
    for number, tail_column, _ in COLUMNS[table]:
        setattr(record, tail_column, tail(getattr(record, number)))


def caller_key(value: str) -> str:
    """The key of a number as a caller gives it: digits only, without +86 / 0086, and
    without a bare leading 86 before a mobile number (86 138 0013 8000)."""
    key = phone_key(value) or re.sub(r"\D", "", value)
    if len(key) == 13 and re.match(r"861[3-9]", key):
        key = key[2:]
    return key


def same_line(stored: str | None, caller: str) -> bool:
    """Does the stored number reach the caller's line (``caller`` a :func:`caller_key`)?"""
    key = phone_key(stored)
    if not key or not caller:
        return False
    if key == caller:
        return True
    if min(len(key), len(caller)) < TAIL or is_mobile(key) or is_mobile(caller):
        return False  # a mobile number has no area code: it is the same line only whole
    return key.endswith(caller) or caller.endswith(key)


def is_mobile(key: str) -> bool:
    """A mainland mobile number (11 digits, 13x-19x)."""
    return len(key) == 11 and key[0] == "1" and key[1] in "3456789"
