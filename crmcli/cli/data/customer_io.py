"""``crm customer import|export``: the customer archive in bulk (实训4-2).

Commands of the ``crm customer`` app (``crmcli/cli/archive/customer.py`` adds them).
"""

from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import (
    SummaryFormatOpt,
    fmt,
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

# The file options of every export (customers here, contacts in contact_io.py).
LabelsOpt = Annotated[
    Optional[str],
    typer.Option(
        metavar="en|zh",
        help="CSV and XLSX headers: field names (en, the default) or Chinese labels (zh; "
        "enum values in Chinese too).",
    ),
]
BomOpt = Annotated[
    bool, typer.Option("--bom", help="Start a UTF-8 CSV with a byte-order mark (for Excel).")
]
EncodingOpt = Annotated[
    Optional[str],
    typer.Option(metavar="ENC", help="The CSV's encoding, e.g. gb18030 for old Excel."),
]


class _RollBack(Exception):
    """Leave the write transaction without committing (a dry run, a refused import)."""


def import_(
    file: Annotated[
        Optional[str],
        typer.Argument(
            metavar="FILE",
            help="A CSV, XLSX, JSON, JSONL or vCard (.vcf) file; - reads standard input.",
        ),
    ] = None,
    mapping: Annotated[
        Optional[str],
        typer.Option(
            metavar="FILE",
            help="Column -> field (YAML, JSON or TOML), e.g. 公司全称: name; null leaves a "
            "column out.",
        ),
    ] = None,
    sheet: Annotated[
        Optional[str],
        typer.Option(metavar="NAME", help="The spreadsheet's sheet (default: the first)."),
    ] = None,
    encoding: Annotated[
        Optional[str],
        typer.Option(
            metavar="ENC",
            help="The CSV's encoding (default: found from a BOM, UTF-8, GB18030, else guessed).",
        ),
    ] = None,
    match: Annotated[
        Optional[str],
        typer.Option(
            metavar="KEYS",
            help="What makes a row an existing customer: code, phone, email, name "
            "(default: code,phone,email; for a vCard code,phone,email,name, as a company's "
            "cards share only its name).",
        ),
    ] = None,
    on_duplicate: Annotated[
        Optional[str],
        typer.Option(
            "--on-duplicate",
            metavar="ACTION",
            help="A row matching a customer: update (fill and change fields; the default), "
            "skip or error.",
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the good rows even if some are bad (still exit 1 for the bad ones).",
        ),
    ] = False,
    rejects: Annotated[
        Optional[str],
        typer.Option(
            metavar="FILE",
            help="Write the bad rows, with a reason column, to FILE to fix and import again "
            "(just the header when none is bad); in the input's format, and as CSV for a "
            "vCard (one row per rejected card, its columns the fields it gives).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Check and count everything; change nothing in the database (--rejects is "
            "still written).",
        ),
    ] = False,
    undo: Annotated[
        Optional[str],
        typer.Option(
            metavar="BATCH",
            help="Undo an import (see crm db imports): remove what it created, restore what "
            "it changed.",
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Import customers from Excel, CSV, JSON, vCard (客户信息导入): all or nothing, duplicates
    merged.

    A vCard's card with ORG is a company customer (ORG's first component) with the person as
    its contact; a card without ORG, a person customer. Errors name a card by its first line.
    """
    from crmcli import render, tabular
    from crmcli.bulk import paused_gc
    from crmcli.errors import CrmError
    from crmcli.i18n import t
    from crmcli.services.data import import_rows, importing
    from crmcli.vocab import ON_DUPLICATE

    output = fmt(output, ("table", "json"))
    if undo is not None:
        given = [file, mapping, sheet, encoding, match, on_duplicate, rejects]
        if any(v is not None for v in given) or skip_invalid or dry_run:
            raise typer.BadParameter(t("--undo takes no file and no other import option"))
        _undo(undo, output)
        return
    if file is None:
        raise typer.BadParameter(t("give a FILE to import, or --undo BATCH"))
    options = importing.Options(
        match=importing.parse_match(match) if match is not None else (),
        on_duplicate=ON_DUPLICATE.parse(on_duplicate) if on_duplicate else "update",
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )
    rules = tabular.read_mapping(mapping) if mapping else None
    with paused_gc(), tabular.stream(file, encoding=encoding, sheet=sheet) as table:
        options.match = options.match or importing.default_match(table.format)
        prepared = import_rows.prepare(table, mapping=rules)
        with render.progress(t("Importing"), table.size or 1) as advance:
            where = table.position or (lambda: table.size)
            done = [0]

            def moved() -> None:
                now = where()
                advance(now - done[0])
                done[0] = now

            try:
                with state.unit(write=True) as ctx:
                    result = importing.run(ctx, prepared, options, progress=moved)
                    if rejects:  # written every time: it always tells of this run
                        _write_rejects(rejects, prepared, result)
                    if dry_run or not result.written:
                        raise _RollBack
            except _RollBack:
                pass
    for warning in result.warnings:
        render.warn(warning)
    _show_result(result, output)
    if result.rejected:
        where = t(" (written to {file})", file=rejects) if rejects else ""
        if result.written:  # the good rows went in (or would have, in a dry run)
            raise CrmError(t("rows rejected: {count}{where}", count=result.rejected, where=where))
        raise CrmError(
            t(
                "rows with errors: {count}{where}; nothing was imported",
                count=result.rejected,
                where=where,
            ),
            hint=t("fix them, or import the good rows with --skip-invalid --rejects FILE"),
        )


def _write_rejects(target: str, prepared: Any, result: Any) -> None:
    """The rejected rows as the file had them, plus the reason, in the input's format (or the
    one FILE's extension names); a CSV keeps the input's encoding. A vCard's rejects are a
    CSV of the fields its cards gave (the importer's own headers: it reads them back)."""
    from crmcli import tabular
    from crmcli.i18n import pick

    table = prepared.table
    fmt = tabular.format_of(target) or table.format
    if fmt == "vcf":
        fmt = "csv"
    header = [c.header for c in prepared.layout.columns] + [pick("error", "错误原因")]
    width = len(prepared.layout.columns)

    def reason(row: Any) -> str:
        return "; ".join(f"{p.column}: {p.reason}" if p.column else p.reason for p in row.problems)

    rows = [
        [*row.cells[:width], *[""] * (width - len(row.cells)), reason(row)]
        for row in result.rejected_rows
    ]
    if fmt in ("json", "jsonl"):
        records = [dict(zip(header, row, strict=True)) for row in rows]
        tabular.write_records(target, records, lines=fmt == "jsonl")
        return
    same = table.format == "csv" and fmt == "csv"
    tabular.write_table(
        target,
        fmt,
        header,
        rows,
        encoding=(table.encoding or "utf-8") if same else "utf-8-sig",
        delimiter=table.delimiter if same else ",",
        sheet=table.sheet or "rejects",
    )


def _show_result(result: Any, output: str) -> None:
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.render import Col

    if output == "json":
        render.out(render.to_json(result.as_dict()))
        return
    comma = pick(", ", "，")
    form = comma.join(p for p in (result.format.upper(), result.encoding, result.sheet) if p)
    render.out(
        t(
            "{file} ({form}): read {read}, created {created}, updated {updated}, "
            "skipped {skipped}, rejected {rejected}",
            read=result.read,
            file=result.file,
            form=form,
            created=result.created,
            updated=result.updated,
            skipped=result.skipped,
            rejected=result.rejected,
        )
    )
    if result.contacts_created or result.contacts_updated:
        render.out(
            t(
                "Contacts: created {created}, updated {updated}",
                created=result.contacts_created,
                updated=result.contacts_updated,
            )
        )
    if result.duplicates:
        pairs = ", ".join(f"{d['row']} -> {d['same_as_row']}" for d in result.duplicates[:20])
        more = " ..." if len(result.duplicates) > 20 else ""
        if result.format == "vcf":  # the cards of a company's people: one customer
            message = t(
                "Cards of the same customer as an earlier card (line -> earlier card's line): "
                "{pairs}",
                pairs=pairs + more,
            )
        else:
            message = t(
                "Rows repeating an earlier row, merged into it (row -> earlier row): {pairs}",
                pairs=pairs + more,
            )
        render.out(message)
    if result.custom_fields:
        render.out(t("Custom fields kept: {fields}", fields=", ".join(result.custom_fields)))
    if result.unknown_owners:
        render.warn(
            t(
                "owners who are not users of this book, kept as a custom field under their "
                "column: {names}; add them with crm user add USERNAME --name NAME, then import "
                "again to assign them",
                names=", ".join(result.unknown_owners),
            )
        )
    if result.ignored_columns:
        render.out(t("Columns left out: {columns}", columns=", ".join(result.ignored_columns)))
    if result.dry_run:
        render.out(t("Dry run: nothing was changed"))
    elif result.batch is not None:
        render.out(
            t(
                "Import batch {batch} (undo with: crm customer import --undo {batch})",
                batch=result.batch,
            )
        )
    if result.errors:
        columns = [
            Col("row", "Row", "行", "int"),
            Col("column", "Column", "列"),
            Col("value", "Value", "值", max_width=30),
            Col("reason", "Reason", "原因", max_width=70),
        ]
        render.table(result.errors, columns)


def _undo(batch: str, output: str) -> None:
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.data import import_undo
    from crmcli.validate import parse_int

    with state.unit(write=True) as ctx:
        done = import_undo.undo(ctx, parse_int(batch, "--undo", low=1))
    if output == "json":
        render.out(render.to_json(done))
        return
    render.out(
        t(
            "Undid import batch {batch}: removed {customers} customers and {contacts} contacts, "
            "restored {restored} customers and {restored_contacts} contacts",
            batch=done["batch"],
            customers=done["customers_removed"],
            contacts=done["contacts_removed"],
            restored=done["customers_restored"],
            restored_contacts=done["contacts_restored"],
        )
    )
    if done["kept"]:
        render.warn(
            t(
                "changed again since the import, so kept as they are: {fields}",
                fields=", ".join(done["kept"]),
            )
        )


def export(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="The file to write (its extension gives the format); - is stdout.",
        ),
    ],
    format: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="FMT",
            help="csv, xlsx, json or jsonl (default: from FILE's extension; csv for -).",
        ),
    ] = None,
    labels: LabelsOpt = None,
    bom: BomOpt = False,
    encoding: EncodingOpt = None,
    since: Annotated[
        Optional[str],
        typer.Option(
            metavar="DATE",
            help="Only customers changed since DATE (for nightly incremental jobs; deleted "
            "customers are not exported: see crm db audit --entity customer --since DATE).",
        ),
    ] = None,
    search: SearchOpt = None,
    level: LevelOpt = None,
    status: StatusOpt = None,
    owner: OwnerFilterOpt = None,
    city: CityOpt = None,
    industry: IndustryOpt = None,
    source: SourceOpt = None,
    tag: TagOpt = None,
    where: WhereOpt = None,
) -> None:
    """Export customers to Excel, CSV, JSON (客户信息导出), from one consistent snapshot."""
    from crmcli import render, tabular
    from crmcli.i18n import t
    from crmcli.validate import parse_datetime

    chosen, language, codec = file_options(
        file, format, labels, bom, encoding, tabular.TABLE_FORMATS
    )
    changed_since = parse_datetime(since) if since else None
    filters = {
        "search": search,
        "level": level,
        "status": status,
        "source": source,
        "owner": owner,
        "city": city,
        "industry": industry,
        "tag": tag,
        "where": where,
        "since": changed_since,
    }
    written = run_export(file, lambda: _export(file, chosen, language, codec, bom, filters))
    render.tell_beside(file, t("Exported {count} customers to {file}", count=written, file=file))


def file_options(
    file: str,
    format: str | None,
    labels: str | None,
    bom: bool,
    encoding: str | None,
    formats: tuple[str, ...],
) -> tuple[str, str, str]:
    """An export's format (one of ``formats``; from FILE's extension unless given; csv for
    ``-``), its headers' language and the CSV's encoding, each checked against the others."""
    from crmcli import tabular
    from crmcli.errors import Invalid
    from crmcli.i18n import normalise_lang, t

    chosen = tabular.format_of(file, format, formats) or ("csv" if file == "-" else None)
    if chosen == "vcf" and "vcf" not in formats:
        raise Invalid(
            t("a vCard holds contacts, not customers: crm contact export {file}", file=file)
        )
    if chosen is None:
        raise Invalid(
            t("cannot tell the format of {file} from its name", file=file),
            hint=t("give --format vcf, csv, xlsx, json or jsonl")
            if "vcf" in formats
            else t("give --format csv, xlsx, json or jsonl"),
        )
    language = normalise_lang(labels) if labels else "en"
    if language is None:
        raise Invalid(t("invalid labels '{value}' (en, zh)", value=labels))
    if chosen != "csv" and (bom or encoding):
        raise Invalid(t("--bom and --encoding are for CSV files, not {format}", format=chosen))
    if chosen in ("json", "jsonl", "vcf") and language == "zh":
        raise Invalid(
            t("--labels is for CSV and XLSX; JSON keys are always the English field names")
            if chosen != "vcf"
            else t("--labels is for CSV and XLSX; a vCard's properties are its own")
        )
    codec = tabular.codec(encoding) if encoding else "utf-8"
    if bom and codec != "utf-8":
        raise Invalid(t("--bom is for UTF-8; {encoding} has none", encoding=codec))
    return chosen, language, codec


def _export(
    file: str, chosen: str, language: str, codec: str, bom: bool, filters: dict[str, Any]
) -> int:
    from crmcli import tabular
    from crmcli.i18n import pick
    from crmcli.services.archive import customers
    from crmcli.services.data import exporting

    with state.unit() as ctx:  # one read transaction: one consistent snapshot
        q = customers.order_by(filter_query(ctx, **filters), None)
        if chosen in ("json", "jsonl"):
            return tabular.write_records(file, exporting.records(ctx, q), lines=chosen == "jsonl")
        data = None
        if chosen == "csv":  # SQLite formats the text itself
            from crmcli.services.data import export_text

            data = export_text.csv_table(ctx, q, labels=language)
        if data is None:
            data = exporting.table(ctx, q, labels=language)
        return tabular.write_table(
            file,
            chosen,
            data.header,
            data.rows,
            encoding=codec,
            bom=bom,
            kinds=data.kinds,
            widths=data.widths,
            sheet=pick("Customers", "客户") if language == "en" else "客户",
            ready=data.ready,
        )


def run_export(file: str, export: Callable[[], int]) -> int:
    """Run an export (returning how many it wrote); a reader of stdout that hangs up
    (``crm customer export - | head``) ends it quietly, exit 141 as a shell would."""
    try:
        return export()
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(141) from None


def quiet_stdout() -> None:
    """After the reader of stdout hung up: send what is left nowhere."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass
