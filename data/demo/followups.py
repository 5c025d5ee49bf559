"""Relationship: follow-ups. The memory-curve cadence plans, the next steps of open deals,
routine and forgotten touches, cancelled ones, and care reminders for the birthdays in the
two weeks after the anchor.
"""

from __future__ import annotations

from datetime import date, datetime, time

from .common import ANCHOR, days, is_workday, rel, rng, weekday_back, weekday_fwd, work_time
from .customers import DRIFTING, DUPLICATES

# fmt: off
MEMORY_OFFSETS = (0, 3, 7, 15, 30, 60, 90, 180)  # the course's memory-curve cadence

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

# Memory-cadence customers: (customer, wanted pending due (days from anchor), steps to try).
MEMORY_PLANS = [
    ("杭州钱塘新能源汽车服务有限公司", 0, (5, 4, 6, 3, 2)),
    ("苏州金鸡湖会展服务有限公司", 5, (5, 4, 6, 3)),
    ("吴晓东", -2, (4, 5, 3, 6)),
    ("成都蜀韵文化传媒有限公司", 15, (6, 5, 4)),
    ("重庆两江数字科技有限公司", -1, (3, 2, 4)),
]
# fmt: on


def plan_memory(target: date, steps: tuple[int, ...]) -> tuple[date, int]:
    """First-contact day d0 and pending step k so that step k falls due on ``target`` and
    every earlier step falls on a weekday (so each was done on schedule)."""
    for k in steps:
        d0 = target - days(MEMORY_OFFSETS[k - 1])
        if all(is_workday(d0 + days(MEMORY_OFFSETS[i])) for i in range(k - 1)):
            return d0, k
    raise AssertionError(f"no memory plan for {target}")


def plan_memories() -> dict[str, tuple[date, int]]:
    """The memory-cadence customers: name -> (first-contact day, pending step)."""
    memory = {}
    for name, offset, steps in MEMORY_PLANS:
        d0, k = plan_memory(rel(offset), steps)
        memory[name] = (d0, k)
    return memory


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


# Care done: level, when, what (the default care.actions: gold 每年组织一次旅游或考察,
# silver 节日礼品).
CARE_DONE = [
    ("gold", datetime(2026, 6, 12, 10, 0), "年度客户考察：邀请关键人参观总部并座谈交流"),
    ("silver", datetime(2025, 9, 30, 10, 0), "中秋节礼品：寄送月饼礼盒和节日贺卡"),
]


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
        # care records (客户关怀, 003: care by tier): the care action of the customer's level
        # (care.actions), done for customers already buying then and in touch since; kept
        # apart from the follow-ups (loaded last, so the other records keep their ids)
        for level, at, note in CARE_DONE:
            orders_before = [o for o in cust["orders"] if str(o["ordered_on"]) < str(at.date())]
            touched_since = [i for i in cust["interactions"] if i["at"] > at]
            if (
                cust["level"] == level
                and live
                and cust["name"] not in DRIFTING
                and orders_before
                and touched_since
            ):
                cust.setdefault("care", []).append({"at": at, "note": note})
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
