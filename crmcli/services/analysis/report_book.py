"""Every report gathered into one book (sheets of tables, each sheet with its chart).

The course's project report (实训8-1) is this book written to Excel by
:mod:`crmcli.workbook`. Headers and labels are taken in the current language.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from crmcli.i18n import pick
from crmcli.services.analysis import analytics, segments
from crmcli.services.analysis import funnel as funnel_report
from crmcli.services.context import Ctx
from crmcli.services.selling import pipeline
from crmcli.vocab import CHANNEL, CUSTOMER, TICKET_KIND, TICKET_STATUS
from crmcli.workbook import Book, Chart, Sheet, Table


def _h(en: str, zh: str) -> str:
    return pick(en, zh)


def collect(ctx: Ctx, *, as_of: date) -> Book:
    from crmcli.validate import now

    book = Book(title=_h("CRM report", "客户关系管理分析报告"), as_of=as_of)

    rfm_rows = segments.rfm(ctx, as_of=as_of)
    summary = segments.rfm_summary(rfm_rows)
    for row in summary:
        row["label"] = pick(row["label_en"], row["label_zh"])
    book.sheets.append(
        Sheet(
            _h("RFM", "RFM细分"),
            [
                Table(
                    _h("RFM classes", "RFM 客户类型"),
                    [
                        ("label", _h("Class", "客户类型"), "text"),
                        ("customers", _h("Customers", "客户数"), "int"),
                        ("share", _h("Share", "占比"), "share"),
                        ("monetary", _h("Money", "金额"), "money"),
                    ],
                    summary,
                ),
                Table(
                    _h("Customers", "客户明细"),
                    [
                        ("code", _h("Code", "客户编号"), "text"),
                        ("name", _h("Name", "客户名称"), "text"),
                        ("recency_days", _h("Days since last order", "最近购买（天）"), "int"),
                        ("frequency", _h("Orders", "购买次数"), "int"),
                        ("monetary", _h("Money", "购买金额"), "money"),
                        ("segment_label", _h("Class", "客户类型"), "text"),
                    ],
                    [{**r, "segment_label": _label(r["segment"])} for r in rfm_rows],
                ),
            ],
            Chart("pie", _h("Customers per RFM class", "各类客户数量"), 0, "label", "customers"),
        )
    )

    abc_rows = segments.abc(ctx, as_of=as_of)
    book.sheets.append(
        Sheet(
            _h("ABC", "ABC分类"),
            [
                Table(
                    _h("ABC tiers", "ABC 分类"),
                    [
                        ("class", _h("Class", "分类"), "text"),
                        ("customers", _h("Customers", "客户数"), "int"),
                        ("share", _h("Share", "占比"), "share"),
                        ("monetary", _h("Money", "金额"), "money"),
                        ("money_share", _h("Money share", "金额占比"), "share"),
                    ],
                    segments.abc_summary(abc_rows),
                ),
                Table(
                    _h("Customers", "客户明细"),
                    [
                        ("code", _h("Code", "客户编号"), "text"),
                        ("name", _h("Name", "客户名称"), "text"),
                        ("monetary", _h("Money", "金额"), "money"),
                        ("cumulative_share", _h("Cumulative share", "累计占比"), "share"),
                        ("class", _h("Class", "分类"), "text"),
                    ],
                    abc_rows,
                ),
            ],
            Chart(
                "column",
                _h("Money per tier", "各类客户金额"),
                0,
                "class",
                "monetary",
                _h("Class", "分类"),
                _h("Money", "金额"),
            ),
        )
    )

    breakdowns = []
    for by in ("level", "industry", "city", "source"):
        rows = segments.breakdown(ctx, by=by, as_of=as_of)
        f = CUSTOMER[by]
        for row in rows:
            row["value"] = f.vocab.label(row[by]) if f.vocab and row[by] else (row[by] or "-")
        breakdowns.append(
            Table(
                f.label,
                [
                    ("value", f.label, "text"),
                    ("customers", _h("Customers", "客户数"), "int"),
                    ("share", _h("Share", "占比"), "share"),
                    ("revenue", _h("Revenue", "销售额"), "money"),
                ],
                rows,
            )
        )
    book.sheets.append(
        Sheet(
            _h("Breakdowns", "客户构成"),
            breakdowns,
            Chart(
                "bar",
                _h("Customers per level", "各等级客户数"),
                0,
                "value",
                "customers",
                CUSTOMER["level"].label,
                _h("Customers", "客户数"),
            ),
        )
    )

    # opportunities created by the end of the as-of day
    data = funnel_report.funnel(ctx, until=datetime.combine(as_of + timedelta(days=1), time()))
    stages = pipeline.pipeline(ctx)
    stage_rows = [{**r, "label": stages.label(r["stage"])} for r in data["stages"]]
    rate = data["win_rate"]
    totals = [
        {"metric": _h("Won", "赢单"), "value": data["won"]},
        {"metric": _h("Lost", "输单"), "value": data["lost"]},
        {
            "metric": _h("Win rate", "赢率"),
            "value": f"{rate * 100:.1f}%" if rate is not None else "-",
        },
        {"metric": _h("Average days to win", "平均成交天数"), "value": data["avg_days_to_win"]},
    ]
    book.sheets.append(
        Sheet(
            _h("Funnel", "销售漏斗"),
            [
                Table(
                    _h("Stages reached", "各阶段到达数"),
                    [
                        ("label", _h("Stage", "阶段"), "text"),
                        ("reached", _h("Reached", "到达数"), "int"),
                        ("conversion", _h("To next stage", "转化率"), "share"),
                        ("amount", _h("Amount", "金额"), "money"),
                        ("weighted_amount", _h("Weighted", "加权金额"), "money"),
                    ],
                    stage_rows,
                ),
                Table(
                    _h("Results", "结果"),
                    [
                        ("metric", _h("Measure", "指标"), "text"),
                        ("value", _h("Value", "数值"), "text"),
                    ],
                    totals,
                ),
                Table(
                    _h("Lost reasons", "输单原因"),
                    [
                        ("reason", _h("Reason", "原因"), "text"),
                        ("count", _h("Count", "次数"), "int"),
                    ],
                    data["lost_reasons"],
                ),
            ],
            Chart(
                "bar",
                _h("Opportunities reaching each stage", "各阶段机会数"),
                0,
                "label",
                "reached",
                _h("Stage", "阶段"),
                _h("Opportunities", "机会数"),
            ),
        )
    )

    book.sheets.append(
        Sheet(
            _h("Forecast", "销售预测"),
            [
                Table(
                    _h("Weighted open amount by month", "按预计成交月份的加权金额"),
                    [
                        ("month", _h("Month", "月份"), "text"),
                        ("opportunities", _h("Opportunities", "机会数"), "int"),
                        ("amount", _h("Amount", "金额"), "money"),
                        ("weighted_amount", _h("Weighted", "加权金额"), "money"),
                    ],
                    funnel_report.shown_months(funnel_report.forecast(ctx, months=6, today=as_of)),
                )
            ],
            Chart(
                "column",
                _h("Weighted amount by month", "各月加权金额"),
                0,
                "month",
                "weighted_amount",
                _h("Expected month", "预计成交月份"),
                _h("Weighted amount", "加权金额"),
            ),
        )
    )

    # the month of the as-of day is shown in the table but, unless it is over, kept out of
    # the chart: a month just begun would plot as a fall
    begun = (as_of + timedelta(days=1)).month == as_of.month
    orders_title = _h("Orders per month", "每月订单")
    if begun:
        orders_title += _h(
            f" ({as_of:%Y-%m} to {as_of.isoformat()} only)",
            f"（{as_of:%Y-%m} 截至 {as_of.isoformat()}）",
        )
    book.sheets.append(
        Sheet(
            _h("Monthly orders", "月度订单"),
            [
                Table(
                    orders_title,
                    [
                        ("month", _h("Month", "月份"), "text"),
                        ("orders", _h("Orders", "订单数"), "int"),
                        ("total", _h("Total", "金额"), "money"),
                    ],
                    analytics.monthly_orders(ctx, months=12, today=as_of),
                )
            ],
            Chart(
                "line",
                _h("Orders per month", "每月订单数")
                + (_h(" (whole months)", "（整月）") if begun else ""),
                0,
                "month",
                "orders",
                _h("Month", "月份"),
                _h("Orders", "订单数"),
                leave_out_last=1 if begun else 0,
            ),
        )
    )

    act = analytics.activity(ctx, since=as_of - timedelta(days=29), until=as_of, now=now())
    per_channel: dict[str, int] = {}
    for row in act["interactions"]:
        row["channel_label"] = CHANNEL.label(row["channel"])
        per_channel[row["channel_label"]] = per_channel.get(row["channel_label"], 0) + row["count"]
    channels = [{"channel_label": c, "count": n} for c, n in per_channel.items()]
    book.sheets.append(
        Sheet(
            _h("Activity", "客户接触"),
            [
                Table(
                    _h("Contacts per user and channel (last 30 days)", "近30天各员工接触次数"),
                    [
                        ("user", _h("User", "员工"), "text"),
                        ("channel_label", _h("Channel", "方式"), "text"),
                        ("count", _h("Contacts", "次数"), "int"),
                    ],
                    act["interactions"],
                ),
                Table(
                    _h("Follow-ups due (last 30 days)", "近30天到期跟进"),
                    [
                        ("owner", _h("Owner", "负责人"), "text"),
                        ("due", _h("Due", "到期"), "int"),
                        ("done_on_time", _h("On time", "按时完成"), "int"),
                        ("done_late", _h("Late", "逾期完成"), "int"),
                        ("overdue", _h("Overdue", "已逾期"), "int"),
                        ("pending", _h("Pending", "待办"), "int"),
                    ],
                    act["followups"],
                ),
                Table(
                    _h("Contacts per channel (last 30 days)", "近30天各方式接触次数"),
                    [
                        ("channel_label", _h("Channel", "方式"), "text"),
                        ("count", _h("Contacts", "次数"), "int"),
                    ],
                    channels,
                ),
            ],
            Chart(
                "column",
                _h("Contacts per channel", "各方式接触次数"),
                2,
                "channel_label",
                "count",
                _h("Channel", "方式"),
                _h("Contacts", "次数"),
            ),
        )
    )

    svc = analytics.service(ctx, now=now())
    for row in svc["by_kind_status"]:
        row["kind_label"] = TICKET_KIND.label(row["kind"])
        row["status_label"] = TICKET_STATUS.label(row["status"])
        row["kind_status"] = f"{row['kind_label']} · {row['status_label']}"
    metrics = [
        {"metric": _h("Tickets", "工单总数"), "value": svc["tickets"]},
        {"metric": _h("Open", "未关闭"), "value": svc["open"]},
        {
            "metric": _h("Median hours to resolve", "解决时长中位数（小时）"),
            "value": svc["median_hours_to_resolve"],
        },
        {
            "metric": _h("Mean satisfaction (1-5)", "平均满意度（1-5）"),
            "value": svc["mean_satisfaction"],
        },
        {
            "metric": _h("Complaints per 100 customers", "每百客户投诉数"),
            "value": svc["complaints_per_100_customers"],
        },
    ]
    book.sheets.append(
        Sheet(
            _h("Service", "客户服务"),
            [
                Table(
                    _h("Tickets by kind and status", "工单类型与状态"),
                    [
                        ("kind_status", _h("Kind · status", "类型 · 状态"), "text"),
                        ("count", _h("Tickets", "工单数"), "int"),
                    ],
                    svc["by_kind_status"],
                ),
                Table(
                    _h("Service quality", "服务质量"),
                    [
                        ("metric", _h("Measure", "指标"), "text"),
                        ("value", _h("Value", "数值"), "text"),
                    ],
                    metrics,
                ),
            ],
            Chart(
                "column",
                _h("Tickets by kind and status", "各类型与状态工单数"),
                0,
                "kind_status",
                "count",
                _h("Kind · status", "类型 · 状态"),
                _h("Tickets", "工单数"),
            ),
        )
    )
    book.sheets.append(_needs_sheet(ctx, as_of))
    book.sheets.append(_churn_sheet(ctx, as_of))
    book.sheets.append(_satisfaction_sheet(ctx))
    book.sheets.append(_value_sheet(ctx, as_of))
    book.sheets.append(_loyalty_sheet(ctx, as_of))
    return book


def _value_sheet(ctx: Ctx, as_of: date) -> Sheet:
    """Customer value (以获利能力为标准来为客户打分): see :mod:`.value`."""
    from crmcli.services.analysis import value as value_report
    from crmcli.vocab import LEVEL

    data = value_report.value(ctx, as_of=as_of)
    tiers = [{**r, "label": LEVEL.label(r["tier"])} for r in value_report.tiers(data["rows"])]
    return Sheet(
        _h("Value", "客户价值"),
        [
            Table(
                _h("Value tiers", "价值层级"),
                [
                    ("label", _h("Tier", "价值层级"), "text"),
                    ("customers", _h("Customers", "客户数"), "int"),
                    ("margin", _h("Margin", "毛利"), "money"),
                    ("margin_share", _h("Margin share", "毛利占比"), "share"),
                ],
                tiers,
            ),
            Table(
                _h("Customers by margin", "客户毛利排名"),
                [
                    ("code", _h("Code", "客户编号"), "text"),
                    ("name", _h("Name", "客户名称"), "text"),
                    ("revenue", _h("Revenue", "销售额"), "money"),
                    ("cost", _h("Cost", "成本"), "money"),
                    ("margin", _h("Margin", "毛利"), "money"),
                    ("orders", _h("Orders", "订单数"), "int"),
                    ("tenure_days", _h("Days since first order", "首单至今（天）"), "int"),
                    ("lifetime_value", _h("Lifetime value", "终生价值"), "money"),
                    ("tier_label", _h("Tier", "价值层级"), "text"),
                ],
                [{**r, "tier_label": LEVEL.label(r["tier"])} for r in data["rows"]],
            ),
        ],
        Chart(
            "column",
            _h("Margin per tier", "各层级毛利"),
            0,
            "label",
            "margin",
            _h("Tier", "价值层级"),
            _h("Margin", "毛利"),
        ),
    )


def _loyalty_sheet(ctx: Ctx, as_of: date) -> Sheet:
    """Customer loyalty (客户忠诚度): see :mod:`.loyalty`."""
    from crmcli.services.analysis import loyalty as loyalty_report

    data = loyalty_report.loyalty(ctx, as_of=as_of)
    width = max((len(c["retained"]) for c in data["cohorts"]), default=0)
    cohorts = [
        {
            "cohort": c["cohort"],
            "customers": c["customers"],
            **{f"q{i + 1}": x for i, x in enumerate(c["retained"])},
        }
        for c in data["cohorts"]
    ]
    return Sheet(
        _h("Loyalty", "客户忠诚度"),
        [
            Table(
                _h("Loyalty", "客户忠诚度"),
                [
                    ("metric", _h("Measure", "指标"), "text"),
                    ("value", _h("Value", "数值"), "share"),
                ],
                [
                    {"metric": _h("Repeat rate", "重复购买率"), "value": data["repeat_rate"]},
                    {
                        "metric": _h("Quarterly retention", "季度留存率"),
                        "value": data["quarterly_retention"],
                    },
                ],
            ),
            Table(
                _h("Days between orders", "购买间隔"),
                [
                    ("metric", _h("Measure", "指标"), "text"),
                    ("value", _h("Value", "数值"), "text"),
                ],
                [
                    {
                        "metric": _h("Customers with orders", "有订单的客户"),
                        "value": data["customers"],
                    },
                    {
                        "metric": _h("Mean days between orders", "平均购买间隔（天）"),
                        "value": data["mean_days_between_orders"],
                    },
                ],
            ),
            Table(
                _h(
                    "Cohorts: the share still ordering each quarter after the first order",
                    "首单季度分组：首单之后各季度仍在下单的客户占比",
                ),
                [
                    ("cohort", _h("Cohort", "首单季度"), "text"),
                    ("customers", _h("Customers", "客户数"), "int"),
                    *((f"q{i}", f"+{i}" + _h("Q", "季"), "share") for i in range(1, width + 1)),
                ],
                cohorts,
            ),
        ],
        Chart(
            "column",
            _h("Share ordering again the next quarter", "次季度仍下单的比例"),
            2,
            "cohort",
            "q1",
            _h("Cohort", "首单季度"),
            _h("Share", "占比"),
        )
        if width
        else None,
    )


def _satisfaction_sheet(ctx: Ctx) -> Sheet:
    """客户满意度: the newest survey's answers and NPS (``crm report satisfaction``)."""
    from crmcli.services.analysis import satisfaction as report
    from crmcli.services.relationship.surveys import QUESTION_KIND
    from crmcli.vocab import LEVEL

    data = report.satisfaction(ctx)
    title = data["survey"]["title"] if data["survey"] else _h("(no survey)", "（无调查问卷）")
    metrics = [
        (_h("Survey", "调查问卷"), title),
        (_h("Responses", "答卷数"), data["responses"]),
        (_h("NPS", "净推荐值（NPS）"), data["nps"]),
        (_h("Promoters (9-10)", "推荐者（9-10）"), data["promoters"]),
        (_h("Passives (7-8)", "被动者（7-8）"), data["passives"]),
        (_h("Detractors (0-6)", "贬损者（0-6）"), data["detractors"]),
        (_h("Mean satisfaction (1-5)", "平均满意度（1-5）"), data["scale_mean"]),
        (_h("Tickets rated", "评价工单数"), data["tickets"]["rated"]),
        (_h("Tickets' mean satisfaction (1-5)", "工单平均满意度（1-5）"), data["tickets"]["mean"]),
    ]
    questions = [
        {
            **q,
            "kind_label": QUESTION_KIND.label(q["kind"]),
            "spread": "  ".join(f"{k}:{v}" for k, v in q["distribution"].items())
            or " / ".join(q.get("texts", [])),
        }
        for q in data["questions"]
    ]
    groups = [
        ("responses", _h("Responses", "答卷数"), "int"),
        ("nps", _h("NPS", "NPS"), "text"),
        ("scale_mean", _h("Mean (1-5)", "平均满意度"), "text"),
        ("ticket_satisfaction", _h("Tickets (1-5)", "工单满意度"), "text"),
    ]
    return Sheet(
        _h("Satisfaction", "客户满意度"),
        [
            Table(
                _h("Satisfaction and NPS", "满意度与净推荐值"),
                [
                    ("metric", _h("Measure", "指标"), "text"),
                    ("value", _h("Value", "数值"), "text"),
                ],
                [{"metric": m, "value": v} for m, v in metrics],
            ),
            Table(
                _h("Answers by question", "各题回答"),
                [
                    ("position", _h("No.", "序号"), "int"),
                    ("question", _h("Question", "问题"), "text"),
                    ("kind_label", _h("Kind", "题型"), "text"),
                    ("answers", _h("Answers", "回答数"), "int"),
                    ("mean", _h("Mean", "平均分"), "text"),
                    ("spread", _h("Distribution", "分布"), "text"),
                ],
                questions,
            ),
            Table(
                _h("By customer level", "按客户等级"),
                [("level_label", _h("Level", "客户等级"), "text"), *groups],
                [
                    {**r, "level_label": LEVEL.label(r["level"]) or _h("(none)", "（无）")}
                    for r in data["by_level"]
                ],
            ),
            Table(
                _h("By owner", "按负责人"),
                [("owner_label", _h("Owner", "负责人"), "text"), *groups],
                [
                    {**r, "owner_label": r["owner"] or _h("(unassigned)", "（未分配）")}
                    for r in data["by_owner"]
                ],
            ),
        ],
        Chart(
            "column",
            _h("Mean by question", "各题平均分"),
            1,
            "position",
            "mean",
            _h("Question", "题号"),
            _h("Mean", "平均分"),
        ),
    )


def _churn_sheet(ctx: Ctx, as_of: date) -> Sheet:
    """客户流失: ``crm report churn`` as of the as-of day (the twelve months up to it, the
    reasons beside the course's shares, the customers at risk)."""
    from crmcli.services.analysis import churn as churn_report
    from crmcli.services.desk import churn as churn_reasons
    from crmcli.vocab import LEVEL

    data = churn_report.churn(ctx, since=None, until=as_of, by="month", today=as_of)
    known = churn_reasons.reasons(ctx)
    return Sheet(
        _h("Churn", "客户流失"),
        [
            Table(
                _h("Customer churn per month", "各月客户流失"),
                [
                    ("period", _h("Period", "期间"), "text"),
                    ("active_at_start", _h("Active at start", "期初客户"), "int"),
                    ("lost", _h("Lost", "流失"), "int"),
                    ("churn_rate", _h("Churn rate", "流失率"), "share"),
                ],
                data["periods"],
            ),
            Table(
                _h("Why customers were lost", "客户流失原因"),
                [
                    ("reason", _h("Reason", "流失原因"), "text"),
                    ("count", _h("Customers", "客户数"), "int"),
                    ("share", _h("Share", "占比"), "share"),
                    ("course_share", _h("Course", "课程数据"), "share"),
                ],
                [
                    {**r, "reason": churn_report.reason_label(known, r["reason"])}
                    for r in data["reasons"]
                ],
            ),
            Table(
                _h("Customers at risk", "有流失风险的客户"),
                [
                    ("code", _h("Code", "客户编号"), "text"),
                    ("name", _h("Name", "客户名称"), "text"),
                    ("level", _h("Level", "等级"), "text"),
                    ("signals", _h("Signals", "风险信号"), "text"),
                ],
                [
                    {
                        **r,
                        "level": LEVEL.label(r["level"]),
                        "signals": "; ".join(churn_report.signal_texts(r)),
                    }
                    for r in data["at_risk"]
                ],
            ),
        ],
        Chart(
            "line",
            _h("Churn rate per month", "各月客户流失率"),
            0,
            "period",
            "churn_rate",
            _h("Month", "月份"),
            _h("Churn rate", "流失率"),
            leave_out_last=1,  # the month just begun
        ),
    )


def _needs_sheet(ctx: Ctx, as_of: date) -> Sheet:
    """实训3-1 客户需求分析报告: the needs records up to the as-of day (see :mod:`.needs`)."""
    from crmcli.services.analysis import needs as needs_report
    from crmcli.vocab import LEVEL, URGENCY

    data = needs_report.needs(ctx, until=as_of)
    none = _h("(none)", "（无）")
    counts = [
        ("records", _h("Needs", "需求数"), "int"),
        ("to_opportunities", _h("To opportunities", "转为机会"), "int"),
        ("to_orders", _h("To orders", "转为订单"), "int"),
    ]
    c = data["converted"]
    return Sheet(
        _h("Needs", "客户需求"),
        [
            Table(
                _h("Needs by product", "按产品的需求"),
                [
                    ("product_code", _h("Code", "产品编号"), "text"),
                    ("product", _h("Product", "产品"), "text"),
                    ("category", _h("Category", "类别"), "text"),
                    *counts,
                ],
                [{**r, "product": r["product"] or none} for r in data["by_product"]],
            ),
            Table(
                _h("Needs by category", "按类别的需求"),
                [("category", _h("Category", "类别"), "text"), *counts],
                [{**r, "category": r["category"] or none} for r in data["by_category"]],
            ),
            Table(
                _h("Needs by urgency", "按紧迫程度的需求"),
                [("urgency", _h("Urgency", "紧迫程度"), "text"), *counts],
                [
                    {**r, "urgency": URGENCY.label(r["urgency"]) if r["urgency"] else none}
                    for r in data["by_urgency"]
                ],
            ),
            Table(
                _h("Needs by customer level", "按客户等级的需求"),
                [("level", _h("Level", "客户等级"), "text"), *counts],
                [{**r, "level": LEVEL.label(r["level"])} for r in data["by_level"]],
            ),
            Table(
                _h("Conversion", "转化情况"),
                [
                    ("metric", _h("Measure", "指标"), "text"),
                    ("value", _h("Value", "数值"), "int"),
                ],
                [
                    {"metric": _h("Needs records", "需求记录"), "value": c["records"]},
                    {
                        "metric": _h("Became opportunities", "转为销售机会"),
                        "value": c["to_opportunities"],
                    },
                    {"metric": _h("Became orders", "转为订单"), "value": c["to_orders"]},
                    {
                        "metric": _h("Linked to an opportunity", "已关联销售机会"),
                        "value": c["linked"],
                    },
                ],
            ),
        ],
        Chart(
            "bar",
            _h("Needs by product", "各产品需求数"),
            0,
            "product",
            "records",
            _h("Product", "产品"),
            _h("Needs", "需求数"),
        ),
    )


def _label(key: str) -> str:
    for k, *_flags, en, zh in segments.RFM_CLASSES:
        if k == key:
            return pick(en, zh)
    return key
