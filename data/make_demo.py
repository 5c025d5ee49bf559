#!/usr/bin/env python3
"""Generate ``demo.json``: the book of a fictional IT company for ``crm init --demo``.

杭州云帆信息技术有限公司 resells ERP/CRM software, implements it, and sells servers,
network gear, maintenance contracts and training. Everything here is fictional.

Run ``python data/make_demo.py``; it writes ``demo.json`` next to itself. The output is
deterministic (``random.Random(2026)``, standard library only). Every date is absolute and
lies around ANCHOR; the loader shifts them all by (today - ANCHOR).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

rng = random.Random(2026)

ANCHOR = date(2026, 11, 26)  # a Thursday
HISTORY_START = date(2024, 12, 2)
LAST_DAY = ANCHOR - timedelta(days=1)  # past events end the day before the anchor
CENT = Decimal("0.01")

# fmt: off
# --------------------------------------------------------------------------------------
# Vocabulary (SPEC §3 enum keys)
# --------------------------------------------------------------------------------------

KINDS = ("company", "person")
LEVELS = ("gold", "silver", "regular")
STATUSES = ("lead", "prospect", "active", "dormant", "lost")
SOURCES = (
    "search_engine", "database", "website", "exhibition", "referral", "competitor",
    "enterprise", "survey", "conference", "agency", "other",
)
CREDITS = ("excellent", "good", "fair", "poor")
ROLES = ("decision_maker", "influencer", "user", "other")
CHANNELS = ("phone", "visit", "email", "wechat", "meeting", "exhibition", "other")
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:4]
URGENCIES = ("low", "medium", "high")
ORDER_STATUSES = ("confirmed", "delivered", "paid", "cancelled")
TICKET_KINDS = ("inquiry", "complaint", "repair", "return", "suggestion")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("open", "in_progress", "resolved", "closed")
FOLLOWUP_KINDS = ("call", "visit", "email", "care")
FOLLOWUP_STATUSES = ("pending", "done", "cancelled")
USER_ROLES = ("admin", "manager", "sales", "service")
MEMORY_OFFSETS = (0, 3, 7, 15, 30, 60, 90, 180)  # the course's memory-curve cadence

HOLIDAY_SPANS = [  # public holidays (approximate): nobody calls customers then
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
    ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
]

# --------------------------------------------------------------------------------------
# Pools: people, places, phrases
# --------------------------------------------------------------------------------------

SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("韩", "han"),
    ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"),
    ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"), ("潘", "pan"),
    ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("吕", "lv"), ("丁", "ding"),
    ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("钟", "zhong"), ("崔", "cui"),
    ("谭", "tan"), ("范", "fan"), ("金", "jin"), ("方", "fang"), ("石", "shi"),
    ("贾", "jia"), ("邹", "zou"), ("熊", "xiong"), ("孟", "meng"),
]
GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
    ("涛", "tao"), ("斌", "bin"), ("超", "chao"), ("明", "ming"), ("刚", "gang"),
    ("辉", "hui"), ("鹏", "peng"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"),
    ("宇", "yu"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("建国", "jianguo"),
    ("志强", "zhiqiang"), ("海涛", "haitao"), ("建华", "jianhua"), ("晓东", "xiaodong"),
    ("文博", "wenbo"), ("子豪", "zihao"), ("国栋", "guodong"), ("振宇", "zhenyu"),
    ("立新", "lixin"), ("永明", "yongming"), ("德胜", "desheng"), ("宏伟", "hongwei"),
    ("家豪", "jiahao"), ("俊杰", "junjie"), ("浩然", "haoran"), ("志远", "zhiyuan"),
]
GIVEN_FEMALE = [
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("颖", "ying"), ("倩", "qian"), ("洁", "jie"), ("慧", "hui"), ("晓燕", "xiaoyan"),
    ("丽华", "lihua"), ("雅琴", "yaqin"), ("佳怡", "jiayi"), ("梦瑶", "mengyao"),
    ("思琪", "siqi"), ("海燕", "haiyan"), ("秀英", "xiuying"), ("婉婷", "wanting"),
    ("欣怡", "xinyi"), ("春梅", "chunmei"), ("文静", "wenjing"), ("晓红", "xiaohong"),
]

CITY_INFO = {  # city: (province prefix, area code, region code for the credit code, region)
    "北京": ("北京市", "010", "110108", "华北区"),
    "上海": ("上海市", "021", "310112", "华东区"),
    "天津": ("天津市", "022", "120116", "华北区"),
    "重庆": ("重庆市", "023", "500103", "西南区"),
    "广州": ("广东省广州市", "020", "440106", "华南区"),
    "深圳": ("广东省深圳市", "0755", "440306", "华南区"),
    "杭州": ("浙江省杭州市", "0571", "330108", "华东区"),
    "宁波": ("浙江省宁波市", "0574", "330206", "华东区"),
    "南京": ("江苏省南京市", "025", "320105", "华东区"),
    "苏州": ("江苏省苏州市", "0512", "320594", "华东区"),
    "成都": ("四川省成都市", "028", "510107", "西南区"),
    "武汉": ("湖北省武汉市", "027", "420111", "华中区"),
    "西安": ("陕西省西安市", "029", "610113", "西北区"),
    "长沙": ("湖南省长沙市", "0731", "430104", "华中区"),
    "厦门": ("福建省厦门市", "0592", "350203", "华南区"),
    "青岛": ("山东省青岛市", "0532", "370211", "华北区"),
    "济南": ("山东省济南市", "0531", "370102", "华北区"),
    "合肥": ("安徽省合肥市", "0551", "340104", "华东区"),
    "郑州": ("河南省郑州市", "0371", "410105", "华中区"),
}

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "158", "159", "166", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "199",
]
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
EXPOS = [  # name (the year is prefixed when used), venue, regions that send visitors
    ("中国（杭州）数字经济博览会", "杭州国际博览中心", ("华东区",)),
    ("长三角企业数字化转型峰会", "上海世博中心", ("华东区", "华北区")),
    ("华南智能制造与工业互联网展", "深圳国际会展中心", ("华南区",)),
    ("西部数字经济合作论坛", "成都世纪城新国际会展中心", ("西南区", "西北区")),
    ("华中企业信息化应用大会", "武汉国际博览中心", ("华中区", "华北区")),
]
OLD_SYSTEMS = [
    "Excel手工台账", "十年前外包开发的进销存系统", "单机版财务软件", "自建Access数据库",
    "免费的在线表格工具",
]
DEPTS = {  # industry: the departments a requirements survey looks at
    "制造业": ["生产、仓储", "采购、质检", "计划、车间"], "物流": ["运输调度", "仓储、结算"],
    "零售": ["门店、会员", "采购、库存"], "教育": ["招生、教务", "财务、后勤"],
    "医疗": ["药房、库存", "采购、财务"], "餐饮": ["门店、后厨采购", "会员、收银"],
    "金融": ["业务审批、合同管理", "风控、财务"], "房地产": ["案场、客服", "工程、成本"],
    "能源": ["设备、运维", "采购、财务"], "互联网": ["销售、客服", "项目、财务"],
    "贸易": ["采购、销售", "报关、财务"], "政府机构": ["业务办理、档案"],
    "服务业": ["客服、排班", "财务、销售"], "建筑业": ["项目、成本", "材料、采购"],
}
OUR_SHOWROOM = "我司展厅（杭州滨江）"
ONLINE = "线上视频会议"

# Interaction templates: (channel, summary, result, next step, tags). Placeholders: {c}
# the contact as addressed (李经理, 王总), {dm} the decision maker, {prod} a product,
# {comp} a competitor, {n} a small number, {users} users, {amt} an amount, {disc} a
# percentage, {expo} an exhibition, {old} the old system, {dept} departments, {feature}.
# Tags narrow where a template fits: soft / hw (the product is software and services, or
# hardware), org (not for a person), org2 (needs two contacts), person (persons only).
PHASES = {
    "first": [
        ("phone", "首次电话联系{c}，介绍我司{prod}及同行业案例",
         "对方表示正在评估信息化升级，愿意进一步了解", "发送公司介绍及案例资料", ""),
        ("email", "发送公司介绍、{prod}产品资料及同行业案例",
         "对方回复已收到，会转给相关部门看", "三天后电话确认需求", "org"),
        ("wechat", "添加{c}微信，推送{prod}介绍视频",
         "对方回复会抽时间看，下周可以约见", "约时间上门拜访", ""),
        ("phone", "电话沟通需求，了解到对方目前用{old}，已经用了{n}年",
         "现有系统报表弱、各部门数据不通，有更换意向", "准备需求调研提纲", "soft org"),
        ("phone", "电话了解网络和机房现状，对方的设备已经用了{n}年",
         "高峰期网络经常卡顿，服务器明年过保", "约时间上门勘察", "hw"),
        ("visit", "初次上门拜访{c}，参观办公区和机房",
         "了解到对方今年有信息化预算，负责人是{dm}", "整理拜访纪要，约{dm}见面", "org2"),
        ("visit", "上门拜访{c}，查看现场的网络和电脑情况",
         "设备比较老旧，有更新打算", "出一份配置清单", "person"),
    ],
    "expo": [
        ("exhibition", "在{expo}展位接待{c}，交换名片并简单演示{prod}",
         "对方对{feature}比较感兴趣", "展会后一周内电话回访", ""),
    ],
    "expand": [
        ("phone", "{c}来电咨询{prod}，提出新需求",
         "初步了解需求范围，客户希望年底前完成", "安排售前顾问对接", ""),
        ("visit", "季度拜访时{c}提到{prod}方面的新计划",
         "客户有明确预算，正在内部立项", "准备初步方案", ""),
        ("wechat", "{c}微信发来新项目需求（{prod}）",
         "约好下周上门详细沟通", "准备需求沟通提纲", ""),
    ],
    "qualified": [
        ("visit", "上门拜访{c}，调研{dept}业务流程及现有系统痛点",
         "梳理出{n}个主要需求点，客户希望明年一季度上线", "整理需求调研报告", "soft org"),
        ("meeting", "与客户各部门召开需求沟通会，确认用户数约{users}人",
         "预算在审批中，最终决策人为{dm}", "准备初步方案", "soft org2"),
        ("phone", "电话沟通需求细节：多组织架构、业务财务一体化",
         "客户要求能与现有OA系统对接", "技术部评估接口方案", "soft org"),
        ("visit", "工程师陪同上门勘察机房和弱电间，确认点位和布线情况",
         "现场条件基本具备，需要新增一个机柜", "出具勘察报告和初步配置", "hw org"),
        ("phone", "与{c}确认现有服务器负载、存储容量和增长预期",
         "数据每年增长约{n}0%，现有设备明年过保", "准备设备选型方案", "hw org"),
        ("wechat", "微信与{c}确认需求沟通会的时间和参会人员",
         "定于下周二下午，{dm}会参加", "准备沟通材料", "org2"),
        ("phone", "电话与{c}沟通预算和时间安排",
         "预算基本落实，希望两个月内完成", "准备初步方案", ""),
    ],
    "proposal": [
        ("visit", "上门演示{prod}，重点演示{dept}相关功能",
         "客户反馈界面友好，关注数据迁移风险", "补充数据迁移方案", "soft"),
        ("meeting", "在我司展厅为客户做{prod}现场演示，{c}带{n}名骨干参加",
         "演示效果良好，客户要求出正式方案", "一周内提交方案书", "soft org"),
        ("email", "发送报价单及实施方案（{prod}，合计约{amt}元）",
         "客户确认收到，内部评审中", "三天后电话跟进评审结果", "soft"),
        ("email", "发送设备选型方案及报价（{prod}，合计约{amt}元）",
         "客户确认收到，正在比价", "三天后电话跟进", "hw"),
        ("visit", "安排样机到客户现场测试（{prod}）",
         "测试结果满足要求，客户比较满意", "根据测试结果调整配置", "hw"),
        ("phone", "电话跟进方案评审情况",
         "客户认为实施周期偏长，希望压缩到{n}个月", "与实施部协商调整计划", "soft"),
        ("phone", "电话跟进方案评审情况",
         "客户希望配置再优化一下，控制总价", "调整配置后重新报价", "hw"),
        ("visit", "陪同技术顾问上门做方案答疑",
         "解答了权限管理和数据安全方面的疑问", "根据意见修改方案", "soft org"),
        ("visit", "陪同厂商工程师上门讲解方案",
         "解答了冗余和扩容方面的疑问", "根据意见修改方案", "hw org"),
    ],
    "negotiation": [
        ("meeting", "与{dm}进行商务谈判，讨论价格和付款方式",
         "客户要求再优惠{disc}%，付款方式同意分期", "申请特价审批", ""),
        ("phone", "电话沟通合同条款，客户法务对验收标准提出修改意见",
         "双方就验收条款达成一致", "修改合同文本后发送", "org"),
        ("email", "发送修订后的合同草案及特价审批结果",
         "客户已提交内部用印流程", "跟进盖章进度", "org"),
        ("visit", "拜访{dm}，进一步说明售后服务承诺和本地化团队",
         "{dm}认可我司本地服务能力", "准备签约材料", ""),
        ("wechat", "微信与{c}了解竞品{comp}的报价情况",
         "竞品报价低约{disc}%，但客户更看重实施和服务经验", "突出成功案例和服务团队", ""),
    ],
    "won": [
        ("visit", "上门签订{prod}合同",
         "合同已签，首付款按约定{n}个工作日内支付", "安排项目启动会", "soft"),
        ("meeting", "召开项目启动会，明确双方项目组成员和里程碑",
         "客户指定{c}为项目负责人", "下周开始实施", "soft org"),
        ("visit", "上门签订{prod}采购合同",
         "合同已签，约定{n}周内到货安装", "向供应商下单备货", "hw"),
        ("phone", "电话确认签约结果",
         "客户确认采用我司方案，合同走用印流程", "准备交付计划", ""),
    ],
    "lost": [
        ("phone", "电话跟进项目进展，得知结果：{reason}",
         "本项目输单，客户表示以后有机会再合作", "记录输单原因", ""),
        ("visit", "拜访{c}了解输单原因",
         "客户坦言主要是{reason}", "保持联系，关注二期机会", ""),
    ],
    "delivery": [
        ("visit", "实施顾问驻场，完成基础数据导入和权限配置",
         "进度符合计划", "下周进行用户培训", "soft org"),
        ("meeting", "组织关键用户培训（{n}人参加）",
         "培训反馈良好，个别用户还需要练习", "提供操作手册和视频", "soft org"),
        ("email", "发送项目周报及上线检查清单",
         "客户确认上线时间", "上线当天安排现场保障", "soft org"),
        ("phone", "电话确认{prod}到货和上架时间",
         "设备已签收，具备安装条件", "安排工程师上门安装", "hw"),
        ("visit", "工程师上门完成{prod}安装调试",
         "设备运行正常，客户签署到货验收单", "一周后回访运行情况", "hw"),
        ("phone", "电话回访{prod}交付情况",
         "客户反馈使用正常", None, ""),
    ],
    "quote": [
        ("email", "发送报价单（{prod}）",
         "客户确认价格，准备下单", "跟进采购流程", ""),
        ("phone", "电话确认{prod}的采购数量和交期",
         "数量确认，客户走内部采购审批", "审批通过后安排发货", ""),
        ("wechat", "微信发送{prod}的配置和报价",
         "{c}回复没问题，马上下单", "等待采购订单", ""),
    ],
    "service": [
        ("phone", "例行回访，了解{prod}使用情况",
         "整体满意，提出报表导出格式的优化建议", "反馈给产品部", "soft"),
        ("phone", "例行回访，了解{prod}运行情况",
         "设备运行稳定，没有故障", None, "hw"),
        ("visit", "季度回访，与{c}交流使用情况及明年信息化规划",
         "客户计划明年扩容约{n}个用户", "跟进扩容需求", "org"),
        ("wechat", "微信问候{c}，分享一篇行业数字化案例文章",
         "对方回复感谢，顺便聊了聊近况", None, ""),
        ("email", "发送运维服务季度报告",
         "客户已确认，无异议", None, "org"),
        ("phone", "提醒{c}年度维保即将到期，沟通续费事宜",
         "客户同意续费，走采购流程", "发送续费报价", ""),
        ("visit", "带伴手礼拜访{c}，感谢一直以来的支持",
         "关系良好，客户推荐了一家同行企业", "联系被推荐的企业", ""),
        ("meeting", "邀请{c}参加我司年度用户大会",
         "{c}确认参会", None, ""),
        ("phone", "电话了解客户新办公区的网络建设需求",
         "客户计划新增{n}台交换机和无线覆盖", "安排售前工程师勘察", "org"),
        ("wechat", "微信发送{prod}新版本功能介绍",
         "客户对移动审批功能感兴趣", "安排一次线上演示", "soft"),
        ("phone", "远程协助处理打印模板问题",
         "问题已解决，客户满意", None, "soft"),
        ("visit", "上门巡检机房设备及网络",
         "设备运行正常，建议更换一组老化电池", "提交巡检报告", "hw org"),
        ("email", "发送系统升级通知及升级窗口安排",
         "客户确认周六晚升级", "升级后电话回访", "soft org"),
        ("phone", "回访{c}，了解设备使用情况",
         "使用正常，{c}说有需要再联系", None, "person"),
    ],
    "cold": [
        ("phone", "例行电话回访，了解系统使用情况",
         "客户表示系统运行稳定，暂无新采购计划", "三个月后再联系", ""),
        ("email", "发送新产品推介及年末优惠活动信息",
         "暂未收到回复", "电话确认是否收到", ""),
        ("phone", "电话联系{c}，对方称原负责人已调岗",
         "需要重新找对接人", "通过前台了解新的IT负责人", "org"),
        ("wechat", "微信问候{c}，询问近期有无新需求",
         "对方回复最近业务收缩，暂时不考虑", "半年后再联系", ""),
    ],
    "ticket": [
        ("visit", "服务工程师上门处理工单：{subject}",
         "现场处理完毕，客户签字确认", "一周后回访处理效果", ""),
        ("phone", "就工单“{subject}”电话回访客户",
         "客户对处理结果表示认可", None, ""),
    ],
    "memory": [
        ("phone", "记忆曲线第{step}次跟踪：电话沟通{prod}需求进展",
         "客户仍在内部讨论，态度积极", "按计划继续跟踪", ""),
        ("wechat", "记忆曲线第{step}次跟踪：微信发送同行业案例",
         "{c}回复会转给{dm}", "按计划继续跟踪", "org2"),
        ("wechat", "记忆曲线第{step}次跟踪：微信发送{prod}客户案例",
         "{c}回复已看，有问题会再联系", "按计划继续跟踪", ""),
        ("email", "记忆曲线第{step}次跟踪：发送{prod}方案补充材料",
         "客户已阅读并提出两个问题", "准备答复", ""),
    ],
}

FOLLOWUP_NOTES = {  # the next step of an open deal, by stage: (kind, note)
    "lead": ("call", "电话确认需求和预算"),
    "qualified": ("email", "提交初步方案，约演示时间"),
    "proposal": ("call", "跟进报价评审结果"),
    "negotiation": ("visit", "确认合同条款及签约时间"),
}
GENERIC_FOLLOWUPS = [
    ("call", "电话回访系统使用情况"), ("call", "确认年度维保续费意向"),
    ("email", "发送新版产品资料"), ("visit", "上门拜访，了解明年信息化预算"),
    ("call", "确认回款时间"), ("email", "发送年度服务报告"),
    ("visit", "邀请参加客户答谢会并面呈邀请函"), ("call", "了解二期项目需求"),
    ("call", "确认设备巡检时间"), ("visit", "季度回访"),
]

# --------------------------------------------------------------------------------------
# The company, its staff, suppliers, products and competitors
# --------------------------------------------------------------------------------------

COMPANY = {"name": "杭州云帆信息技术有限公司", "name_en": "Hangzhou Yunfan Information Technology Co., Ltd."}

USERS = [
    {"username": "wangfang", "name": "王芳", "role": "admin"},
    {"username": "zhaolei", "name": "赵磊", "role": "manager"},
    {"username": "liuyang", "name": "刘洋", "role": "sales"},
    {"username": "chenjing", "name": "陈静", "role": "sales"},
    {"username": "sunhao", "name": "孙浩", "role": "service"},
]
SERVICE_USER = "sunhao"
MANAGER = "zhaolei"

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
# Order baskets with quantity ranges.
BIG_ORDERS = [
    [("P0007", (2, 4))],
    [("P0009", (1, 1)), ("P0007", (1, 2))],
    [("P0012", (1, 2)), ("P0010", (2, 6))],
    [("P0001", (1, 1)), ("P0004", (15, 30))],
    [("P0003", (1, 3)), ("P0005", (8, 20))],
    [("P0014", (1, 1)), ("P0015", (1, 1))],
    [("P0013", (1, 2)), ("P0007", (1, 2))],
    [("P0004", (10, 30))],
]
SMALL_ORDERS = [
    [("P0011", (4, 16))],
    [("P0016", (1, 3))],
    [("P0015", (1, 1))],
    [("P0008", (1, 1))],
    [("P0010", (1, 2))],
    [("P0003", (1, 1))],
    [("P0011", (2, 6)), ("P0016", (1, 1))],
    [("P0006", (2, 5))],
]
PERSON_ORDERS = [
    [("P0011", (2, 6))],
    [("P0008", (1, 1))],
    [("P0016", (1, 2))],
    [("P0010", (1, 1))],
]
HEAVY_ORDERS = ["erp_ent", "server_room", "erp_ent_srv"]

# --------------------------------------------------------------------------------------
# The customers
# --------------------------------------------------------------------------------------
# RFM profiles shape the orders so that `report segment --by rfm` yields all eight classes:
# IV important value, ID important development, IR important retention, IRC important
# recovery, GV/GD/GR/GRC the general ones; None: no orders.
# (name, kind, industry, city, level, status, source, profile, owner, domain, street)
CUSTOMERS = [
    # gold
    ("深圳市华晨电子有限公司", "company", "制造业", "深圳", "gold", "active", "exhibition",
     "IV", "zhaolei", "huachen-elec.com.cn", "宝安区福海街道凤凰工业区A3栋"),
    ("宁波港联物流股份有限公司", "company", "物流", "宁波", "gold", "active", "referral",
     "IV", "liuyang", "nbganglian.com", "北仑区明州路168号港联大厦"),
    ("杭州明远科技有限公司", "company", "互联网", "杭州", "gold", "active", "search_engine",
     "IV", "liuyang", "mingyuan-tech.cn", "滨江区江南大道3880号华荣时代大厦12楼"),
    ("苏州恒泰精密机械有限公司", "company", "制造业", "苏州", "gold", "active", "conference",
     "IR", "zhaolei", "hengtai-jm.com", "工业园区星湖街218号B2栋"),
    ("上海瑞丰商业连锁有限公司", "company", "零售", "上海", "gold", "active", "database",
     "IR", "liuyang", "ruifeng-chain.com", "闵行区虹梅南路1755号"),
    ("南京汇金融资租赁有限公司", "company", "金融", "南京", "gold", "active", "agency",
     "ID", "zhaolei", "huijin-leasing.com.cn", "建邺区江东中路288号汇金中心18层"),
    ("成都康宁医院管理有限公司", "company", "医疗", "成都", "gold", "active", "referral",
     "ID", "chenjing", "kangning-med.cn", "武侯区天府大道北段1268号"),
    ("武汉江汉新能源科技有限公司", "company", "能源", "武汉", "gold", "dormant", "enterprise",
     "IRC", "chenjing", "jianghan-ne.com", "东湖新技术开发区光谷大道77号"),
    # silver
    ("广州悦膳餐饮管理有限公司", "company", "餐饮", "广州", "silver", "active", "website",
     "GV", "chenjing", "yueshan-food.com", "天河区体育西路191号"),
    ("北京博远教育科技有限公司", "company", "教育", "北京", "silver", "active", "search_engine",
     "GV", "chenjing", "boyuan-edu.com", "海淀区中关村东路66号"),
    ("青岛海润冷链物流有限公司", "company", "物流", "青岛", "silver", "dormant", "exhibition",
     "IRC", "chenjing", "hairun-coldchain.com", "黄岛区前湾港路588号"),
    ("西安秦川汽车零部件有限公司", "company", "制造业", "西安", "silver", "active", "conference",
     "IV", "chenjing", "qinchuan-auto.com.cn", "高陵区泾渭工业园泾园七路18号"),
    ("天津滨海置业有限公司", "company", "房地产", "天津", "silver", "active", "agency",
     "ID", "zhaolei", "binhai-zhiye.com", "滨海新区第二大街56号"),
    ("重庆山城味道餐饮连锁有限公司", "company", "餐饮", "重庆", "silver", "active", "referral",
     "GV", "chenjing", "shancheng-weidao.com", "渝中区民族路166号"),
    ("长沙湘江医药连锁有限公司", "company", "医疗", "长沙", "silver", "dormant", "database",
     "GR", "chenjing", "xiangjiang-yy.com", "岳麓区枫林三路1099号"),
    ("厦门海晟贸易有限公司", "company", "贸易", "厦门", "silver", "active", "exhibition",
     "GR", "liuyang", "haishengtrade.cn", "思明区湖滨南路388号"),
    ("南京紫峰物业管理有限公司", "company", "房地产", "南京", "silver", "active", "survey",
     "GV", "liuyang", "zifeng-wy.com", "鼓楼区中山北路105号"),
    ("上海浦江证券投资咨询有限公司", "company", "金融", "上海", "silver", "active", "conference",
     "IR", "zhaolei", "pujiang-sec.com.cn", "浦东新区世纪大道1200号"),
    ("深圳市前海云链科技有限公司", "company", "互联网", "深圳", "silver", "active", "competitor",
     "GD", "chenjing", "qhyunlian.com", "南山区前湾一路35号"),
    ("杭州市云栖新区管理委员会信息中心", "company", "政府机构", "杭州", "silver", "active", "other",
     "ID", "liuyang", "yqxq-info.gov.cn", "西湖区云栖路9号行政服务中心3楼"),
    ("武汉康瑞医疗器械有限公司", "company", "医疗", "武汉", "silver", "active", "website",
     "GD", "chenjing", "kangrui-med.com", "江夏区阳光大道66号"),
    ("苏州启航外国语学校", "company", "教育", "苏州", "silver", "lost", "competitor",
     "GRC", "liuyang", "qihang-school.cn", "吴中区东吴南路99号"),
    ("北京中科汇能电力技术有限公司", "company", "能源", "北京", "silver", "active", "agency",
     "GR", "zhaolei", "zkhuineng.com", "昌平区回龙观西大街35号"),
    ("广州骏达国际货运代理有限公司", "company", "物流", "广州", "silver", "active", "search_engine",
     "GV", "chenjing", "junda-logistics.com", "黄埔区港前路531号"),
    ("深圳市鹏城智造科技有限公司", "company", "制造业", "深圳", "silver", "prospect", "exhibition",
     None, "chenjing", "pczz-tech.com", "龙华区观澜街道高新园5栋"),
    ("厦门鹭岛新能源科技有限公司", "company", "能源", "厦门", "silver", "prospect", "conference",
     None, "liuyang", "ludao-energy.com", "集美区杏林湾路1001号"),
    ("宁波甬兴模具有限公司", "company", "制造业", "宁波", "silver", "active", "referral",
     "IV", "liuyang", "yongxing-mould.com", "余姚市经济开发区城东新区冶山路8号"),
    # regular
    ("杭州知味轩餐饮有限公司", "company", "餐饮", "杭州", "regular", "active", "website",
     "GD", "liuyang", "zhiweixuan.cn", "上城区河坊街88号"),
    ("南京同创软件培训学校", "company", "教育", "南京", "regular", "active", "search_engine",
     "GV", "liuyang", "tongchuang-edu.cn", "秦淮区中山南路219号"),
    ("成都蜀韵文化传媒有限公司", "company", "互联网", "成都", "regular", "lead", "search_engine",
     None, "chenjing", "shuyun-media.com", "锦江区春熙路东段18号"),
    ("西安古都旅游服务有限公司", "company", "服务业", "西安", "regular", "prospect", "survey",
     None, "chenjing", "gudu-travel.com", "雁塔区大雁塔南广场东侧12号"),
    ("天津海河物流有限公司", "company", "物流", "天津", "regular", "lost", "database",
     "GRC", "zhaolei", "haihe-wl.com", "河东区津塘路300号"),
    ("重庆渝信小额贷款有限公司", "company", "金融", "重庆", "regular", "prospect", "agency",
     None, "chenjing", "yuxin-loan.com", "江北区建新北路38号"),
    ("长沙麓山教育咨询有限公司", "company", "教育", "长沙", "regular", "dormant", "survey",
     "GRC", "chenjing", "lushan-edu.cn", "岳麓区麓山南路158号"),
    ("青岛蓝海水产贸易有限公司", "company", "贸易", "青岛", "regular", "active", "exhibition",
     "GD", "chenjing", "lanhai-seafood.com", "市北区港华路15号"),
    ("上海申美化妆品有限公司", "company", "零售", "上海", "regular", "dormant", "website",
     "GR", "liuyang", "shenmei-cosmetics.com", "静安区江场三路250号"),
    ("苏州吴中纺织印染有限公司", "company", "制造业", "苏州", "regular", "lost", "competitor",
     None, "liuyang", "wuzhong-textile.com", "吴中区木渎镇金枫路1号"),
    ("广州穗丰房地产经纪有限公司", "company", "房地产", "广州", "regular", "lead", "referral",
     None, "chenjing", "suifeng-house.com", "越秀区东风中路437号"),
    ("深圳市优品汇电子商务有限公司", "company", "零售", "深圳", "regular", "active", "search_engine",
     "GV", "chenjing", "youpinhui-ec.com", "龙岗区坂田街道五和大道4023号"),
    ("北京华夏安和养老服务有限公司", "company", "医疗", "北京", "regular", "prospect", "conference",
     None, "zhaolei", "anhe-care.com", "朝阳区望京西园二区208号"),
    ("武汉楚天建材贸易有限公司", "company", "贸易", "武汉", "regular", "dormant", "database",
     "GRC", "chenjing", "chutian-jc.com", "汉阳区龙阳大道58号"),
    ("宁波海曙文具礼品有限公司", "company", "零售", "宁波", "regular", "active", "exhibition",
     "GR", "liuyang", "haishu-gift.com", "海曙区中山西路1200号"),
    ("厦门嘉禾旅行社有限公司", "company", "服务业", "厦门", "regular", "lead", "website",
     None, None, "jiahe-travel.com", "湖里区嘉禾路388号"),
    ("杭州钱塘新能源汽车服务有限公司", "company", "能源", "杭州", "regular", "prospect", "enterprise",
     None, "liuyang", "qiantang-nev.com", "钱塘区下沙街道6号大街452号"),
    ("南京金陵家政服务有限公司", "company", "服务业", "南京", "regular", "lead", "survey",
     None, "liuyang", "jinling-jz.com", "玄武区珠江路88号"),
    ("成都锦城物业服务有限公司", "company", "房地产", "成都", "regular", "active", "referral",
     "GD", "chenjing", "jincheng-wy.com", "高新区天府三街198号"),
    ("西安长安精工机械有限公司", "company", "制造业", "西安", "regular", "prospect", "exhibition",
     None, "chenjing", "changan-jg.com", "长安区航天中路388号"),
    ("天津仁和堂中医门诊部有限公司", "company", "医疗", "天津", "regular", "active", "referral",
     "GD", "zhaolei", "renhetang-tcm.com", "南开区鞍山西道120号"),
    ("重庆两江数字科技有限公司", "company", "互联网", "重庆", "regular", "lead", "conference",
     None, "chenjing", "liangjiang-digital.com", "渝北区金开大道68号"),
    ("长沙星城汽车销售服务有限公司", "company", "零售", "长沙", "regular", "active", "database",
     "GV", "chenjing", "xingcheng-auto.com", "雨花区万家丽中路二段36号"),
    ("青岛海岸线酒店管理有限公司", "company", "餐饮", "青岛", "regular", "dormant", "agency",
     "GR", "chenjing", "haianxian-hotel.com", "市南区东海西路35号"),
    ("上海泓途国际物流有限公司", "company", "物流", "上海", "regular", "lead", "competitor",
     None, None, "hongtu-logistics.com", "宝山区蕰川路5475号"),
    ("苏州金鸡湖会展服务有限公司", "company", "服务业", "苏州", "regular", "prospect", "exhibition",
     None, "liuyang", "jjh-expo.com", "工业园区苏州大道西2号"),
    ("广州南粤职业培训学校", "company", "教育", "广州", "regular", "lost", "survey",
     None, "chenjing", "nanyue-edu.cn", "白云区广园中路310号"),
    ("深圳市安信达保险代理有限公司", "company", "金融", "深圳", "regular", "active", "agency",
     "GD", "chenjing", "anxinda-ins.com", "福田区深南中路3024号"),
    ("合肥科创电子有限公司", "company", "制造业", "合肥", "regular", "dormant", "search_engine",
     "GRC", "liuyang", "kechuang-elec.com", "蜀山区高新区天智路19号"),
    ("郑州中原粮油贸易有限公司", "company", "贸易", "郑州", "regular", "dormant", "database",
     "IRC", "zhaolei", "zhongyuan-grain.com", "金水区花园路89号"),
    ("济南泉城建设工程有限公司", "company", "建筑业", "济南", "regular", "prospect", "other",
     None, "zhaolei", "quancheng-jianshe.com", "历下区经十路11111号"),
    ("北京京西印刷有限公司", "company", "制造业", "北京", "regular", "lost", "other",
     "GRC", "zhaolei", "jingxi-print.com", "丰台区南四环西路188号"),
    ("杭州拱宸文化创意有限公司", "company", "互联网", "杭州", "regular", "active", "referral",
     "GD", "liuyang", "gongchen-cc.com", "拱墅区丽水路58号"),
    ("宁波镇海石化物资有限公司", "company", "能源", "宁波", "regular", "active", "enterprise",
     "GR", "liuyang", "zhenhai-pcm.com", "镇海区骆驼街道金华路200号"),
    ("南京明德实验学校", "company", "教育", "南京", "regular", "prospect", "website",
     None, "liuyang", "mingde-school.cn", "江宁区秣陵街道胜太路99号"),
    # persons
    ("李建国", "person", "零售", "杭州", "regular", "active", "referral",
     "GD", "liuyang", None, "上城区清泰街506号（建国数码商行）"),
    ("周雅琴", "person", "教育", "上海", "regular", "dormant", "website",
     "GRC", "liuyang", None, "长宁区愚园路1088弄"),
    ("黄志强", "person", "餐饮", "广州", "regular", "lead", "search_engine",
     None, "chenjing", None, "荔湾区上下九路52号"),
    ("吴晓东", "person", "医疗", "成都", "regular", "prospect", "referral",
     None, "chenjing", None, "金牛区蜀汉路228号（晓东诊所）"),
    ("郑海燕", "person", "互联网", "深圳", "regular", "lost", "other",
     None, "chenjing", None, "南山区科苑南路2666号"),
    # near-duplicates of 杭州明远科技有限公司 (same phone written differently) and of
    # 厦门海晟贸易有限公司 (same e-mail in different case), for `crm customer dedupe`
    ("杭州明远科技", "company", "互联网", "杭州", "regular", "lead", "website",
     None, "chenjing", None, "滨江区江南大道3880号"),
    ("厦门市海晟贸易有限公司", "company", "贸易", "厦门", "regular", "lead", "exhibition",
     None, "chenjing", None, "思明区湖滨南路388号"),
]
DUPLICATES = {  # duplicate name: (original name, what they share)
    "杭州明远科技": ("杭州明远科技有限公司", "phone"),
    "厦门市海晟贸易有限公司": ("厦门海晟贸易有限公司", "email"),
}
DRIFTING = {  # gold customers nobody has contacted for a while: days since the last touch
    "苏州恒泰精密机械有限公司": 41,
    "上海瑞丰商业连锁有限公司": 53,
    "武汉江汉新能源科技有限公司": 96,
}
SPECIAL_COMPANY_PHONE = {"杭州明远科技有限公司": "057188216630"}  # digits; dup writes them apart

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

# Memory-cadence customers: (customer, wanted pending due (days from anchor), steps to try).
MEMORY_PLANS = [
    ("杭州钱塘新能源汽车服务有限公司", 0, (5, 4, 6, 3, 2)),
    ("苏州金鸡湖会展服务有限公司", 5, (5, 4, 6, 3)),
    ("吴晓东", -2, (4, 5, 3, 6)),
    ("成都蜀韵文化传媒有限公司", 15, (6, 5, 4)),
    ("重庆两江数字科技有限公司", -1, (3, 2, 4)),
]

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

# Tickets: customer, kind, subject, description, priority, status, opened (days before
# the anchor), hours to resolve, resolution, satisfaction.
TICKETS = [
    ("深圳市华晨电子有限公司", "repair", "二期车间交换机端口频繁掉线",
     "车间二楼交换机多个端口每天掉线三四次，影响MES终端扫码", "high", "resolved", 120, 26,
     "现场排查为光模块故障，已更换光模块并调整生成树配置，连续观察48小时无掉线", 5),
    ("深圳市华晨电子有限公司", "inquiry", "ERP月末结账流程咨询",
     "新来的会计不熟悉月末结账顺序，询问操作步骤", "normal", "closed", 300, 4,
     "远程指导财务人员完成月结，并发送结账操作手册", 5),
    ("宁波港联物流股份有限公司", "complaint", "实施顾问多次临时改约",
     "仓储模块实施期间，驻场顾问两周内三次临时改约，客户项目经理很不满", "high", "closed",
     400, 72, "项目经理上门致歉，更换驻场顾问，并重新排定实施计划", 3),
    ("宁波港联物流股份有限公司", "repair", "仓库服务器RAID降级告警",
     "仓库机房一台机架服务器前面板硬盘指示灯橙色告警，RAID状态降级", "urgent", "resolved",
     30, 6, "工程师当天上门更换故障硬盘，完成RAID重建，数据无丢失", 5),
    ("杭州明远科技有限公司", "suggestion", "希望CRM报表支持按销售团队导出Excel",
     "销售总监希望每周按团队导出业绩报表，目前只能按个人导出", "low", "closed", 200, 240,
     "已纳入产品需求池，将在下个版本提供按团队导出", 4),
    ("杭州明远科技有限公司", "inquiry", "CRM移动端收不到审批推送",
     "升级后部分销售的手机收不到报价审批推送", "normal", "in_progress", 4, None, None, None),
    ("苏州恒泰精密机械有限公司", "repair", "机房UPS电池告警",
     "UPS面板提示电池老化，市电中断时后备时间不足5分钟", "high", "closed", 260, 20,
     "更换两组老化电池，并建议明年整体更换UPS主机", 4),
    ("上海瑞丰商业连锁有限公司", "complaint", "门店无线网络高峰期卡顿",
     "周末客流高峰时收银和会员扫码经常超时，店长多次投诉", "high", "resolved", 150, 50,
     "增加两台无线AP并重新规划信道，高峰期网络恢复正常", 3),
    ("南京汇金融资租赁有限公司", "inquiry", "ERP合同台账批量导入模板咨询",
     "希望把历史租赁合同批量导入ERP，询问模板格式", "normal", "resolved", 20, 5,
     "发送导入模板并远程演示导入步骤", 5),
    ("成都康宁医院管理有限公司", "repair", "新服务器上架后管理口无法访问",
     "新到的两台机架服务器上架后，带外管理口无法登录", "urgent", "in_progress", 2, None,
     None, None),
    ("成都康宁医院管理有限公司", "suggestion", "建议增加药品效期预警报表",
     "药剂科希望系统能提前60天提示近效期药品", "normal", "open", 1, None, None, None),
    ("广州悦膳餐饮管理有限公司", "return", "无线AP型号与订单不符申请换货",
     "收到的无线AP为室内型，订单要求的是吸顶高密型", "normal", "closed", 180, 96,
     "确认为仓库发货错误，已上门更换正确型号并致歉", 4),
    ("北京博远教育科技有限公司", "complaint", "培训讲师临时更换，课程内容与需求不符",
     "原定讲师临时换人，新讲师讲的内容偏基础，学员反馈不好", "high", "resolved", 60, 30,
     "安排原讲师补课一天，并赠送一次线上答疑", 4),
    ("西安秦川汽车零部件有限公司", "inquiry", "ERP实施计划与上线时间确认",
     "客户希望了解各模块上线的具体时间", "low", "closed", 10, 3,
     "发送项目实施计划甘特图，客户确认", None),
    ("重庆山城味道餐饮连锁有限公司", "repair", "收银区交换机断电后无法启动",
     "门店停电恢复后收银区交换机无法开机，收银系统中断", "urgent", "resolved", 90, 8,
     "更换交换机电源模块，并建议门店加装UPS", 5),
    ("深圳市优品汇电子商务有限公司", "return", "塔式服务器运输途中外壳变形申请退货",
     "到货时包装破损，服务器侧板明显变形", "normal", "closed", 220, 120,
     "与物流方核实后办理退货并重新发货", 3),
    ("上海浦江证券投资咨询有限公司", "inquiry", "防火墙访问策略变更咨询",
     "新增一个行情数据源，需要放通对应端口，询问变更流程", "normal", "open", 3, None,
     None, None),
    ("厦门海晟贸易有限公司", "complaint", "维保续费发票开具延误",
     "付款两周后仍未收到发票，影响客户月底报销入账", "low", "closed", 330, 48,
     "财务部补开发票并当天快递寄出", 2),
    ("天津滨海置业有限公司", "suggestion", "希望提供季度网络巡检报告",
     "客户行政部希望每季度收到一份网络设备运行报告", "low", "in_progress", 12, None,
     None, None),
    ("南京紫峰物业管理有限公司", "repair", "办公区无线AP频繁重启",
     "三楼办公区两台AP每天自动重启多次", "normal", "open", 6, None, None, None),
    ("宁波甬兴模具有限公司", "inquiry", "年度运维服务范围确认",
     "客户询问年度运维是否包含车间工控机", "normal", "resolved", 8, 24,
     "发送运维服务SLA说明，工控机可按台另行加购", 5),
    ("武汉江汉新能源科技有限公司", "complaint", "存储阵列扩容报价过高",
     "客户认为扩容报价比市场价高，要求重新核算", "normal", "closed", 380, 72,
     "重新核算报价并给予8%优惠，客户暂缓采购", 2),
]

# fmt: on

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def days(n: int) -> timedelta:
    return timedelta(days=n)


def rel(n: int) -> date:
    """The date n days from the anchor."""
    return ANCHOR + days(n)


def to_date(x: int | str) -> date:
    return rel(x) if isinstance(x, int) else date.fromisoformat(x)


HOLIDAYS = {
    date.fromisoformat(a) + days(i)
    for a, b in HOLIDAY_SPANS
    for i in range((date.fromisoformat(b) - date.fromisoformat(a)).days + 1)
}


def is_workday(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def weekday_back(d: date) -> date:
    """d, or the last working day before it."""
    while not is_workday(d):
        d -= days(1)
    return d


def weekday_fwd(d: date) -> date:
    """d, or the first working day after it."""
    while not is_workday(d):
        d += days(1)
    return d


def rand_date(a: date, b: date) -> date:
    return a + days(rng.randint(0, max(0, (b - a).days)))


def work_time(d: date, lo: int = 9, hi: int = 17) -> datetime:
    """A moment in working hours on d (d is moved back to a weekday)."""
    d = weekday_back(d)
    return datetime.combine(d, time(rng.randint(lo, hi), rng.choice(range(0, 60, 5))))


def next_work_moment(t: datetime) -> datetime:
    """t itself when in working hours, else the next working moment."""
    if t.hour >= 18:
        t = datetime.combine(t.date() + days(1), time(9, rng.choice(range(0, 60, 5))))
    elif t.hour < 9:
        t = t.replace(hour=9)
    if not is_workday(t.date()):
        t = datetime.combine(weekday_fwd(t.date()), time(9, rng.choice(range(0, 60, 5))))
    return t


def iso(x: date | datetime | None) -> str | None:
    if x is None:
        return None
    if isinstance(x, datetime):
        return x.strftime("%Y-%m-%dT%H:%M:%S")
    return x.isoformat()


def money(x: Decimal | str | int) -> str:
    return str(Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP))


def spaced_dates(start: date, end: date, n: int, *, gap: int = 4, last_at_end: bool) -> list[date]:
    """n increasing working days after start, about ``gap`` days apart or more; the last is
    ``end`` when last_at_end, else no later than end."""
    if n == 0:
        return []
    parts = n if last_at_end else n + 1
    slack = (end - start).days - gap * n
    assert slack >= 0, (start, end, n)
    weights = [rng.random() + 0.2 for _ in range(parts)]
    total = sum(weights)
    cuts = [int(slack * w / total) for w in weights]
    out, d = [], start
    for i in range(n):
        d = d + days(gap + cuts[i])
        out.append(d)
    if last_at_end:
        out[-1] = end
    result, prev = [], start
    for x in out:  # onto working days, keeping the order
        y = weekday_back(x)
        if y <= prev:
            y = weekday_fwd(prev + days(1))
        result.append(y)
        prev = y
    assert result[-1] <= end, (result, end)
    return result


# ------------------------------- names, phones, mail ---------------------------------

_used_names: set[str] = {u["name"] for u in USERS}
_used_phones: set[str] = set()


def person_name(female: bool | None = None) -> tuple[str, str, str]:
    """A fresh Chinese name: (name, surname pinyin, given-name pinyin)."""
    while True:
        sur, sur_py = rng.choice(SURNAMES)
        if female is None:
            female = rng.random() < 0.45
        given, given_py = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = sur + given
        if name not in _used_names:
            _used_names.add(name)
            return name, sur_py, given_py


def _fresh_digits(make) -> str:
    while True:
        digits = make()
        if digits not in _used_phones:
            _used_phones.add(digits)
            return digits


def landline(city: str, digits: str | None = None, style: str | None = None) -> str:
    area = CITY_INFO[city][1]
    if digits is None:
        digits = _fresh_digits(
            lambda: area + str(rng.randint(2, 8)) + f"{rng.randint(0, 9999999):07d}"
        )
    local = digits[len(area) :]
    style = style or rng.choices(["dash", "plus", "paren"], [75, 15, 10])[0]
    if style == "plus":
        return f"+86 {area[1:]} {local[:4]} {local[4:]}"
    if style == "paren":
        return f"({area}) {local}"
    return f"{area}-{local[:4]} {local[4:]}"


def mobile() -> str:
    digits = _fresh_digits(lambda: rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}")
    text = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return "+86 " + text if rng.random() < 0.2 else text


def contact_email(sur_py: str, given_py: str, domain: str) -> str:
    style = rng.choice(["full", "dot", "initial"])
    if style == "full":
        local = sur_py + given_py
    elif style == "dot":
        local = f"{given_py}.{sur_py}"
    else:
        local = sur_py + given_py[0]
    return f"{local}@{domain}"


def wechat_id(sur_py: str, given_py: str, born: int) -> str:
    return rng.choice(
        [
            f"{sur_py}{given_py}{born % 100:02d}",
            f"wx_{sur_py}_{given_py}",
            f"{given_py}{sur_py}{rng.randint(1, 999)}",
            f"{sur_py}-{given_py}",
        ]
    )


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(city: str, founded: date) -> str:
    """A well-formed (check digits included) but fictional 统一社会信用代码."""

    def org_value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    if founded.year >= 2016:
        body = "MA" + "".join(
            rng.choice(USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6)
        )
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    s = sum(org_value(c) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    c9 = 11 - s % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    head = "91" + CITY_INFO[city][2] + org
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(head, USCC_WEIGHTS, strict=True))
    return head + USCC_CHARS[(31 - s % 31) % 31]


def full_address(city: str, street: str) -> str:
    prefix = CITY_INFO[city][0]
    return prefix + street


def addressed(contact: dict | None) -> str:
    """How a sales note refers to a contact: 李经理, 王总, or the full name."""
    if contact is None:
        return "客户"
    name, title = contact["name"], contact["title"] or ""
    sur = name[0]
    for key, word in (
        ("董事长", "董"),
        ("总", "总"),
        ("CIO", "总"),
        ("院长", "院长"),
        ("校长", "校长"),
        ("主任", "主任"),
        ("科长", "科长"),
        ("经理", "经理"),
    ):
        if key in title:
            return sur + word
    return name


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------

PRODUCT_PRICE = {p[0]: Decimal(p[4]) for p in PRODUCTS}
PRODUCT_NAME = {p[0]: p[1] for p in PRODUCTS}
PEOPLE_UNITS = {p[0] for p in PRODUCTS if p[3] == "人天"}


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
        _used_phones.add(digits)
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


def random_order_lines(template: list, big: bool) -> list[dict]:
    out = []
    for code, (lo, hi) in template:
        qty = Decimal(rng.randint(lo, hi))
        if code in PEOPLE_UNITS and rng.random() < 0.25:
            qty += Decimal("0.5")
        discount, price = "0", None
        r = rng.random()
        if r < (0.3 if big else 0.1):
            discount = rng.choice(["3", "5", "8", "10"])
        elif r < (0.4 if big else 0.15):  # a negotiated unit price instead of a discount
            price = (PRODUCT_PRICE[code] * Decimal("0.95") / 10).quantize(Decimal(1)) * 10
        out.append(line(code, qty, discount=discount, price=price))
    return out


def order_status(ordered: date) -> str:
    age = (ANCHOR - ordered).days
    if age < 10:
        return rng.choice(["confirmed", "confirmed", "delivered"])
    if age < 45:
        return rng.choice(["delivered", "paid"])
    return "paid" if rng.random() < 0.92 else "delivered"


# ------------------------------- opportunities ---------------------------------------


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


# ------------------------------- orders ----------------------------------------------

PROFILE_ORDERS = {  # profile: (number of orders, first/last order window (days ago), big share)
    "IV": ((10, 12), (700, 6), 0.5),
    "ID": ((1, 1), (110, 12), 1.0),
    "IR": ((6, 8), (700, 270), 0.8),
    "IRC": ((1, 2), (650, 330), 1.0),
    "GV": ((6, 8), (700, 4), 0.0),
    "GD": ((1, 3), (115, 5), 0.0),
    "GR": ((6, 7), (700, 260), 0.0),
    "GRC": ((1, 2), (680, 300), 0.0),
}


def make_orders(cust: dict) -> list[dict]:
    profile = cust["_profile"]
    orders = []
    for opp in cust["opportunities"]:  # won deals become orders
        if opp["stage"] == "won":
            won_on = opp["history"][-1]["at"].date()
            on = weekday_fwd(won_on + days(rng.randint(1, 6)))
            if on > LAST_DAY:
                on = LAST_DAY
            orders.append(
                {
                    "ordered_on": on,
                    "status": order_status(on),
                    "opportunity": opp["title"],
                    "lines": opp["_lines"],
                }
            )
    if profile is None:
        return orders
    (lo, hi), (oldest, newest), big_share = PROFILE_ORDERS[profile]
    n = rng.randint(lo, hi)
    dates = sorted(weekday_back(rel(-rng.randint(newest, oldest))) for _ in range(n))
    if profile in ("IV", "GV"):  # the most recent order is recent indeed
        dates[-1] = weekday_back(rel(-rng.randint(newest, 35)))
    for d in dates:
        if profile in ("ID", "IRC"):
            lines = [line(c, Decimal(q)) for c, q in BASKETS[rng.choice(HEAVY_ORDERS)]]
        else:
            big = rng.random() < big_share
            pool = (
                PERSON_ORDERS if cust["kind"] == "person" else BIG_ORDERS if big else SMALL_ORDERS
            )
            lines = random_order_lines(rng.choice(pool), big)
        orders.append(
            {"ordered_on": d, "status": order_status(d), "opportunity": None, "lines": lines}
        )
    orders.sort(key=lambda o: o["ordered_on"])
    return orders


# ------------------------------- interactions ----------------------------------------


class Story:
    """Collects a customer's interactions as (datetime, phase, user, extra fields)."""

    def __init__(self, cust: dict):
        self.cust = cust
        self.events: list[dict] = []

    def add(
        self, at: datetime, phase: str, user: str | None = None, role: str | None = None, **fields
    ) -> None:
        self.events.append(
            {
                "at": at,
                "phase": phase,
                "user": user or self.cust["owner"],
                "role": role,
                "fields": fields,
            }
        )


def pick_contact(cust: dict, role: str | None, avoid: dict | None = None) -> dict | None:
    contacts = [c for c in cust["contacts"] if c is not avoid] or cust["contacts"]
    if not contacts:
        return None
    if role:
        matching = [c for c in contacts if c["role"] == role]
        if matching:
            return matching[0]
    return rng.choice(contacts)


SOFT_PRODUCTS = {"P0001", "P0002", "P0003", "P0004", "P0005", "P0006", "P0015", "P0016"}
PERSON_TITLE = {
    "李建国": "先生",
    "周雅琴": "女士",
    "黄志强": "先生",
    "吴晓东": "先生",
    "郑海燕": "女士",
}


def fits(template: tuple, cust: dict, soft: bool) -> bool:
    tags = template[4].split()
    person = cust["kind"] == "person"
    if ("soft" in tags and not soft) or ("hw" in tags and soft):
        return False
    if person and ("org" in tags or "org2" in tags):
        return False
    if "person" in tags and not person:
        return False
    return not ("org2" in tags and len(cust["contacts"]) < 2)


def choose_template(cust: dict, phase: str, soft: bool) -> tuple:
    """The least used fitting template of a phase for this customer (ties at random)."""
    used = cust.setdefault("_used_templates", Counter())
    pool = [t for t in PHASES[phase] if fits(t, cust, soft)]
    pool = pool or [t for t in PHASES[phase] if fits(t, cust, not soft)] or PHASES[phase]
    low = min(used[(phase, t[1], t[2])] for t in pool)
    template = rng.choice([t for t in pool if used[(phase, t[1], t[2])] == low])
    used[(phase, template[1], template[2])] += 1
    return template


def expo_for(cust: dict, at: datetime) -> tuple[str, str]:
    region = CITY_INFO[cust["city"]][3]
    name, venue, _ = rng.choice([e for e in EXPOS if region in e[2]])
    return f"{at.year}{name}", venue


def render_interaction(cust: dict, ev: dict) -> dict:
    fields = dict(ev["fields"])
    code = fields.pop("prod_code", None) or rng.choice(cust["_products"] or ["P0001"])
    soft = code in SOFT_PRODUCTS
    channel, summary, result, next_step, _ = choose_template(cust, ev["phase"], soft)
    if cust["kind"] == "person":
        contact, dm = None, None
        call = cust["name"][0] + PERSON_TITLE[cust["name"]]
        c_text = dm_text = call
    else:
        dm = pick_contact(cust, "decision_maker")
        uses_both = "{dm}" in summary + result + (next_step or "")
        contact = pick_contact(cust, ev["role"], avoid=dm if uses_both else None)
        c_text, dm_text = addressed(contact), addressed(dm)
    expo, venue = expo_for(cust, ev["at"])
    employees = cust.get("employees") or 50
    users = min([30, 50, 80, 120, 200, 300], key=lambda u: abs(u - employees * 0.4))
    values = {
        "c": c_text,
        "dm": dm_text,
        "prod": PRODUCT_NAME[code],
        "comp": rng.choice(list(COMP_SHORT.values())),
        "n": rng.randint(3, 8),
        "users": users,
        "amt": f"{rng.randint(5, 40)}.{rng.randint(0, 9)}万",
        "disc": rng.randint(3, 10),
        "expo": expo,
        "old": rng.choice(OLD_SYSTEMS),
        "dept": rng.choice(DEPTS.get(cust["industry"], ["财务、销售"])),
        "feature": "移动端审批和报表功能" if soft else "设备性能和整体报价",
        "reason": "",
        "subject": "",
        "step": "",
    }
    values.update(fields)
    place = None
    if channel == "visit":
        place = cust["address"] if rng.random() < 0.6 else "客户公司会议室"
        if cust["kind"] == "person":
            place = cust["address"]
    elif channel == "meeting":
        if "展厅" in summary:
            place = OUR_SHOWROOM
        elif "用户大会" in summary:
            place = "杭州云帆年度用户大会（杭州国际博览中心）"
        else:
            place = rng.choice(["客户公司会议室", "客户公司会议室", ONLINE])
    elif channel == "exhibition":
        place = venue
    return {
        "at": ev["at"],
        "channel": channel,
        "contact": contact["name"] if contact else None,
        "place": place,
        "summary": summary.format(**values),
        "result": result.format(**values),
        "next_step": next_step.format(**values) if next_step else None,
        "user": ev["user"],
    }


BASELINE_GAP = {  # days between routine touches
    ("gold", "active"): 28,
    ("silver", "active"): 50,
    ("regular", "active"): 90,
    "dormant": 120,
    "lost": 150,
    "prospect": 45,
    "lead": 0,
}


def baseline_events(story: Story, since: date | None) -> None:
    """Routine touches: first contacts of leads, qualifying talks of prospects, service
    visits and calls of customers, and fewer, colder ones once a customer goes quiet."""
    cust = story.cust
    status, level, opps = cust["status"], cust["level"], cust["opportunities"]
    if cust["owner"] is None:
        return
    if status == "lead":
        if opps:
            return
        start, end, n = rel(-40), LAST_DAY, rng.choice([1, 1, 1, 2])
        phases = ["expo" if cust["source"] == "exhibition" else "first"] * n
    elif status == "prospect" or (status == "lost" and not cust["orders"]):
        opp = opps[0]
        start = opp["created_at"].date() + days(1)
        end = opp["history"][0]["at"].date() - days(1) if opp["history"] else LAST_DAY
        n = rng.randint(1, 2) if (end - start).days >= 2 else 0
        phases = ["qualified"] * n
    else:
        start = max(HISTORY_START, since or HISTORY_START)
        end = LAST_DAY
        if status in ("dormant", "lost"):
            last = max(o["ordered_on"] for o in cust["orders"])
            end = min(LAST_DAY, last + days(rng.randint(60, 150)))
        gap = BASELINE_GAP.get((level, status), BASELINE_GAP.get(status, 60))
        n = max(1, round((end - start).days / gap * rng.uniform(0.8, 1.2)))
        phases = []
        for _ in range(n):
            phases.append("service")
    for i in range(n):
        d = rand_date(start, end)
        phase = phases[i]
        if status in ("dormant", "lost") and phase == "service" and (end - d).days < 90:
            phase = "cold"
        user = SERVICE_USER if phase == "service" and rng.random() < 0.15 else None
        if level == "gold" and rng.random() < 0.1:
            user = MANAGER
        story.add(work_time(d), phase, user)


def opportunity_events(story: Story, opp: dict, skip_created: bool) -> None:
    """A touch when the deal appeared and one or two around each stage move."""
    cust = story.cust
    amount = Decimal(opp["amount"])
    base = {"prod_code": opp["product"]}
    if opp["competitor"]:
        base["comp"] = COMP_SHORT[opp["competitor"]]
    if not skip_created:
        created = opp["created_at"].date()
        existing = any(o["ordered_on"] < created for o in cust["orders"])
        phase = "expand" if existing else ("expo" if cust["source"] == "exhibition" else "first")
        story.add(opp["created_at"], phase, opp["owner"], **base)
    for move in opp["history"]:
        stage = move["to"]
        role = "decision_maker" if stage in ("negotiation", "won") else None
        quoted = amount * Decimal(rng.choice(["1", "1.04", "1.08"]))
        fields = dict(base, amt=f"{quoted / 10000:.1f}万")
        if stage == "lost":
            fields["reason"] = opp["lost_reason"]
        at = max(
            move["at"] - timedelta(minutes=rng.randint(0, 120)),
            move["at"].replace(hour=9, minute=0),
        )
        story.add(at, stage, opp["owner"], role, **fields)
        if stage in ("proposal", "negotiation") and rng.random() < 0.3:
            earlier = move["at"] - days(rng.randint(1, 3))
            if earlier > opp["created_at"] + days(1):
                story.add(work_time(earlier.date()), stage, opp["owner"], role, **fields)
        if stage == "won":
            later = move["at"].date() + days(rng.randint(7, 20))
            if later <= LAST_DAY:
                story.add(work_time(later), "delivery", SERVICE_USER, "user", **base)


def order_events(story: Story) -> None:
    """Some orders leave a trace: a quote before, or a delivery call after."""
    for order in story.cust["orders"]:
        if order["opportunity"] or rng.random() > 0.3:
            continue
        code = order["lines"][0]["product"]
        if rng.random() < 0.6:
            d = order["ordered_on"] - days(rng.randint(2, 8))
            story.add(work_time(d), "quote", None, "influencer", prod_code=code)
        else:
            d = order["ordered_on"] + days(rng.randint(3, 12))
            if d <= LAST_DAY:
                story.add(work_time(d), "delivery", SERVICE_USER, "user", prod_code=code)


# ------------------------------- follow-ups ------------------------------------------


def plan_memory(target: date, steps: tuple[int, ...]) -> tuple[date, int]:
    """First-contact day d0 and pending step k so that step k falls due on ``target`` and
    every earlier step falls on a weekday (so each was done on schedule)."""
    for k in steps:
        d0 = target - days(MEMORY_OFFSETS[k - 1])
        if all(is_workday(d0 + days(MEMORY_OFFSETS[i])) for i in range(k - 1)):
            return d0, k
    raise AssertionError(f"no memory plan for {target}")


def followup(
    due: datetime,
    kind: str,
    note: str,
    status: str,
    step: int | None = None,
    cadence: str | None = None,
    opportunity: str | None = None,
) -> dict:
    return {
        "due_at": due,
        "kind": kind,
        "note": note,
        "status": status,
        "step": step,
        "cadence": cadence,
        "opportunity": opportunity,
    }


# --------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------


def build() -> dict:
    customers = [make_customer(row) for row in CUSTOMERS]
    by_name = {c["name"]: c for c in customers}
    for c in customers:
        c["opportunities"], c["orders"], c["contracts"] = [], [], []
        c["tickets"], c["followups"], c["interactions"] = [], [], []

    link_duplicates(by_name)
    force_birthdays(customers)

    # memory cadence: first contact day and the pending step
    memory = {}
    for name, offset, steps in MEMORY_PLANS:
        d0, k = plan_memory(rel(offset), steps)
        memory[name] = (d0, k)

    # opportunities
    for spec in OPPORTUNITIES:
        cust = by_name[spec[0]]
        created = memory[cust["name"]][0] if cust["name"] in memory else None
        cust["opportunities"].append(make_opportunity(cust, spec, created))

    # orders, products bought, customer_since, points
    for cust in customers:
        cust["orders"] = make_orders(cust)
        bought = [ln["product"] for o in cust["orders"] for ln in o["lines"]]
        wanted = [o["product"] for o in cust["opportunities"]]
        cust["_products"] = list(dict.fromkeys(bought + wanted))
    cancel_some_orders(customers)
    for cust in customers:
        finish_customer(cust)

    for spec in CONTRACTS:
        by_name[spec[0]]["contracts"].append(make_contract(by_name[spec[0]], spec))
    for spec in TICKETS:
        by_name[spec[0]]["tickets"].append(make_ticket(by_name[spec[0]], spec))

    # interactions
    for cust in customers:
        story = Story(cust)
        mem = memory.get(cust["name"])
        first_day = None
        if cust["_profile"] in ("ID", "GD") and cust["orders"]:
            first_day = cust["orders"][0]["ordered_on"] - days(rng.randint(20, 60))
        if cust["status"] == "prospect" and cust["opportunities"]:
            first_day = cust["opportunities"][0]["created_at"].date()
        if not mem:
            baseline_events(story, first_day)
        for opp in cust["opportunities"]:
            opportunity_events(story, opp, skip_created=bool(mem))
        order_events(story)
        for t in cust["tickets"]:
            if rng.random() < 0.5:
                at = next_work_moment(t["opened_at"] + timedelta(hours=rng.randint(1, 5)))
                if at.date() <= LAST_DAY:
                    story.add(at, "ticket", SERVICE_USER, "user", subject=t["subject"])
        if mem:
            memory_events(story, *mem)
        events = [e for e in story.events if HISTORY_START <= e["at"].date() <= LAST_DAY]
        if cust["name"] in DRIFTING:
            cutoff = rel(-DRIFTING[cust["name"]])
            events = [e for e in events if e["at"].date() <= cutoff]
            if not any(e["at"].date() == weekday_back(cutoff) for e in events):
                phase = "cold" if cust["status"] == "dormant" else "service"
                events.append(
                    {
                        "at": work_time(cutoff),
                        "phase": phase,
                        "user": cust["owner"],
                        "role": None,
                        "fields": {},
                    }
                )
        elif cust["level"] == "gold" and not any(
            (ANCHOR - e["at"].date()).days <= 30 for e in events
        ):
            events.append(
                {
                    "at": work_time(rel(-rng.randint(3, 25))),
                    "phase": "service",
                    "user": cust["owner"],
                    "role": None,
                    "fields": {},
                }
            )
        events.sort(key=lambda e: e["at"])
        cust["interactions"] = [render_interaction(cust, e) for e in events]

    make_followups(customers, memory)

    return {
        "anchor": ANCHOR.isoformat(),
        "company": COMPANY,
        "users": USERS,
        "suppliers": [supplier(s) for s in SUPPLIERS],
        "products": [
            {
                "code": p[0],
                "name": p[1],
                "category": p[2],
                "unit": p[3],
                "price": p[4],
                "supplier": p[5],
            }
            for p in PRODUCTS
        ],
        "competitors": COMPETITORS,
        "customers": customers,
    }


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


def cancel_some_orders(customers: list[dict]) -> None:
    pool = [
        o
        for c in customers
        if c["_profile"] in ("IV", "GV", "IR")
        for o in c["orders"]
        if o["opportunity"] is None
    ]
    for order in rng.sample(pool, 4):
        order["status"] = "cancelled"


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


def make_ticket(cust: dict, spec: tuple) -> dict:
    _, kind, subject, description, priority, status, opened, hours, resolution, sat = spec
    opened_at = work_time(rel(-opened))
    resolved_at = None
    if status in ("resolved", "closed"):
        resolved_at = next_work_moment(opened_at + timedelta(hours=hours))
    contact = pick_contact(cust, "user")
    return {
        "kind": kind,
        "subject": subject,
        "description": description,
        "priority": priority,
        "status": status,
        "opened_at": opened_at,
        "resolved_at": resolved_at,
        "resolution": resolution,
        "satisfaction": sat,
        "contact": contact["name"] if contact else None,
    }


def memory_events(story: Story, d0: date, k: int) -> None:
    opps = story.cust["opportunities"]
    code = opps[0]["product"] if opps else None
    for step in range(1, k):
        d = d0 + days(MEMORY_OFFSETS[step - 1])
        at = datetime.combine(d, time(10, 0)) + timedelta(minutes=rng.choice(range(0, 360, 15)))
        phase = "first" if step == 1 else "memory"
        story.add(at, phase, None, None, step=str(step), prod_code=code)
        story.cust.setdefault("_memory_done", []).append(at)


def make_followups(customers: list[dict], memory: dict) -> None:
    pending_generic: list[dict] = []
    for cust in customers:
        fus = cust["followups"]
        live = cust["status"] not in ("lost",) and cust["owner"] is not None
        # memory cadence: done steps then the pending one
        if cust["name"] in memory:
            d0, k = memory[cust["name"]]
            opp = cust["opportunities"][0]["title"] if cust["opportunities"] else None
            for step, at in enumerate(cust.get("_memory_done", []), start=1):
                fus.append(
                    followup(at, "call", f"记忆曲线第{step}次跟踪", "done", step, "memory", opp)
                )
            due = datetime.combine(d0 + days(MEMORY_OFFSETS[k - 1]), time(10, 0))
            fus.append(
                followup(
                    due,
                    "call",
                    f"记忆曲线第{k}次跟踪：了解方案评估进展",
                    "pending",
                    k,
                    "memory",
                    opp,
                )
            )
        # care: birthdays in the coming two weeks
        for c in cust["contacts"]:
            bd = c["birthday"]
            if bd is None or not live or cust["name"] in DUPLICATES:
                continue
            this_year = date(ANCHOR.year, bd.month, bd.day)
            if 0 < (this_year - ANCHOR).days <= 14:
                due = datetime.combine(max(ANCHOR, weekday_back(this_year - days(1))), time(9, 30))
                fus.append(
                    followup(
                        due,
                        "care",
                        f"{c['name']}（{c['title']}）{bd.month}月{bd.day}日生日，"
                        "准备生日祝福和小礼品",
                        "pending",
                    )
                )
        # opportunities: a pending step for open deals, cancelled ones for closed deals
        for opp in cust["opportunities"]:
            if opp["stage"] in ("won", "lost"):
                closed = opp["history"][-1]["at"]
                due = work_time(closed.date() + days(rng.randint(2, 6)))
                fus.append(
                    followup(due, "call", "跟进报价评审结果", "cancelled", opportunity=opp["title"])
                )
            elif cust["name"] not in memory:
                kind, note = FOLLOWUP_NOTES[opp["stage"]]
                f = followup(None, kind, note, "pending", opportunity=opp["title"])
                fus.append(f)
                pending_generic.append(f)
        # lost customers: their pending touches were cancelled
        if cust["status"] == "lost" and cust["interactions"]:
            last = cust["interactions"][-1]["at"]
            fus.append(
                followup(
                    work_time(last.date() + days(rng.randint(10, 30))),
                    "call",
                    "季度回访",
                    "cancelled",
                )
            )
        # done history: some interactions were planned follow-ups
        if cust["name"] not in memory:
            for it in cust["interactions"]:
                if it["channel"] in ("phone", "visit", "email") and rng.random() < 0.06:
                    kind = {"phone": "call", "visit": "visit", "email": "email"}[it["channel"]]
                    fus.append(followup(it["at"], kind, it["summary"], "done"))
    # routine pending touches for live customers with orders
    routine = [
        c
        for c in customers
        if c["status"] in ("active", "dormant")
        and c["kind"] == "company"
        and c["name"] not in DRIFTING
        and c["owner"]
    ]
    for cust in rng.sample(routine, 16):
        kind, note = rng.choice(GENERIC_FOLLOWUPS)
        f = followup(None, kind, note, "pending")
        cust["followups"].append(f)
        pending_generic.append(f)
    # a forgotten touch of a drifting gold customer
    forgotten = followup(
        datetime.combine(rel(-9), time(14, 0)),
        "visit",
        "上门拜访，沟通2026年第四季度运维款及明年续约",
        "pending",
    )
    next(c for c in customers if c["name"] == "苏州恒泰精密机械有限公司")["followups"].append(
        forgotten
    )
    # due dates: a few today, several overdue by 1-10 days, the rest within 30 days
    rng.shuffle(pending_generic)
    for i, f in enumerate(pending_generic):
        if i < 3:
            off = 0
        elif i < 10:
            off = -rng.randint(1, 8)  # moved back to a weekday: 1 to 10 days overdue
        else:
            off = rng.randint(1, 28)
        d = rel(off)
        if off != 0:
            d = weekday_back(d) if off < 0 else weekday_fwd(d)
        f["due_at"] = datetime.combine(d, time(rng.randint(9, 16), rng.choice([0, 30])))
    for cust in customers:
        cust["followups"].sort(key=lambda f: f["due_at"])


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def rfm_classes(customers: list[dict]) -> Counter:
    rows = []
    for c in customers:
        valid = [o for o in c["orders"] if o["status"] != "cancelled"]
        if valid:
            r = (ANCHOR - max(o["ordered_on"] for o in valid)).days
            m = sum((order_total(o) for o in valid), Decimal(0))
            rows.append((c["name"], r, len(valid), m))
    mr = sum(r[1] for r in rows) / len(rows)
    mf = sum(r[2] for r in rows) / len(rows)
    mm = sum(r[3] for r in rows) / len(rows)
    names = {
        (True, True, True): "important_value",
        (True, False, True): "important_development",
        (False, True, True): "important_retention",
        (False, False, True): "important_recovery",
        (True, True, False): "general_value",
        (True, False, False): "general_development",
        (False, True, False): "general_retention",
        (False, False, False): "general_recovery",
    }
    out = Counter()
    for _, r, f, m in rows:
        out[names[(r < mr, f > mf, m > mm)]] += 1
    return out


def validate(book: dict) -> None:
    usernames = {u["username"]: u["role"] for u in book["users"]}
    assert sorted(usernames.values()) == sorted(["admin", "manager", "sales", "sales", "service"])
    suppliers = {s["name"] for s in book["suppliers"]}
    products = {p["code"]: p for p in book["products"]}
    competitors = {c["name"] for c in book["competitors"]}
    assert 6 <= len(suppliers) <= 8 and 12 <= len(products) <= 16 and 4 <= len(competitors) <= 5
    for p in products.values():
        assert p["supplier"] is None or p["supplier"] in suppliers, p
        Decimal(p["price"])

    custs = book["customers"]
    assert 64 <= len(custs) <= 70, len(custs)
    assert len({c["city"] for c in custs}) >= 12
    assert len({c["industry"] for c in custs}) >= 10
    assert {c["level"] for c in custs} == set(LEVELS)
    assert {c["status"] for c in custs} == set(STATUSES)
    assert {c["source"] for c in custs} == set(SOURCES)
    assert {c["kind"] for c in custs} == set(KINDS)
    levels = Counter(c["level"] for c in custs)
    assert levels["gold"] < levels["silver"] < levels["regular"], levels

    def is_date(s: str | None) -> None:
        if s is not None:
            date.fromisoformat(s)
            assert len(s) == 10, s

    def is_dt(s: str | None, working: bool = True) -> datetime | None:
        if s is None:
            return None
        t = datetime.strptime(s, "%Y-%m-%dT%H:%M:%S")
        if working:
            assert is_workday(t.date()) and 9 <= t.hour < 18, s
        return t

    phones: Counter = Counter()
    emails: Counter = Counter()
    n = Counter()
    pending_offsets = []
    for c in custs:
        assert c["kind"] in KINDS and c["level"] in LEVELS and c["status"] in STATUSES
        assert c["source"] in SOURCES and c["credit_rating"] in (*CREDITS, None)
        assert c["owner"] is None or usernames[c["owner"]] in ("sales", "manager"), c["owner"]
        for f in ("founded_on", "customer_since"):
            is_date(c[f])
        for f in ("capital", "annual_revenue"):
            if c[f] is not None:
                assert Decimal(c[f]).as_tuple().exponent == -2
        assert isinstance(c["points"], int) and isinstance(c["tags"], list)
        assert all(isinstance(v, str) for v in c["extra"].values())
        phones[phone_key(c["phone"])] += 1
        if c["email"]:
            emails[c["email"].lower()] += 1
        contacts = {k["name"] for k in c["contacts"]}
        assert len(contacts) == len(c["contacts"])
        if c["kind"] == "company":
            assert 1 <= len(c["contacts"]) <= 3, c["name"]
        for k in c["contacts"]:
            assert k["role"] in ROLES and 1 <= k["relation_level"] <= 5
            is_date(k["birthday"])
        for it in c["interactions"]:
            t = is_dt(it["at"])
            assert HISTORY_START <= t.date() <= LAST_DAY
            assert it["channel"] in CHANNELS and it["user"] in usernames
            assert it["contact"] is None or it["contact"] in contacts
            assert "{" not in it["summary"] + it["result"] + (it["next_step"] or ""), it
            n["interactions"] += 1
        titles = {}
        for o in c["opportunities"]:
            assert o["title"] not in titles
            titles[o["title"]] = o["stage"]
            assert o["product"] is None or o["product"] in products
            assert o["stage"] in STAGES and o["urgency"] in URGENCIES
            assert o["competitor"] is None or o["competitor"] in competitors
            assert (o["stage"] == "lost") == (o["lost_reason"] is not None)
            assert 20000 <= Decimal(o["amount"]) <= 800000, o
            assert usernames[o["owner"]] in ("sales", "manager")
            is_date(o["expected_close"])
            assert rel(-92) <= date.fromisoformat(o["expected_close"]) <= rel(183), o
            prev_t, prev_stage = is_dt(o["created_at"]), "lead"
            for h in o["history"]:
                t = is_dt(h["at"])
                assert h["to"] in STAGES and h["to"] != prev_stage and t > prev_t
                assert prev_stage not in ("won", "lost")
                prev_t, prev_stage = t, h["to"]
            assert prev_stage == o["stage"] and prev_t.date() <= LAST_DAY
            n["opps"] += 1
            n["stage_" + o["stage"]] += 1
        for o in c["orders"]:
            is_date(o["ordered_on"])
            assert o["ordered_on"] <= LAST_DAY.isoformat()
            assert o["status"] in ORDER_STATUSES and o["lines"]
            assert o["opportunity"] is None or titles.get(o["opportunity"]) == "won"
            for ln in o["lines"]:
                assert ln["product"] in products
                Decimal(ln["qty"]), Decimal(ln["unit_price"]), Decimal(ln["discount"])
            n["orders"] += 1
            n["cancelled"] += o["status"] == "cancelled"
        for k in c["contracts"]:
            amount = Decimal(k["amount"])
            plan = sum(Decimal(p["amount"]) for p in k["plan"])
            paid = sum(Decimal(r["amount"]) for r in k["receipts"])
            assert plan == amount, (k["title"], plan, amount)
            assert paid <= amount
            for p in k["plan"]:
                is_date(p["due_on"])
            for r in k["receipts"]:
                is_date(r["paid_on"])
                assert r["paid_on"] <= LAST_DAY.isoformat()
            due_past = sum(
                Decimal(p["amount"]) for p in k["plan"] if p["due_on"] < ANCHOR.isoformat()
            )
            n["contracts"] += 1
            n["contracts_paid"] += paid == amount
            n["contracts_partly"] += 0 < paid < amount
            n["contracts_overdue"] += due_past > paid
        for t in c["tickets"]:
            assert t["kind"] in TICKET_KINDS and t["priority"] in PRIORITIES
            assert t["status"] in TICKET_STATUSES
            o, r = is_dt(t["opened_at"]), is_dt(t["resolved_at"])
            assert t["contact"] is None or t["contact"] in contacts
            if t["status"] in ("resolved", "closed"):
                assert r and r > o and t["resolution"] and r.date() <= LAST_DAY
            else:
                assert r is None
            assert t["satisfaction"] is None or 1 <= t["satisfaction"] <= 5
            n["tickets"] += 1
        for f in c["followups"]:
            assert f["kind"] in FOLLOWUP_KINDS and f["status"] in FOLLOWUP_STATUSES
            t = is_dt(f["due_at"], working=False)
            assert f["cadence"] in (None, "memory") and (f["step"] is None or f["step"] >= 1)
            assert f["opportunity"] is None or f["opportunity"] in titles
            if f["status"] == "pending":
                assert c["status"] != "lost"
                assert f["opportunity"] is None or titles[f["opportunity"]] not in ("won", "lost")
                pending_offsets.append((t.date() - ANCHOR).days)
            else:
                assert t.date() <= LAST_DAY or f["status"] == "cancelled"
            n["followups_" + f["status"]] += 1
            n["memory"] += f["cadence"] == "memory"
    # planned near-duplicates share a phone / e-mail, nothing else does
    assert [k for k, v in phones.items() if v > 1] == ["057188216630"], phones.most_common(3)
    assert [k for k, v in emails.items() if v > 1] == ["service@haishengtrade.cn"]
    assert 500 <= n["interactions"] <= 700, n["interactions"]
    assert 35 <= n["opps"] <= 45 and all(n["stage_" + s] for s in STAGES)
    assert 150 <= n["orders"] <= 250 and 3 <= n["cancelled"] <= 5, (n["orders"], n["cancelled"])
    assert 8 <= n["contracts"] <= 12
    assert n["contracts_paid"] and n["contracts_partly"] and n["contracts_overdue"], n
    assert 15 <= n["tickets"] <= 25
    assert 40 <= n["followups_pending"] <= 80 and n["followups_done"] and n["followups_cancelled"]
    assert all(-10 <= d <= 30 for d in pending_offsets), sorted(pending_offsets)
    assert pending_offsets.count(0) >= 3 and sum(1 for d in pending_offsets if d < 0) >= 6
    all_tickets = [t for c in custs for t in c["tickets"]]
    for field, values in (
        ("kind", TICKET_KINDS),
        ("status", TICKET_STATUSES),
        ("priority", PRIORITIES),
    ):
        assert {t[field] for t in all_tickets} == set(values), field
    rfm = rfm_classes_json(custs)
    assert len(rfm) == 8 and min(rfm.values()) >= 2, rfm
    drifting = [
        c["name"]
        for c in custs
        if c["level"] == "gold"
        and min((ANCHOR - datetime.fromisoformat(i["at"]).date()).days for i in c["interactions"])
        > 30
    ]
    assert sorted(drifting) == sorted(DRIFTING), drifting
    births = [
        k
        for c in custs
        for k in c["contacts"]
        if k["birthday"]
        and 0 < (date(ANCHOR.year, *map(int, k["birthday"][5:].split("-"))) - ANCHOR).days <= 14
    ]
    assert len(births) >= 5
    book["_summary"] = n, rfm, len(births), drifting


def rfm_classes_json(custs: list[dict]) -> Counter:
    """RFM on the serialised book (dates as strings)."""
    shaped = []
    for c in custs:
        shaped.append(
            {
                "orders": [
                    {
                        "ordered_on": date.fromisoformat(o["ordered_on"]),
                        "status": o["status"],
                        "lines": o["lines"],
                    }
                    for o in c["orders"]
                ],
                "name": c["name"],
            }
        )
    return rfm_classes(shaped)


def phone_key(value: str | None) -> str | None:
    """Digits that identify a phone (as crmcli matches them): +86 dropped, extension ignored."""
    if not value:
        return None
    main = value.split("转")[0]
    digits = "".join(ch for ch in main if ch.isdigit())
    if main.strip().startswith("+86"):
        digits = digits[2:]
    return digits


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

CUSTOMER_KEYS = [
    "name",
    "kind",
    "industry",
    "level",
    "status",
    "source",
    "owner",
    "phone",
    "fax",
    "email",
    "website",
    "address",
    "city",
    "founded_on",
    "capital",
    "employees",
    "annual_revenue",
    "bank",
    "payment_terms",
    "customer_since",
    "credit_rating",
    "points",
    "tags",
    "notes",
    "extra",
    "contacts",
    "interactions",
    "opportunities",
    "orders",
    "contracts",
    "tickets",
    "followups",
]
OPP_KEYS = [
    "title",
    "product",
    "amount",
    "stage",
    "probability",
    "urgency",
    "needs",
    "expected_close",
    "created_at",
    "competitor",
    "lost_reason",
    "owner",
    "history",
]


def plain(x):
    """Dates to ISO strings, private keys (leading _) dropped, recursively."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items() if not k.startswith("_")}
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, (date, datetime)):
        return iso(x)
    return x


def serialise(book: dict) -> dict:
    out = dict(book)
    customers = []
    for c in book["customers"]:
        c = dict(c)
        c["opportunities"] = [{k: o[k] for k in OPP_KEYS} for o in c["opportunities"]]
        customers.append({k: c.get(k) for k in CUSTOMER_KEYS})
    out["customers"] = customers
    return plain(out)


def main() -> None:
    book = serialise(build())
    validate(book)
    n, rfm, births, drifting = book.pop("_summary")
    path = Path(__file__).resolve().parent / "demo.json"
    text = json.dumps(book, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")
    custs = book["customers"]
    print(f"wrote {path} ({len(text.encode('utf-8')) // 1024} KiB)")
    print(
        f"customers {len(custs)} (levels {dict(Counter(c['level'] for c in custs))}, "
        f"statuses {dict(Counter(c['status'] for c in custs))}), "
        f"cities {len({c['city'] for c in custs})}, "
        f"industries {len({c['industry'] for c in custs})}"
    )
    print(
        f"contacts {sum(len(c['contacts']) for c in custs)}, interactions {n['interactions']}, "
        f"opportunities {n['opps']} "
        "(" + ", ".join(f"{s} {n['stage_' + s]}" for s in STAGES) + ")"
    )
    print(
        f"orders {n['orders']} (cancelled {n['cancelled']}), contracts {n['contracts']} "
        f"(paid {n['contracts_paid']}, partly {n['contracts_partly']}, "
        f"overdue {n['contracts_overdue']}), tickets {n['tickets']}"
    )
    print(
        f"follow-ups pending {n['followups_pending']}, done {n['followups_done']}, "
        f"cancelled {n['followups_cancelled']} (memory cadence {n['memory']})"
    )
    print(f"RFM classes {dict(sorted(rfm.items()))}")
    print(f"birthdays in the next 14 days {births}; drifting gold customers {len(drifting)}")


if __name__ == "__main__":
    main()
