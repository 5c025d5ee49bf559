"""Selling: the opportunity list (stage paths, competitors, lost reasons, close days) and
how each opportunity is built with its stage history and needs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .catalog import COMP, basket_lines, line_total
from .common import LAST_DAY, days, money, rel, rng, spaced_dates, weekday_back, work_time

# fmt: off
# Opportunities: customer, title, basket, stage path after creation (created at `lead`),
# urgency, competitor key, lost reason, probability override, expected close (days from
# the anchor; for won/lost it is the day the deal closed).
OPPORTUNITIES = [
    # won
    ("深圳市华晨电子有限公司", "华晨电子二期工厂网络改造", "network",
     ["qualified", "proposal", "negotiation", "won"], "high", "jiexun", None, None, -41),
    ("宁波港联物流股份有限公司", "港联物流仓储服务器扩容", "server_room",
     ["proposal", "negotiation", "won"], "medium", None, None, None, -26),
    ("杭州明远科技有限公司", "明远科技CRM系统升级", "crm",
     ["qualified", "proposal", "negotiation", "proposal", "negotiation", "won"],
     "medium", "langtuo", None, None, -61),
    ("南京汇金融资租赁有限公司", "汇金租赁核心业务ERP项目", "erp_ent_srv",
     ["qualified", "proposal", "negotiation", "won"], "high", "huizhi", None, None, -70),
    ("成都康宁医院管理有限公司", "康宁医院集团ERP及机房建设", "big_project",
     ["qualified", "proposal", "negotiation", "won"], "high", "sibang", None, None, -50),
    ("西安秦川汽车零部件有限公司", "秦川汽配ERP标准版实施", "erp_std",
     ["qualified", "negotiation", "won"], "medium", "suma", None, None, -16),
    ("天津滨海置业有限公司", "滨海置业售楼处网络及安防", "network",
     ["qualified", "proposal", "negotiation", "won"], "high", None, None, None, -82),
    ("杭州市云栖新区管理委员会信息中心", "云栖新区政务网安全加固", "security",
     ["qualified", "proposal", "negotiation", "won"], "high", "jiexun", None, None, -36),
    ("宁波甬兴模具有限公司", "甬兴模具年度运维服务", "ops",
     ["qualified", "won"], "low", None, None, None, -9),
    # lost
    ("苏州启航外国语学校", "启航学校校园网改造", "wifi",
     ["qualified", "proposal", "lost"], "medium", "jiexun", "选择了竞争对手", None, -85),
    ("苏州吴中纺织印染有限公司", "吴中纺织ERP选型", "erp_std",
     ["qualified", "proposal", "negotiation", "lost"], "medium", "suma", "价格过高", None, -33),
    ("广州南粤职业培训学校", "南粤培训CRM招生管理系统", "crm_small",
     ["qualified", "lost"], "low", None, "预算取消", None, -58),
    ("郑海燕", "个人网站服务器采购", "tower",
     ["qualified", "lost"], "low", None, "需求变化，改用云主机", None, -20),
    ("天津海河物流有限公司", "海河物流运输管理系统", "erp_std",
     ["qualified", "proposal", "lost"], "medium", "huizhi", "选择了竞争对手", None, -74),
    ("北京京西印刷有限公司", "京西印刷ERP升级", "erp_ent",
     ["qualified", "proposal", "qualified", "lost"], "low", None, "决策人变更，项目暂停", None, -47),
    ("上海瑞丰商业连锁有限公司", "瑞丰连锁门店CRM会员系统", "crm",
     ["qualified", "proposal", "negotiation", "lost"], "medium", "langtuo", "价格过高", None, -78),
    # negotiation
    ("深圳市华晨电子有限公司", "华晨电子MES对接与数据中台", "erp_ent",
     ["qualified", "proposal", "negotiation"], "high", "sibang", None, 80, 21),
    ("深圳市鹏城智造科技有限公司", "鹏城智造ERP企业版", "erp_ent",
     ["qualified", "proposal", "negotiation", "proposal", "negotiation"],
     "high", "sibang", None, None, 16),
    ("武汉康瑞医疗器械有限公司", "康瑞医疗GSP合规ERP", "erp_std",
     ["qualified", "negotiation"], "medium", None, None, None, 30),
    ("上海浦江证券投资咨询有限公司", "浦江证券灾备机房建设", "server_room",
     ["qualified", "proposal", "negotiation"], "high", "jiexun", None, None, -11),
    ("重庆渝信小额贷款有限公司", "渝信小贷客户管理系统", "crm",
     ["qualified", "proposal", "negotiation"], "medium", "langtuo", None, None, 45),
    ("厦门鹭岛新能源科技有限公司", "鹭岛新能源ERP+CRM一体化", "erp_crm",
     ["qualified", "proposal", "negotiation"], "high", "huizhi", None, 70, 62),
    # proposal
    ("宁波港联物流股份有限公司", "港联物流运输车队CRM", "crm",
     ["qualified", "proposal"], "medium", None, None, None, 40),
    ("北京博远教育科技有限公司", "博远教育校区无线覆盖", "wifi",
     ["proposal"], "medium", None, None, None, 25),
    ("西安古都旅游服务有限公司", "古都旅游CRM会员系统", "crm_small",
     ["qualified", "proposal"], "low", "langtuo", None, None, 75),
    ("北京华夏安和养老服务有限公司", "安和养老机构信息化一期", "erp_std",
     ["qualified", "proposal", "qualified", "proposal"], "medium", None, None, 40, 90),
    ("西安长安精工机械有限公司", "长安精工服务器及存储", "server_room",
     ["qualified", "proposal"], "medium", None, None, None, 50),
    ("苏州金鸡湖会展服务有限公司", "金鸡湖会展场馆网络", "network",
     ["proposal"], "high", "jiexun", None, None, 20),
    ("济南泉城建设工程有限公司", "泉城建设项目管理ERP", "erp_std",
     ["qualified", "proposal"], "low", "suma", None, None, 120),
    ("吴晓东", "晓东诊所网络与电脑更新", "clinic",
     ["qualified", "proposal"], "low", None, None, None, 30),
    # qualified
    ("广州悦膳餐饮管理有限公司", "悦膳餐饮门店管理ERP", "erp_std",
     ["qualified"], "medium", "suma", None, None, 100),
    ("北京中科汇能电力技术有限公司", "汇能电力运维服务续签扩容", "ops",
     ["qualified"], "low", None, None, None, 35),
    ("杭州钱塘新能源汽车服务有限公司", "钱塘新能源客户服务平台", "crm",
     ["qualified"], "medium", "langtuo", None, None, 80),
    ("南京明德实验学校", "明德学校智慧校园网络", "network",
     ["qualified"], "medium", None, None, None, 150),
    ("深圳市前海云链科技有限公司", "云链科技研发服务器扩容", "servers2",
     ["qualified"], "high", None, None, None, 14),
    ("广州骏达国际货运代理有限公司", "骏达货代CRM客户管理", "crm_small",
     ["qualified", "proposal", "qualified"], "medium", None, None, None, 60),
    # lead
    ("成都蜀韵文化传媒有限公司", "蜀韵传媒办公网络升级", "wifi", [], "low", None, None, None, 120),
    ("重庆两江数字科技有限公司", "两江数字研发测试服务器", "servers2", [], "low", None, None, None, 150),
    ("南京紫峰物业管理有限公司", "紫峰物业收费管理系统", "crm_small", [], "medium", None, None, None, 170),
    ("长沙星城汽车销售服务有限公司", "星城汽车4S店CRM", "crm", [], "medium", None, None, None, 90),
    ("广州穗丰房地产经纪有限公司", "穗丰地产经纪业务系统", "crm_small", [], "low", None, None, None, 100),
]
# fmt: on


def make_opportunity(cust: dict, spec: tuple, created_on: date | None) -> dict:
    _, title, basket, path, urgency, comp, reason, prob, close = spec
    final = path[-1] if path else "lead"
    lines = basket_lines(basket, discount="5" if final == "won" else "0")
    total = sum((line_total(ln) for ln in lines), Decimal(0))
    amount = total if final == "won" else (total / 1000).quantize(Decimal(1)) * 1000
    if final in ("won", "lost"):
        closed = weekday_back(rel(close))
        created = weekday_back(closed - days(rng.randint(max(35, 14 * len(path)), 130)))
        moves = spaced_dates(created, closed, len(path), last_at_end=True)
        expected = closed + days(rng.randint(-12, 12))
        expected = max(expected, rel(-90))
    else:
        if created_on is None:
            span = rng.randint(10 + 12 * len(path), 30 + 22 * len(path))
            created_on = weekday_back(rel(-span))
        created = created_on
        moves = spaced_dates(created, LAST_DAY, len(path), last_at_end=False)
        expected = rel(close)
    created_at = work_time(created)
    history = []
    for stage, d in zip(path, moves, strict=True):
        history.append({"to": stage, "at": work_time(d)})
    opp = {
        "title": title,
        "product": lines[0]["product"],
        "amount": money(amount),
        "stage": final,
        "probability": prob,
        "urgency": urgency,
        "needs": needs_text(basket, cust),
        "expected_close": expected,
        "created_at": created_at,
        "competitor": COMP[comp] if comp else None,
        "lost_reason": reason,
        "owner": cust["owner"],
        "history": history,
        "_basket": basket,
        "_lines": lines,
    }
    return opp


NEEDS = {
    "erp": "多组织财务业务一体化，库存实时可查，月结时间从5天缩短到2天",
    "crm": "统一管理客户和商机，销售过程可追踪，移动端审批",
    "net": "办公区无线全覆盖，核心交换冗余，访客网络隔离",
    "srv": "服务器虚拟化整合，数据集中存储并每日备份",
    "sec": "满足等保2.0要求，边界防护与上网行为审计",
    "ops": "7×24小时运维响应，季度巡检，年度系统健康报告",
}


def needs_text(basket: str, cust: dict) -> str:
    key = (
        "erp"
        if "erp" in basket
        else "crm"
        if "crm" in basket
        else "net"
        if basket in ("network", "wifi", "clinic")
        else "sec"
        if basket == "security"
        else "ops"
        if basket == "ops"
        else "srv"
    )
    extra = {
        "制造业": "，需要与车间MES对接",
        "医疗": "，符合医疗行业数据合规要求",
        "零售": "，支持多门店",
        "物流": "，支持运单和车辆管理",
        "金融": "，数据不出本地机房",
    }.get(cust["industry"], "")
    return NEEDS[key] + extra
