"""``crm order``: sales orders and their lines (销售订单及记录)."""

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
from crmcli.vocab import ORDER, ORDER_LINE, ORDER_STATUS

app = new_app("order")

LIST_COLUMNS = ["code", "customer_name", "ordered_on", "status", "total", "opportunity", "owner"]

Ref = Annotated[str, typer.Argument(metavar="ID", help="Order id or code (D000001).")]


def columns(names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer name", "客户名称", max_width=24),
        "opportunity": Col("opportunity", "Opp.", "销售机会"),
        "ordered_on": Col("ordered_on", "Date", "订货日期", "date"),
    }
    return [extra[n] if n in extra else col(ORDER[n]) for n in names]


def line_columns() -> list[Any]:
    from crmcli.render import Col, col

    return [
        col(ORDER_LINE["product"]),
        col(ORDER_LINE["description"], max_width=30),
        Col("qty", ORDER_LINE["qty"].en, ORDER_LINE["qty"].zh, "int"),
        col(ORDER_LINE["unit_price"]),
        Col("discount", ORDER_LINE["discount"].en, ORDER_LINE["discount"].zh, "int"),
        col(ORDER_LINE["amount"]),
    ]


def _render_one(data: dict[str, Any], output: str) -> None:
    from crmcli import render
    from crmcli.i18n import pick

    names = [
        "customer_code",
        "customer_name",
        "ordered_on",
        "status",
        "total",
        "opportunity",
        "owner",
        "notes",
        "created_at",
        "updated_at",
    ]
    render.record(
        data,
        columns(names),
        output,
        title=data["code"],
        sections=[("lines", pick("Lines", "订单明细"), line_columns())],
    )


@app.command()
def add(
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000001) or exact name.")
    ],
    item: Annotated[
        list[str],
        typer.Option(
            "--item",
            "-i",
            metavar="PRODUCT:QTY[:PRICE][:DISCOUNT%]",
            help="A line (repeatable): product id, code or name, quantity, optional unit price "
            "(default: the product's price) and discount (5% or 95折).",
        ),
    ],
    date: Annotated[
        Optional[str],
        typer.Option("--date", metavar="DATE", help="Order date (订货日期); default: today."),
    ] = None,
    opportunity: Annotated[
        Optional[str],
        typer.Option(
            "--opportunity",
            metavar="ID",
            help="The opportunity this order comes from (same customer).",
        ),
    ] = None,
    discount: Annotated[
        Optional[str],
        typer.Option(
            "--discount",
            metavar="PCT",
            help="Discount for every line without its own (5% or 95折).",
        ),
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status",
            metavar="STATUS",
            help="confirmed/已确认 (default), delivered/已交付 or paid/已付款.",
        ),
    ] = None,
    notes: NotesOpt = None,
    owner: OwnerOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Add an order: one --item per line; money is exact (line = qty × price × (1 − discount))."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import orders
    from crmcli.validate import parse_date

    output = fmt(output, ("table", "json"))
    day = parse_date(date) if date else None
    with state.unit(write=True) as ctx:
        order = orders.add(
            ctx,
            customer=customer,
            items=item,
            ordered_on=day,
            opportunity=opportunity,
            status=status,
            discount=discount,
            notes=notes,
            owner=owner,
        )
        data = orders.as_dict(ctx, order)
    if output == "json":
        render.record(data, [], "json")
        return
    render.out(
        t(
            "Added order {code} for {customer}: {count} lines, total {total}",
            code=data["code"],
            customer=f"{data['customer_code']} {data['customer_name']}",
            count=len(data["lines"]),
            total=f"{data['total']:,.2f}",
        )
    )


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str], typer.Argument(metavar="[CUSTOMER]", help="Only this customer's orders.")
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status", metavar="STATUS", help=f"Only this status: {ORDER_STATUS.accepted()}."
        ),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="DATE", help="Ordered on or after DATE.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help="Ordered on or before DATE.")
    ] = None,
    opportunity: Annotated[
        Optional[str],
        typer.Option("--opportunity", metavar="ID", help="Only orders from this opportunity."),
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List orders, oldest first (cancelled ones too, marked); json carries the lines."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import orders
    from crmcli.validate import parse_date

    output = fmt(output)
    start = parse_date(since) if since else None
    end = parse_date(until) if until else None
    count = limit(n)
    with state.unit() as ctx:
        q = orders.query(
            ctx, customer=customer, status=status, since=start, until=end, opportunity=opportunity
        )
        if output == "table":  # the first rows, and the count and total of them all
            shown = min(count or render.TABLE_ROWS, render.TABLE_ROWS)
            data = orders.rows(ctx, q, limit=shown, lines=False)
            sums = orders.totals(ctx, q, limit=count)
        else:
            data = orders.rows(ctx, q, limit=count)
    if output == "csv":
        for row in data:
            row["lines"] = len(row["lines"])
    if output != "table":
        render.rows(data, columns(LIST_COLUMNS), output, what=t("orders"))
        return
    shown_columns = render.without_empty(columns(LIST_COLUMNS), data, ["owner", "opportunity"])
    render.rows(data, shown_columns, output, what=t("orders"), total=sums["orders"])
    if sums["live"]:  # (a list of cancelled orders has no total)
        render.out(
            t(
                "{count} orders (not cancelled), total {total}",
                count=sums["live"],
                total=f"{sums['total']:,.2f}",
            )
        )


@app.command()
def show(ref: Ref, output: FormatOpt = None) -> None:
    """Show an order with its lines."""
    from crmcli.services.selling import orders

    output = fmt(output)
    with state.unit() as ctx:
        data = orders.show(ctx, ref)
    _render_one(data, output)


@app.command()
def edit(
    ref: Ref,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status", metavar="STATUS", help="confirmed/已确认, delivered/已交付 or paid/已付款."
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Change an order's status (confirmed → delivered → paid); cancel with `crm order cancel`."""
    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.selling import orders

    output = fmt(output, ("table", "json"))
    if status is None:
        raise Invalid(t("no changes given"), hint=t("give at least one field option"))
    with state.unit(write=True) as ctx:
        order, changed = orders.set_status(ctx, ref, status)
        data = orders.as_dict(ctx, order)
    if output == "json":
        render.record(data, [], "json")
        return
    message = "Order {code} is now {status}" if changed else "Order {code} unchanged"
    render.out(t(message, code=order.code, status=ORDER_STATUS.label(order.status)))


@app.command()
def cancel(
    ref: Ref,
    reason: Annotated[
        Optional[str], typer.Option("--reason", metavar="TEXT", help="Why (kept in the notes).")
    ] = None,
    yes: YesOpt = False,
) -> None:
    """Cancel an order: it stays, marked cancelled, and counts in no report."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import orders

    def question(ctx: Any) -> str | None:
        order = orders.find(ctx, ref)
        if order.status == "cancelled":
            return None  # the service says so
        return t("Cancel order {code} ({total})?", code=order.code, total=f"{order.total:,.2f}")

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        order = orders.cancel(ctx, ref, reason=reason)
    render.out(t("Cancelled order {code}", code=order.code))
