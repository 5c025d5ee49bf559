"""``crm customer list`` with no filter, on a SQLite file, through the standard library alone.

The list is the command a salesperson runs most after the morning one; importing
SQLAlchemy and building the models costs more than the rest of it. So the plain table
(no filter but ``--search``, no sort, not the deleted) runs the statements of
:func:`crmcli.services.archive.customers.plain_list`, compiled ahead of time into
``list_sql.json`` beside this file, with :mod:`sqlite3`; the book is opened by
:mod:`crmcli.services.fastread`, which gives the full path anything unusual. The SQL has
one source, the SQLAlchemy statement (:mod:`.list_sql` compiles it);
``tests/test_customer_fastlist.py`` checks the compiled text is current and that both paths
print the same. Regenerate it after changing the statement or the schema's head::

    python -m crmcli.services.archive.list_sql
"""

from __future__ import annotations

import os
from typing import Any

SQL_FILE = os.path.join(os.path.dirname(__file__), "list_sql.json")
#: the columns of the ``crm customer list`` table
LIST_FIELDS = ("code", "name", "level", "status", "city", "phone", "owner")


#: a search looks for at most two texts (the text, and its pinyin run together or its digits)
MAX_TERMS = 2


def key(*, scoped: bool, terms: int) -> str:
    return f"{'scoped' if scoped else 'open'}-{terms}"


def page(
    *, url: str, username: str | None, shown: int, search: str | None = None
) -> tuple[list[dict[str, Any]], int] | None:
    """The first ``shown`` customers of the plain list (or of those ``search`` finds) and
    how many there are in all (counted only when there are more), or None to take the
    full path."""
    from functools import partial

    from crmcli.services import fastread

    return fastread.run(url, SQL_FILE, username, partial(_page, shown=shown, search=search))


def _page(
    conn: Any,
    compiled: dict[str, Any],
    actor_id: int | None,
    role: str | None,
    shown: int,
    search: str | None,
) -> tuple[list[dict[str, Any]], int] | None:
    from crmcli.searching import like_pattern, search_terms
    from crmcli.services import fastread

    scoped = fastread.scoped(role, actor_id is not None)
    terms = search_terms(search) if search else []
    if len(terms) > MAX_TERMS:
        return None
    which = key(scoped=scoped, terms=len(terms))
    params: dict[str, Any] = {"limit": shown + 1}
    if scoped:
        params["actor_id"] = actor_id
    for i, term in enumerate(terms, 1):
        params[f"term{i}"] = like_pattern(term)
    cursor = fastread.execute(conn, compiled["LIST"][which], params)
    data = [dict(zip(LIST_FIELDS, values, strict=True)) for values in cursor]
    total = len(data)
    if total > shown:
        del params["limit"]
        total = fastread.execute(conn, compiled["COUNT"][which], params).fetchone()[0]
    return data[:shown], total
