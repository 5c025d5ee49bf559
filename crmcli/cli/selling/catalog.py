"""The commands ``crm supplier``, ``crm product`` and ``crm competitor`` share.

Each noun's module (``supplier.py`` ...) calls :func:`build` with its kind; the
commands are the same shape (add, list, show, edit, delete, restore) and differ in
their fields and list filters.
"""

from collections.abc import Callable
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
    limit,
    new_app,
    state,
)
from crmcli.vocab import COMPETITOR_FIELDS, PRODUCT_FIELDS, SUPPLIER_FIELDS

FIELDS = {
    "supplier": SUPPLIER_FIELDS,
    "product": PRODUCT_FIELDS,
    "competitor": COMPETITOR_FIELDS,
}
COLUMNS = {
    "supplier": ["id", "name", "category", "contact_name", "phone", "city"],
    "product": ["code", "name", "category", "unit", "price", "cost", "supplier"],
    "competitor": ["id", "name", "product", "price", "strengths", "weaknesses"],
}
MESSAGES = {
    # noun: (added, updated, unchanged, deleted, restored) -- each through t()
    "supplier": (
        "Added supplier {name} (id {id})",
        "Updated supplier {name} (id {id})",
        "Supplier {name} (id {id}) unchanged",
        "Deleted supplier {name} (id {id})",
        "Restored supplier {name} (id {id})",
    ),
    "product": (
        "Added product {code} {name}",
        "Updated product {code} {name}",
        "Product {code} {name} unchanged",
        "Deleted product {code} {name}",
        "Restored product {code} {name}",
    ),
    "competitor": (
        "Added competitor {name} (id {id})",
        "Updated competitor {name} (id {id})",
        "Competitor {name} (id {id}) unchanged",
        "Deleted competitor {name} (id {id})",
        "Restored competitor {name} (id {id})",
    ),
}
#: the list filters each noun has (beside --search and --deleted)
FILTERS = {
    "supplier": {"category", "city"},
    "product": {"category", "supplier"},
    "competitor": set(),
}
DOCS = {
    "add": {
        "supplier": "Add a supplier (供应商): contact, phone, what they supply.",
        "product": "Add a product or service (产品); the code P0001 ... is given unless --code.",
        "competitor": "Add a competitor (竞争对手): their product, price, strengths, weaknesses.",
    },
    "list": {
        "supplier": "List suppliers.",
        "product": "List products and services with their prices.",
        "competitor": "List competitors and what they offer.",
    },
}
REF_HELP = {
    "supplier": "Supplier id or exact name.",
    "product": "Product id, code (P0001) or exact name.",
    "competitor": "Competitor id or exact name.",
}


def columns(noun: str, names: list[str] | None = None) -> list[Any]:
    from crmcli.render import Col, col
    from crmcli.vocab import fields_by_name

    by_name = fields_by_name(FIELDS[noun])
    out = []
    for n in names or COLUMNS[noun]:
        if n == "id":
            out.append(Col("id", "Id", "编号", "int"))
        else:
            out.append(
                col(
                    by_name[n],
                    max_width=30 if by_name[n].limit and by_name[n].limit > 300 else None,
                )
            )
    return out


def _message(noun: str, which: int, record: Any) -> str:
    from crmcli.i18n import t

    return t(
        MESSAGES[noun][which], name=record.name, id=record.id, code=getattr(record, "code", None)
    )


def build(noun: str) -> typer.Typer:
    """The Typer app of one catalog noun."""
    app = new_app(noun)
    fields = [f for f in FIELDS[noun] if f.name not in ("created_at", "updated_at")]
    add_fields = [f for f in fields if f.name != "name"]
    Ref = Annotated[str, typer.Argument(metavar="REF", help=REF_HELP[noun])]

    def kind() -> Any:
        from crmcli.services.selling import catalog

        return catalog.KINDS[noun]

    def done(ctx: Any, saved: Any, message: str, output: str) -> None:
        from crmcli import render
        from crmcli.services.selling import catalog

        for warning in saved.warnings:
            render.warn(warning)
        if output == "json":
            render.record(catalog.as_dict(ctx, kind(), saved.record), [], "json")
        else:
            render.out(message)

    @field_options(add_fields)
    def add(
        name: Annotated[str, typer.Argument(metavar="NAME", help="The name (名称).")],
        output: SummaryFormatOpt = None,
        values: Optional[dict[str, Any]] = None,
    ) -> None:
        from crmcli.services.selling import catalog

        output = fmt(output, ("table", "json"))
        with state.unit(write=True) as ctx:
            saved = catalog.add(ctx, kind(), name=name, values=values)
            done(ctx, saved, _message(noun, 0, saved.record), output)

    add.__doc__ = DOCS["add"][noun]
    app.command("add")(add)

    def list_(
        search: Annotated[
            Optional[str],
            typer.Option("--search", "-s", metavar="TEXT", help="Text in the name and details."),
        ] = None,
        category: Annotated[
            Optional[str], typer.Option(metavar="TEXT", help="Only this category, exactly.")
        ] = None,
        city: Annotated[
            Optional[str], typer.Option(metavar="CITY", help="Only suppliers in this city.")
        ] = None,
        supplier: Annotated[
            Optional[str],
            typer.Option(metavar="SUPPLIER", help="Only this supplier's products (id or name)."),
        ] = None,
        deleted: Annotated[
            bool, typer.Option("--deleted", help="List deleted records instead (to restore them).")
        ] = False,
        n: LimitOpt = None,
        output: FormatOpt = None,
    ) -> None:
        from crmcli import render
        from crmcli.i18n import t
        from crmcli.services.selling import catalog

        output = fmt(output)
        with state.unit() as ctx:
            q = catalog.query(
                ctx,
                kind(),
                search=search,
                category=category,
                city=city,
                supplier=supplier,
                deleted=deleted,
            )
            data = catalog.rows(ctx, q, limit=limit(n))
        render.rows(data, columns(noun), output, what=t(noun + "s"))

    list_.__doc__ = DOCS["list"][noun]
    _drop_options(list_, keep=FILTERS[noun])
    app.command("list")(list_)

    @app.command()
    def show(ref: Ref, output: FormatOpt = None) -> None:
        """Show one record with every field (a supplier's card lists its products)."""
        from crmcli import render
        from crmcli.i18n import pick
        from crmcli.services.selling import catalog

        output = fmt(output)
        with state.unit() as ctx:
            record = catalog.find(ctx, kind(), ref, deleted=None)
            data = catalog.as_dict(ctx, kind(), record)
            sections = []
            if noun == "supplier":  # what this supplier supplies
                q = catalog.query(ctx, catalog.PRODUCTS, supplier=str(record.id))
                data["products"] = catalog.rows(ctx, q)
                product_columns = columns("product", ["code", "name", "category", "unit", "price"])
                sections.append(("products", pick("Products", "产品"), product_columns))
        names = [f.name for f in FIELDS[noun] if f.name not in ("name", "code")]
        title = f"{data.get('code') or data['id']} {data['name']}"
        render.record(data, columns(noun, names), output, title=title, sections=sections)

    @app.command()
    @field_options(fields, clear_hint=True)
    def edit(
        ref: Ref,
        output: SummaryFormatOpt = None,
        values: Optional[dict[str, Any]] = None,
    ) -> None:
        """Change fields (audited)."""
        from crmcli.errors import Invalid
        from crmcli.i18n import t
        from crmcli.services.selling import catalog

        output = fmt(output, ("table", "json"))
        if not values:
            raise Invalid(t("no changes given"), hint=t("give at least one field option"))
        with state.unit(write=True) as ctx:
            saved = catalog.edit(ctx, kind(), ref, values=values)
            done(ctx, saved, _message(noun, 1 if saved.changes else 2, saved.record), output)

    @app.command()
    def delete(ref: Ref, yes: YesOpt = False) -> None:
        """Delete (soft: hidden from lists until restored)."""
        from crmcli import render
        from crmcli.i18n import t
        from crmcli.services.selling import catalog

        def question(ctx: Any) -> str:
            record = catalog.find(ctx, kind(), ref)
            return t("Delete {what} {name}?", what=t(noun), name=record.name)

        ask_first(yes, question)
        with state.unit(write=True) as ctx:
            record = catalog.delete(ctx, kind(), ref)
        render.out(_message(noun, 3, record))

    @app.command()
    def restore(ref: Ref) -> None:
        """Bring back a deleted record."""
        from crmcli import render
        from crmcli.services.selling import catalog

        with state.unit(write=True) as ctx:
            record = catalog.restore(ctx, kind(), ref)
        render.out(_message(noun, 4, record))

    return app


def _drop_options(func: Callable[..., Any], keep: set[str]) -> None:
    """Remove the list filters a noun does not have (its signature is what Typer reads)."""
    import inspect

    optional = {"category", "city", "supplier"}
    sig = inspect.signature(func)
    params = [p for p in sig.parameters.values() if p.name not in optional - keep]
    func.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
