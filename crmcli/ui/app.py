"""The ``crm ui`` application: the morning screen first; F-keys reach the finder, the
pipeline and a new customer from anywhere; ctrl+q quits."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from crmcli.ui.finder import FinderScreen
from crmcli.ui.forms import AddCustomer
from crmcli.ui.keys import localise
from crmcli.ui.morning import MorningScreen
from crmcli.ui.pipeline import PipelineScreen
from crmcli.ui.session import Session


class CrmApp(App[None]):
    """One window for the day's work, over the same services as the commands."""

    CSS_PATH = "crm.tcss"
    TITLE = "crm"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f2", "morning", "Morning"),
        Binding("f3", "find", "Find"),
        Binding("f4", "pipeline", "Pipeline"),
        Binding("f5", "add_customer", "Add customer"),
    ]

    def __init__(self, session: Session | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        localise(self)
        self.session = session or Session()

    def get_default_screen(self) -> MorningScreen:
        return MorningScreen()

    def home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_morning(self) -> None:
        self.home()
        self.screen.action_refresh()  # type: ignore[attr-defined]

    def action_find(self) -> None:
        self.home()
        self.push_screen(FinderScreen())

    def action_pipeline(self) -> None:
        self.home()
        self.push_screen(PipelineScreen())

    def action_add_customer(self) -> None:
        from crmcli.ui.card import CardScreen

        def opened(code: Any) -> None:
            if code:
                self.push_screen(CardScreen(code))

        self.push_screen(AddCustomer(), opened)

    def on_unmount(self) -> None:
        self.session.close()
