"""Selling: what we sell and against whom. Suppliers, products, competitors, the product
baskets that deals and orders are made of, and the pricing of order lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .common import CENT, money
from .identities import full_address, landline

# fmt: off
SUPPLIERS = [  # name, contact, city, category, domain, street, notes
    ("北京星云软件股份有限公司", "杜文博", "北京", "ERP软件厂商", "xingyun-soft.com",
     "海淀区上地信息路26号星云大厦", "我司为华东区金牌代理，年度返点按销售额阶梯计算"),
    ("上海数联软件科技有限公司", "沈佳怡", "上海", "CRM软件厂商", "shulian-crm.com",
     "徐汇区漕河泾开发区宜山路1388号", "CRM专业版按年订阅，渠道价七折"),
    ("浙江华锐计算机系统有限公司", "邵志远", "杭州", "服务器与存储分销", "huarui-sys.com.cn",
     "西湖区文三路478号华锐科技楼6楼", "服务器现货充足，一般3个工作日到货"),
    ("上海新联网络设备有限公司", "蒋海涛", "上海", "网络设备分销", "xinlian-net.com",
     "闵行区莘庄工业区春东路508号", "交换机、无线AP一级代理，支持先货后款（月结30天）"),
    ("南京安盾网络安全科技有限公司", "韦晓红", "南京", "网络安全设备", "andun-sec.com",
     "雨花台区软件大道109号", "防火墙原厂，提供免费上门部署"),
    ("深圳讯存数据科技有限公司", "钟俊杰", "深圳", "存储与备份", "xuncun-data.com",
     "南山区科技园北区朗山路13号", "存储阵列交期约2周，需提前备货"),
    ("苏州恒通机房工程有限公司", "华振宇", "苏州", "机房与UPS", "hengtong-dc.com",
     "吴中区越溪街道吴中大道1368号", "UPS及机房配套，可承接小型机房改造"),
    ("杭州博学企业管理培训有限公司", "应雅琴", "杭州", "培训服务", "boxue-training.cn",
     "拱墅区莫干山路1418号", "外包讲师资源，按人天结算"),
]

PRODUCTS = [  # code, name, category, unit, price, supplier (None: our own service)
    ("P0001", "星云ERP标准版", "软件许可", "套", "68000.00", "北京星云软件股份有限公司"),
    ("P0002", "星云ERP企业版", "软件许可", "套", "158000.00", "北京星云软件股份有限公司"),
    ("P0003", "云帆CRM专业版（20用户）", "软件订阅", "年", "24000.00", "上海数联软件科技有限公司"),
    ("P0004", "ERP实施服务", "实施服务", "人天", "2800.00", None),
    ("P0005", "CRM实施服务", "实施服务", "人天", "2500.00", None),
    ("P0006", "数据迁移与接口开发", "实施服务", "人天", "3200.00", None),
    ("P0007", "HR-2280双路机架服务器", "服务器", "台", "46800.00", "浙江华锐计算机系统有限公司"),
    ("P0008", "HT-1100单路塔式服务器", "服务器", "台", "15800.00", "浙江华锐计算机系统有限公司"),
    ("P0009", "XC-S5000企业级存储阵列", "存储", "台", "89000.00", "深圳讯存数据科技有限公司"),
    ("P0010", "XL-C4800千兆核心交换机", "网络设备", "台", "12800.00", "上海新联网络设备有限公司"),
    ("P0011", "XL-W600企业级无线AP", "网络设备", "台", "1280.00", "上海新联网络设备有限公司"),
    ("P0012", "AD-F3000下一代防火墙", "网络安全", "台", "26500.00", "南京安盾网络安全科技有限公司"),
    ("P0013", "HT-U10K模块化UPS电源", "机房设备", "台", "18900.00", "苏州恒通机房工程有限公司"),
    ("P0014", "IT年度运维服务", "运维服务", "年", "36000.00", None),
    ("P0015", "星云ERP年度维保", "软件维保", "年", "12000.00", "北京星云软件股份有限公司"),
    ("P0016", "ERP/CRM用户培训", "培训", "人天", "3500.00", "杭州博学企业管理培训有限公司"),
]

# What one unit costs us (report value's gross margin): resold software and hardware at the
# channel price, our own services at what a consultant's day costs.
PRODUCT_COST = {
    "P0001": "47600.00", "P0002": "110600.00", "P0003": "16800.00", "P0004": "1300.00",
    "P0005": "1200.00", "P0006": "1500.00", "P0007": "39800.00", "P0008": "13100.00",
    "P0009": "74500.00", "P0010": "10200.00", "P0011": "980.00", "P0012": "20500.00",
    "P0013": "15600.00", "P0014": "14500.00", "P0015": "7200.00", "P0016": "2000.00",
}

COMPETITORS = [
    {
        "name": "北京汇智云软件有限公司", "product": "汇智云ERP", "price": "98000.00",
        "features": "云原生SaaS ERP，按年订阅，标准化程度高",
        "strengths": "品牌知名度高，产品更新快，资本实力强",
        "weaknesses": "本地实施力量薄弱，二次开发费用高，响应慢",
        "strategy": "强调我司本地化驻场实施和4小时响应，用老客户案例说话",
    },
    {
        "name": "深圳速码科技有限公司", "product": "速码进销存", "price": "26800.00",
        "features": "面向小微企业的进销存与财务一体化软件",
        "strengths": "价格低，上手快，渠道多",
        "weaknesses": "难以支撑多组织、生产管理和个性化流程",
        "strategy": "针对成长型企业强调可扩展性和三年总拥有成本",
    },
    {
        "name": "广州朗拓信息系统有限公司", "product": "朗拓CRM", "price": "19800.00",
        "features": "销售管理与会员营销CRM，按用户数订阅",
        "strengths": "营销自动化功能丰富，界面美观",
        "weaknesses": "与ERP集成弱，数据需要人工导入导出",
        "strategy": "突出云帆CRM与星云ERP的一体化集成，免去重复录入",
    },
    {
        "name": "南京思邦科技股份有限公司", "product": "思邦智造MES+ERP", "price": "260000.00",
        "features": "面向离散制造业的MES与ERP整体方案",
        "strengths": "制造业案例多，车间管理深入",
        "weaknesses": "价格高，实施周期长（通常9个月以上）",
        "strategy": "分期上线、先财务供应链后生产，降低客户一次性投入",
    },
    {
        "name": "杭州捷讯网络工程有限公司", "product": "网络与服务器集成服务", "price": "45000.00",
        "features": "中小企业网络布线、设备集成和驻场运维",
        "strengths": "报价灵活，本地关系广",
        "weaknesses": "缺少软件能力，售后依赖个人，人员流动大",
        "strategy": "软硬件一体化方案加年度运维合同，锁定长期服务",
    },
]
COMP_SHORT = {  # how sales notes name the competitors
    "北京汇智云软件有限公司": "汇智云", "深圳速码科技有限公司": "速码",
    "广州朗拓信息系统有限公司": "朗拓", "南京思邦科技股份有限公司": "思邦",
    "杭州捷讯网络工程有限公司": "捷讯",
}
COMP = {  # short names used in the tables below
    "huizhi": "北京汇智云软件有限公司", "suma": "深圳速码科技有限公司",
    "langtuo": "广州朗拓信息系统有限公司", "sibang": "南京思邦科技股份有限公司",
    "jiexun": "杭州捷讯网络工程有限公司",
}

# Baskets of (product code, quantity): opportunity scopes and order contents.
BASKETS = {
    "erp_std": [("P0001", 1), ("P0004", 25), ("P0016", 2)],
    "erp_ent": [("P0002", 1), ("P0004", 60), ("P0006", 10), ("P0016", 4)],
    "erp_ent_srv": [("P0002", 1), ("P0004", 60), ("P0006", 10), ("P0007", 2)],
    "erp_crm": [("P0001", 1), ("P0004", 30), ("P0003", 2), ("P0005", 12)],
    "crm": [("P0003", 3), ("P0005", 15), ("P0016", 2)],
    "crm_small": [("P0003", 1), ("P0005", 4)],
    "server_room": [("P0007", 4), ("P0009", 1), ("P0013", 2)],
    "big_project": [("P0002", 1), ("P0004", 60), ("P0007", 4), ("P0009", 1), ("P0013", 2)],
    "network": [("P0010", 6), ("P0011", 40), ("P0012", 2)],
    "security": [("P0012", 4), ("P0010", 2)],
    "ops": [("P0014", 1), ("P0015", 1)],
    "wifi": [("P0011", 24), ("P0010", 1)],
    "servers2": [("P0007", 2)],
    "tower": [("P0008", 2)],
    "clinic": [("P0008", 1), ("P0011", 3), ("P0016", 1)],
}
# fmt: on


PRODUCT_PRICE = {p[0]: Decimal(p[4]) for p in PRODUCTS}
PRODUCT_NAME = {p[0]: p[1] for p in PRODUCTS}
PEOPLE_UNITS = {p[0] for p in PRODUCTS if p[3] == "人天"}
SOFT_PRODUCTS = {"P0001", "P0002", "P0003", "P0004", "P0005", "P0006", "P0015", "P0016"}


def basket_lines(key: str, discount: str = "0") -> list[dict]:
    return [line(code, Decimal(qty), discount=discount) for code, qty in BASKETS[key]]


def line(code: str, qty: Decimal, *, discount: str = "0", price: Decimal | None = None) -> dict:
    return {
        "product": code,
        "qty": str(qty.normalize()) if qty != qty.to_integral() else str(int(qty)),
        "unit_price": money(price if price is not None else PRODUCT_PRICE[code]),
        "discount": discount,
    }


def line_total(ln: dict) -> Decimal:
    gross = Decimal(ln["qty"]) * Decimal(ln["unit_price"])
    return (gross * (100 - Decimal(ln["discount"])) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def order_total(order: dict) -> Decimal:
    return sum((line_total(ln) for ln in order["lines"]), Decimal(0))


def supplier(s: tuple) -> dict:
    name, contact, city, category, domain, street, notes = s
    return {
        "name": name,
        "contact_name": contact,
        "phone": landline(city, style="dash"),
        "email": f"sales@{domain}",
        "address": full_address(city, street),
        "city": city,
        "category": category,
        "notes": notes,
    }
