"""Inserting many rows through SQLAlchemy Core at the speed of the database driver.

``connection.execute(insert(table), rows)`` spends most of its time building each row's
parameters. :func:`insert_many` compiles the INSERT once for the connection's dialect
(SQLite or PostgreSQL), converts the values with the same bind processors SQLAlchemy
would use (exact money, JSON, dates), and hands the rows to the driver's executemany
(``Connection.exec_driver_sql``), inside the caller's transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during bulk work.

    Reading, checking and writing 100,000 rows makes millions of small objects that
    live until the end; the collector would scan them again and again (a third of the
    run) though they hold no reference cycles. Reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def big_cache(conn: Any, mebibytes: int = 64) -> Iterator[None]:
    """A larger SQLite page cache for one bulk transaction, so that changed pages are
    written to the log once, at commit, rather than spilled and written again."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{mebibytes * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def insert_many(
    conn: Any,
    table: Any,
    rows: Iterable[Mapping[str, Any]],
    *,
    columns: Sequence[str] | None = None,
    chunk: int = 5000,
) -> int:
    """INSERT every row (dicts with at least ``columns``, by default the first row's keys).

    Only ``columns`` are written: the others get what the database gives them (NULL, a
    server default), not the models' Python defaults. Returns the number of rows written.
    """
    batch: list[Mapping[str, Any]] = []
    count = 0
    statement = None
    for row in rows:
        if statement is None:
            statement = _Statement(conn, table, list(columns or row))
        batch.append(row)
        if len(batch) >= chunk:
            count += statement.run(batch)
            batch = []
    if batch and statement is not None:
        count += statement.run(batch)
    return count


class _Statement:
    def __init__(self, conn: Any, table: Any, columns: list[str]) -> None:
        from sqlalchemy import column, insert
        from sqlalchemy import table as table_clause

        dialect = conn.dialect
        # a bare table clause: exactly these columns, in this order (no Python defaults)
        target = table_clause(table.name, *(column(c, table.c[c].type) for c in columns))
        compiled = insert(target).compile(dialect=dialect, column_keys=columns)
        self.conn = conn
        self.sql = str(compiled)
        self.positional = compiled.positional
        self.order = columns
        self.get = itemgetter(*columns) if len(columns) > 1 else (lambda r: (r[columns[0]],))
        self.processors = [
            (i, p, _memo(p))
            for i, name in enumerate(columns)
            if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]

    def run(self, rows: list[Mapping[str, Any]]) -> int:
        params: list[Any] = []
        get, processors = self.get, self.processors
        for row in rows:
            values = list(get(row))
            for i, process, memo in processors:
                value = values[i]
                if value is None:
                    continue
                if type(value) in _UNHASHABLE:
                    values[i] = process(value)
                else:  # dates, times and amounts repeat: each is converted once
                    values[i] = memo(value)
            params.append(
                tuple(values) if self.positional else dict(zip(self.order, values, strict=True))
            )
        self.conn.exec_driver_sql(self.sql, params)
        return len(params)


_UNHASHABLE = (dict, list)


def _memo(process: Any) -> Any:
    seen: dict[Any, Any] = {}

    def memo(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted

    return memo


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size`` (an IN list or an executemany at a time)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def update_rows(conn: Any, table: Any, updates: list[tuple[int, dict[str, Any]]]) -> None:
    """Many ``UPDATE table SET ... WHERE id = :id``: one executemany per set of columns."""
    from sqlalchemy import bindparam, update

    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in updates:
        shapes.setdefault(tuple(sorted(values)), []).append({"_id": row_id, **values})
    for columns, params in shapes.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        for chunk in chunks(params, 1000):
            conn.execute(stmt, list(chunk))
