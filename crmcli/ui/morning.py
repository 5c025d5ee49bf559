"""The morning screen (``crm ui`` opens on it): the follow-ups due as ``crm followup
due`` lists them, earliest first, then overdue receivables, open tickets and the gold
customers drifting away, each on a tab (the dashboard's figures)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, TabbedContent, TabPane

from crmcli.i18n import pick
from crmcli.ui.card import CardScreen
from crmcli.ui.forms import FollowupDone
from crmcli.ui.keys import localise
from crmcli.ui.tables import col, fill, selected
from crmcli.vocab import FOLLOWUP_KIND, PRIORITY, TICKET_STATUS

#: rows shown on a tab (its label counts them all): a big book's morning opens at once
SHOWN = 200


def due_columns() -> list[Any]:
    return [
        col("due_at", "Due", "到期", "when", width=16),
        col("customer_name", "Customer", "客户", width=18),
        col("touch", "Touch", "跟进", "label", width=8),
        col("contact", "Contact", "联系人", width=8),
        col("phone", "Phone", "电话", "label", width=15),
        col("note", "Note", "备注"),
    ]


def touch(row: dict[str, Any]) -> str:
    kind = FOLLOWUP_KIND.label(row["kind"])
    return f"{kind} #{row['step']}" if row.get("step") else kind


class MorningScreen(Screen[None]):
    """What to do today."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise(self)
        self.customer_of: dict[str, str] = {}
        self.note_of: dict[str, str | None] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane(pick("Due", "待跟进"), id="due-tab"):
                yield DataTable(id="due", cursor_type="row")
            with TabPane(pick("Receivables", "逾期应收"), id="receivables-tab"):
                yield DataTable(id="receivables", cursor_type="row")
            with TabPane(pick("Tickets", "工单"), id="tickets-tab"):
                yield DataTable(id="tickets", cursor_type="row")
            with TabPane(pick("Drifting", "久未联系"), id="drifting-tab"):
                yield DataTable(id="drifting", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "crm"
        self.sub_title = pick("Morning", "今日")
        self.load()
        self.query_one("#due", DataTable).focus()

    def load(self) -> None:
        from crmcli.services.relationship import care, followup_due, tickets
        from crmcli.services.selling import contracts

        session = self.app.session
        day = session.today()
        with session.unit() as ctx:
            report = followup_due.due(ctx, on=day, limit=SHOWN, count=True)
            owed = contracts.receivables(ctx, as_of=day, overdue=True)
            q = tickets.query(ctx, statuses=list(tickets.OPEN))
            open_tickets = tickets.rows(ctx, q, limit=SHOWN)
            open_count = len(open_tickets)
            if open_count >= SHOWN:
                open_count = tickets.count(ctx, q)
            drifting = care.drifting(ctx, on=day, level="gold", limit=SHOWN)
            drifting_count = len(drifting)
            if drifting_count >= SHOWN:
                drifting_count = care.drifting_count(ctx, on=day, level="gold")
        due = report.rows
        totals = {
            "due-tab": report.total,
            "receivables-tab": len(owed),
            "tickets-tab": open_count,
            "drifting-tab": drifting_count,
        }
        owed = owed[:SHOWN]
        for row in due:
            row["touch"] = touch(row)
        self.customer_of = {}
        for name, data, key in (
            ("due", due, "id"),
            ("tickets", open_tickets, "code"),
            ("drifting", drifting, "customer_code"),
        ):
            for r in data:
                self.customer_of[f"{name}:{r[key]}"] = r["customer_code"]
        for i, r in enumerate(owed):
            r["row"] = i
            self.customer_of[f"receivables:{i}"] = r["customer_code"]
        self.note_of = {str(r["id"]): r["note"] for r in due}
        fill(self.query_one("#due", DataTable), due_columns(), due, "id")
        fill(
            self.query_one("#receivables", DataTable),
            [
                col("customer_name", "Customer", "客户", width=24),
                col("contract_code", "Contract", "合同", "label"),
                col("due_on", "Due", "应收日期", "date"),
                col("outstanding", "Outstanding", "未收金额", "money"),
                col("days_overdue", "Days over", "逾期天数", "int"),
            ],
            owed,
            "row",
        )
        fill(
            self.query_one("#tickets", DataTable),
            [
                col("code", "Code", "工单编号", "label"),
                col("customer_name", "Customer", "客户", width=18),
                col("subject", "Subject", "主题", width=22),
                col("priority", "Priority", "优先级", "enum", PRIORITY),
                col("status", "Status", "状态", "enum", TICKET_STATUS),
            ],
            open_tickets,
            "code",
        )
        fill(
            self.query_one("#drifting", DataTable),
            [
                col("customer_name", "Customer", "客户", width=24),
                col("contact", "Contact", "联系人", width=8),
                col("phone", "Phone", "电话", "label"),
                col("days_since_contact", "Days", "未联系天数", "int"),
            ],
            drifting,
            "customer_code",
        )
        tabs = self.query_one(TabbedContent)
        for pane, label in (
            ("due-tab", pick("Due", "待跟进")),
            ("receivables-tab", pick("Receivables", "逾期应收")),
            ("tickets-tab", pick("Tickets", "工单")),
            ("drifting-tab", pick("Drifting", "久未联系")),
        ):
            tabs.get_tab(pane).label = f"{label} ({totals[pane]})"

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        name = event.data_table.id
        code = self.customer_of.get(f"{name}:{event.row_key.value}")
        if code:
            self.app.push_screen(CardScreen(code), lambda _: self.load())

    def action_done(self) -> None:
        table = self.query_one("#due", DataTable)
        key = selected(table)
        if key is None:
            return
        self.query_one(TabbedContent).active = "due-tab"
        self.app.push_screen(FollowupDone(int(key), self.note_of.get(key)), self.reload)

    def reload(self, result: Any = None) -> None:
        if result is not None:
            self.load()

    def action_refresh(self) -> None:
        self.load()
