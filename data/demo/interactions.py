"""Relationship: contact records. Each customer's story of routine touches, deal moves,
orders, tickets and memory-cadence calls, told with the phrase templates.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .archive import pick_contact
from .catalog import COMP_SHORT, PRODUCT_NAME, SOFT_PRODUCTS
from .common import (
    ANCHOR,
    HISTORY_START,
    LAST_DAY,
    days,
    next_work_moment,
    rand_date,
    rel,
    rng,
    weekday_back,
    work_time,
)
from .customers import DRIFTING
from .followups import MEMORY_OFFSETS
from .identities import CITY_INFO, addressed
from .phrases import DEPTS, EXPOS, OLD_SYSTEMS, ONLINE, OUR_SHOWROOM, PHASES
from .team import MANAGER, SERVICE_USER


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
    deal = fields.pop("opp", None)
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
    record = {
        "at": ev["at"],
        "channel": channel,
        "contact": contact["name"] if contact else None,
        "place": place,
        "summary": summary.format(**values),
        "result": result.format(**values),
        "next_step": next_step.format(**values) if next_step else None,
        "user": ev["user"],
    }
    asked = any(w in summary for w in NOT_NEEDS)
    heard = "需求" in summary and not asked
    if deal and (heard or (ev["phase"] in NEEDS_PHASES and not asked)):
        # a needs record (实训5-2), linked to the deal it became
        record.update(kind="needs", opportunity=deal)
    elif not deal and heard and "{prod}" not in summary:
        # a need heard on a routine touch, not (yet) a deal
        record["kind"] = "needs"
    return record


#: the phases of a deal whose touches learn the customer's needs: a new need raised by a
#: customer, and the qualifying talks (需求确认)
NEEDS_PHASES = ("expand", "qualified")
#: touches that speak of needs without learning any (asking, or fixing a meeting)
NOT_NEEDS = ("询问", "确认需求沟通会")


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
    base = {"prod_code": opp["product"], "opp": opp["title"]}
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


def memory_events(story: Story, d0: date, k: int) -> None:
    opps = story.cust["opportunities"]
    code = opps[0]["product"] if opps else None
    for step in range(1, k):
        d = d0 + days(MEMORY_OFFSETS[step - 1])
        at = datetime.combine(d, time(10, 0)) + timedelta(minutes=rng.choice(range(0, 360, 15)))
        phase = "first" if step == 1 else "memory"
        story.add(at, phase, None, None, step=str(step), prod_code=code)
        story.cust.setdefault("_memory_done", []).append(at)


def interactions_for(cust: dict, mem: tuple[date, int] | None) -> list[dict]:
    """A customer's contact records in time order; mem is its memory-cadence plan, if any."""
    story = Story(cust)
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
    elif cust["level"] == "gold" and not any((ANCHOR - e["at"].date()).days <= 30 for e in events):
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
    return [render_interaction(cust, e) for e in events]
