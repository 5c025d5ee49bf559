"""``crm contact``: the people at a customer (联系人)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
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
from crmcli.vocab import CONTACT, CONTACT_FIELDS

app = new_app("contact")

FIELDS = [f for f in CONTACT_FIELDS if f.name != "customer"]
ADD_FIELDS = [f for f in FIELDS if f.name != "name"]
LIST_COLUMNS = [
    "id",
    "customer_code",
    "customer_name",
    "name",
    "title",
    "role",
    "phone",
    "mobile",
    "email",
]
PRIORITY = {"title": 3}

Customer = Annotated[
    str, typer.Argument(metavar="CUSTOMER", help="Customer id, code or exact name.")
]
Ref = Annotated[str, typer.Argument(metavar="REF", help="Contact id or exact name.")]
SetOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--set", metavar="KEY=VALUE", help="Set a custom field (crm field list; repeatable)."
    ),
]
UnsetOpt = Annotated[
    Optional[list[str]],
    typer.Option("--unset", metavar="KEY", help="Remove a custom field (repeatable)."),
]
OfCustomer = Annotated[
    Optional[str],
    typer.Option(
        "--customer",
        "-c",
        metavar="CUSTOMER",
        help="The contact's customer, when the name is not unique.",
    ),
]


def columns() -> list[Any]:
    from crmcli.render import Col, col

    extra = {
        "id": Col("id", "Id", "编号", "int"),
        "customer_code": Col("customer_code", "Customer", "客户编号"),
        "customer_name": Col("customer_name", "Customer name", "客户名称", max_width=24),
    }
    # a narrow terminal keeps who the contact is and their numbers; title goes first
    return [
        extra[n] if n in extra else col(CONTACT[n], priority=PRIORITY.get(n)) for n in LIST_COLUMNS
    ]


def _done(ctx: Any, contact: Any, message: str, output: str) -> None:
    from crmcli import render
    from crmcli.services.archive import contacts

    if output == "json":
        render.record(contacts.as_dict(ctx, contact), [], "json")
    else:
        render.out(message)


@app.command()
@field_options(ADD_FIELDS)
def add(
    customer: Customer,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The contact's name (姓名).")],
    custom: SetOpt = None,
    output: SummaryFormatOpt = None,
    values: Optional[dict[str, Any]] = None,
) -> None:
    """Add a contact to a customer."""
    from crmcli.i18n import t
    from crmcli.services.archive import contacts

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        contact, owner = contacts.add(
            ctx, customer=customer, name=name, values=values, extra=key_values(custom)
        )
        _done(
            ctx,
            contact,
            t(
                "Added contact {name} (id {id}) to {code} {customer}",
                name=contact.name,
                id=contact.id,
                code=owner.code,
                customer=owner.name,
            ),
            output,
        )


@app.command("list")
def list_(
    customer: Annotated[
        Optional[str], typer.Argument(metavar="[CUSTOMER]", help="Only this customer's contacts.")
    ] = None,
    search: Annotated[
        Optional[str],
        typer.Option(
            "--search",
            "-s",
            metavar="TEXT",
            help="Text in the name, title, phone, e-mail or customer.",
        ),
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List contacts (of one customer, or of all)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import contacts

    output = fmt(output)
    with state.unit() as ctx:
        data = contacts.rows(ctx, customer=customer, search=search, limit=limit(n))
    shown, title = columns(), None
    if customer is not None and output == "table":  # one customer: named once, above
        shown = [c for c in shown if c.key not in ("customer_code", "customer_name")]
        title = f"{data[0]['customer_code']} {data[0]['customer_name']}" if data else None
    render.rows(data, shown, output, what=t("contacts"), title=title)


@app.command()
@field_options(FIELDS, clear_hint=True)
def edit(
    ref: Ref,
    customer: OfCustomer = None,
    custom: SetOpt = None,
    unset: UnsetOpt = None,
    output: SummaryFormatOpt = None,
    values: Optional[dict[str, Any]] = None,
) -> None:
    """Change a contact's fields and custom fields (audited)."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.archive import contacts

    output = fmt(output, ("table", "json"))
    extra = key_values(custom)
    if not values and not extra and not unset:
        raise Invalid(
            t("no changes given"),
            hint=t("give at least one field option, --set KEY=VALUE or --unset KEY"),
        )
    with state.unit(write=True) as ctx:
        contact, changes = contacts.edit(
            ctx, ref, values=values or {}, customer=customer, set_extra=extra, unset_extra=unset
        )
        message = (
            "Updated contact {name} (id {id})" if changes else "Contact {name} (id {id}) unchanged"
        )
        _done(ctx, contact, t(message, name=contact.name, id=contact.id), output)


@app.command()
def delete(ref: Ref, customer: OfCustomer = None, yes: YesOpt = False) -> None:
    """Delete a contact (soft; kept in the audit log)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.models import Customer as C
    from crmcli.services.archive import contacts, customers

    def question(ctx: Any) -> str:
        of = customers.find(ctx, customer) if customer else None
        contact = contacts.find(ctx, ref, customer=of)
        owner = ctx.session.get(C, contact.customer_id)
        return t("Delete contact {name} of {customer}?", name=contact.name, customer=owner.name)

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        contact = contacts.delete(ctx, ref, customer=customer)
    render.out(
        t(
            "Deleted contact {name} (id {id}; restore with: crm contact restore {id})",
            name=contact.name,
            id=contact.id,
        )
    )


@app.command()
def restore(ref: Ref, customer: OfCustomer = None) -> None:
    """Bring back a deleted contact (audited)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.archive import contacts

    with state.unit(write=True) as ctx:
        contact = contacts.restore(ctx, ref, customer=customer)
    render.out(t("Restored contact {name} (id {id})", name=contact.name, id=contact.id))


# The contacts in bulk (the data room)
from crmcli.cli.data import contact_io  # noqa: E402

app.command()(contact_io.export)
