"""The demo company (``crm init --demo``): a realistic Chinese book of customers.

The data lives in ``data/demo.json`` (installed as ``crmcli/_data/demo.json``). Its
dates lie around an anchor day; they are shifted so that the anchor becomes today,
which keeps "due today", "overdue" and "birthday next week" true whenever the demo
is loaded. Every record goes in through the same service functions users call (the
satisfaction survey and its answers too), with the service clock (``ctx.at``) set to the
record's own time.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from crmcli.services.archive import contacts, customers
from crmcli.services.context import Ctx
from crmcli.validate import now, parse_field
from crmcli.vocab import CONTACT, CONTRACT, CUSTOMER, OPPORTUNITY, RECEIPT

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def demo_file() -> Path:
    """The bundled demo data: inside the installed package, else the source tree's data/."""
    packaged = resources.files("crmcli") / "_data" / "demo.json"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "data" / "demo.json"


def load_data(today: date | None = None) -> dict[str, Any]:
    """The demo data with every date moved so that the anchor day is ``today``."""
    raw = json.loads(demo_file().read_text(encoding="utf-8"))
    anchor = date.fromisoformat(raw.get("anchor", "2026-11-26"))
    shift = (today or date.today()) - anchor
    return _shift(raw, shift)


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {k: (v if k == "anchor" else _shift(v, delta)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    if isinstance(value, str):
        if _DATE.match(value):
            return (date.fromisoformat(value) + delta).isoformat()
        if _DATETIME.match(value):
            return (datetime.fromisoformat(value) + delta).isoformat()
    return value


def _values(record: dict[str, Any], fields: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """Parse a record's values with the same validators the CLI uses."""
    values = {}
    for key, raw in record.items():
        if key in skip or key not in fields or raw is None:
            continue
        text = ",".join(raw) if isinstance(raw, list) else str(raw)
        values[key] = parse_field(fields[key], text)
    return values


def _clock(ctx: Ctx, when: str | None, default: datetime) -> None:
    ctx.at = (
        datetime.fromisoformat(when)
        if when and "T" in when
        else (datetime.fromisoformat(when + "T09:00:00") if when else default)
    )


def load(ctx: Ctx, data: dict[str, Any] | None = None, *, team: bool = False) -> dict[str, int]:
    """Load the demo company into an empty database; returns counts.

    ``team`` also loads the staff and who owns which customer: the book is then in team
    mode. Without it the book stays single-user and customers have no owner.
    """
    data = data or load_data()
    started = now()
    counts = {"customers": 0, "contacts": 0}
    if team:
        counts["users"] = load_staff(ctx, data, started)
    added: list[tuple[dict[str, Any], Any]] = []
    for record in data.get("customers", []):
        _clock(ctx, record.get("customer_since"), started - timedelta(days=400))
        saved = customers.add(
            ctx,
            name=record["name"],
            values=_values(
                record, CUSTOMER, {"name", "owner", "extra", "created_at", "updated_at"}
            ),
            extra=record.get("extra") or None,
            owner=record.get("owner") if team else None,
        )
        counts["customers"] += 1
        added.append((record, saved.customer))
        for person in record.get("contacts", []):
            contacts.add(
                ctx,
                customer=str(saved.customer.id),
                name=person["name"],
                values=_values(person, CONTACT, {"name", "customer"}),
            )
            counts["contacts"] += 1
    load_selling(ctx, data, counts)  # before follow-ups, which name their opportunity
    counts.update(_relationship(ctx, added, started))
    counts["survey_responses"] = load_surveys(ctx, data, added)
    ctx.at = started
    return counts


def load_staff(ctx: Ctx, data: dict[str, Any], started: datetime) -> int:
    """The demo company's staff (admin first), added a year and a half before today."""
    from crmcli.services.team import users

    staff = sorted(data.get("users", []), key=lambda u: u["role"] != "admin")
    ctx.at = started - timedelta(days=550)
    for person in staff:
        users.add(ctx, username=person["username"], role=person["role"], name=person.get("name"))
    return len(staff)


def load_surveys(ctx: Ctx, data: dict[str, Any], added: list[tuple[dict[str, Any], Any]]) -> int:
    """The satisfaction surveys and the answers the customers gave; returns how many
    responses."""
    from crmcli.services.relationship import surveys

    ids = {record["name"]: saved.id for record, saved in added}
    count = 0
    for item in data.get("surveys", []):
        ctx.at = datetime.fromisoformat(item["created_at"])
        survey = surveys.create(
            ctx,
            title=item["title"],
            specs=item["questions"],
            description=item.get("description"),
        )
        for response in item["responses"]:
            ctx.at = datetime.fromisoformat(response["answered_at"])
            surveys.answer(
                ctx,
                str(survey.id),
                str(ids[response["customer"]]),
                answers=[f"{q}={v}" for q, v in response["answers"].items()],
                at=ctx.at,
            )
            count += 1
    return count


# -- keeping the relationship: contact records, follow-ups, tickets ----------------------------


def _relationship(ctx: Ctx, added: list[tuple[dict[str, Any], Any]], started: datetime):
    """Load every customer's contact records, follow-ups and tickets, in time order.

    Runs after the customers (and, once loaded, their opportunities), so follow-ups
    and contact records find the opportunity they serve by its title.
    """
    from sqlalchemy import select

    from crmcli.models import Contact, Opportunity, User
    from crmcli.services.relationship import contact_log, followups, tickets

    staff = {r.username: r.id for r in ctx.session.execute(select(User.username, User.id))}
    counts = {"interactions": 0, "followups": 0, "tickets": 0}
    for record, customer in added:
        people = {
            r.name: r.id
            for r in ctx.session.execute(
                select(Contact.name, Contact.id).where(Contact.customer_id == customer.id)
            )
        }
        deals = {
            r.title: r.id
            for r in ctx.session.execute(
                select(Opportunity.title, Opportunity.id).where(
                    Opportunity.customer_id == customer.id
                )
            )
        }
        ref = str(customer.id)
        logged: dict[str, Any] = {}
        for item in sorted(record.get("interactions", []), key=lambda i: i["at"]):
            _clock(ctx, item["at"], started)
            done = contact_log.log(
                ctx,
                customer=ref,
                channel=item["channel"],
                summary=item["summary"],
                result=item.get("result"),
                contact=str(people[item["contact"]]) if item.get("contact") in people else None,
                place=item.get("place"),
                at=ctx.at,
                next_step=item.get("next_step"),
                user=item["user"] if item.get("user") in staff else None,
                kind=item.get("kind"),  # needs records (实训5-2) name the deal they became
                opportunity=str(deals[item["opportunity"]]) if item.get("opportunity") else None,
            )
            logged[item["at"]] = done.interaction
            counts["interactions"] += 1
        for item in sorted(record.get("followups", []), key=lambda f: f["due_at"]):
            due = datetime.fromisoformat(item["due_at"])
            ctx.at = min(due, started)
            followup = followups.create(
                ctx,
                customer=customer,
                due=due,
                kind=item["kind"],
                note=item.get("note"),
                opportunity_id=deals.get(item.get("opportunity")),
                owner_id=customer.owner_id,
                step=item.get("step"),
                cadence=item.get("cadence"),
            )
            if item["status"] == "done":
                followups.done(
                    ctx,
                    str(followup.id),
                    at=ctx.at,
                    next="none",
                    interaction=logged.get(item["due_at"]),
                )
            elif item["status"] == "cancelled":
                followups.cancel(ctx, str(followup.id))
            counts["followups"] += 1
    # tickets, then care records, after every customer's contacts and follow-ups: what they
    # add (a complaint's call-back, a care touch) takes ids after those
    for record, customer in added:
        people = {
            r.name: r.id
            for r in ctx.session.execute(
                select(Contact.name, Contact.id).where(Contact.customer_id == customer.id)
            )
        }
        ref = str(customer.id)
        for item in sorted(record.get("tickets", []), key=lambda k: k["opened_at"]):
            _clock(ctx, item["opened_at"], started)
            ticket = tickets.open_ticket(
                ctx,
                customer=ref,
                kind=item["kind"],
                subject=item["subject"],
                priority=item.get("priority"),
                contact=str(people[item["contact"]]) if item.get("contact") in people else None,
                description=item.get("description"),
            )
            status = item["status"]
            if status == "in_progress":
                ctx.at = min(ctx.at + timedelta(hours=2), started)
                tickets.note(ctx, ticket.code, "已受理，正在处理")
            if status in ("resolved", "closed"):
                _clock(ctx, item["resolved_at"], started)
                tickets.resolve(
                    ctx,
                    ticket.code,
                    resolution=item["resolution"],
                    satisfaction=item.get("satisfaction"),
                    cause=item.get("cause"),
                    remedy=item.get("remedy"),
                    compensation=item.get("compensation"),
                )
            if status == "closed":
                ctx.at = min(ctx.at + timedelta(days=2), started)
                tickets.close(ctx, ticket.code)
                _call_back(ctx, ticket, item.get("satisfaction"), started)
            counts["tickets"] += 1
    for record, customer in added:
        for item in record.get("care") or []:
            _clock(ctx, item["at"], started)
            care = followups.create(
                ctx,
                customer=customer,
                due=ctx.at,
                kind="care",
                note=item["note"],
                owner_id=customer.owner_id,
            )
            followups.done(ctx, str(care.id), at=ctx.at, next="none")
            counts["followups"] += 1
    return counts


def _call_back(ctx: Ctx, ticket: Any, satisfaction: int | None, started: datetime) -> None:
    """A closed complaint's satisfaction call-back, made when it fell due (if it has)."""
    from crmcli.models import Followup
    from crmcli.services.relationship import followups, tickets

    if ticket.callback_id is None:
        return
    followup = ctx.session.get(Followup, ticket.callback_id)
    if followup.due_at > started:
        return
    ctx.at = followup.due_at
    followups.done(
        ctx,
        str(followup.id),
        summary=f"满意度回访：{ticket.subject}",
        result=f"客户对处理结果的满意度 {satisfaction} 分" if satisfaction else None,
        at=ctx.at,
        next="none",
    )
    tickets.callback_done(ctx, followup, satisfaction)


# -- selling (issue 5): suppliers, products, competitors, opportunities, orders, contracts ---


def _at(ctx: Ctx, when: str, hour: str = "T10:00:00") -> None:
    """Set the service clock to a record's own time (a bare day gets ``hour``)."""
    ctx.at = datetime.fromisoformat(when if "T" in when else when + hour)


def _user(ctx: Ctx, username: str | None) -> str | None:
    """A demo username when that user exists in this database (else no owner)."""
    if not username:
        return None
    from sqlalchemy import select

    from crmcli.models import User

    found = ctx.session.execute(select(User.id).where(User.username == username)).first()
    return username if found else None


def _catalog_values(record: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    values = _values(record, fields, {"name", "supplier", "created_at", "updated_at"})
    if record.get("supplier"):
        values["supplier"] = record["supplier"]
    return values


def load_selling(ctx: Ctx, data: dict[str, Any], counts: dict[str, int]) -> None:
    """The selling half of the demo, through the same services users call."""
    from sqlalchemy import select

    from crmcli.models import Customer
    from crmcli.services.selling import catalog, contracts, orders, pipeline
    from crmcli.vocab import COMPETITOR, PRODUCT, SUPPLIER

    # the catalogue predates the book: two years ago, at the start of a working day
    ctx.at = datetime.combine(date.today() - timedelta(days=730), time(9))
    for kind, key, fields in (
        (catalog.SUPPLIERS, "suppliers", SUPPLIER),
        (catalog.PRODUCTS, "products", PRODUCT),
        (catalog.COMPETITORS, "competitors", COMPETITOR),
    ):
        for record in data.get(key, []):
            catalog.add(ctx, kind, name=record["name"], values=_catalog_values(record, fields))
        counts[key] = len(data.get(key, []))
    # the customers were added in the book's order, into an empty database
    ids = ctx.session.execute(select(Customer.id).order_by(Customer.id)).scalars().all()
    counts.update(opportunities=0, orders=0, contracts=0)
    for record, customer_id in zip(data.get("customers", []), ids, strict=True):
        customer = str(customer_id)
        deals: dict[str, str] = {}
        for opp in record.get("opportunities", []):
            deals[opp["title"]] = _load_opportunity(ctx, customer, opp, pipeline)
            counts["opportunities"] += 1
        for order in record.get("orders", []):
            _at(ctx, order["ordered_on"])
            made = orders.add(
                ctx,
                customer=customer,
                items=[
                    f"{line['product']}:{line['qty']}:{line['unit_price']}:{line['discount']}%"
                    for line in order["lines"]
                ],
                ordered_on=date.fromisoformat(order["ordered_on"]),
                opportunity=deals.get(order.get("opportunity") or ""),
                status=None if order["status"] == "cancelled" else order["status"],
                owner=_user(ctx, record.get("owner")),
            )
            if order["status"] == "cancelled":
                orders.cancel(ctx, str(made.id))
            counts["orders"] += 1
        for contract in record.get("contracts", []):
            _at(ctx, contract["signed_on"], "T15:00:00")
            made = contracts.add(
                ctx,
                customer=customer,
                title=contract["title"],
                amount=parse_field(CONTRACT["amount"], contract["amount"]),
                plan=[f"{p['due_on']}:{p['amount']}" for p in contract["plan"]],
                signed_on=date.fromisoformat(contract["signed_on"]),
                opportunity=deals.get(contract.get("opportunity") or ""),
                owner=_user(ctx, record.get("owner")),
            )
            for receipt in contract.get("receipts", []):
                _at(ctx, receipt["paid_on"], "T11:00:00")
                contracts.pay(
                    ctx,
                    str(made.id),
                    amount=parse_field(RECEIPT["amount"], receipt["amount"]),
                    paid_on=date.fromisoformat(receipt["paid_on"]),
                )
            counts["contracts"] += 1


def _load_opportunity(ctx: Ctx, customer: str, opp: dict[str, Any], pipeline: Any) -> str:
    """One opportunity: created at the first stage, then every move at its own time."""
    from crmcli.services.desk import changes

    _at(ctx, opp["created_at"])
    # only the plain fields: stage, probability, dates and references go their own way
    values = _values(
        opp, {k: OPPORTUNITY[k] for k in ("urgency", "needs", "expected_close")}, set()
    )
    refs = {"product": opp.get("product"), "competitor": opp.get("competitor")}
    refs["owner"] = _user(ctx, opp.get("owner"))
    values.update({k: v for k, v in refs.items() if v})
    amount = parse_field(OPPORTUNITY["amount"], opp["amount"]) if opp.get("amount") else None
    created = pipeline.add(ctx, customer=customer, title=opp["title"], amount=amount, values=values)
    code = created.opportunity.code
    moves = opp.get("history", [])
    for move in moves:
        _at(ctx, move["at"])
        changes.move_opportunity(
            ctx,
            code,
            stage=move["to"],
            reason=move.get("reason") or (opp.get("lost_reason") if move["to"] == "lost" else None),
        )
    if opp.get("probability") is not None:
        pipeline.edit(ctx, code, values={}, probability=str(opp["probability"]))
    return code
