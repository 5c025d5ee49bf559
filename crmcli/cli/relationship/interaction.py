"""``crm log`` and ``crm interaction``: contact records (接触记录) and needs records (需求记录)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, LimitOpt, SummaryFormatOpt, fmt, limit, new_app, state
from crmcli.vocab import CHANNEL, INTERACTION, INTERACTION_KIND

app = new_app("interaction")
log_app = new_app("log")

#: a list in 80 columns: two facts to a cell; the user column when records have one
LIST_COLUMNS = ["occurred_at", "who", "how", "what"]


@app.callback()
def interaction() -> None:
    """Contact records (接触记录) and needs records (需求记录); add them with crm log."""


CustomerArg = Annotated[
    str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000042) or exact name.")
]


def columns(names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "id": Col("id", "Id", "编号", "int"),
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer name", "客户名称", max_width=20),
        "opportunity_code": Col("opportunity_code", "Opportunity", "销售机会"),
        "who": Col("who", "Customer / contact", "客户 / 联系人", max_width=24),
        "how": Col("how", "Channel", "方式"),
        "what": Col("what", "Summary / result", "内容 / 结果", max_width=44),
    }
    widths = {"summary": 40, "result": 30, "next_step": 24, "place": 20}
    return [extra[n] if n in extra else col(INTERACTION[n], max_width=widths.get(n)) for n in names]


def for_table(data: list[dict[str, Any]]) -> list[Any]:
    """Add the table's combined cells to ``data``; returns the columns to show."""
    for row in data:
        row["who"] = "\n".join(v for v in (row["customer_name"], row["contact"]) if v)
        how = CHANNEL.label(row["channel"])
        if row["kind"] and row["kind"] != "contact":
            how += f" · {INTERACTION_KIND.label(row['kind'])}"
        row["how"] = how
        row["what"] = row["summary"] + (f"\n→{row['result']}" if row["result"] else "")
    names = LIST_COLUMNS
    if any(row["user"] for row in data):
        names = [*LIST_COLUMNS, "user"]
    return columns(names)


def followup_line(f: Any, customer: Any) -> str:
    """'follow-up 12 due 2026-03-05 (step 3 of memory)' for messages."""
    from crmcli.i18n import t
    from crmcli.render import Col, cell

    when = cell(f.due_at, Col("due_at", "", "", "when"))
    if f.step:
        return t(
            "follow-up {id} due {due} (step {step} of {cadence})",
            id=f.id,
            due=when,
            step=f.step,
            cadence=f.cadence,
        )
    return t("follow-up {id} due {due}", id=f.id, due=when)


@log_app.command("log")
def log(
    customer: CustomerArg,
    channel: Annotated[
        str,
        typer.Option(
            "--channel", "-c", metavar="CHANNEL", help=f"How (方式): {CHANNEL.accepted()}."
        ),
    ],
    summary: Annotated[
        str, typer.Option("--summary", "-s", metavar="TEXT", help="What was said (内容).")
    ],
    result: Annotated[
        Optional[str], typer.Option("--result", "-r", metavar="TEXT", help="Outcome (结果).")
    ] = None,
    contact: Annotated[
        Optional[str],
        typer.Option(metavar="NAME", help="The customer's contact spoken to (id or exact name)."),
    ] = None,
    place: Annotated[
        Optional[str], typer.Option(metavar="TEXT", help="Where, for a visit (地点).")
    ] = None,
    at: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="When it happened (default: now): 2026-03-01 14:30."),
    ] = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            metavar="KIND",
            help=f"Record kind (记录类型): {INTERACTION_KIND.accepted()}; needs = 需求记录.",
        ),
    ] = None,
    next_: Annotated[
        Optional[str],
        typer.Option(
            "--next",
            metavar="DATE|auto",
            help="Plan the next touch: a date, or auto (the next step of the customer's "
            "cadence, else in 3 days).",
        ),
    ] = None,
    next_step: Annotated[
        Optional[str],
        typer.Option(metavar="TEXT", help="What to do next (下一步); the next touch's note."),
    ] = None,
    opportunity: Annotated[
        Optional[str],
        typer.Option(metavar="ID", help="The opportunity this contact was about (id or code)."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Record a contact with a customer (接触记录): a call, visit, e-mail, meeting ..."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import contact_log, followups, interactions
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(at) if at is not None else None
    planned_next = followups.parse_next(next_, allow_none=False)
    with state.unit(write=True) as ctx:
        done = contact_log.log(
            ctx,
            customer=customer,
            channel=channel,
            summary=summary,
            result=result,
            contact=contact,
            place=place,
            at=when,
            kind=kind,
            next=planned_next,
            next_step=next_step,
            opportunity=opportunity,
        )
        c = done.customer
        q = interactions.query(ctx, customer_id=c.id)
        from crmcli.models import Interaction

        record = interactions.rows(ctx, q.where(Interaction.id == done.interaction.id))[0]
        data = {
            "interaction": record,
            "completed": followups.as_dict(ctx, done.completed) if done.completed else None,
            "next": followups.as_dict(ctx, done.planned) if done.planned else None,
        }
    if output == "json":
        render.out(render.to_json(data))
        return
    render.out(
        t(
            "Logged a {channel} contact with {code} {name} (record {id})",
            channel=CHANNEL.label(record["channel"]),
            code=c.code,
            name=c.name,
            id=record["id"],
        )
    )
    if done.completed is not None:
        render.out(t("Done: {followup}", followup=followup_line(done.completed, c)))
    if done.planned is not None:
        render.out(t("Next: {followup}", followup=followup_line(done.planned, c)))
    if done.cadence_finished:
        render.out(t("The cadence is complete: every step is done."))


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str],
        typer.Argument(metavar="[CUSTOMER]", help="Only this customer's records."),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="From this day on (2026-03-01, -7d).")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Before this day (2026-04-01).")
    ] = None,
    channel: Annotated[
        Optional[str],
        typer.Option("--channel", "-c", metavar="CHANNEL", help=f"Channel: {CHANNEL.accepted()}."),
    ] = None,
    kind: Annotated[
        Optional[str],
        typer.Option(metavar="KIND", help=f"Record kind: {INTERACTION_KIND.accepted()}."),
    ] = None,
    user: Annotated[
        Optional[str],
        typer.Option(
            "--user",
            "--by",
            metavar="USER",
            help="Records made by this member of staff (the acting user is crm --user).",
        ),
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List contact records, latest first (of one customer, or of all)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import customers
    from crmcli.services.relationship import interactions
    from crmcli.services.team.people import user_id
    from crmcli.validate import parse_datetime

    output = fmt(output)
    count = limit(n)
    start = parse_datetime(since) if since else None
    end = parse_datetime(until) if until else None
    with state.unit() as ctx:
        q = interactions.query(
            ctx,
            customer_id=customers.find(ctx, customer).id if customer else None,
            since=start,
            until=end,
            channel=CHANNEL.parse(channel) if channel else None,
            kind=INTERACTION_KIND.parse(kind) if kind else None,
            user_id=user_id(ctx, user) if user else None,
        )
        total = None
        if output == "table":
            shown = min(count or render.TABLE_ROWS, render.TABLE_ROWS)
            data = interactions.rows(ctx, q, limit=shown + 1)
            if len(data) > shown:
                total = interactions.count(ctx, q)
                if count:
                    total = min(total, count)
            data = data[:shown]
        else:
            data = interactions.rows(ctx, q, limit=count)
    shown = for_table(data) if output == "table" else []
    render.rows(data, shown, output, what=t("contact records"), total=total)
