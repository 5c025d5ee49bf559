"""Why the lost customers were lost (客户流失): a reason of the course's list and a note each.

No random draws (adding this module changes nothing else in the book): each lost customer
was lost three days after its last contact or order, whichever is later, at 10:00.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

# name -> (reason key of churn.reasons, note)
LOST = {
    "苏州启航外国语学校": ("competitor", "竞争对手以低价和免费培训拿下了续约"),
    "天津海河物流有限公司": ("lost_contact", "对接人离职后多次联系不上，新负责人未建立联系"),
    "苏州吴中纺织印染有限公司": ("price", "认为实施报价高于预算，暂缓信息化项目"),
    "广州南粤职业培训学校": ("communication", "没有弄清客户对排课功能的需求，方案不对路"),
    "北京京西印刷有限公司": ("complaint", "打印机维修投诉处理拖了两周，客户不满"),
    "郑海燕": ("communication", "回访不及时，没有了解到她更换设备的打算"),
}


def mark_lost(customers: list[dict]) -> None:
    """Set ``lost_at``, ``lost_reason`` and ``lost_note`` on the lost customers."""
    for cust in customers:
        if cust["status"] != "lost":
            continue
        reason, note = LOST[cust["name"]]
        days = [i["at"].date() for i in cust["interactions"]]
        days += [o["ordered_on"] for o in cust["orders"]]
        last = max(days) if days else date(2026, 1, 5)
        cust["lost_at"] = datetime.combine(last + timedelta(days=3), time(10, 0))
        cust["lost_reason"] = reason
        cust["lost_note"] = note
