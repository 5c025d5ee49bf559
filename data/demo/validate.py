"""Checks on the serialised book before it is written (references, enum values, dates,
payment plans, counts, RFM classes, planned duplicates), and the counts main prints.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from .catalog import order_total
from .common import ANCHOR, HISTORY_START, LAST_DAY, is_workday, rel
from .customers import DRIFTING
from .vocabulary import (
    CHANNELS,
    CREDITS,
    FOLLOWUP_KINDS,
    FOLLOWUP_STATUSES,
    KINDS,
    LEVELS,
    ORDER_STATUSES,
    PRIORITIES,
    ROLES,
    SOURCES,
    STAGES,
    STATUSES,
    TICKET_KINDS,
    TICKET_STATUSES,
    URGENCIES,
)


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
            if t["kind"] == "complaint" and t["status"] in ("resolved", "closed"):
                assert t["cause"] and t["remedy"], t["subject"]  # closed only when made good
            if t["compensation"] is not None:
                assert Decimal(t["compensation"]) > 0
                n["compensations"] += 1
            n["tickets"] += 1
        for care in c["care"] or []:
            assert is_dt(care["at"], working=False).date() <= LAST_DAY and care["note"]
            assert c["status"] != "lost"
            n["care"] += 1
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
    assert n["compensations"] >= 1
    assert n["care"] >= 5, n["care"]
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
