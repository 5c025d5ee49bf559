"""``crm ui``: the full-screen app (Textual), imported only when it runs."""

import typer

from crmcli.cli.commands import COMMANDS
from crmcli.cli.common import state

app = typer.Typer(help=COMMANDS["ui"][2], add_completion=False)


@app.command("ui")
def ui() -> None:
    """Open the full-screen app on the morning screen: follow-ups due, receivables,
    tickets and drifting customers; F3 finds a customer, F4 shows the pipeline as a
    kanban board, F5 adds a customer; ctrl+q quits."""
    import sys

    from crmcli.errors import CrmError
    from crmcli.i18n import pick

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CrmError(
            pick("crm ui needs a terminal", "crm ui 需要在终端中运行"),
            hint=pick(
                "the commands work in scripts: crm followup due -f json",
                "脚本中请使用命令，例如：crm followup due -f json",
            ),
        )
    with state.unit():  # the schema is current and the acting user known, or a clear error
        pass
    from crmcli.ui.app import CrmApp
    from crmcli.ui.session import Session

    CrmApp(Session(db=state.db, user=state.user)).run()
