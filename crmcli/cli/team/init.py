"""``crm init``: create the database, optionally with the demo company."""

from typing import Annotated

import typer

from crmcli.cli.common import state

app = typer.Typer(add_completion=False)


@app.command()
def init(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo company (a realistic Chinese book).")
    ] = False,
    team: Annotated[
        bool,
        typer.Option(
            "--team",
            help="With --demo: also load the staff and who owns which customer (team mode).",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Start afresh (admins): a SQLite file is moved aside as a backup first; "
            "a PostgreSQL database is emptied, its staff roles dropped.",
        ),
    ] = False,
) -> None:
    """Create the database (schema included); --demo loads the sample company."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.data import demo as demo_data
    from crmcli.services.team import setup

    if team and not demo:
        from crmcli.errors import Invalid

        raise Invalid(t("--team goes with --demo"))
    db = state.database
    if force:
        if db.revision() is not None:  # a crm database: only its admins may wipe it
            with state.unit() as ctx:
                setup.require_start_afresh(ctx)
        moved = setup.start_afresh(db)
        if moved:
            render.notice(t("Moved the old database aside to {path}", path=moved))
    db.ensure_schema(notify=render.notice)
    with state.unit(write=True) as ctx:
        has_data = setup.holds_data(ctx)
        if demo:
            if has_data:
                from crmcli.errors import Conflict

                raise Conflict(
                    t("the database {url} already holds data", url=db.display),
                    hint=t("add --force to start afresh (the old file is kept as a backup)"),
                )
            counts = demo_data.load(ctx, team=team)
    if demo:
        render.out(t("Loaded the demo company into {url}", url=db.display))
        if team:
            render.out(
                t(
                    "Team mode with {count} staff: say who you are with --user NAME "
                    "(crm user list shows them)",
                    count=counts["users"],
                )
            )
    elif has_data:
        render.out(
            t("Database {url} already exists and holds data; nothing changed", url=db.display)
        )
    else:
        render.out(t("Database {url} is ready", url=db.display))
