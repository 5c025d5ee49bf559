"""``crm who PHONE``: who is calling (来电识别), and ``--log`` to record the call.

On a plain SQLite file the look-up runs through :mod:`sqlite3` alone
(:func:`crmcli.services.desk.who.fast`), so it starts about as fast as ``crm --help``.
"""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, fmt, new_app, state

app = new_app("who")


def _columns() -> tuple[list[Any], list[tuple[str, str, list[Any]]]]:
    from crmcli.i18n import pick
    from crmcli.render import Col
    from crmcli.vocab import (
        CHANNEL,
        FOLLOWUP_KIND,
        LEVEL,
        PRIORITY,
        TICKET_KIND,
        TICKET_STATUS,
    )

    head = [
        Col("customer_code", "Customer", "客户编号"),
        Col("customer_name", "Name", "客户名称"),
        Col("contact", "Contact", "联系人"),
        Col("number", "Number", "号码", "phone"),
        Col("matched_label", "Matched", "匹配"),
        Col("level", "Level", "客户等级", "enum", LEVEL),
        Col("owner", "Owner", "负责人"),
    ]
    sections = [
        (
            "last_contacts",
            pick("Last contacts", "最近接触"),
            [
                Col("occurred_at", "When", "时间", "datetime"),
                Col("channel", "Channel", "方式", "enum", CHANNEL),
                Col("contact", "Contact", "联系人"),
                Col("summary", "Summary", "内容", max_width=40),
                Col("result", "Result", "结果", max_width=30),
                Col("user", "By", "记录人"),
            ],
        ),
        (
            "open_opportunities",
            pick("Open opportunities", "进行中的销售机会"),
            [
                Col("code", "Code", "编号"),
                Col("title", "Title", "名称", max_width=30),
                Col("stage", "Stage", "阶段", "stage"),
                Col("amount", "Amount", "金额", "money"),
                Col("expected_close", "Close", "预计成交", "date"),
            ],
        ),
        (
            "pending_followups",
            pick("Pending follow-ups", "待办跟进"),
            [
                Col("id", "Id", "编号", "int"),
                Col("due_at", "Due", "到期", "when"),
                Col("kind", "Kind", "跟进方式", "enum", FOLLOWUP_KIND),
                Col("note", "Note", "备注", max_width=40),
                Col("owner", "Owner", "负责人"),
            ],
        ),
        (
            "open_tickets",
            pick("Open tickets", "未结工单"),
            [
                Col("code", "Code", "编号"),
                Col("kind", "Kind", "类型", "enum", TICKET_KIND),
                Col("subject", "Subject", "主题", max_width=40),
                Col("status", "Status", "工单状态", "enum", TICKET_STATUS),
                Col("priority", "Priority", "优先级", "enum", PRIORITY),
            ],
        ),
    ]
    return head, sections


MATCHED = {
    "phone": ("phone", "电话"),
    "mobile": ("mobile", "手机"),
    "fax": ("fax", "传真"),
}


@app.command("who")
def who(
    phone: Annotated[
        str,
        typer.Argument(
            metavar="PHONE",
            help="The caller's number, in any form: +86 138-0013-8000, 0571 8821 6630, 88216630.",
        ),
    ],
    log_: Annotated[
        bool,
        typer.Option("--log", help="Record the call as a contact record (接触记录, phone)."),
    ] = False,
    summary: Annotated[
        Optional[str],
        typer.Option("--summary", "-s", metavar="TEXT", help="With --log: what was said (内容)."),
    ] = None,
    outcome: Annotated[
        Optional[str],
        typer.Option(
            "--outcome", "--result", "-r", metavar="TEXT", help="With --log: the outcome (结果)."
        ),
    ] = None,
    customer: Annotated[
        Optional[str],
        typer.Option(
            metavar="REF",
            help="With --log: the customer, when the number belongs to several.",
        ),
    ] = None,
    next_: Annotated[
        Optional[str],
        typer.Option("--next", metavar="DATE|auto", help="With --log: plan the next touch."),
    ] = None,
    output: FormatOpt = None,
) -> None:
    """Who is calling (来电识别): the customer or contact with this phone, mobile or fax,
    with level, owner, last contacts, open opportunities, follow-ups and tickets."""
    from crmcli import render
    from crmcli.errors import Invalid, NotFound
    from crmcli.i18n import pick, t
    from crmcli.services.desk import who as service

    output = fmt(output)
    if not log_ and (summary or outcome or customer or next_):
        raise Invalid(t("--summary, --outcome, --customer and --next go with --log"))
    matches = None
    logged = None
    if log_:
        from crmcli.services.relationship import followups

        planned = followups.parse_next(next_, allow_none=False)
        with state.unit(write=True) as ctx:
            logged, match = service.log(
                ctx, phone, summary=summary, result=outcome, customer=customer, next=planned
            )
            matches = service.who(ctx, phone)
            matches = [m for m in matches if m["_ids"][0] == match["_ids"][0]] or [match]
    else:
        from crmcli.db import resolve_url

        matches = service.fast(url=resolve_url(state.db), username=state.user, number=phone)
        if matches is None:
            with state.unit() as ctx:
                matches = service.who(ctx, phone)
    if output != "table":
        render.rows(service.as_json(matches), [], output)
    if not matches:
        raise NotFound(service.nobody(phone))
    if output == "table":
        head, sections = _columns()
        for m in matches:
            m["matched_label"] = pick(*MATCHED[m["matched"]])
            for deal in m["open_opportunities"]:
                deal["stage"] = pick(*m["_stages"].get(deal["stage"], (deal["stage"],) * 2))
            title = f"{m['customer_code']} {m['customer_name']}"
            if m["contact"]:
                title += f" · {m['contact']}"
            render.out(title)  # (a table title wraps at the card's width)
            render.record(m, head, "table", sections=sections)
    if logged is not None:
        render.notice(
            t(
                "Logged the call with {code} {name} (record {id})",
                code=logged.customer.code,
                name=logged.customer.name,
                id=logged.interaction.id,
            )
        )
        if logged.planned is not None:
            from crmcli.cli.relationship.interaction import followup_line

            render.notice(t("Next: {followup}", followup=followup_line(logged.planned, None)))
