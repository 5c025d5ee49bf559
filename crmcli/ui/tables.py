"""Filling a Textual DataTable with records, each cell as the CLI's tables show it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.widgets import DataTable


def col(
    key: str, en: str, zh: str, kind: str = "text", vocab: Any = None, width: int | None = None
) -> Any:
    """A column as the CLI's tables have it; ``width`` (cells) crops longer values."""
    from crmcli.render import Col

    return Col(key, en, zh, kind, vocab, width)


def fill(
    table: DataTable, columns: Sequence[Any], rows: Sequence[dict[str, Any]], key: str
) -> None:
    """Replace ``table``'s columns and rows; each row keyed by ``row[key]``."""
    from crmcli.render import cell

    table.clear(columns=True)
    for c in columns:
        table.add_column(c.header, width=c.max_width)
    for row in rows:
        table.add_row(*(cell(row.get(c.key), c) for c in columns), key=str(row[key]))


def selected(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None for an empty table."""
    if not table.row_count:
        return None
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
