"""``crm contact export``: the contacts in bulk, as vCards for phones and mail programs or as
rows for Excel, CSV and JSON.

A command of the ``crm contact`` app (``crmcli/cli/archive/contact.py`` adds it).
"""

from typing import Annotated, Optional

import typer

from crmcli.cli.common import state
from crmcli.cli.data.customer_io import BomOpt, EncodingOpt, LabelsOpt


def export(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="The file to write (its extension gives the format: .vcf a vCard); - is stdout.",
        ),
    ],
    customer: Annotated[
        Optional[str],
        typer.Argument(
            metavar="[CUSTOMER]",
            help="Only this customer's contacts (id, code or exact name); default: every "
            "contact you may see.",
        ),
    ] = None,
    format: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="FMT",
            help="vcf (vCard 4.0, one card per contact), csv, xlsx, json or jsonl (default: "
            "from FILE's extension; csv for -).",
        ),
    ] = None,
    labels: LabelsOpt = None,
    bom: BomOpt = False,
    encoding: EncodingOpt = None,
) -> None:
    """Export contacts to vCard (for phones and mail programs), Excel, CSV, JSON (联系人导出)."""
    from crmcli import render, tabular
    from crmcli.cli.data.customer_io import file_options, run_export
    from crmcli.i18n import t

    formats = ("vcf", *tabular.TABLE_FORMATS)
    chosen, language, codec = file_options(file, format, labels, bom, encoding, formats)
    written = run_export(file, lambda: _export(file, customer, chosen, language, codec, bom))
    render.tell_beside(file, t("Exported {count} contacts to {file}", count=written, file=file))


def _export(
    file: str, customer: Optional[str], chosen: str, language: str, codec: str, bom: bool
) -> int:
    from crmcli import tabular
    from crmcli.i18n import pick
    from crmcli.services.data import contact_export

    with state.unit() as ctx:  # one read transaction: one consistent snapshot
        q = contact_export.query(ctx, customer)
        if chosen == "vcf":
            return tabular.write_cards(file, contact_export.cards(ctx, q))
        if chosen in ("json", "jsonl"):
            records = contact_export.records(ctx, q)
            return tabular.write_records(file, records, lines=chosen == "jsonl")
        data = contact_export.table(ctx, q, labels=language)
        return tabular.write_table(
            file,
            chosen,
            data.header,
            data.rows,
            encoding=codec,
            bom=bom,
            kinds=data.kinds,
            widths=data.widths,
            sheet=pick("Contacts", "联系人") if language == "en" else "联系人",
        )
