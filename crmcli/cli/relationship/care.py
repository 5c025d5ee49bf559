"""``crm care``: customer care (客户关怀) — drifting customers, birthdays, anniversaries."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, LimitOpt, fmt, limit, new_app, state

app = new_app("care")


@app.callback()
def care() -> None:
    """Customer care (客户关怀): who to look after, and how, by customer level."""


def columns() -> list[Any]:
    from crmcli.render import Col
    from crmcli.vocab import CARE_KIND

    return [
        Col("date", "Date", "日期", "date"),
        Col("kind", "Care", "关怀事项", "enum", CARE_KIND),
        Col("who", "Customer / contact", "客户 / 联系人", max_width=26),
        Col("why", "Why / care action", "原因 / 关怀方式", max_width=40),
    ]


def for_table(data: list[dict[str, Any]]) -> None:
    """Two facts to a cell, so the table reads in 80 columns."""
    from crmcli.vocab import LEVEL

    for row in data:
        person = " ".join(str(v) for v in (row["contact"], row["phone"]) if v)
        row["who"] = f"{row['customer_name']}\n{person}" if person else row["customer_name"]
        action = f"{LEVEL.label(row['level'])}: {row['action']}" if row["action"] else ""
        row["why"] = f"{row['detail']}\n{action}" if action else row["detail"]


@app.command()
def due(
    on: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="As of this day (default: today).")
    ] = None,
    within: Annotated[
        Optional[str],
        typer.Option(
            metavar="DAYS", help="Birthdays and anniversaries in the next DAYS days (default 14)."
        ),
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """Customers past their stay-in-touch interval, and birthdays and anniversaries ahead."""
    from datetime import date

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import care as service
    from crmcli.validate import parse_date, parse_int

    output = fmt(output)
    count = limit(n)
    day = parse_date(on) if on is not None else date.today()
    days = parse_int(within, "--within", low=0, high=366) if within is not None else 14
    with state.unit() as ctx:
        data = service.due(ctx, on=day, within=days)
    total = len(data)
    if count:
        data = data[:count]
    if output == "table":
        for_table(data)
    render.rows(
        data, columns(), output, what=t("customers to care for"), total=min(total, count or total)
    )
