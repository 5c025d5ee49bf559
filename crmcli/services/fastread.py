"""Reading a SQLite book through the standard library alone: the fast paths of the two
commands run most, ``crm followup due`` (:mod:`.relationship.fastdue`) and the plain
``crm customer list`` (:mod:`.archive.fastlist`).

Importing SQLAlchemy and building the models costs more than the whole of such a
command; so on a SQLite file whose schema is current these run statements compiled
ahead of time from the SQLAlchemy ones with :mod:`sqlite3`. A fast path serves only the
plain, healthy case: :func:`run` gives None for anything else (another database, no
file yet, a schema to upgrade, a locked or broken file) and :func:`actor` for an unknown
or disabled user, so the full path runs and says what is wrong.

The compiled statements are kept in a JSON file beside each fast path
(:func:`statements` reads it, :func:`execute` runs one); :func:`compiled` and
:func:`file_text` write it, and only they need SQLAlchemy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: False sends every command through SQLAlchemy (tests compare both paths)
ENABLED = True


#: what a fast path's reader is given: the connection, the compiled statements, and who
#: acts as ``(user id, role)`` (see :func:`actor`)
Reader = Callable[[Any, dict[str, Any], int | None, str | None], T | None]


def run(url: str, sql_file: str, username: str | None, read: Reader[T]) -> T | None:
    """``read(conn, statements, actor_id, role)`` with a :mod:`sqlite3` connection to the
    book at ``url`` in a read transaction, its schema current, the statements compiled
    into ``sql_file`` and the user who acts; None when the full path should run (statements
    of another schema, an unknown user, a :class:`sqlite3.Error`, or ``read`` returning
    None itself)."""
    if not ENABLED or not url.startswith("sqlite:///"):
        return None
    compiled = statements(sql_file)
    if compiled is None:
        return None
    path = url[len("sqlite:///") :]
    if not os.path.isfile(path):
        return None
    import sqlite3
    from urllib.parse import quote

    from crmcli.db import BUSY_TIMEOUT_MS, HEAD

    try:  # (the path quoted: a "?", "#" or "%" in it is part of the name, not of the URI)
        conn = sqlite3.connect(
            f"file:{quote(path)}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error:
        return None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("BEGIN")
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if found is None or found[0] != HEAD:
            return None
        who = actor(conn, username)
        if who is None:
            return None
        return read(conn, compiled, *who)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def actor(conn: Any, username: str | None) -> tuple[int | None, str | None] | None:
    """Who acts, as ``(user id, role)``: ``(None, None)`` in a book without users (one
    person's book); None (take the full path, which says why) for a book with users and
    no name, an unknown name or a disabled user."""
    if conn.execute("SELECT id FROM app_user LIMIT 1").fetchone() is None:
        return None, None
    if not username:
        return None
    user = conn.execute(
        "SELECT id, role, active FROM app_user WHERE username = ?", (username.strip(),)
    ).fetchone()
    if user is None or not user[2]:
        return None
    return user[0], user[1]


def scoped(role: str | None, team: bool) -> bool:
    """The rule of ``permissions.customer_scope``: in a team, sales see their own and the
    unassigned customers only."""
    from crmcli.grants import SEE_ALL

    return team and role not in SEE_ALL


def statements(sql_file: str) -> dict[str, Any] | None:
    """The statements compiled into ``sql_file``; None when they were compiled for another
    schema (the full path runs until they are compiled again)."""
    import json

    from crmcli.db import HEAD

    with open(sql_file, encoding="utf-8") as f:
        found = json.load(f)
    return found if found["head"] == HEAD else None


def execute(conn: Any, statement: dict[str, Any], params: dict[str, Any]) -> Any:
    """Run a compiled statement with the parameters it was not compiled with."""
    return conn.execute(statement["sql"], {**statement["params"], **params})


# -- compiling (needs SQLAlchemy: run when a statement changes or the schema's head moves) --


def compiled(statement: Any, supplied: set[str]) -> dict[str, Any]:
    """A SQLAlchemy statement as SQLite text and the constant parameters it holds (those
    named in ``supplied`` are given at run time)."""
    from sqlalchemy.dialects import sqlite

    done = statement.compile(dialect=sqlite.dialect(paramstyle="named"))
    return {
        "sql": " ".join(str(done).split()),
        "params": {k: v for k, v in done.params.items() if k not in supplied},
    }


def file_text(about: str, compiled_statements: dict[str, Any]) -> str:
    """The text of a fast path's JSON file: what it is, the schema's head, the statements."""
    import json

    from crmcli.db import HEAD

    data = {"about": about, "head": HEAD, **compiled_statements}
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
