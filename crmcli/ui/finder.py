"""The customer finder: what is typed searches as ``crm customer list --search`` does
(name, code, phone digits, contact names ...), at every keystroke; Enter opens the card."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from crmcli.errors import CrmError
from crmcli.i18n import pick
from crmcli.ui.card import CardScreen
from crmcli.ui.keys import localise
from crmcli.ui.session import message
from crmcli.ui.tables import col, fill, selected
from crmcli.vocab import LEVEL

SHOWN = 50


def columns() -> list[Any]:
    return [
        col("code", "Code", "编号", "label"),
        col("name", "Name", "客户名称", width=28),
        col("level", "Level", "等级", "enum", LEVEL),
        col("city", "City", "城市"),
        col("phone", "Phone", "电话", "label"),
    ]


class FinderScreen(Screen[None]):
    """Find a customer as you type."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("down", "to_results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=pick("Name, code, phone or contact", "名称、编号、电话或联系人"))
        yield DataTable(id="results", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "crm"
        self.sub_title = pick("Find a customer", "查找客户")
        self.search("")
        self.query_one(Input).focus()

    @work(exclusive=True, thread=True, group="search")
    def search(self, text: str) -> None:
        """Search in a thread, so typing never waits on the database; only the answer to
        what the box still holds is shown."""
        from crmcli.services.archive import customers

        try:
            with self.app.session.unit() as ctx:
                q = customers.order_by(customers.query(ctx, search=text.strip() or None), None)
                found = customers.rows(ctx, q, limit=SHOWN)
        except CrmError as e:
            self.app.call_from_thread(self.notify, message(e), severity="error")
            return
        self.app.call_from_thread(self.show, text, found)

    def show(self, text: str, found: list[dict[str, Any]]) -> None:
        if text == self.query_one(Input).value:
            fill(self.query_one("#results", DataTable), columns(), found, "code")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.open(selected(self.query_one("#results", DataTable)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open(str(event.row_key.value))

    def open(self, code: str | None) -> None:
        if code:
            self.app.push_screen(CardScreen(code))

    def action_to_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    def action_back(self) -> None:
        self.dismiss(None)
