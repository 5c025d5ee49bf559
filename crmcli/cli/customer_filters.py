"""The filters of ``crm customer list``, shared with ``crm customer export``."""

from typing import Annotated, Any, Optional

import typer

from crmcli.vocab import LEVEL, SOURCE, STATUS

SearchOpt = Annotated[
    Optional[str],
    typer.Option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Text in the name, code, phone, e-mail or a contact's name.",
    ),
]
LevelOpt = Annotated[
    Optional[str], typer.Option(metavar="LEVEL", help=f"Level: {LEVEL.accepted()}.")
]
StatusOpt = Annotated[
    Optional[str], typer.Option(metavar="STATUS", help=f"Status: {STATUS.accepted()}.")
]
OwnerFilterOpt = Annotated[Optional[str], typer.Option(metavar="USER", help="Owner's username.")]
CityOpt = Annotated[Optional[str], typer.Option(metavar="CITY", help="City (城市), exactly.")]
IndustryOpt = Annotated[
    Optional[str], typer.Option(metavar="TEXT", help="Industry (行业), exactly.")
]
SourceOpt = Annotated[
    Optional[str],
    typer.Option(
        metavar="SOURCE", help="Source (来源): search_engine/搜索引擎, referral/老客户介绍 ..."
    ),
]
TagOpt = Annotated[Optional[str], typer.Option(metavar="TAG", help="Customers carrying this tag.")]


def _where_shape(values: Optional[list[str]]) -> Optional[list[str]]:
    """``--where`` as FIELD=VALUE (or >, <): a usage error otherwise (exit 2)."""
    import re

    for value in values or []:
        if not re.match(r"^\s*[^=<>!]+?\s*(>=|<=|!=|=|>|<)", value):
            from crmcli.i18n import t

            raise typer.BadParameter(
                t("'{value}': use FIELD=VALUE, FIELD>VALUE or FIELD<VALUE", value=value)
            )
    return values


WhereOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--where",
        "-w",
        metavar="FIELD=VALUE",
        callback=_where_shape,
        help="A custom (crm field list) or built-in field's value: FIELD=VALUE, and FIELD>VALUE "
        "or FIELD<VALUE for numbers, money and dates (repeatable: all must hold).",
    ),
]


def filter_query(ctx: Any, **filters: Any) -> Any:
    """The customers the list filters select (enum values parsed in either language)."""
    from crmcli.services.archive import customers

    for name, vocab in (("level", LEVEL), ("status", STATUS), ("source", SOURCE)):
        if filters.get(name):
            filters[name] = vocab.parse(filters[name])
    return customers.query(ctx, **filters)
