"""``crm contract``: contracts, payment plans, receipts and the dunning list (合同管理, 电子催款)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
    NotesOpt,
    OwnerOpt,
    SummaryFormatOpt,
    YesOpt,
    ask_first,
    fmt,
    limit,
    new_app,
    state,
)
from crmcli.vocab import CONTRACT, INSTALMENT, RECEIPT, RECEIVABLE

app = new_app("contract")

LIST_COLUMNS = ["code", "customer_name", "title", "amount", "outstanding", "next_due_on"]
RECEIVABLE_COLUMNS = [
    "customer_name",
    "instalment_code",
    "due_on",
    "outstanding",
    "days_overdue",
    "phone",
]

Ref = Annotated[
    str, typer.Argument(metavar="ID", help="Contract id, code (H000001) or exact title.")
]
AsOfOpt = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="As it stood on DATE (default: today)."),
]


def columns(names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer name", "客户名称", max_width=24),
        "title": Col("title", "Title", "合同名称", max_width=30),
        "next_due_on": Col("next_due_on", "Next due", "下次收款", "date"),
    }
    return [extra[n] if n in extra else col(CONTRACT[n]) for n in names]


def receivable_columns() -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "customer_name": Col("customer_name", "Customer", "客户名称", max_width=24),
        "instalment_code": Col("instalment_code", "Contract/No.", "合同/期次"),
        "days_overdue": Col("days_overdue", "Days late", "逾期天数", "int"),
    }
    return [extra.get(k) or col(RECEIVABLE[k]) for k in RECEIVABLE_COLUMNS]


@app.command()
def add(
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000001) or exact name.")
    ],
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The contract's title (合同名称).")],
    amount: Annotated[
        str,
        typer.Option("--amount", metavar="MONEY", help="Contract amount (合同金额): 96000, 9.6万."),
    ],
    plan: Annotated[
        Optional[list[str]],
        typer.Option(
            "--plan",
            metavar="DATE:AMOUNT,...",
            help="Payment plan (回款计划): due dates and amounts adding up to --amount; an amount "
            "may be a percentage (30%) and a date an offset from the signing day (+3m). "
            "Default: all due on the signing day.",
        ),
    ] = None,
    signed: Annotated[
        Optional[str],
        typer.Option("--signed", metavar="DATE", help="Signing day (签订日期); default: today."),
    ] = None,
    starts: Annotated[
        Optional[str],
        typer.Option("--starts", metavar="DATE", help="Start of the term (开始日期)."),
    ] = None,
    ends: Annotated[
        Optional[str], typer.Option("--ends", metavar="DATE", help="End of the term (结束日期).")
    ] = None,
    opportunity: Annotated[
        Optional[str],
        typer.Option(
            "--opportunity", metavar="ID", help="The opportunity it closes (same customer)."
        ),
    ] = None,
    notes: NotesOpt = None,
    owner: OwnerOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Add a contract with its payment plan; the plan must add up to the amount."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts
    from crmcli.validate import parse_date, parse_field

    output = fmt(output, ("table", "json"))
    money = parse_field(CONTRACT["amount"], amount)
    if money is None:
        from crmcli.errors import Invalid

        raise Invalid(t("{field} is required", field=CONTRACT["amount"].label))
    with state.unit(write=True) as ctx:
        contract = contracts.add(
            ctx,
            customer=customer,
            title=title,
            amount=money,
            plan=plan,
            signed_on=parse_date(signed) if signed else None,
            starts_on=parse_date(starts) if starts else None,
            ends_on=parse_date(ends) if ends else None,
            opportunity=opportunity,
            notes=notes,
            owner=owner,
        )
        data = contracts.show(ctx, str(contract.id))
    if output == "json":
        render.record(data, [], "json")
        return
    render.out(
        t(
            "Added contract {code} {title} for {customer}: {amount} in {count} instalments",
            code=data["code"],
            title=data["title"],
            customer=f"{data['customer_code']} {data['customer_name']}",
            amount=f"{data['amount']:,.2f}",
            count=len(data["plan"]),
        )
    )


@app.command()
def pay(
    ref: Ref,
    amount: Annotated[
        str, typer.Option("--amount", metavar="MONEY", help="Money received (收款金额).")
    ],
    date: Annotated[
        Optional[str],
        typer.Option(
            "--date", metavar="DATE", help="Day it was received (收款日期); default: today."
        ),
    ] = None,
    note: Annotated[
        Optional[str], typer.Option("--note", metavar="TEXT", help="A note (bank reference ...).")
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Record money received against a contract (it pays the oldest instalments first)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts
    from crmcli.validate import parse_date, parse_money

    output = fmt(output, ("table", "json"))
    money = parse_money(amount, RECEIPT["amount"].label)
    day = parse_date(date) if date else None
    with state.unit(write=True) as ctx:
        result = contracts.pay(ctx, ref, amount=money, paid_on=day, note=note)
        data = contracts.show(ctx, str(result["contract"].id))
    if output == "json":
        render.record(data, [], "json")
        return
    c = result["contract"]
    render.out(
        t(
            "Received {amount} on {code} ({day}); received {received} of {total}, outstanding {outstanding}",
            amount=f"{money:,.2f}",
            code=c.code,
            day=result["receipt"].paid_on.isoformat(),
            received=f"{result['received']:,.2f}",
            total=f"{c.amount:,.2f}",
            outstanding=f"{result['outstanding']:,.2f}",
        )
    )
    if result["outstanding"] == 0:
        render.out(t("Contract {code} is fully paid", code=c.code))


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str],
        typer.Argument(metavar="[CUSTOMER]", help="Only this customer's contracts."),
    ] = None,
    unpaid: Annotated[
        bool, typer.Option("--unpaid", help="Only contracts with money outstanding.")
    ] = False,
    as_of: AsOfOpt = None,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="List deleted contracts instead.")
    ] = False,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List contracts with what is outstanding and when the next instalment is due (-f json
    also gives what was received and what is overdue)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts
    from crmcli.validate import parse_date

    output = fmt(output)
    day = parse_date(as_of) if as_of else None
    with state.unit() as ctx:
        q = contracts.query(ctx, customer=customer, deleted=deleted)
        data = contracts.rows(ctx, q, limit=limit(n), as_of=day, unpaid=unpaid)
    render.rows(data, columns(LIST_COLUMNS), output, what=t("contracts"))


@app.command()
def show(ref: Ref, as_of: AsOfOpt = None, output: FormatOpt = None) -> None:
    """Show a contract: its payment plan against what was received, and the receipts."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import col
    from crmcli.services.selling import contracts
    from crmcli.validate import parse_date

    output = fmt(output)
    with state.unit() as ctx:
        data = contracts.show(ctx, ref, as_of=parse_date(as_of) if as_of else None)
    names = [
        "customer_code",
        "customer_name",
        "amount",
        "received",
        "outstanding",
        "overdue",
        "next_due_on",
        "signed_on",
        "starts_on",
        "ends_on",
        "opportunity",
        "owner",
        "notes",
        "created_at",
        "updated_at",
    ]
    title = f"{data['code']} {data['title']}"
    if data.get("deleted_at"):
        title += pick(" (deleted)", "（已删除）")
    render.record(
        data,
        columns(names),
        output,
        title=title,
        sections=[
            ("plan", pick("Payment plan", "回款计划"), [col(f) for f in INSTALMENT.values()]),
            ("receipts", pick("Receipts", "收款记录"), [col(f) for f in RECEIPT.values()]),
        ],
    )


@app.command()
def receivables(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only instalments past their due day.")
    ] = False,
    within: Annotated[
        Optional[str],
        typer.Option(
            "--within", metavar="DAYS", help="Also those falling due in the next DAYS days."
        ),
    ] = None,
    as_of: AsOfOpt = None,
    customer: Annotated[
        Optional[str], typer.Option("--customer", metavar="CUSTOMER", help="Only this customer.")
    ] = None,
    owner: Annotated[
        Optional[str], typer.Option("--owner", metavar="USER", help="Only this owner's contracts.")
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """The dunning list (催款): instalments due and unpaid, by customer, oldest first.

    One row per instalment with the customer's contact, phone and e-mail, so a script
    can send reminders from `-f json`.
    """
    from decimal import Decimal

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts
    from crmcli.validate import parse_date, parse_int

    output = fmt(output)
    day = parse_date(as_of) if as_of else None
    days = parse_int(within, "--within", low=0, high=3660) if within is not None else None
    count = limit(n)
    with state.unit() as ctx:
        data = contracts.receivables(
            ctx, as_of=day, overdue=overdue, within=days, customer=customer, owner=owner
        )
    if count is not None:
        data = data[:count]
    if output == "table":
        for row in data:
            row["instalment_code"] = f"{row['contract_code']}/{row['seq']}"
    render.rows(data, receivable_columns(), output, what=t("receivables"))
    if output == "table" and data:
        total = sum((d["outstanding"] for d in data), Decimal(0))
        late = sum((d["outstanding"] for d in data if d["days_overdue"] > 0), Decimal(0))
        render.out(
            t(
                "Outstanding {total} from {customers} customers; overdue {overdue}",
                total=f"{total:,.2f}",
                customers=len({d["customer_code"] for d in data}),
                overdue=f"{late:,.2f}",
            )
        )


@app.command()
def delete(ref: Ref, yes: YesOpt = False) -> None:
    """Delete a contract (soft: hidden from lists and receivables until restored)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts

    def question(ctx: Any) -> str:
        contract = contracts.find(ctx, ref)
        return t("Delete contract {code} {title}?", code=contract.code, title=contract.title)

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        contract = contracts.delete(ctx, ref)
    render.out(
        t(
            "Deleted contract {code} {title} (restore with: crm contract restore {code})",
            code=contract.code,
            title=contract.title,
        )
    )


@app.command()
def restore(ref: Ref) -> None:
    """Bring back a deleted contract."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import contracts

    with state.unit(write=True) as ctx:
        contract = contracts.restore(ctx, ref)
    render.out(t("Restored contract {code} {title}", code=contract.code, title=contract.title))
