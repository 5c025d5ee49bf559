"""Selling: orders. Won deals become orders; each RFM profile draws its repeat orders from
the order templates; a few orders are cancelled.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .catalog import BASKETS, PEOPLE_UNITS, PRODUCT_PRICE, line
from .common import ANCHOR, LAST_DAY, days, rel, rng, weekday_back, weekday_fwd

# fmt: off
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
# fmt: on


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
