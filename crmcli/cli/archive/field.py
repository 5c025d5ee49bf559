"""``crm field``: the custom fields of the card (客户资料卡): add, list, edit, remove, preset."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, SummaryFormatOpt, fmt, new_app, state

app = new_app("field")

Name = Annotated[
    str,
    typer.Argument(metavar="NAME", help="The field's name (or, to find it, its Chinese label)."),
]
OnOpt = Annotated[
    str,
    typer.Option(
        "--on", metavar="KIND", help="What the field is on: customer/客户 or contact/联系人."
    ),
]
ZhOpt = Annotated[
    Optional[str], typer.Option("--zh", metavar="LABEL", help="Its Chinese label (中文名称).")
]


def columns() -> list[Any]:
    from crmcli.render import Col

    return [
        Col("name", "Name", "字段名"),
        Col("zh", "Chinese label", "中文名称"),
        Col("on", "On", "适用于"),
        Col("type", "Type", "类型", max_width=40),
        Col("required", "Required", "必填", "bool"),
    ]


def _shown(d: Any) -> dict[str, Any]:
    """A definition as a table row: its type with the choices, in the user's language."""
    from crmcli.i18n import pick
    from crmcli.services.archive import fields

    kind = pick(d.type, fields.TYPE_LABELS[d.type])
    if d.choices:
        kind += f"({','.join(d.choices)})"
    on = pick(d.entity, fields.ENTITIES[d.entity])
    return {**d.as_json(), "type": kind, "on": on}


def _said(d: Any, output: str, message: str) -> None:
    from crmcli import render

    if output == "json":
        render.record(d.as_json(), [], "json")
    else:
        render.out(message)


@app.command()
def add(
    name: Name,
    on: OnOpt = "customer",
    type_: Annotated[
        str,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="text, number, money, date, choice(A,B,...) or bool (文本, 数字, 金额, 日期, "
            "选项, 是否).",
        ),
    ] = "text",
    zh: ZhOpt = None,
    required: Annotated[
        bool,
        typer.Option(
            "--required", help="New records need it (records already in the book are not refused)."
        ),
    ] = False,
    output: SummaryFormatOpt = None,
) -> None:
    """Define a custom field (admins and managers); values already kept under its name
    must be of its type."""
    from crmcli.i18n import t
    from crmcli.services.archive import fields

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        d = fields.add(ctx, name=name, entity=on, type_spec=type_, zh=zh, required=required)
    shown = _shown(d)
    message = t(
        "Added field {name} ({type}) on {on}", name=d.name, type=shown["type"], on=shown["on"]
    )
    _said(d, output, message)


@app.command("list")
def list_(
    on: Annotated[
        Optional[str],
        typer.Option("--on", metavar="KIND", help="Only the fields on customer or contact."),
    ] = None,
    output: FormatOpt = None,
) -> None:
    """List the custom fields, customers' first."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import fields

    output = fmt(output)
    with state.unit() as ctx:
        defs = fields.definitions(ctx, fields.parse_entity(on) if on else None)
    data = [_shown(d) for d in defs] if output == "table" else [d.as_json() for d in defs]
    render.rows(data, columns(), output, what=t("custom fields"))


@app.command()
def edit(
    name: Name,
    on: OnOpt = "customer",
    zh: Annotated[
        Optional[str],
        typer.Option("--zh", metavar="LABEL", help='Its Chinese label ("" removes it).'),
    ] = None,
    required: Annotated[
        Optional[bool],
        typer.Option("--required/--optional", help="Whether new records need it."),
    ] = None,
    type_: Annotated[
        Optional[str],
        typer.Option(
            "--type",
            metavar="TYPE",
            help="A new type or new choices: only when every value kept converts.",
        ),
    ] = None,
    rename: Annotated[
        Optional[str],
        typer.Option("--rename", metavar="NAME", help="A new name (the values move with it)."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Change a custom field's label, whether it is required, its type or its name."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.archive import fields

    output = fmt(output, ("table", "json"))
    if zh is None and required is None and type_ is None and rename is None:
        raise Invalid(
            t("no changes given"), hint=t("give --zh, --required/--optional, --type or --rename")
        )
    with state.unit(write=True) as ctx:
        d, changes = fields.edit(
            ctx, name=name, entity=on, zh=zh, required=required, type_spec=type_, rename=rename
        )
    message = "Updated field {name}" if changes else "Field {name} unchanged"
    _said(d, output, t(message, name=d.name))


@app.command()
def remove(
    name: Name,
    on: OnOpt = "customer",
    values: Annotated[
        bool,
        typer.Option(
            "--values",
            help="Remove its values from every record too (else they stay as untyped custom "
            "fields).",
        ),
    ] = False,
) -> None:
    """Remove a custom field's definition (admins)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import fields

    with state.unit(write=True) as ctx:
        d, cleared = fields.remove(ctx, name=name, entity=on, values=values)
    if values:
        render.out(
            t("Removed field {name} and its values from {n} records", name=d.name, n=cleared)
        )
    else:
        render.out(t("Removed field {name}; its values stay as untyped custom fields", name=d.name))


@app.command()
def preset(
    name: Annotated[
        str,
        typer.Argument(metavar="FORM", help="A course form: 企业基本情况调查表 or 跟踪记录表."),
    ],
    output: FormatOpt = None,
) -> None:
    """Add the fields of a course form (course 002: 建立客户档案) that crm has no built-in
    field for, in one step; fields already defined are left as they are."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import fields

    output = fmt(output)
    with state.unit(write=True) as ctx:
        form, added, there = fields.preset(ctx, name)
    if output != "table":
        render.rows([d.as_json() for d in added], columns(), output, what=t("custom fields"))
        return
    render.rows([_shown(d) for d in added], columns(), output, what=t("custom fields"))
    render.out(
        t("Added {n} fields of {form} ({m} already defined)", n=len(added), form=form, m=len(there))
    )
