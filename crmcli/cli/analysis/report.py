"""``crm report``: analytical CRM: segments, funnel, forecast, activity, service, satisfaction,
the Excel book."""

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, SummaryFormatOpt, fmt, new_app, state

app = new_app("report")

AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Count orders up to this day (default: today)."),
]
Since = Annotated[Optional[str], typer.Option(metavar="DATE", help="From this day on.")]
Until = Annotated[Optional[str], typer.Option(metavar="DATE", help="Up to and including this day.")]


def _cols(*specs: tuple) -> list[Any]:
    from crmcli.render import Col

    return [Col(*spec) for spec in specs]


def _with_bars(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Add a ``bar`` (share of the largest ``key``) to each row, for the table."""
    top = max((float(r[key] or 0) for r in rows), default=0.0)
    return [{**r, "bar": float(r[key] or 0) / top if top else 0.0} for r in rows]


def _day(value: Optional[str]) -> Any:
    from crmcli.validate import parse_date

    return parse_date(value) if value else None


@app.command()
def segment(
    by: Annotated[
        str,
        typer.Option(
            metavar="KIND", help="rfm, abc, level, industry, city, source, status or owner."
        ),
    ] = "rfm",
    as_of: AsOf = None,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="With --by abc: set levels A gold, B silver, C regular (audited)."
        ),
    ] = False,
    revert: Annotated[
        Optional[str],
        typer.Option(metavar="BATCH", help="Undo an earlier --apply (its batch number)."),
    ] = None,
    output: FormatOpt = None,
) -> None:
    """Customer segmentation (客户细分): RFM's eight classes, ABC tiers, or a breakdown by a field."""
    from datetime import date

    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import pick, t
    from crmcli.services.analysis import segments
    from crmcli.validate import parse_int

    output = fmt(output)
    kind = by.strip().lower()
    day = _day(as_of) or date.today()
    if revert is not None:
        with state.unit(write=True) as ctx:
            result = segments.revert_apply(ctx, parse_int(revert, "--revert", low=1))
        render.out(
            t(
                "Reverted batch {batch}: {reverted} levels put back, {kept} changed since and kept",
                **result,
            )
        )
        return
    if apply and kind != "abc":
        raise Invalid(t("--apply works with --by abc only"))
    if kind == "rfm":
        with state.unit() as ctx:
            rows = segments.rfm(ctx, as_of=day)
        if output != "table":
            render.rows(rows, [], output)
            return
        summary = _with_bars(segments.rfm_summary(rows), "customers")
        for row in summary:
            row["label"] = pick(row["label_en"], row["label_zh"])
        render.rows(
            summary,
            _cols(
                ("label", "RFM class", "RFM 客户类型", "label"),
                ("customers", "Customers", "客户数", "int"),
                ("share", "Share", "占比", "share"),
                ("monetary", "Money", "金额", "money"),
                ("bar", "", "", "bar"),
            ),
            output,
            what=t("customers with orders"),
            title=t("RFM segments as of {day} ({n} customers with orders)", day=day, n=len(rows)),
        )
        return
    if kind == "abc":
        with state.unit(write=apply) as ctx:
            rows = segments.abc(ctx, as_of=day)
            applied = segments.apply_abc(ctx, rows) if apply else None
        if output != "table":
            render.rows([{k: v for k, v in r.items() if k != "id"} for r in rows], [], output)
        else:
            summary = _with_bars(segments.abc_summary(rows), "monetary")
            render.rows(
                summary,
                _cols(
                    ("class", "Class", "分类", "label"),
                    ("customers", "Customers", "客户数", "int"),
                    ("share", "Share", "占比", "share"),
                    ("monetary", "Money", "金额", "money"),
                    ("money_share", "Money share", "金额占比", "share"),
                    ("bar", "", "", "bar"),
                ),
                output,
                title=t("ABC tiers as of {day}", day=day),
            )
            render.rows(
                rows,
                _cols(
                    ("code", "Code", "客户编号"),
                    ("name", "Name", "客户名称", "text", None, 30),
                    ("monetary", "Money", "金额", "money"),
                    ("cumulative_share", "Cumulative", "累计占比", "share"),
                    ("class", "Class", "分类"),
                ),
                output,
                what=t("customers"),
            )
        if applied:
            render.notice(
                t(
                    "Levels set from ABC: {changed} of {customers} customers changed (undo with: "
                    "crm report segment --revert {batch})",
                    **applied,
                )
            )
        return
    from crmcli.services.analysis.segments import BREAKDOWNS

    if kind not in BREAKDOWNS:
        raise Invalid(
            t(
                "unknown {what} '{value}' ({accepted})",
                what=t("segmentation"),
                value=by,
                accepted=", ".join(("rfm", "abc", *BREAKDOWNS)),
            )
        )
    with state.unit() as ctx:
        rows = segments.breakdown(ctx, by=kind, as_of=day)
    if output == "table":
        from crmcli.vocab import CUSTOMER

        field = CUSTOMER[kind]
        rows = _with_bars(rows, "customers")
        render.rows(
            rows,
            [
                render.col(field, max_width=24),
                *_cols(
                    ("customers", "Customers", "客户数", "int"),
                    ("share", "Share", "占比", "share"),
                    ("revenue", "Revenue", "销售额", "money"),
                    ("bar", "", "", "bar"),
                ),
            ],
            output,
            what=t("customers"),
        )
    else:
        render.rows(rows, [], output)


@app.command()
def funnel(
    owner: Annotated[
        Optional[str], typer.Option(metavar="USER", help="Only this owner's opportunities.")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Opportunities created from this day on.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Opportunities created up to this day.")
    ] = None,
    output: FormatOpt = None,
) -> None:
    """The sales funnel (销售漏斗): how far opportunities got, conversion, win rate, why deals were lost."""
    from datetime import datetime, timedelta

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import funnel as funnel_report
    from crmcli.services.selling import pipeline

    output = fmt(output)
    start = _day(since)
    end = _day(until)
    with state.unit() as ctx:
        data = funnel_report.funnel(
            ctx,
            owner=owner,
            since=datetime.combine(start, datetime.min.time()) if start else None,
            until=datetime.combine(end + timedelta(days=1), datetime.min.time()) if end else None,
        )
        stages = pipeline.pipeline(ctx)
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["stages"], [], output)
        return
    rows = _with_bars([{**r, "label": stages.label(r["stage"])} for r in data["stages"]], "reached")
    render.rows(
        rows,
        _cols(
            ("label", "Stage", "阶段", "label"),
            ("reached", "Reached", "到达数", "int"),
            ("conversion", "To next", "转化率", "share"),
            ("amount", "Amount", "金额", "money"),
            ("weighted_amount", "Weighted", "加权金额", "money"),
            ("bar", "", "", "bar"),
        ),
        output,
        what=t("opportunities"),
        title=t("Sales funnel"),
    )
    rate = f"{data['win_rate'] * 100:.1f}%" if data["win_rate"] is not None else "-"
    days = data["avg_days_to_win"] if data["avg_days_to_win"] is not None else "-"
    render.out(
        t(
            "Won {won}, lost {lost}, win rate {rate}, average days to win {days}",
            won=data["won"],
            lost=data["lost"],
            rate=rate,
            days=days,
        )
    )
    if data["lost_reasons"]:
        render.rows(
            data["lost_reasons"],
            _cols(("reason", "Lost reason", "输单原因"), ("count", "Count", "次数", "int")),
            output,
        )


@app.command()
def forecast(
    months: Annotated[
        str, typer.Option(metavar="N", help="Months ahead, this one included.")
    ] = "6",
    by: Annotated[
        Optional[str], typer.Option(metavar="owner", help="'owner': one row per owner and month.")
    ] = None,
    output: FormatOpt = None,
) -> None:
    """Sales forecast (销售预测): weighted open amount by month of expected close."""
    from datetime import date

    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.analysis import funnel as funnel_report
    from crmcli.validate import parse_int

    output = fmt(output)
    count = parse_int(months, "--months", low=1, high=120)
    if by is not None and by.strip().lower() != "owner":
        raise Invalid(
            t("unknown {what} '{value}' ({accepted})", what="--by", value=by, accepted="owner")
        )
    today = date.today()
    with state.unit() as ctx:
        rows = funnel_report.forecast(ctx, months=count, today=today, by_owner=by is not None)
        beyond = funnel_report.beyond_forecast(ctx, months=count, today=today)
    if beyond:
        render.notice(
            t(
                "{count} open opportunities have no expected close date in these months "
                "and are left out",
                count=beyond,
            )
        )
    if output == "table":  # JSON and CSV keep the key
        rows = funnel_report.shown_months(rows)
    columns = [("month", "Month", "月份", "label")]
    if by is not None:
        columns.append(("owner", "Owner", "负责人"))
    columns += [
        ("opportunities", "Opportunities", "机会数", "int"),
        ("amount", "Amount", "金额", "money"),
        ("weighted_amount", "Weighted", "加权金额", "money"),
        ("bar", "", "", "bar"),
    ]
    render.rows(
        _with_bars(rows, "weighted_amount") if output == "table" else rows,
        _cols(*columns),
        output,
        what=t("opportunities"),
        title=t("Forecast"),
    )


@app.command()
def activity(since: Since = None, until: Until = None, output: FormatOpt = None) -> None:
    """Follow-up discipline: contacts per user and channel; follow-ups done on time, late, overdue."""
    from datetime import date, timedelta

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import analytics
    from crmcli.validate import now
    from crmcli.vocab import CHANNEL

    output = fmt(output)
    end = _day(until) or date.today()
    start = _day(since) or end - timedelta(days=29)
    with state.unit() as ctx:
        data = analytics.activity(ctx, since=start, until=end, now=now())
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["followups"], [], output)
        return
    render.rows(
        _with_bars(data["interactions"], "count"),
        _cols(
            ("user", "User", "员工"),
            ("channel", "Channel", "方式", "enum", CHANNEL),
            ("count", "Contacts", "接触次数", "int"),
            ("bar", "", "", "bar"),
        ),
        output,
        what=t("interactions"),
        title=t("Contacts made {since} - {until}", since=start, until=end),
    )
    render.rows(
        data["followups"],
        _cols(
            ("owner", "Owner", "负责人"),
            ("due", "Due", "到期", "int"),
            ("done_on_time", "On time", "按时完成", "int"),
            ("done_late", "Late", "逾期完成", "int"),
            ("overdue", "Overdue", "已逾期", "int"),
            ("pending", "Pending", "待办", "int"),
        ),
        output,
        what=t("follow-ups"),
        title=t("Follow-ups due in the period"),
    )


@app.command()
def service(output: FormatOpt = None) -> None:
    """Customer service (客户服务): tickets by kind and status, time to resolve, satisfaction."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import analytics
    from crmcli.validate import now
    from crmcli.vocab import TICKET_KIND, TICKET_STATUS

    output = fmt(output)
    with state.unit() as ctx:
        data = analytics.service(ctx, now=now())
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["by_kind_status"], [], output)
        return
    render.rows(
        _with_bars(data["by_kind_status"], "count"),
        _cols(
            ("kind", "Kind", "工单类型", "enum", TICKET_KIND),
            ("status", "Status", "状态", "enum", TICKET_STATUS),
            ("count", "Tickets", "工单数", "int"),
            ("bar", "", "", "bar"),
        ),
        output,
        what=t("tickets"),
        title=t("Service tickets"),
    )
    render.record(
        data,
        _cols(
            ("tickets", "Tickets", "工单总数", "int"),
            ("open", "Open", "未关闭", "int"),
            ("overdue", "Overdue", "超时", "int"),
            ("median_hours_to_resolve", "Median hours to resolve", "解决时长中位数（小时）"),
            ("mean_satisfaction", "Mean satisfaction (1-5)", "平均满意度（1-5）"),
            ("complaints_per_100_customers", "Complaints per 100 customers", "每百客户投诉数"),
        ),
        output,
    )


def _satisfaction_groups(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    from crmcli.i18n import pick
    from crmcli.vocab import LEVEL

    nobody = pick("(unassigned)", "（未分配）") if key == "owner" else pick("(none)", "（无）")
    return [
        {**r, "group": (LEVEL.label(r[key]) if key == "level" else r[key]) or nobody} for r in rows
    ]


@app.command()
def satisfaction(
    survey: Annotated[
        Optional[str],
        typer.Option(
            "--survey",
            "-s",
            metavar="SURVEY",
            help="The survey: title or id (default: the newest).",
        ),
    ] = None,
    output: FormatOpt = None,
) -> None:
    """Customer satisfaction (客户满意度): per question the mean and distribution, the NPS,
    by level and owner, with the tickets' satisfaction beside it."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.services.analysis import satisfaction as report
    from crmcli.services.relationship.surveys import QUESTION_KIND

    output = fmt(output)
    with state.unit() as ctx:
        data = report.satisfaction(ctx, survey=survey)
    if output == "json":
        render.record(data, [], "json")
        return
    if output == "jsonl":
        render.rows(data["questions"], [], output)
        return
    if output == "csv":  # one row per question, its distribution in one cell
        flat = [
            {
                **{k: v for k, v in q.items() if k not in ("distribution", "texts")},
                "distribution": "; ".join(f"{k}={v}" for k, v in q["distribution"].items()),
            }
            for q in data["questions"]
        ]
        render.rows(flat, [], output)
        return
    if data["survey"] is None:
        render.out(t("No {what} found.", what=t("surveys")))
    else:
        render.out(
            pick(f"Survey: {data['survey']['title']}", f"调查问卷：{data['survey']['title']}")
        )
        render.record(
            data,
            _cols(
                ("responses", "Responses", "答卷数", "int"),
                ("nps", "NPS", "净推荐值（NPS）"),
                ("promoters", "Promoters (9-10)", "推荐者（9-10）", "int"),
                ("passives", "Passives (7-8)", "被动者（7-8）", "int"),
                ("detractors", "Detractors (0-6)", "贬损者（0-6）", "int"),
                ("scale_mean", "Mean satisfaction (1-5)", "平均满意度（1-5）"),
            ),
            "table",
        )
        shown = []
        for q in data["questions"]:
            spread = q["distribution"]
            if q["kind"] == "text":
                spread_text = " / ".join(q.get("texts", [])[:5])
            else:  # (an NPS question's eleven values: those given)
                spread_text = "  ".join(
                    f"{k}:{v}" for k, v in spread.items() if v or q["kind"] != "nps"
                )
            shown.append({**q, "spread": spread_text})
        render.rows(
            shown,
            _cols(
                ("position", "#", "序号", "int"),
                ("question", "Question", "问题", "text", None, 30),
                ("kind", "Kind", "题型", "enum", QUESTION_KIND),
                ("answers", "Answers", "回答数", "int"),
                ("mean", "Mean", "平均分"),
                ("spread", "Distribution", "分布"),
            ),
            "table",
            what=t("questions"),
            title=t("Answers by question"),
        )
        groups = _cols(
            ("group", "", ""),
            ("responses", "Responses", "答卷数", "int"),
            ("nps", "NPS", "NPS"),
            ("scale_mean", "Mean (1-5)", "平均满意度"),
            ("ticket_satisfaction", "Tickets (1-5)", "工单满意度"),
            ("tickets_rated", "Tickets rated", "评价工单数", "int"),
        )
        for key, title, head in (
            ("level", t("By customer level"), ("Level", "客户等级")),
            ("owner", t("By owner"), ("Owner", "负责人")),
        ):
            cols = [groups[0]._replace(en=head[0], zh=head[1]), *groups[1:]]
            render.rows(
                _satisfaction_groups(data[f"by_{key}"], key),
                cols,
                "table",
                what=t("responses"),
                title=title,
            )
    tickets = data["tickets"]
    render.out(
        t(
            "Service tickets rated: {n}, mean satisfaction (1-5): {mean}",
            n=tickets["rated"],
            mean=tickets["mean"] if tickets["mean"] is not None else "-",
        )
    )


#: the signals of a customer at risk, as a table shows them


@app.command()
def churn(
    since: Annotated[
        Optional[str],
        typer.Option(
            metavar="DATE",
            help="From this day on (default: this month and the 11 before, or this quarter "
            "and the 3 before).",
        ),
    ] = None,
    until: Until = None,
    by: Annotated[
        str, typer.Option(metavar="month|quarter", help="One row per month or per quarter.")
    ] = "month",
    output: FormatOpt = None,
) -> None:
    """Customer churn (客户流失): lost per period and the churn rate, why (beside the
    course's shares), and the customers at risk now with their signals."""
    from datetime import date

    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.analysis import churn as churn_report
    from crmcli.services.desk import churn as churn_reasons
    from crmcli.vocab import LEVEL, fold

    output = fmt(output)
    per = fold(by)
    if per not in churn_report.BY:
        raise Invalid(
            t(
                "unknown {what} '{value}' ({accepted})",
                what="--by",
                value=by,
                accepted="month, quarter",
            )
        )
    with state.unit() as ctx:
        data = churn_report.churn(
            ctx, since=_day(since), until=_day(until), by=per, today=date.today()
        )
        known = churn_reasons.reasons(ctx)
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["periods"], [], output)
        return
    render.rows(
        _with_bars(data["periods"], "lost"),
        _cols(
            ("period", "Period", "期间"),
            ("active_at_start", "Active at start", "期初客户", "int"),
            ("lost", "Lost", "流失", "int"),
            ("churn_rate", "Churn rate", "流失率", "share"),
            ("bar", "", "", "bar"),
        ),
        output,
        what=t("customers"),
        title=t("Customer churn {since} - {until}", since=data["since"], until=data["until"]),
    )
    reasons = [
        {**r, "label": churn_report.reason_label(known, r["reason"])} for r in data["reasons"]
    ]
    render.rows(
        reasons,
        _cols(
            ("label", "Reason", "流失原因"),
            ("count", "Customers", "客户数", "int"),
            ("share", "Share", "占比", "share"),
            ("course_share", "Course", "课程数据", "share"),
        ),
        output,
        what=t("customers"),
        title=t("Why customers were lost"),
    )
    render.out(
        t(
            "Course: the shares the course gives for each cause of losing a business "
            "customer (企业客户流失); it gives none for other reasons."
        )
    )
    risky = [
        {**r, "signal_lines": "\n".join(churn_report.signal_texts(r))} for r in data["at_risk"]
    ]
    render.rows(
        risky,
        _cols(
            ("code", "Code", "客户编号"),
            ("name", "Name", "客户名称", "text", None, 16),
            ("level", "Level", "等级", "enum", LEVEL),
            ("signal_lines", "Signals", "风险信号"),
        ),
        output,
        what=t("customers at risk"),
        title=t(
            "Customers at risk now (orders of {last} against {before})",
            before=data["orders_compared"][0],
            last=data["orders_compared"][1],
        ),
    )


@app.command()
def needs(
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Needs recorded from this day on.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Needs recorded up to this day.")
    ] = None,
    output: FormatOpt = None,
) -> None:
    """Customer needs analysis (实训3-1 客户需求分析报告): the needs records by product and
    category, urgency and customer level, and which became opportunities and orders."""
    from crmcli import render
    from crmcli.i18n import pick, t
    from crmcli.services.analysis import needs as needs_report
    from crmcli.vocab import LEVEL, URGENCY

    output = fmt(output)
    with state.unit() as ctx:
        data = needs_report.needs(ctx, since=_day(since), until=_day(until))
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["by_product"], [], output)
        return
    counts = [
        ("records", "Needs", "需求数", "int"),
        ("to_opportunities", "To opportunities", "转为机会", "int"),
        ("to_orders", "To orders", "转为订单", "int"),
    ]
    none = pick("(none)", "（无）")
    render.rows(
        [
            {**r, "product": r["product"] or none, "category": r["category"] or none}
            for r in data["by_product"]
        ],
        _cols(
            ("product_code", "Code", "产品编号"),
            ("product", "Product", "产品", "text", None, 24),
            ("category", "Category", "类别"),
            *counts,
        ),
        output,
        what=t("needs records"),
        title=t("Needs by product"),
    )
    if not data["by_product"]:
        return
    render.rows(
        [{**r, "category": r["category"] or none} for r in data["by_category"]],
        _cols(("category", "Category", "类别"), *counts),
        output,
        title=t("Needs by category"),
    )
    render.rows(
        [{**r, "urgency": r["urgency"] or none} for r in data["by_urgency"]],
        _cols(("urgency", "Urgency", "紧迫程度", "enum", URGENCY), *counts),
        output,
        title=t("Needs by urgency"),
    )
    render.rows(
        data["by_level"],
        _cols(("level", "Level", "客户等级", "enum", LEVEL), *counts),
        output,
        title=t("Needs by customer level"),
    )
    c = data["converted"]
    render.out(
        t(
            "{records} needs records: {opportunities} became opportunities and {orders} "
            "orders ({linked} of the records name their opportunity; the others are matched "
            "to the customer's next opportunity or order)",
            records=c["records"],
            opportunities=c["to_opportunities"],
            orders=c["to_orders"],
            linked=c["linked"],
        )
    )


@app.command()
def value(
    as_of: AsOf = None,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply",
            help="Set levels from the value tiers: gold, silver, regular (audited; admins "
            "and managers; undo with crm report segment --revert BATCH).",
        ),
    ] = False,
    output: FormatOpt = None,
) -> None:
    """Customer value (以获利能力为标准来为客户打分): customers by gross margin.

    Per customer with orders (not cancelled, up to --as-of): revenue, cost (qty x the
    unit cost kept on each order line when it was made; a product without a cost counts
    0), margin = revenue - cost, orders, tenure (days since the first order) and an
    estimated lifetime value = margin x 365 / max(tenure, 90 days) x expected remaining
    years, where expected remaining years = r / (1 - r) / 4 (at most 10) and r is the
    book's quarter-to-quarter retention (crm report loyalty). Value tiers: the top 20% of
    the customers by margin gold, the next 30% silver, the rest (and margins not above 0)
    regular.
    """
    from datetime import date

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import value as value_report
    from crmcli.vocab import LEVEL

    output = fmt(output)
    day = _day(as_of) or date.today()
    with state.unit(write=apply) as ctx:
        data = value_report.value(ctx, as_of=day)
        applied = value_report.apply(ctx, data["rows"]) if apply else None
    if output != "table":
        render.rows(value_report.json_rows(data), [], output)
    else:
        r = data["retention"]
        render.rows(
            _with_bars(value_report.tiers(data["rows"]), "margin"),
            _cols(
                ("tier", "Tier", "价值层级", "enum", LEVEL),
                ("customers", "Customers", "客户数", "int"),
                ("margin", "Margin", "毛利", "money"),
                ("margin_share", "Margin share", "毛利占比", "share"),
                ("bar", "", "", "bar"),
            ),
            output,
            title=t("Customer value as of {day}", day=day),
        )
        render.rows(
            data["rows"],
            _cols(
                ("code", "Code", "客户编号"),
                ("name", "Name", "客户名称", "text", None, 20),
                ("revenue", "Revenue", "销售额", "money", None, None, 2),
                ("margin", "Margin", "毛利", "money", None, None, 0),
                ("orders", "Orders", "订单数", "int", None, None, 3),
                ("tenure_days", "Days", "客户天数", "int", None, None, 3),
                ("lifetime_value", "Lifetime value", "终生价值", "money", None, None, 1),
                ("tier", "Tier", "层级", "enum", LEVEL, None, 2),
            ),
            output,
            what=t("customers with orders"),
        )
        if data["rows"]:
            render.out(
                t(
                    "Lifetime value: margin per year x {years} expected years (quarterly "
                    "retention {rate})",
                    years=f"{data['expected_years']:.2f}" if r is not None else "-",
                    rate=f"{r * 100:.1f}%" if r is not None else "-",
                )
            )
    if applied:
        render.notice(
            t(
                "Levels set from value tiers: {changed} of {customers} customers changed "
                "(undo with: crm report segment --revert {batch})",
                **applied,
            )
        )


@app.command()
def loyalty(as_of: AsOf = None, output: FormatOpt = None) -> None:
    """Customer loyalty (客户忠诚度): repeat purchases, days between orders, and retention
    by cohort.

    Repeat rate = customers with two or more orders / customers with one or more (orders
    not cancelled, up to --as-of). Mean days between orders: over every customer's
    consecutive orders. Cohorts: customers by the quarter of their first order (2025-Q3);
    retained: the share of the cohort that ordered in each later quarter, up to the
    --as-of day's (which may not be over). Quarterly retention r: of the customers who
    ordered in a quarter, the share who ordered in the next (whole quarters only).
    """
    from datetime import date

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import loyalty as loyalty_report

    output = fmt(output)
    day = _day(as_of) or date.today()
    with state.unit() as ctx:
        data = loyalty_report.loyalty(ctx, as_of=day)
    if output == "json":
        render.record(data, [], "json")
        return
    if output in ("csv", "jsonl"):
        render.rows(data["cohorts"], [], output)
        return

    def share(x: Any) -> str:
        return f"{x * 100:.1f}%" if x is not None else "-"

    days = data["mean_days_between_orders"]
    render.out(t("Customer loyalty as of {day}", day=day))
    render.record(
        {
            "customers": data["customers"],
            "repeat_rate": share(data["repeat_rate"]),
            "mean_days": days if days is not None else "-",
            "retention": share(data["quarterly_retention"]),
        },
        _cols(
            ("customers", "Customers with orders", "有订单的客户"),
            ("repeat_rate", "Repeat rate", "重复购买率"),
            ("mean_days", "Mean days between orders", "平均购买间隔（天）"),
            ("retention", "Quarterly retention", "季度留存率"),
        ),
        output,
    )
    width = max((len(c["retained"]) for c in data["cohorts"]), default=0)
    rows = [
        {
            "cohort": c["cohort"],
            "customers": c["customers"],
            **{f"q{i + 1}": share(x) for i, x in enumerate(c["retained"])},
        }
        for c in data["cohorts"]
    ]
    render.rows(
        rows,
        _cols(
            ("cohort", "Cohort", "首单季度", "label"),
            ("customers", "Customers", "客户数", "int"),
            *((f"q{i}", f"+{i}Q", f"+{i}季", "label") for i in range(1, width + 1)),
        ),
        output,
        what=t("cohorts"),
        title=t("Still ordering, by quarter after the first order"),
    )


SectionLimit = Annotated[
    Optional[str],
    typer.Option(
        "--limit",
        "-n",
        metavar="N",
        help="At most N rows per list: follow-ups, customers, receivables, tickets "
        "(8 by default; every row by default in json).",
    ),
]


@app.command()
def dashboard(limit: SectionLimit = None, output: SummaryFormatOpt = None) -> None:
    """The morning screen (工作台): today's follow-ups, the pipeline, this month's orders,
    drifting gold customers, overdue receivables and tickets."""
    from datetime import date

    from crmcli import render
    from crmcli.cli.common import limit as parse_limit
    from crmcli.cli.relationship.followup import due_table
    from crmcli.cli.relationship.ticket import for_table
    from crmcli.i18n import pick, t
    from crmcli.services.analysis import dashboard as board_service

    output = fmt(output, ("table", "json"))
    asked = parse_limit(limit)
    shown = board_service.SHOWN if asked is None and output == "table" else asked
    with state.unit() as ctx:
        board = board_service.collect(ctx, today=date.today(), limit=shown)
    if output == "json":
        render.out(render.to_json(board_service.sections(board, limit=shown)))
        return
    weekday = pick(f"{board.today:%A}", "星期" + "一二三四五六日"[board.today.weekday()])
    render.out(t("crm dashboard · {day} {weekday}", day=board.today.isoformat(), weekday=weekday))
    due = board.due
    render.out()
    if due.rows:
        render.rows(
            due.rows,
            due_table(due.rows, board.today),
            "table",
            total=due.total,
            title=t("Follow-ups due today ({count})", count=due.total),
        )
    else:
        render.out(t("Nothing due today."))
    render.rows(
        _with_bars(board.stages, "weighted_amount"),
        _cols(
            ("label", "Stage", "阶段", "label"),
            ("opportunities", "Open", "机会数", "int"),
            ("amount", "Amount", "金额", "money"),
            ("weighted_amount", "Weighted", "加权金额", "money"),
            ("bar", "", "", "bar"),
        ),
        "table",
        what=t("opportunities"),
        title=t("Pipeline"),
    )
    months = _with_bars(board.months, "total")
    render.rows(
        months,
        _cols(
            ("month", "Month", "月份", "label"),
            ("orders", "Orders", "订单数", "int"),
            ("total", "Total", "金额", "money"),
            ("bar", "", "", "bar"),
        ),
        "table",
        title=t("Orders this month against last month"),
    )
    if board.drifting:
        render.rows(
            board.drifting[:shown],
            _cols(
                ("customer_code", "Code", "客户编号"),
                ("customer_name", "Customer", "客户", "text", None, 24),
                ("days_since_contact", "Days", "未联系天数", "int"),
                ("contact", "Contact", "联系人"),
                ("phone", "Phone", "电话", "phone"),
            ),
            "table",
            total=len(board.drifting),
            title=t("Gold customers drifting ({count})", count=len(board.drifting)),
        )
    if board.receivables:
        owed = sum((r["outstanding"] for r in board.receivables), Decimal("0.00"))
        render.rows(
            board.receivables[:shown],
            _cols(
                ("customer_name", "Customer", "客户", "text", None, 24),
                ("contract_code", "Contract", "合同"),
                ("due_on", "Due", "应收日期", "date"),
                ("days_overdue", "Days late", "逾期天数", "int"),
                ("outstanding", "Outstanding", "未收金额", "money"),
            ),
            "table",
            total=len(board.receivables),
            title=t(
                "Overdue receivables: {amount} in {count} instalments",
                amount=f"{owed:,.2f}",
                count=len(board.receivables),
            ),
        )
    if due.tickets:
        tickets = due.tickets if asked is None else due.tickets[:asked]
        render.table(
            tickets,
            for_table(tickets),
            title=t("Overdue tickets ({count})", count=len(due.tickets)),
        )


@app.command()
def export(
    file: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help="The Excel workbook to write.")],
    as_of: AsOf = None,
) -> None:
    """Every report in one Excel workbook, one sheet each, with native charts (实训8-1)."""
    from datetime import date

    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.analysis import report_book
    from crmcli.workbook import write_report_book

    if file.suffix.lower() != ".xlsx":
        from crmcli.errors import Invalid

        raise Invalid(t("the report book is an .xlsx file, not '{value}'", value=file.name))
    with state.unit() as ctx:
        book = report_book.collect(ctx, as_of=_day(as_of) or date.today())
    write_report_book(book, file)
    render.tell_beside(file, t("Wrote {path}: {sheets} sheets", path=file, sheets=len(book.sheets)))
