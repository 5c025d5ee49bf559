"""``crm customer timeline``: everything that happened with a customer, newest first."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, LimitOpt, fmt, limit, state


def columns() -> list[Any]:
    """The timeline's table columns (the ui's card shows the same)."""
    from crmcli.render import Col
    from crmcli.services.desk.timeline import EVENT_KIND

    return [
        Col("at", "When", "时间", "when"),
        Col("kind", "Event", "事件", "enum", EVENT_KIND),
        Col("summary", "What", "内容", "text", max_width=60),
        Col("user", "By", "经办人", "label"),
        Col("ref", "Ref", "编号", "label"),
    ]


def timeline(
    ref: Annotated[
        str, typer.Argument(metavar="REF", help="Customer id, code (C000042) or exact name.")
    ],
    since: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="Only events from this day on (2026-03-01, -30d)."),
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """Everything that happened with a customer, newest first: contacts, follow-ups,
    stage moves, orders, contracts, payments, tickets, notes and changes."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.desk import timeline as service
    from crmcli.validate import parse_datetime

    output = fmt(output)
    count = limit(n)
    start = parse_datetime(since) if since else None
    with state.unit() as ctx:
        data = service.timeline(ctx, ref, since=start)
    total = len(data)
    if count is not None:
        data = data[:count]
        total = min(total, count)
    render.rows(data, columns(), output, what=t("events"), total=total)
