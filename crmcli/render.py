"""The only module that prints: tables, json, jsonl, csv, notices, warnings, errors.

Data goes to stdout; notices, warnings, progress and errors go to stderr, so
``-f json`` output is nothing but the data. Rich is imported only to draw tables
(it aligns Chinese text by display width and honours ``NO_COLOR``).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from crmcli.cells import json_array, neutralise, text_value, to_json
from crmcli.i18n import pick, t
from crmcli.vocab import FieldDef, Vocab

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_ROWS = 50
#: column kinds short enough never to wrap in a table; the rest (names, text, phones,
#: usernames) fold when a table is wider than the terminal, so no column is cropped or lost
KEEP_WHOLE = frozenset(
    {"enum", "money", "int", "percent", "share", "bar", "date", "datetime", "when", "bool"}
)
#: the narrowest a folding column gets (in cells): room for four Chinese characters
FOLD_MIN = 8


class Col(NamedTuple):
    """A table column: the row key, its labels, and how to show the value."""

    key: str
    en: str
    zh: str
    # text, label (short text never wrapped), enum, money, int, date, datetime, when (a date,
    # with the time unless midnight), tags, bool, extra, percent, share (a fraction shown as %),
    # bar (a fraction drawn as a bar)
    kind: str = "text"
    vocab: Vocab | None = None
    max_width: int | None = None

    @property
    def header(self) -> str:
        return pick(self.en, self.zh)


def col(f: FieldDef, *, key: str | None = None, max_width: int | None = None) -> Col:
    """A column for a field of :mod:`crmcli.vocab`."""
    return Col(key or f.name, f.en, f.zh, f.type, f.vocab, max_width)


def cell(value: Any, c: Col) -> str:
    """A value as a table shows it, in the current language."""
    if value is None or value == [] or value == {}:
        return ""
    kind = c.kind
    if kind == "enum" and c.vocab is not None:
        return c.vocab.label(value)
    if kind == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if kind == "percent":
        return f"{value}%"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == "when" and isinstance(value, datetime):  # a day, or a moment of it
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if kind == "bool":
        return pick("yes", "是") if value else pick("no", "否")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return text_value(value)


# -- streams --------------------------------------------------------------------------


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def notice(text: str) -> None:
    sys.stderr.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(f"{t('Warning')}: {text}\n")


def error(message: str, hint: str | None = None) -> None:
    line = f"{t('Error')}: {message}"
    if hint:
        line += f"; {hint}"
    sys.stderr.write(" ".join(line.splitlines()) + "\n")  # one line, whatever the text holds


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while a long job runs; yields ``advance(n)``.

    Drawn only when stderr is a terminal (silent in pipes, cron and tests) and the
    job is big enough to be worth watching.
    """
    if total < 5000 or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def confirm(question: str) -> bool:
    """Ask on the terminal; anything but y/yes/是 (or end of input) is no."""
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not sys.stdin.isatty():  # the answer was not echoed: end the prompt's line
        sys.stderr.write("\n")
    return answer.strip().lower() in ("y", "yes", "是", "好")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    # data is shown as it is: no markup, no emoji codes, no highlighting
    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)


# -- data -----------------------------------------------------------------------------


def rows(
    data: Sequence[dict[str, Any]],
    columns: Sequence[Col],
    fmt: str,
    *,
    what: str = "",
    total: int | None = None,
    title: str | None = None,
) -> None:
    """A list of records: every key in json/jsonl/csv, the chosen columns in a table.

    ``total`` is the number of matching records when ``data`` is only the first
    ones; the table then says how many more there are.
    """
    if fmt == "json":
        out(json_array(data))
    elif fmt == "jsonl":
        for record in data:
            out(to_json(record, indent=None))
    elif fmt == "csv":
        write_csv(sys.stdout, data)
    else:
        table(data[:TABLE_ROWS], columns, title=title)
        total = len(data) if total is None else total
        shown = min(len(data), TABLE_ROWS)
        if total == 0:
            out(t("No {what} found.", what=what))
        elif total > shown:
            out(
                t(
                    "{shown} of {total} shown; {more} more (use --limit N or -f json)",
                    shown=shown,
                    total=total,
                    more=total - shown,
                )
            )


def write_csv(
    stream: Any, data: Iterable[dict[str, Any]], header: Sequence[str] | None = None
) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    first = True
    for record in data:
        if first:
            writer.writerow(header or list(record))
            first = False
        writer.writerow([neutralise(text_value(v)) for v in record.values()])
    if first and header:
        writer.writerow(header)


def table(
    data: Sequence[dict[str, Any]], columns: Sequence[Col], *, title: str | None = None
) -> None:
    if not data:
        return
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    tbl = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", header_style="bold", pad_edge=False
    )
    cells = [[_cell_or_bar(record.get(c.key), c) for c in columns] for record in data]
    for i, c in enumerate(columns):
        numeric = c.kind in ("money", "int", "percent", "share")
        keep_whole = c.kind in KEEP_WHOLE or c.key == "id" or c.key.endswith("code")
        widest = max(
            [cell_len(c.header), *(cell_len(row[i]) for row in cells if isinstance(row[i], str))]
        )
        tbl.add_column(
            c.header,
            justify="right" if numeric else "left",
            max_width=c.max_width,
            overflow="fold",
            no_wrap=keep_whole,
            min_width=None if keep_whole else min(widest, FOLD_MIN),
        )
    for row in cells:
        tbl.add_row(*row)
    console().print(tbl)


def _cell_or_bar(value: Any, c: Col) -> Any:
    """A bar column holds a fraction 0..1 drawn as a horizontal bar; others are text."""
    if c.kind != "bar":
        return cell(value, c)
    from rich.bar import Bar

    return Bar(
        size=1.0, begin=0, end=max(0.0, min(1.0, float(value or 0))), width=c.max_width or 12
    )


def record(
    data: dict[str, Any],
    columns: Sequence[Col],
    fmt: str,
    *,
    title: str | None = None,
    sections: Sequence[tuple[str, str, Sequence[Col]]] = (),
) -> None:
    """One record: an object in json, a label/value card in a table.

    ``sections`` are ``(key, title, columns)`` of lists inside ``data`` drawn as
    tables under the card (contacts, interactions ...).
    """
    if fmt in ("json", "jsonl"):
        out(to_json(data, indent=2 if fmt == "json" else None))
        return
    if fmt == "csv":  # the record's own fields: the same columns for every record
        inside = {key for key, _title, _columns in sections}
        flat = {
            k: v
            for k, v in data.items()
            if k not in inside and not (isinstance(v, list) and v and isinstance(v[0], dict))
        }
        write_csv(sys.stdout, [flat])
        return
    from rich import box
    from rich.table import Table

    card = Table(
        box=box.SIMPLE,
        show_header=False,
        title=title,
        title_justify="left",
        title_style="bold",
        pad_edge=False,
    )
    card.add_column(style="bold")
    card.add_column(overflow="fold")
    for c in columns:
        value = cell(data.get(c.key), c)
        if value:
            card.add_row(c.header, value)
    con = console()
    con.print(card)
    for key, heading, cols in sections:
        items = data.get(key) or []
        if items:
            table(items, cols, title=f"{heading} ({len(items)})")


def summary(
    data: dict[str, Any], fmt: str, labels: dict[str, tuple[str, str]] | None = None
) -> None:
    """The result of a command that does something (import, purge): an object in json."""
    if fmt == "json":
        out(to_json(data))
        return
    labels = labels or {}
    for key, value in data.items():
        if isinstance(value, (list, dict)):
            continue
        name = pick(*labels[key]) if key in labels else key
        out(f"{name}: {text_value(value)}")


def without_empty(
    columns: Sequence[Col], data: Sequence[dict[str, Any]], keys: Iterable[str]
) -> list[Col]:
    """The columns minus those of ``keys`` that are empty in every row (an owner column
    in single-user mode), so a table keeps its width for what is there."""
    drop = {k for k in keys if not any(row.get(k) not in (None, "", []) for row in data)}
    return [c for c in columns if c.key not in drop]
