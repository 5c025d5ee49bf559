"""``crm customer dedupe|merge``: likely duplicates and merging one into another (查重与合并).

Commands of the ``crm customer`` app (``crmcli/cli/archive/customer.py`` adds them).
"""

from typing import Annotated, Any

import typer

from crmcli.cli.common import (
    FormatOpt,
    LimitOpt,
    SummaryFormatOpt,
    YesOpt,
    ask_first,
    fmt,
    limit,
    state,
)

#: table -> (English, Chinese) of what a merge moves
MOVED = {
    "contact": ("contacts", "联系人"),
    "interaction": ("interactions", "接触记录"),
    "followup": ("follow-ups", "跟进"),
    "opportunity": ("opportunities", "销售机会"),
    "sales_order": ("orders", "订单"),
    "contract": ("contracts", "合同"),
    "ticket": ("tickets", "服务工单"),
}
REASONS = {"phone": ("phone", "电话"), "email": ("e-mail", "邮箱"), "name": ("name", "名称")}


def dedupe(
    threshold: Annotated[
        str,
        typer.Option(
            metavar="0-100",
            help="How alike names must be to count (0-100; default 90). Customers sharing a "
            "phone or an e-mail are listed whatever their names' score.",
        ),
    ] = "90",
    n: LimitOpt = None,
    output: FormatOpt = None,
) -> None:
    """List likely duplicate customers (查重): same phone or e-mail, or similar names."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.render import Col
    from crmcli.services.archive import dedupe as service

    output = fmt(output)
    level = service.parse_threshold(threshold)
    count = limit(n)
    with state.unit() as ctx:
        data = service.pairs(ctx, threshold=level)
    data = data[:count] if count else data
    if output != "table":
        render.rows(data, [], output)
        return
    shown = [{**p, "reasons": ", ".join(pick(*REASONS[r]) for r in p["reasons"])} for p in data]
    columns = [
        Col("a", "A", "客户A"),
        Col("a_name", "Name A", "名称A", max_width=28),
        Col("b", "B", "客户B"),
        Col("b_name", "Name B", "名称B", max_width=28),
        Col("score", "Score", "相似度", "int"),
        Col("reasons", "Same", "相同项"),
    ]
    render.rows(shown, columns, output, what=t("likely duplicates"))
    if data:
        render.out(t("Merge a pair with: crm customer merge KEEP DROP"))


def merge(
    keep: Annotated[
        str, typer.Argument(metavar="KEEP", help="The customer to keep (id, code or exact name).")
    ],
    drop: Annotated[
        str,
        typer.Argument(
            metavar="DROP", help="The duplicate: its records move to KEEP, then it is deleted."
        ),
    ],
    yes: YesOpt = False,
    output: SummaryFormatOpt = None,
) -> None:
    """Merge a duplicate into the customer to keep (合并): records move, empty fields fill."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.services.archive import customers
    from crmcli.services.archive import dedupe as service

    output = fmt(output, ("table", "json"))

    def question(ctx: Any) -> str:
        kept, dropped = customers.find(ctx, keep), customers.find(ctx, drop)
        return t(
            "Merge {drop} {drop_name} into {keep} {keep_name} (then delete {drop})?",
            drop=dropped.code,
            drop_name=dropped.name,
            keep=kept.code,
            keep_name=kept.name,
        )

    ask_first(yes, question)
    with state.unit(write=True) as ctx:
        done = service.merge(ctx, keep, drop)
    if output == "json":
        render.out(render.to_json(done))
        return
    moved = ", ".join(
        f"{count} {pick(*MOVED.get(table, (table, table)))}"
        for table, count in done["moved"].items()
    )
    render.out(
        t(
            "Merged {drop} {drop_name} into {keep} {keep_name}",
            drop=done["drop"],
            drop_name=done["drop_name"],
            keep=done["keep"],
            keep_name=done["keep_name"],
        )
    )
    if moved:
        render.out(t("Moved: {records}", records=moved))
    if done["contacts_joined"]:
        render.out(
            t("Contacts on both, now one: {names}", names=", ".join(done["contacts_joined"]))
        )
    if done["filled"]:
        render.out(
            t("Filled from {drop}: {fields}", drop=done["drop"], fields=", ".join(done["filled"]))
        )
