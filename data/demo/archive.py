"""Archive: building customers and their contacts (company facts, contacts' titles,
birthdays and private notes), the near-duplicate records, the birthdays forced into the
care window, the finishing touches (customer since, credit rating, tags, notes), and
which contact a record is about.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .catalog import order_total
from .common import days, money, rel, rng
from .customers import DRIFTING, DUPLICATES, SPECIAL_COMPANY_PHONE
from .identities import (
    CITY_INFO,
    contact_email,
    credit_code,
    full_address,
    landline,
    mobile,
    person_name,
    reserve_phone,
    wechat_id,
)

# fmt: off
MAIL_DOMAINS_PERSONAL = ["yunmail.cn", "feiyumail.com", "lanmail.net", "qingmail.cn"]

BANKS = [
    "中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行", "交通银行",
    "浦发银行", "兴业银行", "中信银行", "民生银行",
]
PAYMENT_TERMS = [
    "月结30天", "月结60天", "预付30%，验收后付清", "合同签订后预付50%，上线后付50%",
    "货到验收后30天内付款", "银行承兑汇票（6个月）", "按季度结算", "款到发货",
]

TITLES = {  # kind of organisation: (decision makers, influencers, users)
    "company": (
        ["总经理", "董事长", "副总经理", "CIO", "财务总监"],
        ["IT主管", "信息部经理", "采购经理", "技术总监", "运营总监", "财务经理"],
        ["系统管理员", "行政主管", "仓储主管", "销售内勤", "财务专员", "网络工程师"],
    ),
    "hospital": (
        ["院长", "副院长", "总经理"],
        ["信息科科长", "设备科科长", "采购经理"],
        ["信息科工程师", "药剂科主任", "财务专员"],
    ),
    "school": (
        ["校长", "副校长"],
        ["信息中心主任", "总务处主任", "教务处主任"],
        ["网络管理员", "教务干事"],
    ),
    "gov": (
        ["主任", "副主任"],
        ["信息科科长", "综合科科长"],
        ["网络管理员", "科员"],
    ),
}
FAMILY = [
    "已婚，育有一子（初二）", "已婚，女儿在读大学", "已婚，二孩家庭，孩子还小", "未婚",
    "已婚，儿子今年高考", "已婚，爱人是中学老师", "已婚，女儿在国外留学", "离异，独自带女儿",
    "已婚，刚当上爸爸/妈妈", "已婚，父母同住，很孝顺", "未婚，有女朋友/男朋友，计划明年结婚",
]
HOBBIES = [
    "钓鱼、喝茶", "羽毛球", "跑步，跑过杭州马拉松", "摄影、自驾游", "围棋", "高尔夫",
    "篮球、看NBA", "书法", "登山、徒步", "品红酒", "养花、园艺", "游泳", "收藏紫砂壶",
    "看球，支持本地足球队", "烘焙", "瑜伽", "读历史类书籍", "骑行",
]
CONTACT_NOTES = [
    "对价格敏感，重视性价比", "技术出身，关注系统架构和数据安全", "喜欢喝龙井，拜访可带茶叶",
    "做事严谨，邮件沟通为主", "说话直接，决策快", "重视售后响应速度", "不喜欢电话打扰，优先微信",
    "老同事关系，信任度高", "新上任，正在熟悉业务", "每周一上午开例会，避开该时段",
    None, None, None,
]
PERSON_NOTES = {
    "李建国": "经营一家数码商行，老客户介绍，店里网络和监控都找我们",
    "周雅琴": "独立培训讲师，曾买过服务器搭建在线课堂，近一年没有联系",
    "黄志强": "开了两家粤菜馆，搜索官网后来电咨询收银和店内无线",
    "吴晓东": "个体诊所负责人，朋友介绍，预算有限，注重售后上门",
    "郑海燕": "个人站长，原计划自建服务器，后改用云主机",
}
CUSTOMER_NOTES = [
    "年度IT预算约{n}万元，每年三季度启动下一年度采购规划",
    "对实施服务响应速度要求高，合同约定4小时响应",
    "老板看重案例，拜访时多带同行业成功案例",
    "付款及时，信誉良好",
    "决策链较长，需经集团信息部审批",
    "曾使用竞品，因服务问题转投我司",
    "有自己的IT团队，偏好我司只做关键模块实施",
    "采购走招标流程，需提前准备资质文件",
    "分支机构较多，网络改造需求持续",
    "对账单要求细致，开票需提前确认抬头",
]
# fmt: on


def org_kind(industry: str, name: str) -> str:
    if industry == "政府机构":
        return "gov"
    if "学校" in name:
        return "school"
    if industry == "医疗" and ("医院" in name or "门诊" in name):
        return "hospital"
    return "company"


def make_contacts(cust: dict, n: int, domain: str) -> list[dict]:
    deciders, influencers, users = TITLES[org_kind(cust["industry"], cust["name"])]
    roles = ["decision_maker", "influencer", "user"][:n]
    out = []
    for role in roles:
        name, sur_py, given_py = person_name()
        pool = {"decision_maker": deciders, "influencer": influencers, "user": users}[role]
        born = rng.randint(1966, 1996)
        birthday = None
        if rng.random() < 0.88:
            while True:  # random days that stay clear of the care window after the anchor
                bd = date(born, 1, 1) + days(rng.randint(0, 364))
                md = (bd.month, bd.day)
                if not ((11, 22) <= md <= (12, 14)) and md != (2, 29):
                    birthday = bd
                    break
        lo, hi = {"gold": (3, 5), "silver": (2, 4), "regular": (1, 4)}[cust["level"]]
        if cust["status"] == "lost":
            lo, hi = 1, 2
        if cust["status"] == "lead":
            lo, hi = 1, 2
        out.append(
            {
                "name": name,
                "title": rng.choice(pool),
                "role": role,
                "phone": landline(cust["city"], style="dash") if rng.random() < 0.6 else None,
                "mobile": mobile(),
                "email": contact_email(sur_py, given_py, domain) if rng.random() < 0.85 else None,
                "wechat": wechat_id(sur_py, given_py, born) if rng.random() < 0.8 else None,
                "birthday": birthday,
                "family": rng.choice(FAMILY) if rng.random() < 0.75 else None,
                "hobbies": rng.choice(HOBBIES) if rng.random() < 0.85 else None,
                "relation_level": rng.randint(lo, hi),
                "notes": rng.choice(CONTACT_NOTES),
            }
        )
    return out


def make_customer(row: tuple) -> dict:
    name, kind, industry, city, level, status, source, profile, owner, domain, street = row
    cust: dict = {
        "name": name,
        "kind": kind,
        "industry": industry,
        "level": level,
        "status": status,
        "source": source,
        "owner": owner,
        "city": city,
        "address": full_address(city, street),
        "_profile": profile,
        "_domain": domain,
    }
    if kind == "person":
        cust.update(
            {
                "phone": mobile(),
                "fax": None,
                "email": f"{name_pinyin(name)}{rng.randint(60, 99)}@{rng.choice(MAIL_DOMAINS_PERSONAL)}",
                "website": None,
                "founded_on": None,
                "capital": None,
                "employees": None,
                "annual_revenue": None,
                "bank": None,
                "payment_terms": rng.choice(["款到发货", "现金/微信支付", "货到付款"]),
                "contacts": [],
                "extra": {},
            }
        )
        return cust
    big = {"gold": 3, "silver": 2, "regular": 1}[level]
    founded = date(
        rng.randint(1996 if big > 1 else 2003, 2021), rng.randint(1, 12), rng.randint(1, 28)
    )
    employees = {3: rng.randint(300, 3000), 2: rng.randint(80, 800), 1: rng.randint(12, 200)}[big]
    capital = rng.choice({3: [50, 100, 200, 500], 2: [10, 20, 50, 100], 1: [1, 2, 5, 10]}[big])
    revenue = employees * rng.randint(25, 90) // 10 * 100000
    if industry == "政府机构":
        founded, capital, revenue, employees = date(2017, 3, 15), None, None, rng.randint(30, 60)
    digits = SPECIAL_COMPANY_PHONE.get(name)
    if digits:
        reserve_phone(digits)
    cust.update(
        {
            "phone": landline(city, digits, "dash" if digits else None),
            "fax": landline(city, style="dash") if rng.random() < 0.35 else None,
            "email": f"{rng.choice(['info', 'contact', 'office', 'service', 'admin'])}@{domain}",
            "website": f"www.{domain}" if rng.random() < 0.85 else None,
            "founded_on": founded,
            "capital": money(capital * 1000000) if capital else None,
            "employees": employees,
            "annual_revenue": money(revenue) if revenue else None,
            "bank": bank_name(city, street),
            "payment_terms": rng.choice(PAYMENT_TERMS),
        }
    )
    if rng.random() < 0.08:  # a switchboard number with an extension
        cust["phone"] += f" 转{rng.randint(800, 899)}"
    n_contacts = {"gold": 3, "silver": rng.choice([2, 3]), "regular": rng.choice([1, 1, 2])}[level]
    if status == "lead":
        n_contacts = 1
    cust["contacts"] = make_contacts(cust, n_contacts, domain)
    rep = next((c["name"] for c in cust["contacts"] if c["title"] in ("总经理", "董事长")), None)
    extra = {"统一社会信用代码": credit_code(city, founded)}
    if industry != "政府机构":
        extra["法定代表人"] = rep or person_name()[0]
        extra["开票类型"] = rng.choice(["增值税专用发票", "增值税专用发票", "增值税普通发票"])
    cust["extra"] = extra
    return cust


NAME_PINYIN = {
    "李建国": "lijianguo",
    "周雅琴": "zhouyaqin",
    "黄志强": "huangzhiqiang",
    "吴晓东": "wuxiaodong",
    "郑海燕": "zhenghaiyan",
}


def name_pinyin(name: str) -> str:
    return NAME_PINYIN[name]


def bank_name(city: str, street: str) -> str:
    bank = rng.choice(BANKS)
    district = street.split("区")[0] if "区" in street[:6] else None
    if district and len(district) <= 4:
        return f"{bank}{city}{district}支行"
    return f"{bank}{city}分行营业部"


def pick_contact(cust: dict, role: str | None, avoid: dict | None = None) -> dict | None:
    contacts = [c for c in cust["contacts"] if c is not avoid] or cust["contacts"]
    if not contacts:
        return None
    if role:
        matching = [c for c in contacts if c["role"] == role]
        if matching:
            return matching[0]
    return rng.choice(contacts)


def link_duplicates(by_name: dict) -> None:
    """Make the near-duplicates: sparse lead records that share the original's phone
    (written differently) or e-mail (in different case) and one of its contacts."""
    sparse = {
        "fax": None,
        "website": None,
        "founded_on": None,
        "capital": None,
        "employees": None,
        "annual_revenue": None,
        "bank": None,
        "payment_terms": None,
        "extra": {},
    }
    unknown = {"birthday": None, "family": None, "hobbies": None, "relation_level": 1}
    dup = by_name["杭州明远科技"]
    orig = by_name["杭州明远科技有限公司"]
    dup.update(sparse, email=None, phone="(0571) 88216630")  # original: 0571-8821 6630
    dup["contacts"] = [dict(orig["contacts"][1], **unknown, notes="官网留言登记")]
    dup["notes_hint"] = "官网留言：咨询CRM移动端功能，未核对是否已是老客户"
    dup = by_name["厦门市海晟贸易有限公司"]
    orig = by_name["厦门海晟贸易有限公司"]
    orig["email"] = "Service@HaishengTrade.cn"
    dup.update(sparse, email="service@haishengtrade.cn")
    dup["contacts"] = [
        dict(
            orig["contacts"][0],
            **unknown,
            phone=None,
            email=None,
            wechat=None,
            notes="展会名片录入",
        )
    ]
    dup["notes_hint"] = "展会收集名片录入，联系人与老客户同名，待核实"


def force_birthdays(customers: list[dict]) -> None:
    """Eight contacts of live customers have birthdays in the 14 days after the anchor."""
    candidates = [
        c
        for cust in customers
        if cust["status"] in ("active", "prospect") and cust["name"] not in DUPLICATES
        for c in cust["contacts"]
    ]
    chosen = rng.sample(candidates, 8)
    offsets = [1, 2, 4, 6, 7, 9, 11, 13]
    for contact, off in zip(chosen, offsets, strict=True):
        day = rel(off)
        born = rng.randint(1968, 1994)
        contact["birthday"] = date(born, day.month, day.day)


def finish_customer(cust: dict) -> None:
    valid = [o for o in cust["orders"] if o["status"] != "cancelled"]
    total = sum((order_total(o) for o in valid), Decimal(0))
    profile = cust["_profile"]
    if cust["orders"]:
        first = cust["orders"][0]["ordered_on"]
        if profile in ("IV", "IR", "GV", "GR"):
            since = date(rng.randint(2016, 2023), rng.randint(1, 12), rng.randint(1, 28))
        else:
            since = first - days(rng.randint(5, 40))
        cust["customer_since"] = since
    else:
        cust["customer_since"] = None
    cust["points"] = int(total // 100)
    status, level = cust["status"], cust["level"]
    if status == "lost":
        credit = rng.choice(["fair", "poor"])
    elif status in ("lead",):
        credit = None
    elif level == "gold":
        credit = rng.choice(["excellent", "excellent", "good"])
    else:
        credit = rng.choice(["excellent", "good", "good", "fair"])
    cust["credit_rating"] = credit
    tags = []
    if level == "gold":
        tags.append("重点客户")
    region = CITY_INFO[cust["city"]][3]
    tags.append(region)
    prods = set(cust["_products"])
    if prods & {"P0001", "P0002", "P0004", "P0015"}:
        tags.append("ERP")
    if prods & {"P0003", "P0005"}:
        tags.append("CRM")
    if prods & {"P0007", "P0008", "P0009", "P0010", "P0011", "P0012", "P0013"}:
        tags.append("硬件")
    if "P0014" in prods:
        tags.append("运维合同")
    if cust["source"] == "referral":
        tags.append("转介绍")
    if cust["industry"] == "政府机构":
        tags.append("政府采购")
    if cust["name"] in DRIFTING:
        tags.append("需重点维护")
    if cust["kind"] == "person":
        tags.append("个人客户")
    if rng.random() < 0.15:
        tags.append("价格敏感")
    cust["tags"] = tags
    hint = cust.pop("notes_hint", None)
    if hint:
        cust["notes"] = hint
    elif cust["owner"] is None:
        cust["notes"] = "官网留言表单获取，待分配负责人"
    elif cust["kind"] == "person":
        cust["notes"] = PERSON_NOTES[cust["name"]]
    elif rng.random() < 0.75:
        cust["notes"] = rng.choice(CUSTOMER_NOTES).format(n=rng.choice([20, 30, 50, 80, 120]))
    else:
        cust["notes"] = None
