"""``crm call``: outbound call lists (呼叫中心) — build one from a segment, deal it to the
callers, take the next customer to call, record each outcome, see the progress."""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, SummaryFormatOpt, fmt, new_app, state

app = new_app("call")

ListArg = Annotated[str, typer.Argument(metavar="LIST", help="The call list: name or id.")]
OptionalListArg = Annotated[
    Optional[str],
    typer.Argument(metavar="[LIST]", help="The call list (default: the only open one)."),
]


@app.callback()
def call() -> None:
    """Call lists (呼叫中心): build from a segment, assign, next, outcome, progress."""


def _outcomes() -> str:
    from crmcli.services.relationship.calls import OUTCOME

    return "|".join(c.key for c in OUTCOME.choices)


def _codes_of_file(path: Path) -> list[str]:
    """Customer codes from a CSV file: the column named code (客户编号, 编号), else the first."""
    import csv

    from crmcli.errors import FileError

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    except OSError as e:
        raise FileError.reading(e, path) from None
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    for name in ("code", "customer_code", "客户编号", "编号"):
        if name in header:
            i = header.index(name)
            return [r[i] for r in rows[1:] if len(r) > i]
    return [r[0] for r in rows]


def _choose(ctx: Any, segment: Optional[str], file: Optional[Path], as_of: Any) -> Any:
    """The customers (id, code) of ``--segment`` or ``--file``, the skipped codes, and a
    label for the list."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.analysis import audiences
    from crmcli.services.relationship import calls
    from crmcli.vocab import LEVEL

    if file is not None:
        chosen, skipped = calls.members(ctx, codes=_codes_of_file(file))
        return chosen, skipped, f"file:{file.name}"
    text = (segment or "").strip()
    head, colon, value = text.partition(":")
    head = head.strip().lower()
    if head == "level" and colon:
        chosen, skipped = calls.members(ctx, level=LEVEL.parse(value))
    elif (head in audiences.WITH_VALUE and colon) or (head in audiences.ALONE and not colon):
        chosen, skipped = calls.members(ctx, codes=audiences.codes(ctx, head, value, as_of))
    elif head == "care" and not colon:
        chosen, skipped = calls.members(ctx, care=True, on=as_of)
    elif head == "codes" and colon:
        chosen, skipped = calls.members(ctx, codes=value.split(","))
    elif not colon and text and all(p.strip() for p in text.split(",")) and text[0] in "Cc":
        chosen, skipped = calls.members(ctx, codes=text.split(","))
    else:
        raise Invalid(
            t("unknown segment '{value}'", value=segment),
            hint=t(
                "use level:gold, rfm:KEY, abc:A, care, risk, codes:C000001,C000002"
                " or --file CODES.csv"
            ),
        )
    return chosen, skipped, text


@app.command("new")
def new(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The list's name.")],
    segment: Annotated[
        Optional[str],
        typer.Option(
            "--segment",
            "--to",
            metavar="SEGMENT",
            help="Whom to call: level:gold, rfm:KEY (an RFM class), abc:A, care (care due), "
            "risk (churn risk, as crm report churn lists it), codes:C000001,C000002.",
        ),
    ] = None,
    file: Annotated[
        Optional[Path],
        typer.Option(
            "--file", metavar="FILE.csv", help="Customer codes from a CSV file (column code)."
        ),
    ] = None,
    script: Annotated[
        Optional[str],
        typer.Option(
            metavar="TEXT",
            help="What the caller says (话术); {contact}, {customer}, {caller} are filled in.",
        ),
    ] = None,
    assign: Annotated[
        Optional[list[str]],
        typer.Option(
            "--assign", metavar="USER", help="Deal the calls to these callers in turn (repeat)."
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            metavar="DATE",
            help="RFM, ABC, care and churn risk as of this day (default: today).",
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Build a call list from a segment or a CSV file of codes."""
    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.relationship import calls
    from crmcli.validate import parse_date

    output = fmt(output, ("table", "json"))
    if (segment is None) == (file is None):
        raise Invalid(t("give either --segment SEGMENT or --file CODES.csv"))
    day = parse_date(as_of) if as_of else None
    with state.unit(write=True) as ctx:
        chosen, skipped, label = _choose(ctx, segment, file, day)
        call_list, count, left_off = calls.create(
            ctx,
            name=name,
            segment=label,
            customer_ids=[cid for cid, _code in chosen],
            script=script,
            assign=assign or [],
        )
        skipped += left_off
        data = {
            "list": call_list.name,
            "id": call_list.id,
            "segment": label,
            "customers": count,
            "skipped": skipped,
        }
        progress = calls.progress(ctx, str(call_list.id))[0]
    if output == "json":
        render.out(render.to_json(data))
        return
    render.out(
        t(
            "Built call list {name} ({segment}): {count} customers to call",
            name=call_list.name,
            segment=label,
            count=count,
        )
    )
    for c in progress["callers"]:
        if c["caller"]:
            render.out(f"  {c['caller']}: {c['total']}")
    for s in skipped:
        render.warn(t("skipped {code}: {reason}", code=s["code"], reason=s["reason"]))


def _list_columns() -> list[Any]:
    from crmcli.render import Col
    from crmcli.services.relationship.calls import LIST_STATUS

    return [
        Col("id", "Id", "编号", "int"),
        Col("name", "List", "呼叫清单"),
        Col("segment", "Segment", "客户群", max_width=24),
        Col("owner", "Owner", "建立人"),
        Col("total", "Customers", "客户数", "int"),
        Col("pending", "To call", "待呼叫", "int"),
        Col("callback", "Awaiting call back", "待回电", "int"),
        Col("done", "Done", "已完成", "int"),
        Col("status", "Status", "状态", "enum", LIST_STATUS),
    ]


@app.command("list")
def list_(output: FormatOpt = None) -> None:
    """The call lists, with how many calls each has left."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import calls

    output = fmt(output)
    with state.unit() as ctx:
        data = calls.lists(ctx)
    render.rows(data, _list_columns(), output, what=t("call lists"))


def _entry_columns() -> list[Any]:
    from crmcli.render import Col
    from crmcli.services.relationship.calls import ENTRY_STATUS, OUTCOME
    from crmcli.vocab import LEVEL

    return [
        Col("position", "#", "序号", "int"),
        Col("customer_code", "Customer", "客户编号"),
        Col("customer_name", "Name", "客户名称", max_width=20),
        Col("level", "Level", "客户等级", "enum", LEVEL),
        Col("contact", "Contact", "联系人"),
        Col("phone", "Phone", "电话", "phone"),
        Col("caller", "Caller", "呼叫人"),
        Col("status", "Status", "呼叫状态", "enum", ENTRY_STATUS),
        Col("outcome", "Outcome", "呼叫结果", "enum", OUTCOME),
        Col("attempts", "Calls", "次数", "int"),
        Col("callback_at", "Call back", "回电时间", "when"),
    ]


@app.command("show")
def show(
    call_list: ListArg,
    status: Annotated[
        Optional[str],
        typer.Option(metavar="STATUS", help="Only entries in this state: pending, callback, done."),
    ] = None,
    output: FormatOpt = None,
) -> None:
    """The customers on a list, in order, with their callers and outcomes."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import calls

    output = fmt(output)
    with state.unit() as ctx:
        data = calls.entries(
            ctx, call_list, status=calls.ENTRY_STATUS.parse(status) if status else None
        )
    render.rows(data, _entry_columns(), output, what=t("calls"))


@app.command("assign")
def assign(
    call_list: ListArg,
    to: Annotated[
        list[str],
        typer.Option("--to", metavar="USER", help="The callers, in turn (repeat)."),
    ],
) -> None:
    """Deal the calls still to make to these callers in turn, each to one who may see the
    customer (managers and admins)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import calls

    with state.unit(write=True) as ctx:
        found, count, skipped = calls.assign(ctx, call_list, to)
    render.out(
        t(
            "Dealt {count} calls of {name} to {callers}",
            count=count,
            name=found.name,
            callers=", ".join(to),
        )
    )
    for s in skipped:
        render.warn(t("skipped {code}: {reason}", code=s["code"], reason=s["reason"]))


@app.command("close")
def close(call_list: ListArg) -> None:
    """Close a list (its builder, managers, admins): next no longer offers its calls."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import calls

    with state.unit(write=True) as ctx:
        found = calls.close(ctx, call_list)
    render.out(t("Closed call list {name}", name=found.name))


@app.command("next")
def next_(call_list: OptionalListArg = None, output: SummaryFormatOpt = None) -> None:
    """The next customer to call, with the script and the last contact."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.render import Col
    from crmcli.services.relationship import calls
    from crmcli.vocab import CHANNEL

    output = fmt(output, ("table", "json"))
    with state.unit() as ctx:
        found = calls.next_call(ctx, call_list)
    if output == "json":
        render.out(render.to_json(found))
        return
    if found is None:
        render.out(t("No more calls to make on this list for now."))
        return
    last = found["last_contact"]
    if last:
        when = last["occurred_at"].strftime("%Y-%m-%d")
        found["last"] = f"{when} {CHANNEL.label(last['channel'])}: {last['summary']}" + (
            f" → {last['result']}" if last["result"] else ""
        )
    cols = [
        *[c for c in _entry_columns() if c.key not in ("position", "caller")],
        Col("last", "Last contact", "最近接触"),
        Col("script", "Script", "话术"),
    ]
    title = pick(
        f"Next call ({found['list']} #{found['position']})",
        f"下一个呼叫（{found['list']} 第 {found['position']} 位）",
    )
    render.out(title)
    render.record(found, cols, "table")
    render.out(
        t(
            "Record the outcome with: crm call done {code} --outcome {outcomes}",
            code=found["customer_code"],
            outcomes=_outcomes(),
        )
    )


@app.command("done")
def done(
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help="The customer called: code, id or name.")
    ],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            "-o",
            metavar="OUTCOME",
            help="How the call went: answered, "
            "no_answer, callback, refused, wrong_number (or in Chinese).",
        ),
    ],
    at: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="With --outcome callback: when to call back."),
    ] = None,
    summary: Annotated[
        Optional[str], typer.Option("--summary", "-s", metavar="TEXT", help="What was said.")
    ] = None,
    note: Annotated[
        Optional[str], typer.Option(metavar="TEXT", help="What to do next (下一步).")
    ] = None,
    contact: Annotated[
        Optional[str], typer.Option(metavar="NAME", help="The contact spoken to.")
    ] = None,
    call_list: Annotated[
        Optional[str],
        typer.Option("--list", metavar="LIST", help="The list (when the customer is on several)."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Record how a call went: a contact record, and a follow-up for a call back."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.render import Col
    from crmcli.services.relationship import calls
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(at) if at is not None else None
    with state.unit(write=True) as ctx:
        result = calls.done(
            ctx,
            customer,
            outcome=outcome,
            call_list=call_list,
            summary=summary,
            note=note,
            callback=when,
            contact=contact,
        )
    if output == "json":
        render.out(render.to_json(result))
        return
    render.out(
        t(
            "Recorded the call to {code} {name}: {outcome} (contact record {id})",
            code=result["customer_code"],
            name=result["customer_name"],
            outcome=calls.OUTCOME.label(result["outcome"]),
            id=result["interaction_id"],
        )
    )
    if result["followup_id"] is not None:
        render.out(
            t(
                "Call back on {date}: follow-up {id}",
                date=render.cell(result["callback_at"], Col("callback_at", "", "", "when")),
                id=result["followup_id"],
            )
        )


@app.command("progress")
def progress(call_list: OptionalListArg = None, output: FormatOpt = None) -> None:
    """How far the lists have got: calls made, outcomes, per caller."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.render import Col
    from crmcli.services.relationship import calls

    output = fmt(output)
    with state.unit() as ctx:
        data = calls.progress(ctx, call_list)
    if output == "json" and call_list is not None:
        render.out(render.to_json(data[0]))
        return
    if output != "table":
        render.rows(data, [], output)
        return
    if not data:
        render.out(t("No {what} found.", what=t("call lists")))
        return
    head = [
        Col("total", "Customers", "客户数", "int"),
        Col("called", "Called", "已呼叫", "int"),
        Col("pending", "To call", "待呼叫", "int"),
        Col("callback", "Awaiting call back", "待回电", "int"),
        Col("done", "Done", "已完成", "int"),
        Col("done_share", "Done share", "完成率", "share"),
        *[Col(f"outcome_{c.key}", c.en, c.zh, "int") for c in calls.OUTCOME.choices],
    ]
    callers = [
        Col("caller", "Caller", "呼叫人"),
        Col("total", "Customers", "客户数", "int"),
        Col("called", "Called", "已呼叫", "int"),
        Col("done", "Done", "已完成", "int"),
    ]
    for item in data:
        for key, n in item["outcomes"].items():
            item[f"outcome_{key}"] = n
        item["callers"] = [c for c in item["callers"] if c["caller"]]
        render.out(pick(f"Call list {item['list']}", f"呼叫清单 {item['list']}"))
        render.record(
            item,
            head,
            "table",
            sections=[("callers", pick("Callers", "呼叫人"), callers)],
        )
