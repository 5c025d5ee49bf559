"""The pipeline as a kanban board (销售漏斗): a column per stage, a card per opportunity;
``n``/``p`` move the one under the cursor to the next or previous stage as ``crm
opportunity stage`` does (a move to lost asks for the reason first)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from crmcli.errors import CrmError
from crmcli.i18n import pick, t
from crmcli.ui.card import CardScreen
from crmcli.ui.forms import LostReason
from crmcli.ui.keys import localise
from crmcli.ui.session import message


def _card(row: dict[str, Any]) -> str:
    """An opportunity on the board: code and amount, title, customer (each line is cut to
    the lane's width by the style sheet)."""
    amount = f"{row['amount']:,.0f}" if row.get("amount") is not None else ""
    return "\n".join([f"{row['code']} {amount}".strip(), row["title"], row["customer_name"]])


class PipelineScreen(Screen[None]):
    """Every visible opportunity, by stage."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "move(1)", "Next stage"),
        Binding("p", "move(-1)", "Prev stage"),
        Binding("left", "column(-1)", show=False),
        Binding("right", "column(1)", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise(self)
        self.stages: list[Any] = []
        self.customer_of: dict[str, str] = {}
        self.stage_of: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        from crmcli.services.selling import pipeline

        with self.app.session.unit() as ctx:
            self.stages = pipeline.pipeline(ctx).stages
        yield Header()
        with Horizontal(id="board"):
            for i, stage in enumerate(self.stages):
                with Vertical(classes="lane"):
                    yield Label(stage.label, id=f"title-{i}", classes="lane-title")
                    yield OptionList(id=f"lane-{i}", classes="lane-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "crm"
        self.sub_title = pick("Pipeline", "销售漏斗")
        self.load()
        self.lane(0).focus()

    def lane(self, i: int) -> OptionList:
        return self.query_one(f"#lane-{i}", OptionList)

    def load(self, keep: str | None = None) -> None:
        from crmcli.services.selling import pipeline

        with self.app.session.unit() as ctx:
            rows = pipeline.rows(ctx, pipeline.query(ctx))
        index = {s.key: i for i, s in enumerate(self.stages)}
        by_lane: list[list[dict[str, Any]]] = [[] for _ in self.stages]
        for row in rows:
            if row["stage"] in index:
                by_lane[index[row["stage"]]].append(row)
        self.customer_of = {r["code"]: r["customer_code"] for r in rows}
        self.stage_of = {r["code"]: index[r["stage"]] for r in rows if r["stage"] in index}
        for i, (stage, lane_rows) in enumerate(zip(self.stages, by_lane, strict=True)):
            lane = self.lane(i)
            lane.clear_options()
            lane.add_options([Option(_card(r), id=r["code"]) for r in lane_rows])
            self.query_one(f"#title-{i}", Label).update(f"{stage.label} ({len(lane_rows)})")
            if lane_rows:
                lane.highlighted = 0
            if keep is not None and keep in self.stage_of and self.stage_of[keep] == i:
                lane.highlighted = lane.get_option_index(keep)
                lane.focus()

    def current(self) -> tuple[int, str | None]:
        """The focused lane and the code of the opportunity highlighted in it."""
        focused = self.focused
        if not isinstance(focused, OptionList) or not focused.id:
            return 0, None
        i = int(focused.id.split("-")[1])
        if focused.highlighted is None or not focused.option_count:
            return i, None
        return i, focused.get_option_at_index(focused.highlighted).id

    def action_column(self, step: int) -> None:
        i, _code = self.current()
        target = self.lane(max(0, min(len(self.stages) - 1, i + step)))
        target.focus()
        if target.highlighted is None and target.option_count:
            target.highlighted = 0

    def action_move(self, step: int) -> None:
        i, code = self.current()
        if code is None:
            return
        target = i + step
        if not 0 <= target < len(self.stages):
            return
        stage = self.stages[target].key
        if stage == "lost":
            self.app.push_screen(LostReason(code), lambda reason: self.move(code, stage, reason))
        else:
            self.move(code, stage, None)

    def move(self, code: str, stage: str, reason: str | None) -> None:
        from crmcli.services.desk import changes

        if stage == "lost" and not reason:
            return
        try:
            with self.app.session.unit(write=True) as ctx:
                moved = changes.move_opportunity(ctx, code, stage=stage, reason=reason)
                label = self.stages[[s.key for s in self.stages].index(moved.to_stage)].label
        except CrmError as e:
            self.notify(message(e), severity="error")
            return
        self.notify(t("Moved {code} to {stage}", code=code, stage=label))
        self.load(keep=code)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        code = event.option.id
        if code in self.customer_of:
            self.app.push_screen(CardScreen(self.customer_of[code]), lambda _: self.load(code))

    def action_back(self) -> None:
        self.dismiss(None)
