"""The customer card (客户资料卡): its head (``crm customer show``'s fields that matter
on the phone) over one timeline (``crm customer timeline``), newest first."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from crmcli.errors import CrmError
from crmcli.i18n import pick
from crmcli.ui.forms import FollowupDone, LogContact
from crmcli.ui.keys import localise
from crmcli.ui.session import message
from crmcli.ui.tables import col, fill, selected
from crmcli.vocab import CUSTOMER, LEVEL, STATUS


def timeline_columns() -> list[Any]:
    from crmcli.services.desk.timeline import EVENT_KIND

    return [
        col("at", "When", "时间", "when", width=16),
        col("kind", "Event", "事件", "enum", EVENT_KIND, width=9),
        col("summary", "What", "内容", width=44),
        col("user", "By", "经办人", "label"),
    ]


def head(data: dict[str, Any]) -> str:
    """Two or three short lines: who, how to reach them, whose they are."""
    first = f"{data['code']} {data['name']}  {LEVEL.label(data['level'])} · {STATUS.label(data['status'])}"
    reach = [data.get("city"), data.get("phone"), data.get("email")]
    second = "  ".join(str(v) for v in reach if v)
    owner = data.get("owner")
    people = ", ".join(
        f"{c['name']} {c.get('mobile') or c.get('phone') or ''}".strip()
        for c in data.get("contacts", [])[:3]
    )
    lines = [first, second]
    if owner or people:
        who = f"{CUSTOMER['owner'].label}: {owner}" if owner else ""
        lines.append("  ".join(p for p in (who, people) if p))
    return "\n".join(line for line in lines if line)


class CardScreen(Screen[None]):
    """One customer: the head and everything that happened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log", "Log contact"),
        Binding("d", "done", "Done"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        localise(self)
        self.code = code
        self.pending: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="head")
        yield DataTable(id="timeline", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "crm"
        self.sub_title = pick("Customer card", "客户资料卡")
        self.load()
        self.query_one("#timeline", DataTable).focus()

    def load(self) -> None:
        from crmcli.services.desk import card, timeline

        try:
            with self.app.session.unit() as ctx:
                data = card.card(ctx, self.code)
                events = timeline.timeline(ctx, self.code)
        except CrmError as e:
            self.notify(message(e), severity="error")
            return
        self.pending = data["followups"]
        self.query_one("#head", Static).update(head(data))
        for i, e in enumerate(events):
            e["row"] = i
        self.events = events
        fill(self.query_one("#timeline", DataTable), timeline_columns(), events, "row")

    def reload(self, result: Any = None) -> None:
        if result is not None:
            self.load()

    def action_log(self) -> None:
        self.app.push_screen(LogContact(self.code), self.reload)

    def action_done(self) -> None:
        """The follow-up under the cursor if it is pending, else the earliest pending one."""
        pending = {str(f["id"]): f for f in self.pending}
        key = selected(self.query_one("#timeline", DataTable))
        event = self.events[int(key)] if key is not None else None
        chosen = None
        if event and event["kind"] == "followup" and event["ref"] in pending:
            chosen = pending[event["ref"]]
        elif self.pending:
            chosen = self.pending[0]
        if chosen is None:
            self.notify(pick("No pending follow-up", "没有待办跟进"), severity="warning")
            return
        self.app.push_screen(FollowupDone(chosen["id"], chosen["note"]), self.reload)

    def action_back(self) -> None:
        self.dismiss(None)
