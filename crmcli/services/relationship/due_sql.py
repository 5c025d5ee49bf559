"""Compiling the statements of ``crm followup due`` into ``due_sql.json`` (needs SQLAlchemy;
run it when a statement changes or the schema's head moves)::

    python -m crmcli.services.relationship.due_sql

The statements are built in :mod:`~crmcli.services.relationship.followup_due`; the
standard-library runner that reads the file is :mod:`~crmcli.services.relationship.fastdue`.
This module sits above both, so neither imports the other back.
"""

from __future__ import annotations

from typing import Any

from crmcli.services import fastread
from crmcli.services.relationship import fastdue


def compile_all() -> dict[str, dict[str, dict[str, Any]]]:
    """The SQLite text and constant parameters of every statement variant."""
    from crmcli.services.relationship.followup_due import due_statement, overdue_tickets_statement

    supplied = {"end", "now", "owner_id", "actor_id", "limit"}
    out: dict[str, dict[str, dict[str, Any]]] = {"DUE": {}, "COUNT": {}, "TICKETS": {}}
    for by_owner in (False, True):
        for scoped in (False, True):
            which = fastdue.key(by_owner=by_owner, scoped=scoped)
            statements = {
                "DUE": due_statement(by_owner=by_owner, scoped=scoped, limited=True),
                "COUNT": due_statement(
                    by_owner=by_owner, scoped=scoped, limited=False, counting=True
                ),
                "TICKETS": overdue_tickets_statement(by_owner=by_owner, scoped=scoped),
            }
            for name, stmt in statements.items():
                out[name][which] = fastread.compiled(stmt, supplied)
    return out


def source() -> str:
    """The text of ``due_sql.json``."""
    return fastread.file_text(
        "SQLite text of the statements `crm followup due` runs on its fast path, "
        "compiled from crmcli.services.relationship.followup_due by `python -m crmcli.services.relationship.due_sql`. "
        "Do not edit; tests/test_followup_due.py checks that it is current.",
        compile_all(),
    )


def write() -> str:
    with open(fastdue.SQL_FILE, "w", encoding="utf-8") as f:
        f.write(source())
    return fastdue.SQL_FILE


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write()}")
