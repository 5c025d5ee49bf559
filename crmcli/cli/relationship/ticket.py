"""``crm ticket``: service tickets (服务工单) and the service tracking card (用户服务跟踪卡)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, LimitOpt, SummaryFormatOpt, fmt, limit, new_app, state
from crmcli.vocab import PRIORITY, TICKET, TICKET_ACTION, TICKET_KIND, TICKET_STATUS

app = new_app("ticket")

#: a ticket list in 80 columns: two facts to a cell; a wide terminal adds the owner
LIST_COLUMNS = ["code", "case", "type", "state", "due"]
WIDE = 120
CARD_FIELDS = [
    "customer_code",
    "customer_name",
    "contact",
    "kind",
    "priority",
    "status",
    "owner",
    "opened_at",
    "due_at",
    "overdue",
    "resolved_at",
    "closed_at",
    "description",
    "resolution",
    "cause",
    "remedy",
    "compensation",
    "satisfaction",
    "callback_line",
]

Ref = Annotated[str, typer.Argument(metavar="TICKET", help="Ticket id, code (T000001) or subject.")]
CauseOpt = Annotated[
    Optional[str],
    typer.Option(metavar="TEXT", help="Why it happened (问题原因), for a complaint above all."),
]
RemedyOpt = Annotated[
    Optional[str],
    typer.Option(
        metavar="TEXT",
        help="What is done to make it good (补救措施); a complaint needs one to close.",
    ),
]
CompensationOpt = Annotated[
    Optional[str],
    typer.Option(
        metavar="AMOUNT", help="Money given to the customer (补偿金额), e.g. 500 or 1.2万."
    ),
]
SatisfactionOpt = Annotated[
    Optional[str],
    typer.Option(metavar="1-5", help="The customer's satisfaction (满意度), 1 to 5."),
]


def columns(names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "id": Col("id", "Id", "编号", "int"),
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer name", "客户名称", max_width=20),
        "contact": Col("contact", "Contact", "联系人"),
        "overdue": Col("overdue", "Overdue", "超时", "bool"),
        "case": Col("case", "Customer / subject", "客户 / 主题", max_width=30),
        "type": Col("type", "Kind", "类型"),
        "state": Col("state", "Status", "状态"),
        "due": Col("due", "Due by", "解决时限", "when"),
        "callback_line": Col("callback_line", "Call-back", "满意度回访"),
    }
    widths = {"subject": 30, "description": 60, "resolution": 60}
    result = []
    for n in names:
        if n in extra:
            result.append(extra[n])
            continue
        c = col(TICKET[n], max_width=widths.get(n))
        result.append(c._replace(kind="when") if c.kind == "datetime" else c)
    return result


def for_table(data: list[dict[str, Any]]) -> list[Any]:
    """Add the table's combined cells to ``data``; returns the columns to show."""
    from datetime import date

    from crmcli import render
    from crmcli.i18n import pick

    this_year = date.today().year
    for row in data:
        row["case"] = f"{row['customer_name']}\n{row['subject']}"
        row["type"] = f"{TICKET_KIND.label(row['kind'])}\n{PRIORITY.label(row['priority'])}"
        state = TICKET_STATUS.label(row["status"])
        row["state"] = f"{state}\n{pick('overdue', '超时')}" if row.get("overdue", True) else state
        due = row["due_at"] if row["status"] in ("open", "in_progress") else None
        row["due"] = (
            due.strftime("%m-%d %H:%M" if due.year == this_year else "%Y-%m-%d %H:%M")
            if due
            else None
        )
    names = LIST_COLUMNS
    if render.console().width >= WIDE:
        names = [*LIST_COLUMNS, "owner"]
    return columns(names)


def timeline_columns() -> list[Any]:
    from crmcli.render import Col

    return [
        Col("at", "When", "时间", "datetime"),
        Col("action", "Action", "操作", "enum", TICKET_ACTION),
        Col("status", "Status", "工单状态", "enum", TICKET_STATUS),
        Col("user", "By", "处理人", "user"),
        Col("note", "Note", "说明", max_width=60),
    ]


def _satisfaction(value: Optional[str]) -> Optional[int]:
    from crmcli.validate import parse_int

    if value is None:
        return None
    return parse_int(value, TICKET["satisfaction"].label, low=1, high=5)


def _done(ctx: Any, ticket: Any, message: str, output: str) -> None:
    from crmcli import render
    from crmcli.services.relationship import tickets

    if output == "json":
        render.record(tickets.as_dict(ctx, ticket), [], "json")
    else:
        render.out(message)


@app.command("open")
def open_(
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000042) or exact name.")
    ],
    kind: Annotated[
        str, typer.Option("--kind", "-k", metavar="KIND", help=f"Kind: {TICKET_KIND.accepted()}.")
    ],
    subject: Annotated[
        str, typer.Option("--subject", "-s", metavar="TEXT", help="The problem in a line (主题).")
    ],
    priority: Annotated[
        Optional[str],
        typer.Option(metavar="PRIORITY", help=f"Priority: {PRIORITY.accepted()}; default normal."),
    ] = None,
    contact: Annotated[
        Optional[str], typer.Option(metavar="NAME", help="Who reported it (contact id or name).")
    ] = None,
    description: Annotated[
        Optional[str], typer.Option("--description", "-d", metavar="TEXT", help="The details.")
    ] = None,
    owner: Annotated[
        Optional[str],
        typer.Option(metavar="USER", help="Who handles it (default: the acting user)."),
    ] = None,
    cause: CauseOpt = None,
    remedy: RemedyOpt = None,
    compensation: CompensationOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Open a ticket: an inquiry, complaint, repair, return or suggestion (服务受理)."""
    from crmcli.i18n import t
    from crmcli.render import Col, cell
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        ticket = tickets.open_ticket(
            ctx,
            customer=customer,
            kind=kind,
            subject=subject,
            priority=priority,
            contact=contact,
            description=description,
            owner=owner,
            cause=cause,
            remedy=remedy,
            compensation=compensation,
        )
        _done(
            ctx,
            ticket,
            t(
                "Opened ticket {code} ({kind}, {priority}); resolve by {due}",
                code=ticket.code,
                kind=TICKET_KIND.label(ticket.kind),
                priority=PRIORITY.label(ticket.priority),
                due=cell(ticket.due_at, Col("due_at", "", "", "datetime")),
            ),
            output,
        )


@app.command("list")
def list_(
    status: Annotated[
        Optional[str],
        typer.Option(
            metavar="STATUS",
            help=f"Status, or several with commas, or all: {TICKET_STATUS.accepted()} "
            "(default: all but closed).",
        ),
    ] = None,
    kind: Annotated[
        Optional[str], typer.Option(metavar="KIND", help=f"Kind: {TICKET_KIND.accepted()}.")
    ] = None,
    priority: Annotated[
        Optional[str], typer.Option(metavar="PRIORITY", help=f"Priority: {PRIORITY.accepted()}.")
    ] = None,
    owner: Annotated[
        Optional[str], typer.Option(metavar="USER", help="Handled by this user.")
    ] = None,
    customer: Annotated[
        Optional[str], typer.Option(metavar="CUSTOMER", help="Only this customer's tickets.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only tickets past their resolution target.")
    ] = False,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List tickets: open work first, by resolution target; overdue ones flagged."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import customers
    from crmcli.services.relationship import tickets
    from crmcli.services.team.people import user_id

    output = fmt(output)
    count = limit(n)
    statuses = _statuses(status)
    with state.unit() as ctx:
        q = tickets.query(
            ctx,
            statuses=statuses,
            kind=TICKET_KIND.parse(kind) if kind else None,
            priority=PRIORITY.parse(priority) if priority else None,
            owner_id=user_id(ctx, owner) if owner else None,
            customer_id=customers.find(ctx, customer).id if customer else None,
            overdue_at=ctx.at if overdue else None,
        )
        total = None
        if output == "table":
            shown = min(count or render.TABLE_ROWS, render.TABLE_ROWS)
            data = tickets.rows(ctx, q, limit=shown + 1)
            if len(data) > shown:
                total = tickets.count(ctx, q)
                if count:
                    total = min(total, count)
            data = data[:shown]
        else:
            data = tickets.rows(ctx, q, limit=count)
    shown = for_table(data) if output == "table" else []
    render.rows(data, shown, output, what=t("tickets"), total=total)


def _statuses(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return ["open", "in_progress", "resolved"]
    if value.strip().lower() in ("all", "全部"):
        return None
    return [TICKET_STATUS.parse(v) for v in value.replace("，", ",").split(",") if v.strip()]


@app.command()
def show(ref: Ref, output: FormatOpt = None) -> None:
    """The service tracking card (用户服务跟踪卡): the ticket and its timeline."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.services.relationship import tickets

    output = fmt(output)
    with state.unit() as ctx:
        data = tickets.show(ctx, ref)
    if output in ("table", "csv"):
        data["callback_line"] = _callback_line(data.pop("callback"))
    render.record(
        data,
        columns(CARD_FIELDS),
        output,
        title=f"{data['code']} {data['subject']}",
        sections=[
            ("steps", pick("Complaint steps", "投诉处理步骤"), step_columns()),
            ("events", pick("Timeline", "服务跟踪记录"), timeline_columns()),
        ],
    )


def _callback_line(callback: Optional[dict[str, Any]]) -> Optional[str]:
    """The call-back on the card: follow-up 12, zhaolei, 2026-12-09 10:00, pending."""
    from crmcli.i18n import t
    from crmcli.render import Col, cell
    from crmcli.vocab import FOLLOWUP_STATUS

    if callback is None:
        return None
    return t(
        "follow-up {id}, {owner}, {due}, {status}",
        id=callback["followup_id"],
        owner=callback["owner"] or "-",
        due=cell(callback["due_at"], Col("due_at", "", "", "datetime")),
        status=FOLLOWUP_STATUS.label(callback["status"]),
    )


def step_columns() -> list[Any]:
    from crmcli.render import Col
    from crmcli.vocab import COMPLAINT_STEP

    return [
        Col("step", "Step", "步骤", "enum", COMPLAINT_STEP),
        Col("done", "Done", "已完成", "bool"),
        Col("at", "When", "时间", "datetime"),
    ]


@app.command()
def assign(
    ref: Ref,
    owner: Annotated[str, typer.Option("--owner", metavar="USER", help="Who handles it.")],
    output: SummaryFormatOpt = None,
) -> None:
    """Give a ticket to a member of staff (派工); an open ticket becomes in progress."""
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        ticket = tickets.assign(ctx, ref, owner)
        _done(
            ctx,
            ticket,
            t("Assigned ticket {code} to {owner}", code=ticket.code, owner=owner.strip()),
            output,
        )


@app.command()
def note(
    ref: Ref,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What was done or found.")],
    output: SummaryFormatOpt = None,
) -> None:
    """Add a line to the tracking card (a call made, a visit, a part ordered ...)."""
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        ticket = tickets.note(ctx, ref, text)
        _done(ctx, ticket, t("Noted on ticket {code}", code=ticket.code), output)


@app.command()
def resolve(
    ref: Ref,
    resolution: Annotated[
        str, typer.Option("--resolution", metavar="TEXT", help="How it was solved (处理结果).")
    ],
    satisfaction: SatisfactionOpt = None,
    cause: CauseOpt = None,
    remedy: RemedyOpt = None,
    compensation: CompensationOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Mark a ticket resolved, with its resolution and the customer's satisfaction."""
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    score = _satisfaction(satisfaction)
    with state.unit(write=True) as ctx:
        ticket = tickets.resolve(
            ctx,
            ref,
            resolution=resolution,
            satisfaction=score,
            cause=cause,
            remedy=remedy,
            compensation=compensation,
        )
        _done(ctx, ticket, t("Resolved ticket {code}", code=ticket.code), output)


@app.command()
def close(
    ref: Ref,
    satisfaction: SatisfactionOpt = None,
    resolution: Annotated[
        Optional[str],
        typer.Option(metavar="TEXT", help="Resolve and close at once, with this resolution."),
    ] = None,
    cause: CauseOpt = None,
    remedy: RemedyOpt = None,
    compensation: CompensationOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Close a resolved ticket; closing a complaint plans a satisfaction call-back
    (满意度回访) for the customer's owner, and warns when it has no remedy."""
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    score = _satisfaction(satisfaction)
    with state.unit(write=True) as ctx:
        ticket = tickets.close(
            ctx,
            ref,
            satisfaction=score,
            resolution=resolution,
            cause=cause,
            remedy=remedy,
            compensation=compensation,
        )
        message = t("Closed ticket {code}", code=ticket.code)
        if ticket.kind == "complaint" and not ticket.remedy:
            from crmcli import render

            render.warn(
                t(
                    "complaint {code} was closed without a remedy (补救措施); "
                    "record it: crm ticket edit {code} --remedy TEXT",
                    code=ticket.code,
                )
            )
        callback = tickets.callback_of(ctx, ticket)
        if callback is not None:
            message += "\n" + t(
                "Satisfaction call-back: {line}", line=_callback_line(callback) or ""
            )
        _done(ctx, ticket, message, output)


@app.command()
def edit(
    ref: Ref,
    cause: CauseOpt = None,
    remedy: RemedyOpt = None,
    compensation: CompensationOpt = None,
    subject: Annotated[
        Optional[str], typer.Option("--subject", "-s", metavar="TEXT", help="The new subject.")
    ] = None,
    description: Annotated[
        Optional[str],
        typer.Option("--description", "-d", metavar="TEXT", help="The new details."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Change a ticket's cause, remedy, compensation, subject or description; "" clears one."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    if all(v is None for v in (cause, remedy, compensation, subject, description)):
        raise Invalid(t("no changes given"), hint=t("give at least one field option"))
    with state.unit(write=True) as ctx:
        ticket = tickets.edit(
            ctx,
            ref,
            cause=cause,
            remedy=remedy,
            compensation=compensation,
            subject=subject,
            description=description,
        )
        _done(ctx, ticket, t("Updated ticket {code}", code=ticket.code), output)


@app.command()
def flow(
    output: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (default), mermaid (a stateDiagram-v2 for a report), json.",
        ),
    ] = None,
) -> None:
    """The ticket flow (客户服务流程): each status and the moves allowed from it
    (the setting ticket.flow; redesign it with crm config set ticket.flow ...)."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import Col
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "mermaid", "json"))
    with state.unit() as ctx:
        data = tickets.describe_flow(ctx)
        diagram = tickets.mermaid(ctx) if output == "mermaid" else ""
    if output == "mermaid":
        render.out(diagram.rstrip("\n"))
        return
    if output == "json":
        render.out(render.to_json(data))
        return
    labels = {st["key"]: st for st in data["states"]}
    rows = []
    for st in data["states"]:
        moves = [m for m in data["moves"] if m["from"] == st["key"]]
        rows.append(
            {
                "state": f"{st['key']} {st['zh']} {st['en']}",
                "moves": "\n".join(
                    f"──▶ {m['to']} {pick(labels[m['to']]['en'], labels[m['to']]['zh'])}"
                    f"  ({', '.join(m['commands'])})"
                    for m in moves
                )
                or pick("(final: no moves)", "（终止：不可转出）"),
            }
        )
    render.rows(
        rows,
        [
            Col("state", "State", "状态"),
            Col("moves", "Moves to (by command)", "可转到（命令）"),
        ],
        "table",
        what=pick("states", "状态"),
    )


@app.command()
def reopen(
    ref: Ref,
    reason: Annotated[
        Optional[str], typer.Option(metavar="TEXT", help="Why: what came back.")
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Reopen a resolved or closed ticket; it gets a new resolution target."""
    from crmcli.i18n import t
    from crmcli.services.relationship import tickets

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        ticket = tickets.reopen(ctx, ref, reason=reason)
        _done(ctx, ticket, t("Reopened ticket {code}", code=ticket.code), output)
