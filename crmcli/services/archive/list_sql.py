"""Compiling the plain ``crm customer list`` into ``list_sql.json`` (needs SQLAlchemy; run it
when the statement changes or the schema's head moves)::

    python -m crmcli.services.archive.list_sql

The statement is :func:`crmcli.services.archive.customers.plain_list`; the standard-library
runner that reads the file is :mod:`crmcli.services.archive.fastlist`.
"""

from __future__ import annotations

from typing import Any

from crmcli.services.archive import fastlist


def compile_all() -> dict[str, dict[str, dict[str, Any]]]:
    """The SQLite text and constant parameters of every statement variant."""
    from sqlalchemy.dialects import sqlite

    from crmcli.services.archive.customers import plain_list

    dialect = sqlite.dialect(paramstyle="named")
    out: dict[str, dict[str, dict[str, Any]]] = {"LIST": {}, "COUNT": {}}
    supplied = {"actor_id", "limit", *(f"term{i}" for i in range(1, fastlist.MAX_TERMS + 1))}
    for scoped in (False, True):
        for terms in range(fastlist.MAX_TERMS + 1):
            which = fastlist.key(scoped=scoped, terms=terms)
            for name, counting in (("LIST", False), ("COUNT", True)):
                stmt = plain_list(scoped=scoped, terms=terms, counting=counting)
                compiled = stmt.compile(dialect=dialect)
                out[name][which] = {
                    "sql": " ".join(str(compiled).split()),
                    "params": {k: v for k, v in compiled.params.items() if k not in supplied},
                }
    return out


def source() -> str:
    """The text of ``list_sql.json``."""
    import json

    from crmcli.db import HEAD

    data = {
        "about": "SQLite text of the plain `crm customer list` its fast path runs, compiled "
        "from crmcli.services.archive.customers.plain_list by `python -m "
        "crmcli.services.archive.list_sql`. Do not edit; tests/test_customer_fastlist.py "
        "checks that it is current.",
        "head": HEAD,
        **compile_all(),
    }
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write() -> str:
    with open(fastlist.SQL_FILE, "w", encoding="utf-8") as f:
        f.write(source())
    return fastlist.SQL_FILE


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write()}")
