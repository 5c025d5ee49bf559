"""``crm config``: business settings kept in the database, shared by the team."""

from typing import Annotated

import typer

from crmcli.cli.common import FormatOpt, fmt, new_app, state

app = new_app("config")

Key = Annotated[
    str, typer.Argument(metavar="KEY", help="A setting, or a part of one: care.intervals.gold.")
]


@app.command()
def show(output: FormatOpt = None) -> None:
    """Show every setting with its value (defaults included)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.render import Col
    from crmcli.services.team import settings

    output = fmt(output)
    with state.unit() as ctx:
        data = settings.show(ctx)
    if output == "table":
        for row in data:
            row["value"] = render.to_json(row["value"], indent=None)
    columns = [
        Col("key", "Key", "设置项"),
        Col("value", "Value", "值", max_width=60),
        Col("changed", "Changed", "已修改", "bool"),
        Col("description", "Description", "说明", max_width=40),
    ]
    render.rows(data, columns, output, what=t("settings"))


@app.command("set")
def set_(
    key: Key,
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="The new value: JSON (14, [..], {..}) or text.")
    ],
) -> None:
    """Change a setting (admins only in team mode); audited."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import settings

    with state.unit(write=True) as ctx:
        new = settings.set_value(ctx, key, value)
    render.out(t("Set {key} = {value}", key=key, value=render.to_json(new, indent=None)))


@app.command()
def reset(key: Key) -> None:
    """Put a setting (or a part of one) back to its built-in default."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import settings

    with state.unit(write=True) as ctx:
        settings.reset(ctx, key)
    render.out(t("Reset {key} to its default", key=key))
