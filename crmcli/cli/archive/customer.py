"""``crm customer``: the customer archive (客户档案)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
    OwnerOpt,
    SummaryFormatOpt,
    YesOpt,
    ask_first,
    field_options,
    fmt,
    key_values,
    limit,
    new_app,
    state,
)
from crmcli.cli.customer_filters import (
    CityOpt,
    IndustryOpt,
    LevelOpt,
    OwnerFilterOpt,
    SearchOpt,
    SourceOpt,
    StatusOpt,
    TagOpt,
    WhereOpt,
    filter_query,
)
from crmcli.services.archive.fastlist import LIST_FIELDS
from crmcli.vocab import CUSTOMER, CUSTOMER_FIELDS

app = new_app("customer")

#: the churn fields are set by edit --status lost --reason/--note, not by options of their own
CHURN_FIELDS = ("lost_at", "lost_reason", "lost_note")
#: fields with options of their own (--owner, --set, --marketing/--no-marketing)
OWN_OPTIONS = ("owner", "extra", "marketing_opt_out")
EDITABLE_FIELDS = [
    f
    for f in CUSTOMER_FIELDS
    if f.name not in (*OWN_OPTIONS, "created_at", "updated_at", *CHURN_FIELDS)
]
ADD_FIELDS = [f for f in EDITABLE_FIELDS if f.name != "name"]
LIST_COLUMNS = list(LIST_FIELDS)

Ref = Annotated[
    str, typer.Argument(metavar="REF", help="Customer id, code (C000042) or exact name.")
]
SetOpt = Annotated[
    Optional[list[str]],
    typer.Option("--set", metavar="KEY=VALUE", help="Set a custom field (repeatable)."),
]
MarketingOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--marketing/--no-marketing",
        help="--no-marketing: the customer wants no promotions (crm letter promotion).",
    ),
]


def _marketing(values: Optional[dict[str, Any]], marketing: Optional[bool]) -> dict[str, Any]:
    values = dict(values or {})
    if marketing is not None:
        values["marketing_opt_out"] = not marketing
    return values


def _columns(names: list[str]) -> list[Any]:
    from crmcli.render import col

    return [
        col(CUSTOMER[n], max_width=30 if n in ("name", "address", "notes") else None) for n in names
    ]


def _print_saved(saved: Any, message: str, output: str) -> None:
    from crmcli import render

    for warning in saved.warnings:
        render.warn(warning)
    if output == "json":
        render.record(saved.data, [], "json")
    else:
        render.out(message)


@app.command()
@field_options(ADD_FIELDS)
def add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Customer name (客户名称).")],
    custom: SetOpt = None,
    owner: OwnerOpt = None,
    marketing: MarketingOpt = None,
    output: SummaryFormatOpt = None,
    values: Optional[dict[str, Any]] = None,
) -> None:
    """Add a customer (客户信息录入); warns when the name, phone or e-mail is already known."""
    from crmcli.i18n import t
    from crmcli.services.archive import customers

    output = fmt(output, ("table", "json"))
    values = _marketing(values, marketing)
    with state.unit(write=True) as ctx:
        saved = customers.add(ctx, name=name, values=values, extra=key_values(custom), owner=owner)
        saved.data = customers.as_dict(ctx, saved.customer)
    c = saved.customer
    _print_saved(saved, t("Added customer {code} {name}", code=c.code, name=c.name), output)


@app.command("list")
def list_(
    search: SearchOpt = None,
    level: LevelOpt = None,
    status: StatusOpt = None,
    owner: OwnerFilterOpt = None,
    city: CityOpt = None,
    industry: IndustryOpt = None,
    source: SourceOpt = None,
    tag: TagOpt = None,
    where: WhereOpt = None,
    sort: Annotated[
        Optional[str],
        typer.Option(
            metavar="FIELD", help="Sort by a field (code by default); -FIELD sorts descending."
        ),
    ] = None,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="List deleted customers instead (to restore them).")
    ] = False,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List customers, filtered and sorted."""
    from crmcli import render
    from crmcli.i18n import t

    output = fmt(output)
    count = limit(n)
    shown = min(count or render.TABLE_ROWS, render.TABLE_ROWS)
    narrowed = (level, status, owner, city, industry, source, tag, where, sort, deleted)
    page = None
    if output == "table" and not any(narrowed):  # the plain list: sqlite3 alone, if it can
        from crmcli.db import resolve_url
        from crmcli.services.archive import fastlist

        page = fastlist.page(
            url=resolve_url(state.db), username=state.user, shown=shown, search=search
        )
    data, total = page if page is not None else _list(output, count, shown, (search, *narrowed))
    if total is not None and count:
        total = min(total, count)
    render.rows(data, _columns(LIST_COLUMNS), output, what=t("customers"), total=total)


def _list(output: str, count: int | None, shown: int, filters: tuple[Any, ...]) -> tuple[Any, Any]:
    """The rows ``customer list`` shows (and how many match, when a table shows some)."""
    from crmcli.services.archive import customers

    search, level, status, owner, city, industry, source, tag, where, sort, deleted = filters
    with state.unit() as ctx:
        q = filter_query(
            ctx,
            search=search,
            level=level,
            status=status,
            source=source,
            owner=owner,
            city=city,
            industry=industry,
            tag=tag,
            where=where,
            deleted=deleted,
        )
        q = customers.order_by(q, sort)
        if output != "table":
            return customers.rows(ctx, q, limit=count), None
        data = customers.rows(ctx, q, limit=shown + 1)
        total = None
        if len(data) > shown:
            total = customers.count(ctx, q)
        return data[:shown], total


@app.command()
def show(ref: Ref, output: FormatOpt = None) -> None:
    """Show a customer's archive card: fields, contacts, contacts made, sales, service."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.services.archive import fields as custom
    from crmcli.services.desk import card

    output = fmt(output)
    stages = None
    with state.unit() as ctx:
        data = card.card(ctx, ref)
        if data["opportunities"]:  # the stages' labels are a database setting
            from crmcli.services.selling import pipeline

            stages = pipeline.pipeline(ctx)
        contact_fields = custom.definitions(ctx, "contact") if output == "table" else []
        if output == "table" and data.get("lost_reason"):  # the label, in the user's language
            from crmcli.services.desk import churn

            data = {**data, "lost_reason": churn.label(churn.reasons(ctx), data["lost_reason"])}
    if output == "table" and not data.get("marketing_opt_out"):
        data = {**data, "marketing_opt_out": None}  # the card says so only once opted out
    fields = [f.name for f in CUSTOMER_FIELDS if f.name not in ("code", "name", *CHURN_FIELDS)]
    at = fields.index("status") + 1
    fields[at:at] = CHURN_FIELDS  # why and when lost, beside the status
    title = f"{data['code']} {data['name']}"
    if data.get("deleted_at"):
        title += pick(" (deleted)", "（已删除）")
    if output == "table":
        data = _custom_section(data, contact_fields)
    sections = _card_sections(data, contact_fields, stages)
    render.record(data, _columns(fields), output, title=title, sections=sections)


def _custom_section(data: dict[str, Any], contact_fields: list[Any]) -> dict[str, Any]:
    """The card's own fields (crm field) as rows of label and value, filled ones only; the
    other custom fields stay in the card's 自定义字段 line. The contacts' own fields are
    columns of the contacts' table."""
    from crmcli.services.archive.fields import Definition, shown

    people = [
        {
            **p,
            **{
                f"field:{d.name}": shown(d, (p.get("extra") or {}).get(d.name))
                for d in contact_fields
            },
        }
        for p in data["contacts"]
    ]
    rows, defined = [], set()
    for f in data["custom_fields"]:
        defined.add(f["name"])
        if f["value"] is None:
            continue
        d = Definition(f["name"], "customer", f["type"], zh=f["zh"])
        rows.append({"field": d.label, "value": shown(d, (data["extra"] or {}).get(d.name))})
    extra = {k: v for k, v in (data["extra"] or {}).items() if k not in defined}
    return {**data, "custom_fields": rows, "extra": extra or None, "contacts": people}


def _card_sections(
    data: dict[str, Any], contact_fields: list[Any], stages: Any
) -> list[tuple[str, str, list[Any]]]:
    """The card's sections, each ``(key, title, columns)``; a section without rows has no
    columns (nothing is drawn, and its commands' modules are not imported)."""
    from crmcli.i18n import pick
    from crmcli.render import Col, col
    from crmcli.vocab import CONTACT

    contacts = [col(CONTACT[n]) for n in ("name", "title", "role", "mobile", "email", "birthday")]
    contacts += [Col(f"field:{d.name}", d.name, d.zh or d.name) for d in contact_fields]
    contacts.insert(0, col(CONTACT["name"], key="id")._replace(en="Id", zh="编号", kind="int"))
    custom = [Col("field", "Field", "字段"), Col("value", "Value", "内容", max_width=60)]
    sections = [
        ("custom_fields", pick("Card fields", "资料卡字段"), custom),
        ("contacts", pick("Contacts", "联系人"), contacts),
    ]
    titles = {
        "interactions": pick("Latest contact records", "最近的接触记录"),
        "followups": pick("Pending follow-ups", "待办跟进"),
        "opportunities": pick("Open opportunities", "进行中的销售机会"),
        "orders": pick("Orders", "订单"),
        "contracts": pick("Contracts", "合同"),
        "tickets": pick("Open tickets", "未结工单"),
    }
    for key, title in titles.items():
        sections.append((key, title, _section_columns(key, stages) if data.get(key) else []))
    return sections


def _section_columns(key: str, stages: Any) -> list[Any]:
    """The columns of a section of the card read from another room (its command's own)."""
    if key == "interactions":
        from crmcli.cli.relationship import interaction

        return interaction.columns(["occurred_at", "channel", "kind", "contact", "summary", "user"])
    if key == "followups":
        from crmcli.cli.relationship import followup

        return followup.columns(["id", "due_at", "kind", "step", "contact", "note", "owner"])
    if key == "tickets":
        from crmcli.cli.relationship import ticket

        return ticket.columns(
            ["code", "kind", "subject", "priority", "status", "due_at", "overdue"]
        )
    if key == "opportunities":
        from crmcli.cli.selling import opportunity

        return opportunity.columns(
            stages.vocab, ["code", "title", "stage", "probability", "amount", "expected_close"]
        )
    if key == "orders":
        from crmcli.cli.selling import order

        return order.columns(["code", "ordered_on", "status", "total", "opportunity"])
    from crmcli.cli.selling import contract

    return contract.columns(["code", "title", "amount", "outstanding", "next_due_on"])


@app.command()
@field_options(EDITABLE_FIELDS, clear_hint=True)
def edit(
    ref: Ref,
    custom: SetOpt = None,
    unset: Annotated[
        Optional[list[str]],
        typer.Option("--unset", metavar="KEY", help="Remove a custom field (repeatable)."),
    ] = None,
    reason: Annotated[
        Optional[str],
        typer.Option(
            metavar="REASON",
            help="With --status lost: why the customer was lost (流失原因), a key or label of "
            "the churn.reasons setting (crm config show).",
        ),
    ] = None,
    note: Annotated[
        Optional[str],
        typer.Option(metavar="TEXT", help="With --status lost: a note on the loss (流失说明)."),
    ] = None,
    marketing: MarketingOpt = None,
    output: SummaryFormatOpt = None,
    values: Optional[dict[str, Any]] = None,
) -> None:
    """Change a customer's fields; every change goes to the audit log. Losing a customer
    (--status lost) records when and, with --reason, why."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.archive import customers
    from crmcli.services.desk import changes

    output = fmt(output, ("table", "json"))
    values = _marketing(values, marketing)
    extra = key_values(custom)
    if not values and not extra and not unset and reason is None and note is None:
        raise Invalid(
            t("no changes given"),
            hint=t("give at least one field option, --set KEY=VALUE or --unset KEY"),
        )
    with state.unit(write=True) as ctx:
        saved = changes.edit_customer(
            ctx, ref, values=values, set_extra=extra, unset_extra=unset, reason=reason, note=note
        )
        saved.data = customers.as_dict(ctx, saved.customer)
    c = saved.customer
    message = (
        "Updated customer {code} {name}" if saved.changes else "Customer {code} {name} unchanged"
    )
    _print_saved(saved, t(message, code=c.code, name=c.name), output)


@app.command()
def delete(ref: Ref, yes: YesOpt = False) -> None:
    """Delete a customer (soft: hidden from lists and reports until restored)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import customers

    def question(ctx: Any) -> str:
        customer = customers.find(ctx, ref)
        return t("Delete customer {code} {name}?", code=customer.code, name=customer.name)

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        customer = customers.delete(ctx, ref)
    render.out(
        t(
            "Deleted customer {code} {name} (restore with: crm customer restore {code})",
            code=customer.code,
            name=customer.name,
        )
    )


@app.command()
def restore(ref: Ref) -> None:
    """Bring back a deleted customer."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import customers

    with state.unit(write=True) as ctx:
        customer = customers.restore(ctx, ref)
    render.out(t("Restored customer {code} {name}", code=customer.code, name=customer.name))


@app.command()
def assign(
    ref: Ref,
    owner: Annotated[
        str, typer.Option("--owner", metavar="USER", help="The new owner's username (负责人).")
    ],
) -> None:
    """Assign a customer to a member of staff (客户分配; managers and admins)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.desk import changes

    with state.unit(write=True) as ctx:
        customer = changes.assign_customer(ctx, ref, owner)
    render.out(
        t(
            "Assigned customer {code} {name} to {owner}",
            code=customer.code,
            name=customer.name,
            owner=owner,
        )
    )


# The archive in bulk (import, export: the data room) and its duplicates (dedupe, merge)
# live in their own modules; their commands join this app, after the archive's own.
from crmcli.cli.archive import dedupe, timeline  # noqa: E402
from crmcli.cli.data import customer_io  # noqa: E402

app.command()(timeline.timeline)

app.command("import")(customer_io.import_)
app.command()(customer_io.export)
app.command()(dedupe.dedupe)
app.command()(dedupe.merge)
