"""Selling: contracts with their payment plans and the receipts paid so far."""

from __future__ import annotations

from decimal import Decimal

from .common import CENT, money, to_date, weekday_back

# fmt: off
# Contracts: customer, title, amount (None: the won opportunity's amount), signed (days
# from anchor or an ISO date), plan [(due, share)], receipts [(date, share of amount)].
# Due and paid dates are days from the anchor or ISO dates; shares are fractions.
CONTRACTS = [
    ("南京汇金融资租赁有限公司", "汇金租赁核心业务ERP项目合同", "汇金租赁核心业务ERP项目", -70,
     [(-60, "0.3"), (-5, "0.6"), (300, "0.1")], [(-57, "0.3")]),
    ("成都康宁医院管理有限公司", "康宁医院集团ERP及机房建设合同", "康宁医院集团ERP及机房建设", -50,
     [(-40, "0.4"), (40, "0.5"), (320, "0.1")], [(-37, "0.4")]),
    ("西安秦川汽车零部件有限公司", "秦川汽配ERP实施服务合同", "秦川汽配ERP标准版实施", -16,
     [(-6, "0.5"), (60, "0.5")], [(-2, "0.5")]),
    ("杭州市云栖新区管理委员会信息中心", "政务网安全加固项目采购合同", "云栖新区政务网安全加固", -36,
     [(-12, "0.9"), (330, "0.1")], [(-7, "0.9")]),
    ("深圳市华晨电子有限公司", "二期工厂网络改造合同", "华晨电子二期工厂网络改造", -41,
     [(-34, "0.3"), (-3, "0.7")], [(-30, "0.3")]),
    ("苏州恒泰精密机械有限公司", "2026年度IT运维服务合同", "144000.00", "2026-01-06",
     [("2026-01-15", "0.25"), ("2026-04-15", "0.25"), ("2026-07-15", "0.25"),
      ("2026-10-15", "0.25")],
     [("2026-01-20", "0.25"), ("2026-04-21", "0.25"), ("2026-07-22", "0.25")]),
    ("宁波港联物流股份有限公司", "2025年度IT运维外包合同", "96000.00", "2025-01-06",
     [("2025-01-20", "0.5"), ("2025-07-20", "0.5")],
     [("2025-01-22", "0.5"), ("2025-07-24", "0.5")]),
    ("杭州明远科技有限公司", "CRM系统升级合同", "明远科技CRM系统升级", -61,
     [(-50, "0.5"), (-20, "0.5")], [(-48, "0.5"), (-19, "0.5")]),
    ("上海浦江证券投资咨询有限公司", "2025年机房设备维保合同", "60000.00", "2025-03-10",
     [("2025-03-31", "0.34"), ("2025-06-30", "0.33"), ("2025-09-30", "0.33")],
     [("2025-04-02", "0.34"), ("2025-07-03", "0.33"), ("2025-10-09", "0.33")]),
    ("天津滨海置业有限公司", "售楼处网络及安防工程合同", "滨海置业售楼处网络及安防", -82,
     [(-75, "0.5"), (-20, "0.4"), (280, "0.1")], [(-71, "0.5"), (-15, "0.15")]),
    ("上海瑞丰商业连锁有限公司", "门店网络维保合同（2025-2026）", "86400.00", "2025-06-03",
     [(f"{2025 + (5 + i) // 12}-{(5 + i) % 12 + 1:02d}-10", "1/12") for i in range(12)],
     [(f"{2025 + (5 + i) // 12}-{(5 + i) % 12 + 1:02d}-12", "1/12") for i in range(12)]),
]
# fmt: on


def make_contract(cust: dict, spec: tuple) -> dict:
    _, title, amount_or_opp, signed, plan, receipts = spec
    if amount_or_opp[0].isdigit():
        amount = Decimal(amount_or_opp)
    else:
        amount = Decimal(
            next(o["amount"] for o in cust["opportunities"] if o["title"] == amount_or_opp)
        )
    signed_on = weekday_back(to_date(signed))

    def part(share: str) -> Decimal:
        if "/" in share:
            a, b = share.split("/")
            return (amount * Decimal(a) / Decimal(b)).quantize(CENT)
        return (amount * Decimal(share)).quantize(CENT)

    dues = [part(s) for _, s in plan]
    dues[-1] = amount - sum(dues[:-1])  # the last instalment takes the rounding
    plan_out = [
        {
            "due_on": weekday_back(to_date(d)) if isinstance(d, int) else to_date(d),
            "amount": money(a),
        }
        for (d, _), a in zip(plan, dues, strict=True)
    ]
    paid = []
    for i, (d, share) in enumerate(receipts):
        amt = dues[i] if i < len(dues) and share == plan[i][1] else part(share)
        paid.append({"paid_on": weekday_back(to_date(d)), "amount": money(amt)})
    return {
        "title": title,
        "amount": money(amount),
        "signed_on": signed_on,
        "plan": plan_out,
        "receipts": paid,
    }
