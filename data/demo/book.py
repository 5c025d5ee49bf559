"""Assembly: ``build()`` draws the whole book area by area, in a fixed order (the order of
the random draws), and ``serialise()`` gives it the shape of demo.json.
"""

from __future__ import annotations

from datetime import date, datetime

from .archive import finish_customer, force_birthdays, link_duplicates, make_customer
from .catalog import COMPETITORS, PRODUCT_COST, PRODUCTS, SUPPLIERS, supplier
from .churn import mark_lost
from .common import ANCHOR, iso
from .contracts import CONTRACTS, make_contract
from .customers import CUSTOMERS
from .followups import make_followups, plan_memories
from .interactions import interactions_for
from .opportunities import OPPORTUNITIES, make_opportunity
from .orders import cancel_some_orders, make_orders
from .surveys import make_survey
from .team import COMPANY, USERS
from .tickets import TICKETS, make_ticket


def build() -> dict:
    customers = [make_customer(row) for row in CUSTOMERS]
    by_name = {c["name"]: c for c in customers}
    for c in customers:
        c["opportunities"], c["orders"], c["contracts"] = [], [], []
        c["tickets"], c["followups"], c["interactions"] = [], [], []

    link_duplicates(by_name)
    force_birthdays(customers)

    # memory cadence: first contact day and the pending step
    memory = plan_memories()

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
        cust["interactions"] = interactions_for(cust, memory.get(cust["name"]))
    mark_lost(customers)

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
                "cost": PRODUCT_COST[p[0]],
                "supplier": p[5],
            }
            for p in PRODUCTS
        ],
        "competitors": COMPETITORS,
        "customers": customers,
        "surveys": [make_survey(customers)],
    }


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
    "lost_at",
    "lost_reason",
    "lost_note",
    "extra",
    "contacts",
    "interactions",
    "opportunities",
    "orders",
    "contracts",
    "tickets",
    "followups",
    "care",
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
