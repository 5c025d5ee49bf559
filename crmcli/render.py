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
#: column kinds a table always shows whole, on one line (codes, phones, dates, amounts,
#: numbers, labels); other text is cut with "…" when the terminal is too narrow for it
KEEP_WHOLE = frozenset(
    {
        "enum",
        "label",
        "stage",
        "money",
        "int",
        "decimal",
        "percent",
        "share",
        "bar",
        "date",
        "datetime",
        "when",
        "bool",
        "phone",
    }
)
#: the narrowest a text column gets (in cells) before columns are left out: room for
#: five Chinese characters and the "…"
FLEX_MIN = 12
#: how much a column matters when a table must fit the terminal, by key: 0 is never left
#: out, and the highest numbers go first (a column's own ``priority`` wins; codes are 1,
#: anything else 2)
PRIORITIES = {
    **dict.fromkeys(("id", "code", "name", "who", "case"), 0),
    **dict.fromkeys(
        ("phone", "mobile", "customer_name", "title", "status", "state", "stage", "due"), 1
    ),
    **dict.fromkeys(("amount", "total", "due_at", "due_on", "next_due_on"), 1),
    **dict.fromkeys(
        ("city", "role", "email", "probability", "source", "industry", "kind", "channel"), 3
    ),
    **dict.fromkeys(("last_interaction_summary", "opportunity", "opportunity_code"), 3),
    **dict.fromkeys(("owner", "note", "notes", "tags", "address", "description", "extra"), 4),
    **dict.fromkeys(("website", "fax", "created_at", "updated_at"), 4),
}
#: table borders and padding around the columns: an edge each side, three cells between
EDGES, GAP = 2, 3


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
    #: 0 is never left out of a narrow table, higher numbers go first (see PRIORITIES)
    priority: int | None = None
    #: the narrowest a text column gets (a line of it that must stay whole, say)
    min_width: int | None = None

    @property
    def header(self) -> str:
        return pick(self.en, self.zh)

    @property
    def rank(self) -> int:
        if self.priority is not None:
            return self.priority
        return PRIORITIES.get(self.key, 1 if self.key.endswith("code") else 2)

    @property
    def whole(self) -> bool:
        """Shown whole or not at all: never cut, never wrapped."""
        return self.kind in KEEP_WHOLE or self.key == "id" or self.key.endswith("code")


def col(
    f: FieldDef,
    *,
    key: str | None = None,
    max_width: int | None = None,
    priority: int | None = None,
) -> Col:
    """A column for a field of :mod:`crmcli.vocab`."""
    return Col(key or f.name, f.en, f.zh, f.type, f.vocab, max_width, priority)


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


def tell_beside(target: Any, text: str) -> None:
    """What was written to ``target``: on stderr when the target is standard output (- or
    /dev/stdout: the data alone goes there), else on stdout."""
    from crmcli.tabular import is_stdout

    (notice if is_stdout(target) else out)(text)


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
    """Rows as a table that fits the terminal, one line per line of each value.

    Columns empty in every row are left out; when the rest is wider than the terminal,
    the least important columns go (one line says which) and text columns are cut with
    "…"; codes, phones, dates and amounts are never cut or wrapped.
    """
    if not data or not columns:
        return
    from rich import box
    from rich.table import Table

    con = console()
    cells = [[_cell_or_bar(record.get(c.key), c) for c in columns] for record in data]
    shown, left_out = fit(columns, cells, con.width)
    tbl = Table(
        box=box.SIMPLE_HEAD, title=title, title_justify="left", header_style="bold", pad_edge=False
    )
    for i, width in shown:
        c = columns[i]
        numeric = c.kind in ("money", "int", "decimal", "percent", "share")
        tbl.add_column(
            c.header,
            justify="right" if numeric else "left",
            width=width,
            no_wrap=True,
            overflow="ellipsis",
        )
    for row in cells:
        tbl.add_row(*(cut(row[i], width) for i, width in shown))
    con.print(tbl)
    if left_out:
        out(
            t(
                "Hidden to fit: {columns} (widen the terminal or use -f json)",
                columns=pick(", ", "、").join(c.header for c in left_out),
            )
        )


def cut(value: Any, width: int) -> Any:
    """Each line of a text cut to ``width`` cells, ending in "…" where something was cut."""
    if not isinstance(value, str) or width_of(value) <= width:
        return value
    from rich.cells import cell_len

    lines = []
    for line in value.split("\n"):
        if cell_len(line) > width:
            kept, used = [], 0
            for char in line:
                used += cell_len(char)
                if used > width - 1:
                    break
                kept.append(char)
            line = "".join(kept).rstrip() + "…"
        lines.append(line)
    return "\n".join(lines)


def width_of(text: str) -> int:
    """How many terminal cells the widest line of ``text`` takes (Chinese: 2 each)."""
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.split("\n")), default=0)


def fit(
    columns: Sequence[Col], cells: Sequence[Sequence[Any]], room: int
) -> tuple[list[tuple[int, int]], list[Col]]:
    """Which columns a table of ``cells`` shows in ``room`` cells, and how wide.

    Returns ``(index, width)`` of the columns shown, in order, and the columns left out
    that had something to show. Columns empty in every row are left out silently; then,
    while the narrowest the rest can be is wider than ``room``, the least important
    column goes (the rightmost of equals). The room left widens the text columns towards
    their ``max_width``, then towards their widest value, each in proportion to what it
    lacks.
    """
    least: dict[int, int] = {}
    wanted: dict[int, int] = {}  # as wide as max_width allows
    widest: dict[int, int] = {}
    for i, c in enumerate(columns):
        values = [row[i] for row in cells]
        if all(v == "" for v in values):
            continue
        head = width_of(c.header)
        if c.kind == "bar":
            least[i] = wanted[i] = widest[i] = max(head, c.max_width or 12)
            continue
        widest[i] = max([head, *(width_of(v) for v in values if isinstance(v, str))])
        wanted[i] = min(widest[i], max(head, c.max_width or widest[i]))
        least[i] = wanted[i] if c.whole else min(wanted[i], max(FLEX_MIN, head, c.min_width or 0))
    if not least:  # nothing in any column: show the headers
        least = wanted = widest = {i: width_of(c.header) for i, c in enumerate(columns)}

    def needed(keys: Iterable[int]) -> int:
        keys = list(keys)
        return sum(least[i] for i in keys) + EDGES + GAP * (len(keys) - 1)

    kept = sorted(least)
    left_out: list[Col] = []
    while len(kept) > 1 and needed(kept) > room:
        droppable = [i for i in kept if columns[i].rank > 0]
        if not droppable:
            break
        drop = max(droppable, key=lambda i: (columns[i].rank, i))
        kept.remove(drop)
        left_out.append(columns[drop])
    widths = {i: least[i] for i in kept}
    spare = room - needed(kept)
    for target in (wanted, widest):
        spare -= _widen(widths, target, spare, key=lambda i: (columns[i].rank, i))
    return [(i, widths[i]) for i in kept], sorted(left_out, key=columns.index)


def _widen(widths: dict[int, int], target: dict[int, int], spare: int, key: Any) -> int:
    """Share ``spare`` cells among the ``widths`` short of their ``target``, in proportion
    to what each lacks (the odd cells to the first by ``key``); returns the cells given."""
    lacking = {i: target[i] - w for i, w in widths.items() if target[i] > w}
    total = sum(lacking.values())
    if spare <= 0 or not total:
        return 0
    if spare >= total:
        widths.update({i: target[i] for i in lacking})
        return total
    given = 0
    for i, lack in lacking.items():
        widths[i] += spare * lack // total
        given += spare * lack // total
    for i in sorted(lacking, key=key):
        if given < spare and widths[i] < target[i]:
            widths[i] += 1
            given += 1
    return given


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
