"""Write the sample files of lab 4-2 (客户信息 Excel 导出与导入) into data/.

    python data/make_lab_4_2.py

- ``lab-4-2-exhibition-gb18030.csv``: visitors' cards from a trade fair, saved by Chinese
  Excel as "CSV (逗号分隔)": GB18030, CRLF, a title row above the Chinese header, a
  contact per row, a column of the fair's own (展位号), and one company already in the
  demo book.
- ``lab-4-2-referrals.xlsx``: referrals kept in Excel: other header words (公司名称,
  电子邮箱, 客户级别 ...), real date cells, a phone typed as a number and one kept as text.
- ``lab-4-2-mistakes.csv``: a list with the mistakes people make (UTF-8 with BOM, as
  Excel's "CSV UTF-8" saves it).
- ``lab-4-2-rejects-fixed.csv``: the rejects file of that list once a student fixed it.

Every company, person, phone and address is made up.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

# one row a line, as in a spreadsheet
# fmt: off
EXHIBITION = [
    ["2026 杭州国际工业博览会 · 客户登记表"],
    ["客户名称", "联系电话", "邮箱", "城市", "行业", "客户等级", "来源", "联系人", "职务", "手机", "展位号", "备注"],
    ["杭州青禾智能装备有限公司", "0571-8657 2201", "info@qinghe-zn.example.cn", "杭州", "制造业", "普通", "展览会", "周敏", "设备部经理", "139 5710 2201", "A-103", "想了解MES与ERP集成"],
    ["嘉兴恒远纺织股份有限公司", "0573-8221 3360", "sales@hengyuan-fz.example.cn", "嘉兴", "纺织", "普通", "展览会", "沈建华", "信息中心主任", "138 5731 3360", "B-215", ""],
    ["绍兴越州印染有限公司", "0575-8833 1029", "", "绍兴", "纺织", "普通", "展览会", "王丽", "财务总监", "137 5751 1029", "B-220", "明年预算已批"],
    ["湖州安吉竹木制品有限公司", "0572-5122 8871", "anji@zhumu.example.cn", "湖州", "制造业", "普通", "展览会", "吴国强", "总经理", "135 7220 8871", "C-008", ""],
    ["宁波东海港务物流有限公司", "0574-8612 5540", "contact@donghai-gw.example.cn", "宁波", "物流", "银牌", "展览会", "陈立", "IT经理", "136 5740 5540", "A-311", "对仓储管理模块感兴趣"],
    ["金华义乌小商品贸易有限公司", "0579-8520 7765", "yiwu@xsp.example.cn", "金华", "零售", "普通", "展览会", "楼小燕", "采购主管", "158 6790 7765", "D-102", ""],
    ["温州瓯江电器有限公司", "0577-8865 4412", "info@oujiang-dq.example.cn", "温州", "制造业", "普通", "展览会", "林海", "副总经理", "139 5770 4412", "C-119", "要求上门演示"],
    ["深圳市华晨电子有限公司", "0755-8960 6110", "", "深圳", "", "", "", "高立新", "CIO", "", "A-001", ""],
]

REFERRALS_HEADER = ["公司名称", "联系电话", "电子邮箱", "所在城市", "所属行业", "客户级别", "客户来源", "成立时间", "注册资本", "员工数", "推荐人"]
REFERRALS = [
    ["苏州工业园区启航软件有限公司", "0512-6288 3301", "hr@qihang-soft.example.cn", "苏州", "互联网", "银牌", "老客户介绍", date(2015, 4, 20), "1000万", 260, "苏州恒泰 王总"],
    ["无锡锡山精密铸造有限公司", 51088776620, "zhuzao@xishan.example.cn", "无锡", "制造业", "普通", "老客户介绍", date(2008, 9, 1), "3000万", 540, "宁波港联 潘总"],
    ["常州龙城医疗器械有限公司", "0519-8866 0917", "info@longcheng-yl.example.cn", "常州", "医疗", "普通", "老客户介绍", date(2018, 11, 15), "500万", 120, "成都康宁 李院长"],
    ["南通江海船舶配件有限公司", "0513-8556 2208", "", "南通", "制造业", "普通", "老客户介绍", date(2011, 3, 8), "2000万", 330, "上海瑞丰 赵总"],
]

MISTAKES = [
    ["客户名称", "电话", "邮箱", "城市", "客户等级", "成立日期", "员工人数"],
    ["合肥科讯信息技术有限公司", "0551-6538 1100", "info@kexun-it.example.cn", "合肥", "普通", "2016-05-18", "180"],
    ["南昌赣江食品有限公司", "电话待定", "sales@ganjiang-sp.example.cn", "南昌", "普通", "2012-07-01", "95"],
    ["长沙麓山教育科技有限公司", "0731-8899 2314", "wang@163", "长沙", "普通", "2019-03-12", "60"],
    ["郑州中原建材有限公司", "0371-6655 4410", "zy@zhongyuan-jc.example.cn", "郑州", "VIP", "2010-10-10", "420"],
    ["太原晋阳机电设备有限公司", "0351-7012 3345", "jy@jinyang-jd.example.cn", "太原", "普通", "2023-02-30", "150"],
    ["", "0591-8712 6658", "fz@minjiang.example.cn", "福州", "普通", "2014-06-06", "75"],
    ["昆明滇池花卉有限公司", "0871-6530 9982", "dianchi@huahui.example.cn", "昆明", "普通", "2009-04-01", "约200人"],
    ["合肥科讯信息技术有限公司", "0551 65381100", "", "合肥", "银牌", "", ""],
    ["贵阳筑城大数据有限公司", "0851-8588 1200", "data@zhucheng.example.cn", "贵阳", "普通", "2017年8月8日", "88"],
]

FIXED = [
    ["客户名称", "电话", "邮箱", "城市", "客户等级", "成立日期", "员工人数", "错误原因"],
    ["南昌赣江食品有限公司", "0791-8631 5520", "sales@ganjiang-sp.example.cn", "南昌", "普通", "2012-07-01", "95", "电话: 无效电话 '电话待定'"],
    ["长沙麓山教育科技有限公司", "0731-8899 2314", "wang@lushan-edu.example.cn", "长沙", "普通", "2019-03-12", "60", "邮箱: 无效邮箱 'wang@163'"],
    ["郑州中原建材有限公司", "0371-6655 4410", "zy@zhongyuan-jc.example.cn", "郑州", "金牌", "2010-10-10", "420", "客户等级: 未知的客户等级 'VIP'"],
    ["太原晋阳机电设备有限公司", "0351-7012 3345", "jy@jinyang-jd.example.cn", "太原", "普通", "2023-02-28", "150", "成立日期: 无效日期 '2023-02-30'"],
    ["福州闽江茶业有限公司", "0591-8712 6658", "fz@minjiang.example.cn", "福州", "普通", "2014-06-06", "75", "客户名称: 客户名称不能为空"],
    ["昆明滇池花卉有限公司", "0871-6530 9982", "dianchi@huahui.example.cn", "昆明", "普通", "2009-04-01", "200", "员工人数: 需要整数"],
]
# fmt: on


def write_csv(name: str, rows: list[list[str]], encoding: str) -> None:
    with open(HERE / name, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def write_referrals() -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(HERE / "lab-4-2-referrals.xlsx"),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties({"created": date(2026, 11, 1)})  # the same bytes on every run
    sheet = book.add_worksheet("客户名单")
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy年m月d日"})
    sheet.write_row(0, 0, REFERRALS_HEADER, bold)
    for r, row in enumerate(REFERRALS, 1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)  # a phone typed as a number: 0 lost by Excel
            elif value:
                sheet.write_string(r, c, value)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 10, 14)
    book.close()


def main() -> None:
    write_csv("lab-4-2-exhibition-gb18030.csv", EXHIBITION, "gb18030")
    write_csv("lab-4-2-mistakes.csv", MISTAKES, "utf-8-sig")
    write_csv("lab-4-2-rejects-fixed.csv", FIXED, "utf-8-sig")
    write_referrals()
    for name in sorted(HERE.glob("lab-4-2-*")):
        print(f"{name.name:<36} {name.stat().st_size:>7} bytes")


if __name__ == "__main__":
    main()
