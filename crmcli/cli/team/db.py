"""``crm db``: the database itself: info, check, backup, upgrade, audit log, purge."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
    YesOpt,
    fmt,
    limit,
    make_sure,
    new_app,
    state,
)

app = new_app("db")

#: ``crm db info``'s labels in the table (JSON keeps the keys)
INFO_LABELS = {
    "database": ("Database", "数据库"),
    "dialect": ("Dialect", "数据库类型"),
    "schema": ("Schema", "结构版本"),
    "schema_head": ("Latest schema", "最新结构版本"),
    "mode": ("Mode", "模式"),
    "user": ("User", "当前用户"),
    "role": ("Role", "角色"),
    "enforced_by": ("Permissions enforced by", "权限执行方"),
    "size_bytes": ("Size (bytes)", "大小（字节）"),
    "journal_mode": ("Journal mode", "日志模式"),
    "customers": ("Customers", "客户"),
    "contacts": ("Contacts", "联系人"),
    "interactions": ("Interactions", "接触记录"),
    "followups": ("Follow-ups", "跟进"),
    "opportunities": ("Opportunities", "销售机会"),
    "orders": ("Orders", "订单"),
    "contracts": ("Contracts", "合同"),
    "tickets": ("Tickets", "服务工单"),
    "products": ("Products", "产品"),
    "users": ("Users", "员工"),
    "audit_entries": ("Audit entries", "审计记录"),
    "imports": ("Imports", "导入批次"),
    "deleted_customers": ("Deleted customers", "已删除客户"),
}
INFO_VALUES = {
    "team": ("team", "团队"),
    "single-user": ("single-user", "单用户"),
    "crm": ("crm", "crm 程序"),
    "database": ("database server", "数据库服务器"),
}


@app.command()
def info(output: FormatOpt = None) -> None:
    """Where the database is, its schema, mode, and how many records it holds."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import Col
    from crmcli.services.team import dbadmin

    output = fmt(output)
    with state.unit() as ctx:
        data = dbadmin.info(ctx)
    if output != "table":
        render.record(data, [], output)
        return
    columns = [Col(k, *INFO_LABELS.get(k, (k, k))) for k in data if k != "counts"]
    columns += [Col(k, *INFO_LABELS.get(k, (k, k)), "int") for k in data["counts"]]
    flat = {**{k: v for k, v in data.items() if k != "counts"}, **data["counts"]}
    flat["mode"] = pick(*INFO_VALUES.get(flat["mode"], (flat["mode"],) * 2))
    flat["enforced_by"] = pick(*INFO_VALUES.get(flat["enforced_by"], (flat["enforced_by"],) * 2))
    render.record(flat, columns, output, title="crm db info")


@app.command()
def check() -> None:
    """Check integrity, foreign keys and that the schema matches this crm (exit 1 if not)."""
    from crmcli import render
    from crmcli.errors import DatabaseError
    from crmcli.i18n import t
    from crmcli.services.team import dbadmin

    db = state.database
    db.ensure_schema(notify=render.notice)
    problems = dbadmin.check(db)
    for problem in problems:
        render.out(problem)
    if problems:
        raise DatabaseError(t("{count} problems found", count=len(problems)))
    render.out(t("The database is healthy"))


@app.command()
def backup(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The new backup file (must not exist).")
    ],
) -> None:
    """Copy the database, consistently, while others keep working (admins in team mode).

    SQLite: a copy of the file. PostgreSQL: pg_dump's custom format (restore with
    pg_restore), checked table by table against the database's row counts.
    """
    from crmcli import render
    from crmcli.errors import CrmError
    from crmcli.i18n import t
    from crmcli.services.team import dbadmin

    db = state.database
    target = file.expanduser()
    if target.exists():
        raise CrmError(t("a backup must go to a new file; {path} exists", path=target))
    with state.unit() as ctx:
        counts = dbadmin.backup(ctx, target)
    render.out(t("Backed up {source} to {target}", source=db.display, target=target))
    if counts is not None:
        render.out(
            t(
                "{rows} rows in {tables} tables, counts checked against the database",
                rows=sum(counts.values()),
                tables=len(counts),
            )
        )


@app.command()
def upgrade() -> None:
    """Bring the schema up to date (crm also does this on open, after a backup copy)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.migrate import upgrade as run_upgrade

    old, new = run_upgrade(state.database, notify=render.notice)
    if old == new:
        render.out(t("The database schema is current ({head})", head=new))


@app.command()
def audit(
    ref: Annotated[
        Optional[str],
        typer.Argument(metavar="[REF]", help="Only this customer (id, code or name)."),
    ] = None,
    entity: Annotated[
        Optional[str],
        typer.Option(
            metavar="KIND", help="Only this kind of record: customer, contact, setting ..."
        ),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Only entries from this date on.")
    ] = None,
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """The audit log, newest first: who changed what, when (field: old -> new)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.render import Col
    from crmcli.services.archive import customers
    from crmcli.services.team import audit as audit_log
    from crmcli.validate import ID_LIMIT, parse_datetime, parse_int
    from crmcli.vocab import AUDIT_ACTION, RECORD_KIND

    output = fmt(output)
    with state.unit() as ctx:
        entity_id = None
        if entity is not None:
            entity = RECORD_KIND.parse(entity)
        if ref is not None:
            entity = entity or "customer"
            if entity == "customer":
                entity_id = customers.find(ctx, ref, deleted=None).id
            else:
                entity_id = parse_int(ref, "REF", low=1, high=ID_LIMIT)
        data = audit_log.entries(
            ctx,
            entity=entity,
            entity_id=entity_id,
            since=parse_datetime(since) if since else None,
            limit=limit(n),
        )
    if output == "table":
        for row in data:
            row["changes"] = "; ".join(
                f"{k}: {render.text_value(v[0]) or '∅'} -> {render.text_value(v[1]) or '∅'}"
                if isinstance(v, list) and len(v) == 2
                else f"{k}: {render.text_value(v)}"
                for k, v in row["changes"].items()
            )
    columns = [
        Col("at", "At", "时间", "datetime"),
        Col("user", "User", "用户"),
        Col("action", "Action", "操作", "enum", AUDIT_ACTION),
        Col("entity", "Record", "对象", "enum", RECORD_KIND),
        Col("code", "Code", "编号"),
        Col("entity_id", "Id", "id", "int"),
        Col("changes", "Changes", "变更", max_width=60),
    ]
    render.rows(data, columns, output, what=t("audit entries"))


@app.command()
def purge(
    before: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Only records deleted before this date.")
    ] = None,
    yes: YesOpt = False,
) -> None:
    """Remove deleted records for good, with what hangs under them (asks first)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import dbadmin
    from crmcli.validate import parse_datetime
    from crmcli.vocab import RECORD_KIND

    cutoff = parse_datetime(before) if before else None
    with state.unit() as ctx:
        counts = dbadmin.purge(ctx, before=cutoff, dry_run=True)
    total = sum(counts.values())
    if not total:
        render.out(t("Nothing to purge"))
        return
    for table, count in counts.items():
        render.out(f"{RECORD_KIND.label(table)}: {count}")
    make_sure(t("Purge {count} deleted records for good?", count=total), yes=yes)
    with state.unit(write=True) as ctx:  # what is deleted now, when the question was answered
        total = sum(dbadmin.purge(ctx, before=cutoff).values())
    render.out(t("Purged {count} deleted records", count=total))


@app.command()
def imports(n: LimitOpt = None, output: FormatOpt = None) -> None:
    """Import history, newest first: file, time, user, counts (undo: crm customer import --undo)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.render import Col
    from crmcli.services.data import import_undo
    from crmcli.vocab import BATCH_KIND

    output = fmt(output)
    with state.unit() as ctx:
        data = import_undo.batches(ctx, limit=limit(n))
    columns = [
        Col("id", "Batch", "批次", "int"),
        Col("at", "At", "时间", "datetime"),
        Col("user", "User", "用户"),
        Col("entity", "Kind", "类型", "enum", BATCH_KIND),
        Col("file", "File", "文件", max_width=40),
        Col("created", "New", "新增", "int"),
        Col("updated", "Updated", "更新", "int"),
        Col("rejected", "Rejected", "拒绝", "int"),
        Col("undone", "Undone", "已撤销", "bool"),
    ]
    if output == "table":
        data = [{**row, "undone": row["undone_at"] is not None} for row in data]
    render.rows(data, columns, output, what=t("imports"))
