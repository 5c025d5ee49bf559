"""Relationship (service): the service tickets (inquiries, complaints, repairs, returns, suggestions) and
how each is opened, resolved and rated.
"""

from __future__ import annotations

from datetime import timedelta

from .archive import pick_contact
from .common import next_work_moment, rel, work_time

# fmt: off
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

# Complaints: subject -> cause (问题原因), remedy (补救措施), compensation (补偿金额, yuan,
# exact as text, or None). A closed complaint was called back (满意度回访) by its owner.
COMPLAINTS = {
    "实施顾问多次临时改约": (
        "驻场顾问同时负责两个项目，排期冲突未及时告知客户",
        "项目经理上门致歉，更换专职驻场顾问，重新排定实施计划，减免延误期间的顾问费",
        "6000.00",
    ),
    "门店无线网络高峰期卡顿": (
        "门店AP数量按平日客流配置，信道规划相互重叠",
        "增加两台无线AP并重新规划信道，高峰期派工程师驻店观察一周",
        None,
    ),
    "培训讲师临时更换，课程内容与需求不符": (
        "原讲师临时请假，替换讲师没有拿到客户的培训需求说明",
        "安排原讲师补课一天，赠送一次线上答疑，并退还首日培训费",
        "3500.00",
    ),
    "维保续费发票开具延误": (
        "财务部开票排期遗漏，到账后未触发开票提醒",
        "财务部补开发票并当天快递寄出，增加到账即开票的提醒",
        None,
    ),
    "存储阵列扩容报价过高": (
        "报价沿用去年的硬盘价格，没有按当前市场价核算",
        "重新核算报价并给予8%优惠",
        None,
    ),
}
# fmt: on


def make_ticket(cust: dict, spec: tuple) -> dict:
    _, kind, subject, description, priority, status, opened, hours, resolution, sat = spec
    opened_at = work_time(rel(-opened))
    resolved_at = None
    if status in ("resolved", "closed"):
        resolved_at = next_work_moment(opened_at + timedelta(hours=hours))
    contact = pick_contact(cust, "user")
    cause, remedy, compensation = COMPLAINTS.get(subject, (None, None, None))
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
        "cause": cause,
        "remedy": remedy,
        "compensation": compensation,
    }
