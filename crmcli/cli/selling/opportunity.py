"""``crm opportunity``: sales opportunities through the pipeline (销售机会管理)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
    OwnerOpt,
    SummaryFormatOpt,
    YesOpt,
    ask_first,
    fmt,
    limit,
    new_app,
    state,
)
from crmcli.vocab import OPPORTUNITY, STAGE_CHANGE, URGENCY

app = new_app("opportunity")

LIST_COLUMNS = [
    "code",
    "customer_name",
    "title",
    "stage",
    "probability",
    "amount",
    "expected_close",
    "owner",
]
STAGE_HELP = (
    "Stage key or label, English or Chinese: lead/初步接洽, qualified/需求确认, "
    "proposal/方案报价, negotiation/商务谈判, won/赢单, lost/输单 "
    "(the stages are a database setting: crm config show)."
)

Ref = Annotated[
    str, typer.Argument(metavar="ID", help="Opportunity id, code (O000001) or exact title.")
]
Customer = Annotated[
    str, typer.Argument(metavar="CUSTOMER", help="Customer id, code (C000001) or exact name.")
]
AmountOpt = Annotated[
    Optional[str],
    typer.Option("--amount", metavar="MONEY", help="Expected amount (金额): 12800, 1.28万."),
]
ProbabilityOpt = Annotated[
    Optional[str],
    typer.Option(
        "--probability",
        metavar="P|auto",
        help="Win probability (赢率) in percent, set by hand and kept through stage moves; "
        "'auto' follows the stage again.",
    ),
]
CloseOpt = Annotated[
    Optional[str],
    typer.Option(
        "--close",
        "--expected-close",
        metavar="DATE",
        help="Expected close (预计成交日期): 2026-03-01, 2026/3/1, +1m.",
    ),
]
ProductOpt = Annotated[
    Optional[str],
    typer.Option("--product", metavar="PRODUCT", help="Product id, code (P0001) or exact name."),
]
CompetitorOpt = Annotated[
    Optional[str],
    typer.Option("--competitor", metavar="NAME", help="The competitor (竞争对手), id or name."),
]
UrgencyOpt = Annotated[
    Optional[str],
    typer.Option("--urgency", metavar="LEVEL", help=f"Urgency (紧迫程度): {URGENCY.accepted()}."),
]
NeedsOpt = Annotated[
    Optional[str],
    typer.Option("--needs", metavar="TEXT", help="What the customer needs (需求特点)."),
]


def stage_column(vocab: Any, key: str = "stage", en: str = "Stage", zh: str = "阶段") -> Any:
    from crmcli.render import Col

    return Col(key, en, zh, "enum", vocab)


def columns(vocab: Any, names: list[str]) -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer", "客户名称", max_width=24),
        "product_name": Col("product_name", "Product name", "产品名称"),
        "probability": Col("probability", "Probability", "赢率", "percent"),
        "probability_manual": Col("probability_manual", "Set by hand", "手工赢率", "bool"),
        "weighted_amount": Col("weighted_amount", "Weighted", "加权金额", "money"),
        "stage": stage_column(vocab),
        "title": Col("title", "Title", "机会名称", max_width=30),
    }
    return [extra[n] if n in extra else col(OPPORTUNITY[n], max_width=40) for n in names]


def list_columns(vocab: Any) -> list[Any]:
    """The list's columns, with short headers so eight fit a terminal."""
    from crmcli.render import Col

    short = {
        "probability": Col("probability", "Win", "赢率", "percent"),
        "expected_close": Col("expected_close", "Close by", "预计成交", "date"),
    }
    return [short.get(n) or columns(vocab, [n])[0] for n in LIST_COLUMNS]


def _values(
    *,
    amount: Optional[str] = None,
    close: Optional[str] = None,
    product: Optional[str] = None,
    competitor: Optional[str] = None,
    urgency: Optional[str] = None,
    needs: Optional[str] = None,
    owner: Optional[str] = None,
    title: Optional[str] = None,
) -> dict[str, Any]:
    """Options given, parsed by crmcli's validators; an empty text clears a field."""
    from crmcli.validate import parse_field

    values: dict[str, Any] = {}
    for name, raw in (
        ("amount", amount),
        ("expected_close", close),
        ("urgency", urgency),
        ("needs", needs),
    ):
        if raw is not None:
            values[name] = parse_field(OPPORTUNITY[name], raw)
    for name, raw in (("product", product), ("competitor", competitor), ("owner", owner)):
        if raw is not None:
            values[name] = raw.strip() or None
    if title is not None:
        values["title"] = title
    return values


def _moved_lines(moved: Any, stages: Any) -> list[str]:
    """What a stage move (or an add) did, in the user's language."""
    from crmcli.i18n import t
    from crmcli.vocab import STATUS

    o = moved.opportunity
    lines = []
    if moved.kept_manual:
        lines.append(
            t(
                "Probability stays {p}% (set by hand; --probability auto follows the stage)",
                p=o.probability,
            )
        )
    if moved.cancelled_followups:
        lines.append(
            t(
                "Cancelled {count} pending follow-ups tied to {code}",
                count=moved.cancelled_followups,
                code=o.code,
            )
        )
    if moved.activated_customer is not None:
        c = moved.activated_customer
        lines.append(
            t(
                "Customer {code} {name} is now {status}",
                code=c.code,
                name=c.name,
                status=STATUS.label("active"),
            )
        )
    return lines


@app.command()
def add(
    customer: Customer,
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What the deal is (机会名称).")],
    amount: Annotated[
        str,
        typer.Option("--amount", metavar="MONEY", help="Expected amount (金额): 12800, 1.28万."),
    ],
    stage: Annotated[
        Optional[str],
        typer.Option("--stage", metavar="STAGE", help=STAGE_HELP + " Default: the first."),
    ] = None,
    probability: ProbabilityOpt = None,
    close: CloseOpt = None,
    product: ProductOpt = None,
    competitor: CompetitorOpt = None,
    urgency: UrgencyOpt = None,
    needs: NeedsOpt = None,
    owner: OwnerOpt = None,
    reason: Annotated[
        Optional[str],
        typer.Option("--reason", metavar="TEXT", help="Why it was lost (with --stage lost)."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Add a sales opportunity for a customer (at the first stage unless --stage)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import pipeline

    output = fmt(output, ("table", "json"))
    values = _values(
        amount=amount,
        close=close,
        product=product,
        competitor=competitor,
        urgency=urgency,
        needs=needs,
        owner=owner,
    )
    with state.unit(write=True) as ctx:
        moved = pipeline.add(
            ctx,
            customer=customer,
            title=title,
            amount=values.pop("amount"),
            stage=stage,
            probability=probability,
            values=values,
            reason=reason,
        )
        stages = pipeline.pipeline(ctx)
        data = pipeline.show(ctx, str(moved.opportunity.id))
    if output == "json":
        render.record(data, [], "json")
        return
    o = moved.opportunity
    render.out(
        t(
            "Added opportunity {code} {title} for {customer} ({stage}, {p}%)",
            code=o.code,
            title=o.title,
            customer=f"{data['customer_code']} {data['customer_name']}",
            stage=stages.label(o.stage),
            p=o.probability,
        )
    )
    for line in _moved_lines(moved, stages):
        render.out(line)


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str],
        typer.Argument(metavar="[CUSTOMER]", help="Only this customer's opportunities."),
    ] = None,
    stage: Annotated[
        Optional[str], typer.Option("--stage", metavar="STAGE", help=STAGE_HELP)
    ] = None,
    open_: Annotated[
        bool, typer.Option("--open", help="Only open opportunities (not won or lost).")
    ] = False,
    owner: Annotated[
        Optional[str], typer.Option("--owner", metavar="USER", help="Only this owner's.")
    ] = None,
    closing_before: Annotated[
        Optional[str],
        typer.Option(
            "--closing-before", metavar="DATE", help="Only those expected to close before DATE."
        ),
    ] = None,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="List deleted opportunities instead.")
    ] = False,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List opportunities (code order), with the total and weighted amount in a table."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import pipeline
    from crmcli.validate import parse_date

    output = fmt(output)
    count = limit(n)
    before = parse_date(closing_before) if closing_before else None
    with state.unit() as ctx:
        stages = pipeline.pipeline(ctx)
        q = pipeline.query(
            ctx,
            customer=customer,
            stage=stage,
            open_only=open_,
            owner=owner,
            closing_before=before,
            deleted=deleted,
        )
        if output == "table":  # the first rows, and the count and sums of them all
            first = min(count or render.TABLE_ROWS, render.TABLE_ROWS)
            data = pipeline.rows(ctx, q, limit=first)
            sums = pipeline.totals(ctx, q, limit=count)
        else:
            data = pipeline.rows(ctx, q, limit=count)
    if output != "table":
        render.rows(data, list_columns(stages.vocab), output, what=t("opportunities"))
        return
    shown = render.without_empty(list_columns(stages.vocab), data, ["owner"])
    render.rows(data, shown, output, what=t("opportunities"), total=sums["opportunities"])
    if sums["opportunities"] > 1:
        render.out(
            t(
                "{count} opportunities: amount {total}, weighted {weighted}",
                count=sums["opportunities"],
                total=f"{sums['amount']:,.2f}",
                weighted=f"{sums['weighted']:,.2f}",
            )
        )


@app.command()
def show(ref: Ref, output: FormatOpt = None) -> None:
    """Show an opportunity and its stage history (from, to, when, who, why)."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import col
    from crmcli.services.selling import pipeline

    output = fmt(output)
    with state.unit() as ctx:
        stages = pipeline.pipeline(ctx)
        data = pipeline.show(ctx, ref)
    names = [
        "customer_code",
        "customer_name",
        "stage",
        "probability",
        "probability_manual",
        "amount",
        "weighted_amount",
        "expected_close",
        "product",
        "product_name",
        "urgency",
        "needs",
        "competitor",
        "owner",
        "lost_reason",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    history = [
        col(STAGE_CHANGE["at"]),
        stage_column(stages.vocab, "from_stage", "From", "原阶段"),
        stage_column(stages.vocab, "to_stage", "To", "新阶段"),
        col(STAGE_CHANGE["user"]),
        col(STAGE_CHANGE["reason"], max_width=40),
    ]
    title = f"{data['code']} {data['title']}"
    if data.get("deleted_at"):
        title += pick(" (deleted)", "（已删除）")
    render.record(
        data,
        columns(stages.vocab, names),
        output,
        title=title,
        sections=[("history", pick("Stage history", "阶段记录"), history)],
    )


@app.command()
def stage(
    ref: Ref,
    to: Annotated[str, typer.Argument(metavar="STAGE", help=STAGE_HELP)],
    reason: Annotated[
        Optional[str],
        typer.Option(
            "--reason", metavar="TEXT", help="Why (required when moving to lost: 输单原因)."
        ),
    ] = None,
    probability: ProbabilityOpt = None,
    at: Annotated[
        Optional[str],
        typer.Option(
            "--at", metavar="DATE", help="When it moved (default: now); not in the future."
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Move an opportunity to a stage (forwards or backwards); every move is recorded.

    Won and lost close it: the follow-ups tied to it are cancelled, and a won deal
    makes its customer an active customer (成交客户).
    """
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.desk import changes
    from crmcli.services.selling import pipeline
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(at) if at else None
    with state.unit(write=True) as ctx:
        moved = changes.move_opportunity(
            ctx, ref, stage=to, reason=reason, probability=probability, at=when
        )
        stages = pipeline.pipeline(ctx)
        data = pipeline.show(ctx, str(moved.opportunity.id))
    if output == "json":
        render.record(data, [], "json")
        return
    o = moved.opportunity
    render.out(
        t(
            "Moved {code} {title} from {old} to {new} ({p}%)",
            code=o.code,
            title=o.title,
            old=stages.label(moved.from_stage),
            new=stages.label(moved.to_stage),
            p=o.probability,
        )
    )
    for line in _moved_lines(moved, stages):
        render.out(line)


@app.command()
def edit(
    ref: Ref,
    title: Annotated[
        Optional[str], typer.Option("--title", metavar="TEXT", help="A new title (机会名称).")
    ] = None,
    amount: AmountOpt = None,
    probability: ProbabilityOpt = None,
    close: CloseOpt = None,
    product: ProductOpt = None,
    competitor: CompetitorOpt = None,
    urgency: UrgencyOpt = None,
    needs: NeedsOpt = None,
    owner: OwnerOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Change an opportunity's fields (the stage moves with `crm opportunity stage`).

    Give "" to clear a field (--product "", --close "").
    """
    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.selling import pipeline

    output = fmt(output, ("table", "json"))
    values = _values(
        amount=amount,
        close=close,
        product=product,
        competitor=competitor,
        urgency=urgency,
        needs=needs,
        owner=owner,
        title=title,
    )
    if not values and probability is None:
        raise Invalid(t("no changes given"), hint=t("give at least one field option"))
    with state.unit(write=True) as ctx:
        opportunity, changes = pipeline.edit(ctx, ref, values=values, probability=probability)
        data = pipeline.show(ctx, str(opportunity.id))
    if output == "json":
        render.record(data, [], "json")
        return
    message = (
        "Updated opportunity {code} {title}" if changes else "Opportunity {code} {title} unchanged"
    )
    render.out(t(message, code=opportunity.code, title=opportunity.title))


@app.command()
def delete(ref: Ref, yes: YesOpt = False) -> None:
    """Delete an opportunity (soft: hidden from lists and reports until restored)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import pipeline

    def question(ctx: Any) -> str:
        found = pipeline.find(ctx, ref)
        return t("Delete opportunity {code} {title}?", code=found.code, title=found.title)

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        opportunity = pipeline.delete(ctx, ref)
    render.out(
        t(
            "Deleted opportunity {code} {title} (restore with: crm opportunity restore {code})",
            code=opportunity.code,
            title=opportunity.title,
        )
    )


@app.command()
def restore(ref: Ref) -> None:
    """Bring back a deleted opportunity."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.selling import pipeline

    with state.unit(write=True) as ctx:
        opportunity = pipeline.restore(ctx, ref)
    render.out(
        t("Restored opportunity {code} {title}", code=opportunity.code, title=opportunity.title)
    )
