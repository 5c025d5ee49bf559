"""Compiling the plain ``crm customer list`` into ``list_sql.json`` (needs SQLAlchemy; run it
when the statement changes or the schema's head moves)::

    python -m crmcli.services.archive.list_sql

The statement is :func:`crmcli.services.archive.customers.plain_list`; the standard-library
runner that reads the file is :mod:`crmcli.services.archive.fastlist`.
"""

from __future__ import annotations

from typing import Any

from crmcli.services import fastread
from crmcli.services.archive import fastlist


def compile_all() -> dict[str, dict[str, dict[str, Any]]]:
    """The SQLite text and constant parameters of every statement variant."""
    from crmcli.services.archive.customers import plain_list

    supplied = {"actor_id", "limit", *(f"term{i}" for i in range(1, fastlist.MAX_TERMS + 1))}
    out: dict[str, dict[str, dict[str, Any]]] = {"LIST": {}, "COUNT": {}}
    for scoped in (False, True):
        for terms in range(fastlist.MAX_TERMS + 1):
            which = fastlist.key(scoped=scoped, terms=terms)
            for name, counting in (("LIST", False), ("COUNT", True)):
                stmt = plain_list(scoped=scoped, terms=terms, counting=counting)
                out[name][which] = fastread.compiled(stmt, supplied)
    return out


def source() -> str:
    """The text of ``list_sql.json``."""
    return fastread.file_text(
        "SQLite text of the plain `crm customer list` its fast path runs, compiled "
        "from crmcli.services.archive.customers.plain_list by `python -m "
        "crmcli.services.archive.list_sql`. Do not edit; tests/test_customer_fastlist.py "
        "checks that it is current.",
        compile_all(),
    )


def write() -> str:
    with open(fastlist.SQL_FILE, "w", encoding="utf-8") as f:
        f.write(source())
    return fastlist.SQL_FILE


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write()}")
