"""``crm followup``: planned touches (跟进), the memory-curve cadence, and the morning list.

``crm followup due`` is run every morning; on a SQLite file it is served by
:mod:`crmcli.services.relationship.fastdue` without importing SQLAlchemy.
"""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, LimitOpt, SummaryFormatOpt, fmt, limit, new_app, state
from crmcli.vocab import CHANNEL, FOLLOWUP, FOLLOWUP_KIND, FOLLOWUP_STATUS

app = new_app("followup")

CustomerArg = Annotated[
    str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000042) or exact name.")
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="The follow-up's id.")]
KindOpt = Annotated[
    Optional[str],
    typer.Option(
        metavar="KIND", help=f"Kind (跟进方式): {FOLLOWUP_KIND.accepted()}; default call."
    ),
]
NoteOpt = Annotated[Optional[str], typer.Option(metavar="TEXT", help="What the touch is for.")]
ContactOpt = Annotated[
    Optional[str], typer.Option(metavar="NAME", help="Whom to reach (contact id or exact name).")
]
OpportunityOpt = Annotated[
    Optional[str],
    typer.Option(metavar="ID", help="The open opportunity it serves (id or code O000001)."),
]
OwnerOpt = Annotated[
    Optional[str],
    typer.Option("--owner", metavar="USER", help="Who does it (default: the acting user)."),
]
WhoOwner = Annotated[
    Optional[str],
    typer.Option("--owner", metavar="USER", help="This user's touches (default: your own)."),
]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Everyone's touches (that you may see).")]
WithinOpt = Annotated[
    Optional[str],
    typer.Option(metavar="DAYS", help="Also the touches due in the next DAYS days (default 0)."),
]

#: a list in 80 columns: two facts to a cell; the owner column when any touch has one
LIST_COLUMNS = ["id", "due", "who", "touch", "status", "note"]
DUE_COLUMNS = [
    "id",
    "due",
    "days_overdue",
    "who",
    "touch",
    "last_interaction_summary",
]
WIDE = 120  # a terminal this wide also shows each touch's note


def columns(names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "id": Col("id", "Id", "编号", "int"),
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer", "客户", max_width=20),
        "contact": Col("contact", "Contact", "联系人", max_width=10),
        "phone": Col("phone", "Phone", "电话", "phone"),
        "days_overdue": Col("days_overdue", "Late", "逾期", "int"),
        "touch": Col("touch", "Touch", "跟进"),
        "who": Col("who", "Customer / contact", "客户 / 联系人", max_width=26),
        "due": Col("due", "Due", "到期", "when"),
        "last_interaction_summary": Col(
            "last_interaction_summary", "Last contact", "上次接触", max_width=28
        ),
        "opportunity_code": Col("opportunity_code", "Opportunity", "销售机会"),
    }
    result = []
    for n in names:
        if n in extra:
            result.append(extra[n])
        else:
            c = col(FOLLOWUP[n], max_width=24 if n == "note" else None)
            result.append(c._replace(kind="when") if n in ("due_at", "done_at") else c)
    return result


def _day(value: Optional[str]) -> Any:
    from datetime import date

    from crmcli.validate import parse_date

    return parse_date(value) if value is not None else date.today()


def _days(value: Optional[str], option: str, default: int) -> int:
    from crmcli.validate import parse_int

    return parse_int(value, option, low=0, high=3660) if value is not None else default


def _who(owner: Optional[str], everyone: bool) -> None:
    if owner is not None and everyone:
        from crmcli.errors import Invalid
        from crmcli.i18n import t

        raise Invalid(t("give --owner USER or --all, not both"))


def _result(ctx: Any, followup: Any, message: str, output: str) -> Any:
    """What a change shows (the touch in JSON, or the message), gathered in its transaction
    and shown by :func:`_show` once it is committed."""
    from crmcli.services.relationship import followups

    return followups.as_dict(ctx, followup) if output == "json" else message


def _show(result: Any, output: str) -> None:
    from crmcli import render

    if output == "json":
        render.record(result, [], "json")
    else:
        render.out(result)


@app.command()
def add(
    customer: CustomerArg,
    due: Annotated[
        str, typer.Option("--due", metavar="DATE", help="When: 2026-03-05, 2026-03-05 10:00, +3d.")
    ],
    kind: KindOpt = None,
    note: NoteOpt = None,
    opportunity: OpportunityOpt = None,
    contact: ContactOpt = None,
    owner: OwnerOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Plan one touch (a call, visit, e-mail or care) for a customer."""
    from crmcli.cli.relationship.interaction import followup_line
    from crmcli.i18n import t
    from crmcli.models import Customer
    from crmcli.services.relationship import followups
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(due)
    with state.unit(write=True) as ctx:
        f = followups.add(
            ctx,
            customer=customer,
            due=when,
            kind=kind,
            note=note,
            opportunity=opportunity,
            contact=contact,
            owner=owner,
        )
        c = ctx.session.get(Customer, f.customer_id)
        shown = _result(
            ctx,
            f,
            t(
                "Planned {followup} for {code} {name}",
                followup=followup_line(f, c),
                code=c.code,
                name=c.name,
            ),
            output,
        )
    _show(shown, output)


@app.command()
def plan(
    customer: CustomerArg,
    cadence: Annotated[
        Optional[str],
        typer.Option(
            metavar="NAME|OFFSETS",
            help="A cadence in the settings (default: memory, 0d,3d,7d,15d,30d,60d,90d,180d) "
            "or offsets such as 0d,2d,1w,1m.",
        ),
    ] = None,
    start: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="The first contact's day (default: today)."),
    ] = None,
    kind: KindOpt = None,
    note: NoteOpt = None,
    contact: ContactOpt = None,
    opportunity: OpportunityOpt = None,
    owner: OwnerOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Put a customer on a cadence (跟踪回访节奏): step 1 now, each next one when the last is done."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.models import Customer
    from crmcli.services.relationship import followups
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    begin = parse_datetime(start) if start is not None else None
    with state.unit(write=True) as ctx:
        f, chosen = followups.plan(
            ctx,
            customer=customer,
            cadence_spec=cadence,
            start=begin,
            kind=kind,
            note=note,
            contact=contact,
            opportunity=opportunity,
            owner=owner,
        )
        c = ctx.session.get(Customer, f.customer_id)
        data = followups.as_dict(ctx, f) if output == "json" else None
    if data is not None:
        render.record(data, [], "json")
        return
    days = followups.schedule(f.due_at, chosen.offsets)
    render.out(
        t(
            "Planned the cadence {cadence} ({offsets}) for {code} {name}: step 1 of {steps} "
            "due {due} (follow-up {id})",
            cadence=chosen.name,
            offsets=",".join(chosen.offsets),
            code=c.code,
            name=c.name,
            steps=chosen.steps,
            due=days[0].isoformat(),
            id=f.id,
        )
    )
    render.out(
        t("If each touch is done on its day: {days}", days=" → ".join(d.isoformat() for d in days))
    )


@app.command()
def due(
    on: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="As of this day (default: today).")
    ] = None,
    within: WithinOpt = None,
    owner: WhoOwner = None,
    everyone: AllOpt = False,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """Whom to contact today (今日待跟进): due and overdue touches, earliest first."""
    from datetime import datetime

    from crmcli import render
    from crmcli.db import resolve_url
    from crmcli.i18n import t
    from crmcli.services.relationship import fastdue

    output = fmt(output)
    count = limit(n)
    day = _day(on)
    days = _days(within, "--within", 0)
    _who(owner, everyone)
    table = output == "table"
    wanted = min(count or render.TABLE_ROWS, render.TABLE_ROWS) if table else count
    args = dict(
        on=day,
        within=days,
        owner=owner,
        everyone=everyone,
        limit=wanted,
        count=table,
        tickets=table,
    )
    report = fastdue.due(url=resolve_url(state.db), username=state.user, now=datetime.now(), **args)
    if report is None:
        from crmcli.services.relationship import followup_due

        with state.unit() as ctx:
            report = followup_due.due(ctx, **args)
    total = min(report.total, count) if count else report.total
    end = day if not days else _plus(day, days)
    title = t("Due by {date}", date=end.isoformat()) if table and report.rows else None
    if table and not report.rows:
        render.out(t("Nothing due by {date}.", date=end.isoformat()))
    elif table:
        render.rows(report.rows, due_table(report.rows, day), output, total=total, title=title)
    else:
        render.rows(report.rows, [], output)
    if table and report.tickets:
        from crmcli.cli.relationship.ticket import for_table

        render.out()
        render.table(
            report.tickets,
            for_table(report.tickets),
            title=t("Overdue tickets ({count})", count=len(report.tickets)),
        )


def due_table(rows: list[dict[str, Any]], day: Any) -> list[Any]:
    """Ready due rows for a compact table (touch, short due time, customer with contact and
    phone in one cell) and return its columns; the note too on a wide terminal."""
    from crmcli import render

    for row in rows:
        row["touch"] = _touch(row)
        row["due"] = _short(row["due_at"], day)
        person = " ".join(str(v) for v in (row["contact"], row["phone"]) if v)
        row["who"] = f"{row['customer_name']}\n{person}" if person else row["customer_name"]
    shown = DUE_COLUMNS
    if render.console().width >= WIDE:
        shown = [*DUE_COLUMNS[:-1], "note", DUE_COLUMNS[-1]]
    # the contact's line, with the phone, is never cut
    person = max((render.width_of(row["who"].partition("\n")[2]) for row in rows), default=0)
    return [c._replace(min_width=person) if c.key == "who" else c for c in columns(shown)]


def _touch(row: dict[str, Any]) -> str:
    """'Call', or 'Call #3' for a cadence step: the kind and step in one short cell."""
    kind = FOLLOWUP_KIND.label(row["kind"])
    return f"{kind} #{row['step']}" if row["step"] else kind


def _short(moment: Any, day: Any) -> str:
    """A due time as short as is clear: 11-20 10:30 this year, 2025-11-20 in another."""
    from datetime import time

    shown = "%m-%d" if moment.year == day.year else "%Y-%m-%d"
    return moment.strftime(shown if moment.time() == time() else shown + " %H:%M")


def _plus(day: Any, days: int) -> Any:
    from datetime import timedelta

    return day + timedelta(days=days)


@app.command()
def done(
    ref: IdArg,
    summary: Annotated[
        Optional[str],
        typer.Option("--summary", "-s", metavar="TEXT", help="What was said (default: the note)."),
    ] = None,
    result: Annotated[
        Optional[str], typer.Option("--result", "-r", metavar="TEXT", help="Outcome (结果).")
    ] = None,
    channel: Annotated[
        Optional[str],
        typer.Option(
            "--channel",
            "-c",
            metavar="CHANNEL",
            help=f"How (default from the kind): {CHANNEL.accepted()}.",
        ),
    ] = None,
    at: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="When it was done (default: now).")
    ] = None,
    next_: Annotated[
        Optional[str],
        typer.Option(
            "--next",
            metavar="DATE|auto|none",
            help="The next touch: auto (default for a cadence: the next step from today), "
            "a date, or none (stop).",
        ),
    ] = None,
    satisfaction: Annotated[
        Optional[str],
        typer.Option(
            metavar="1-5",
            help="For a complaint's satisfaction call-back (满意度回访): the customer's "
            "satisfaction, 1 to 5, recorded on the ticket.",
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Mark a touch done: log the contact and plan the next step of its cadence."""
    from crmcli import render
    from crmcli.cli.relationship.interaction import followup_line
    from crmcli.i18n import t
    from crmcli.services.relationship import followups, tickets
    from crmcli.validate import parse_datetime, parse_int
    from crmcli.vocab import TICKET

    output = fmt(output, ("table", "json"))
    when = parse_datetime(at) if at is not None else None
    planned = followups.parse_next(next_, allow_none=True)
    score = (
        parse_int(satisfaction, TICKET["satisfaction"].label, low=1, high=5)
        if satisfaction is not None
        else None
    )
    with state.unit(write=True) as ctx:
        outcome = followups.done(
            ctx, ref, summary=summary, result=result, channel=channel, at=when, next=planned
        )
        ticket = tickets.callback_done(ctx, outcome.followup, score)
        data = {
            "followup": followups.as_dict(ctx, outcome.followup),
            "interaction_id": outcome.interaction.id,
            "next": followups.as_dict(ctx, outcome.planned) if outcome.planned else None,
        }
        if ticket is not None:
            data["ticket"] = tickets.as_dict(ctx, ticket)
    if output == "json":
        render.out(render.to_json(data))
        return
    c = outcome.customer
    render.out(
        t(
            "Done: follow-up {id} for {code} {name} (contact record {record})",
            id=outcome.followup.id,
            code=c.code,
            name=c.name,
            record=outcome.interaction.id,
        )
    )
    if ticket is not None:
        render.out(
            t(
                "Call-back of complaint {code} done: satisfaction {score}",
                code=ticket.code,
                score="-" if ticket.satisfaction is None else f"{ticket.satisfaction}/5",
            )
        )
    if outcome.planned is not None:
        render.out(t("Next: {followup}", followup=followup_line(outcome.planned, c)))
    if outcome.cadence_finished:
        render.out(t("The cadence is complete: every step is done."))


@app.command()
def snooze(
    ref: IdArg,
    to: Annotated[
        str, typer.Option("--to", metavar="DATE", help="The new time: 2026-03-09, +2d, tomorrow.")
    ],
    output: SummaryFormatOpt = None,
) -> None:
    """Move a pending touch to another day."""
    from crmcli.cli.relationship.interaction import followup_line
    from crmcli.i18n import t
    from crmcli.models import Customer
    from crmcli.services.relationship import followups
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(to)
    with state.unit(write=True) as ctx:
        f, _old = followups.snooze(ctx, ref, to=when)
        c = ctx.session.get(Customer, f.customer_id)
        shown = _result(ctx, f, t("Snoozed: {followup}", followup=followup_line(f, c)), output)
    _show(shown, output)


@app.command()
def cancel(ref: IdArg, output: SummaryFormatOpt = None) -> None:
    """Cancel a pending touch (its cadence stops there)."""
    from crmcli.i18n import t
    from crmcli.models import Customer
    from crmcli.services.relationship import followups

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        f = followups.cancel(ctx, ref)
        c = ctx.session.get(Customer, f.customer_id)
        shown = _result(
            ctx,
            f,
            t("Cancelled follow-up {id} for {code} {name}", id=f.id, code=c.code, name=c.name),
            output,
        )
    _show(shown, output)


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str], typer.Argument(metavar="[CUSTOMER]", help="Only this customer's touches.")
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            metavar="STATUS",
            help=f"Status: {FOLLOWUP_STATUS.accepted()}, or all (default: pending).",
        ),
    ] = None,
    owner: WhoOwner = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Due on or after this day.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Due before this day.")
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List follow-ups in due order (pending ones unless --status says otherwise)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import customers
    from crmcli.services.relationship import followups
    from crmcli.services.team.people import user_id
    from crmcli.validate import parse_datetime

    output = fmt(output)
    count = limit(n)
    statuses = _statuses(status)
    start = parse_datetime(since) if since else None
    end = parse_datetime(until) if until else None
    with state.unit() as ctx:
        q = followups.query(
            ctx,
            customer_id=customers.find(ctx, customer).id if customer else None,
            statuses=statuses,
            owner_id=user_id(ctx, owner) if owner else None,
            since=start,
            until=end,
        )
        data = followups.rows(ctx, q, limit=count)
    shown = []
    if output == "table":
        this_year = _day(None)
        for row in data:
            row["due"] = _short(row["due_at"], this_year)
            row["who"] = "\n".join(v for v in (row["customer_name"], row["contact"]) if v)
            row["touch"] = _touch(row)
        names = LIST_COLUMNS + (["owner"] if any(r["owner"] for r in data) else [])
        shown = columns(names)
    render.rows(data, shown, output, what=t("follow-ups"))


def _statuses(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return ["pending"]
    if value.strip().lower() in ("all", "全部"):
        return None
    return [FOLLOWUP_STATUS.parse(v) for v in value.replace("，", ",").split(",") if v.strip()]


@app.command()
def ics(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The .ics file to write, or - for stdout.")
    ],
    within: Annotated[
        Optional[str],
        typer.Option(metavar="DAYS", help="Touches due in the next DAYS days (default 30)."),
    ] = None,
    owner: WhoOwner = None,
    everyone: AllOpt = False,
) -> None:
    """Write follow-ups as a calendar file (RFC 5545) for Outlook, Apple or Google Calendar.

    Re-importing a newer file updates the events (stable UIDs): touches done since are
    marked ✓, cancelled ones are taken off.
    """
    import sys
    from datetime import datetime, timezone

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import followup_due

    days = _days(within, "--within", 30)
    _who(owner, everyone)
    today = _day(None)
    with state.unit() as ctx:
        data = followup_due.ics_rows(ctx, on=today, within=days, owner=owner, everyone=everyone)
        name = t("crm follow-ups")
    content = followup_due.ics_text(
        data, stamp=datetime.now(timezone.utc).replace(microsecond=0), calendar_name=name
    )
    pending = sum(1 for r in data if r["status"] == "pending")
    if file == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        render.notice(t("events: {count}, to do: {pending}", count=len(data), pending=pending))
        return
    target = Path(file).expanduser()
    if target.suffix.lower() != ".ics":
        from crmcli.errors import Invalid

        raise Invalid(t("a calendar file ends in .ics: {path}", path=file))
    from crmcli.tabular import atomic

    with atomic(target) as part:
        part.write_bytes(content)
    render.tell_beside(
        target,
        t(
            "Wrote {path} (events: {count}, to do: {pending})",
            count=len(data),
            pending=pending,
            path=target,
        ),
    )
