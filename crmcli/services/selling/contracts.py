"""Contracts (合同), their payment plans, receipts, and the receivables list (电子催款).

A contract's plan is a list of instalments (due date, amount) that adds up exactly
to the contract amount. Receipts are not tied to an instalment: money received pays
the instalments oldest first, so each instalment's ``received`` and
``outstanding`` follow from the total received (as of a day, for ``--as-of``).
Overpaying a contract is refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.codes import next_code
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.services.team.permissions import default_owner
from crmcli.validate import CENT, nfkc, parse_date, parse_decimal, parse_money, parse_text
from crmcli.vocab import CONTRACT, RECEIPT

WHAT = ("contract", "合同")
SELLERS = permissions.SELLERS
ZERO = Decimal("0.00")
JSON_FIELDS = [
    "id",
    "code",
    "customer_code",
    "customer_name",
    "title",
    "amount",
    "received",
    "outstanding",
    "overdue",
    "next_due_on",
    "signed_on",
    "starts_on",
    "ends_on",
    "opportunity",
    "owner",
    "notes",
    "created_at",
    "updated_at",
]
RECEIVABLE_FIELDS = [
    "customer_code",
    "customer_name",
    "contact",
    "phone",
    "email",
    "owner",
    "contract_id",
    "contract_code",
    "contract_title",
    "seq",
    "due_on",
    "amount",
    "received",
    "outstanding",
    "days_overdue",
]


def _plan_help() -> str:
    return t("DATE:AMOUNT,... e.g. 2026-03-01:30000,2026-06-01:70000 or +0d:30%,+3m:70%")


# -- the plan ---------------------------------------------------------------------------------


def parse_plan(texts: list[str], amount: Decimal, *, base: datetime) -> list[tuple[date, Decimal]]:
    """Instalments from ``DATE:AMOUNT`` items (comma-separated, or repeated ``--plan``).

    An amount may be a percentage of the contract (``30%``); dates may be offsets
    from ``base`` (the signing day): ``+0d:30%,+3m:70%``. The plan must add up to
    ``amount`` exactly. A ``12,800`` inside an item is read as one amount.
    """
    pieces: list[str] = []
    for text in texts:
        for piece in re.split(r"[,，;；]", text):
            piece = piece.strip()
            if not piece:
                continue
            if pieces and re.fullmatch(r"\d{3}(\.\d+)?", piece):  # 12,800: a thousands group
                pieces[-1] += "," + piece
            else:
                pieces.append(piece)
    if not pieces:
        raise Invalid(t("the payment plan is empty: use {form}", form=_plan_help()))
    plan: list[tuple[date, Decimal]] = []
    percents: list[Decimal] = []
    for piece in pieces:
        m = re.fullmatch(r"\s*(.+?)\s*[:：]\s*(.+?)\s*", piece)
        if not m:
            raise Invalid(
                t("invalid plan item '{value}': use {form}", value=piece, form=_plan_help())
            )
        due = parse_date(m.group(1), base=base)
        value = nfkc(m.group(2))
        if value.endswith("%"):
            share = parse_decimal(value[:-1], t("payment plan"), places=2)
            percents.append(share)
            part = (amount * share / 100).quantize(CENT, ROUND_HALF_UP)
        else:
            part = parse_money(value, t("payment plan"))
        if part <= 0:
            raise Invalid(t("each instalment must be above 0: '{value}'", value=piece))
        plan.append((due, part))
    total = sum((p for _, p in plan), ZERO)
    if len(percents) == len(plan) and sum(percents) == 100 and total != amount:
        due, last = plan[-1]  # rounding of percentages: the last instalment takes the cents
        plan[-1] = (due, last + amount - total)
        total = amount
    if total != amount:
        raise Invalid(
            t(
                "the payment plan adds up to {plan}, not the contract amount {amount} "
                "(difference {difference})",
                plan=f"{total:,.2f}",
                amount=f"{amount:,.2f}",
                difference=f"{amount - total:+,.2f}",
            )
        )
    return sorted(plan, key=lambda p: p[0])


def allocate(
    instalments: list[tuple[date, Decimal]], received: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """(received, outstanding) per instalment: the money received pays the oldest first."""
    result = []
    left = received
    for _, amount in instalments:
        paid = min(amount, max(left, ZERO))
        left -= paid
        result.append((paid, amount - paid))
    return result


def instalment_status(due_on: date, received: Decimal, outstanding: Decimal, as_of: date) -> str:
    if outstanding <= 0:
        return "paid"
    if due_on < as_of:
        return "overdue"
    if due_on == as_of:
        return "due"
    return "partial" if received > 0 else "upcoming"


# -- finding and changing -----------------------------------------------------------------


def find(ctx: Ctx, ref: str, *, deleted: bool | None = False) -> Any:
    """A contract by id, code (H000001) or exact title."""
    from crmcli.models import Contract

    return resolve(
        ctx,
        Contract,
        ref,
        what=WHAT,
        name_attr="title",
        deleted=deleted,
        where=customers.of_live(ctx, Contract.customer_id),
        list_command="crm contract list",
        restore_command="crm contract restore {ref}",
    )


def _allowed(ctx: Ctx, customer: Any) -> None:
    permissions.require_role(ctx, SELLERS, t("change contracts"))
    permissions.require_customer_change(ctx, customer)


def _customer(ctx: Ctx, contract: Any) -> Any:
    from crmcli.models import Customer

    return ctx.session.get(Customer, contract.customer_id)


def add(
    ctx: Ctx,
    *,
    customer: str,
    title: str,
    amount: Decimal,
    plan: list[str] | None = None,
    signed_on: date | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    opportunity: str | None = None,
    notes: str | None = None,
    owner: str | None = None,
) -> Any:
    """Create a contract with its payment plan (one instalment on the signing day by default)."""
    from crmcli.models import Contract, PaymentPlan
    from crmcli.services.selling import pipeline

    party = customers.find(ctx, customer)
    _allowed(ctx, party)
    name = parse_text(title or "", CONTRACT["title"])
    if not name:
        raise Invalid(t("{field} is required", field=CONTRACT["title"].label))
    if amount <= 0:
        raise Invalid(
            t("{field} must be above 0: {value}", field=CONTRACT["amount"].label, value=amount)
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(
            t(
                "the contract ends ({ends}) before it starts ({starts})",
                ends=ends_on,
                starts=starts_on,
            )
        )
    signed = signed_on or ctx.at.date()
    base = datetime.combine(signed, time())
    instalments = parse_plan(plan, amount, base=base) if plan else [(signed, amount)]
    deal = pipeline.of_customer(ctx, party, opportunity)
    contract = Contract(
        code=next_code(ctx, "H", Contract),
        customer_id=party.id,
        opportunity_id=deal.id if deal is not None else None,
        owner_id=default_owner(ctx, owner),
        title=name,
        amount=amount,
        signed_on=signed,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=parse_text(notes, CONTRACT["notes"]) if notes else None,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(contract)
    ctx.session.flush()
    ctx.session.add_all(
        PaymentPlan(contract_id=contract.id, seq=i, due_on=due, amount=part)
        for i, (due, part) in enumerate(instalments, 1)
    )
    changes: dict[str, Any] = {
        "customer": [None, party.code],
        "title": [None, contract.title],
        "amount": [None, contract.amount],
        "signed_on": [None, contract.signed_on],
        "plan": [None, [f"{due.isoformat()}:{part}" for due, part in instalments]],
    }
    for key in ("starts_on", "ends_on", "notes"):
        if getattr(contract, key) is not None:
            changes[key] = [None, getattr(contract, key)]
    if deal is not None:
        changes["opportunity"] = [None, deal.code]
    audit.record(ctx, "create", "contract", contract.id, code=contract.code, changes=changes)
    return contract


def received_total(ctx: Ctx, contract_id: int, as_of: date | None = None) -> Decimal:
    from sqlalchemy import func, select

    from crmcli.models import Receipt

    q = select(func.sum(Receipt.amount)).where(Receipt.contract_id == contract_id)
    if as_of is not None:
        q = q.where(Receipt.paid_on <= as_of)
    cents = ctx.session.execute(q).scalar()
    return _money(cents)


def _money(value: Any) -> Decimal:
    """A SUM over a Money column (Decimal yuan through the column type), None as 0."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT)


def pay(
    ctx: Ctx, ref: str, *, amount: Decimal, paid_on: date | None = None, note: str | None = None
) -> dict[str, Any]:
    """Record money received against a contract; refuses more than is outstanding."""
    from crmcli.models import Receipt

    contract = find(ctx, ref)
    _allowed(ctx, _customer(ctx, contract))
    day = paid_on or ctx.at.date()
    if amount <= 0:
        raise Invalid(
            t("{field} must be above 0: {value}", field=RECEIPT["amount"].label, value=amount)
        )
    if day > ctx.at.date():
        raise Invalid(t("a payment cannot be dated in the future: {value}", value=day.isoformat()))
    if contract.signed_on is not None and day < contract.signed_on:
        raise Invalid(
            t(
                "a payment cannot be dated before the contract was signed ({signed}): {value}",
                signed=contract.signed_on.isoformat(),
                value=day.isoformat(),
            )
        )
    received = received_total(ctx, contract.id)
    outstanding = contract.amount - received
    if amount > outstanding:
        raise Invalid(
            t(
                "{amount} is more than is outstanding on {code} ({outstanding} of {total})",
                amount=f"{amount:,.2f}",
                code=contract.code,
                outstanding=f"{outstanding:,.2f}",
                total=f"{contract.amount:,.2f}",
            ),
            hint=t("see the plan with: crm contract show {code}", code=contract.code),
        )
    receipt = Receipt(
        contract_id=contract.id,
        paid_on=day,
        amount=amount,
        note=parse_text(note, RECEIPT["note"]) if note else None,
        user_id=ctx.actor.id,
        created_at=ctx.at,
    )
    ctx.session.add(receipt)
    ctx.session.flush()
    contract.updated_at = ctx.at
    audit.record(
        ctx,
        "pay",
        "contract",
        contract.id,
        code=contract.code,
        changes={
            "receipt": [
                None,
                {"id": receipt.id, "paid_on": day, "amount": amount, "note": receipt.note},
            ],
            "received": [received, received + amount],
        },
    )
    return {
        "contract": contract,
        "receipt": receipt,
        "received": received + amount,
        "outstanding": outstanding - amount,
    }


def delete(ctx: Ctx, ref: str) -> Any:
    contract = find(ctx, ref)
    _allowed(ctx, _customer(ctx, contract))
    contract.deleted_at = ctx.at
    audit.record(ctx, "delete", "contract", contract.id, code=contract.code)
    return contract


def restore(ctx: Ctx, ref: str) -> Any:
    contract = find(ctx, ref, deleted=True)
    _allowed(ctx, _customer(ctx, contract))
    contract.deleted_at = None
    contract.updated_at = ctx.at
    audit.record(ctx, "restore", "contract", contract.id, code=contract.code)
    return contract


# -- reading ------------------------------------------------------------------------------


def _chunks(ids: list[int]) -> list[list[int] | None]:
    """IN-lists of at most 500 ids; past a few thousand, one pass over the whole table
    (None) costs less than many IN queries, and the caller keeps what it wants."""
    if len(ids) > 2000:
        return [None]
    return [ids[i : i + 500] for i in range(0, len(ids), 500)]


def _plans(ctx: Ctx, ids: list[int]) -> dict[int, list[Any]]:
    from sqlalchemy import select

    from crmcli.models import PaymentPlan as P

    wanted = set(ids)
    result: dict[int, list[Any]] = {}
    for chunk in _chunks(ids):
        q = select(P.contract_id, P.seq, P.due_on, P.amount).order_by(
            P.contract_id, P.due_on, P.seq
        )
        if chunk is not None:
            q = q.where(P.contract_id.in_(chunk))
        for r in ctx.session.connection().execute(q):
            if r.contract_id in wanted:
                result.setdefault(r.contract_id, []).append(r)
    return result


def _received(ctx: Ctx, ids: list[int], as_of: date | None) -> dict[int, Decimal]:
    from sqlalchemy import func, select

    from crmcli.models import Receipt as R

    wanted = set(ids)
    result: dict[int, Decimal] = {}
    for chunk in _chunks(ids):
        q = select(R.contract_id, func.sum(R.amount)).group_by(R.contract_id)
        if chunk is not None:
            q = q.where(R.contract_id.in_(chunk))
        if as_of is not None:
            q = q.where(R.paid_on <= as_of)
        for cid, total in ctx.session.connection().execute(q):
            if cid in wanted:
                result[cid] = _money(total)
    return result


def balances(ctx: Ctx, ids: list[int], as_of: date) -> dict[int, list[dict[str, Any]]]:
    """Per contract: its instalments with received, outstanding and status as of a day."""
    plans = _plans(ctx, ids)
    received = _received(ctx, ids, as_of)
    result: dict[int, list[dict[str, Any]]] = {}
    for cid in ids:
        items = plans.get(cid, [])
        paid = allocate([(p.due_on, p.amount) for p in items], received.get(cid, ZERO))
        result[cid] = [
            {
                "seq": p.seq,
                "due_on": p.due_on,
                "amount": p.amount,
                "received": got,
                "outstanding": left,
                "status": instalment_status(p.due_on, got, left, as_of),
            }
            for p, (got, left) in zip(items, paid, strict=True)
        ]
    return result


def query(
    ctx: Ctx,
    *,
    customer: str | None = None,
    customer_id: int | None = None,
    deleted: bool = False,
) -> Any:
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from crmcli.models import Contract, Customer, Opportunity, User

    owner_user = aliased(User)
    q = (
        select(
            Contract.id,
            Contract.code,
            Customer.code.label("customer_code"),
            Customer.name.label("customer_name"),
            Contract.title,
            Contract.amount,
            Contract.signed_on,
            Contract.starts_on,
            Contract.ends_on,
            Opportunity.code.label("opportunity"),
            owner_user.username.label("owner"),
            Contract.notes,
            Contract.created_at,
            Contract.updated_at,
        )
        .join(Customer, Customer.id == Contract.customer_id)
        .outerjoin(Opportunity, Opportunity.id == Contract.opportunity_id)
        .outerjoin(owner_user, owner_user.id == Contract.owner_id)
    )
    q = q.where(Contract.deleted_at.is_not(None) if deleted else Contract.deleted_at.is_(None))
    q = customers.under(ctx, q, Contract.customer_id, customer_id)
    if customer is not None:
        q = q.where(Contract.customer_id == customers.find(ctx, customer).id)
    return q.order_by(Contract.code, Contract.id)


def rows(
    ctx: Ctx, q: Any, *, limit: int | None = None, as_of: date | None = None, unpaid: bool = False
) -> list[dict[str, Any]]:
    """Contract rows with received, outstanding, overdue and the next due day."""
    if limit is not None and not unpaid:
        q = q.limit(limit)
    day = as_of or ctx.at.date()
    data = [dict(r._mapping) for r in ctx.session.execute(q)]
    plans = balances(ctx, [d["id"] for d in data], day)
    out = []
    for d in data:
        items = plans[d["id"]]
        d["received"] = sum((i["received"] for i in items), ZERO)
        d["outstanding"] = d["amount"] - d["received"]
        d["overdue"] = sum((i["outstanding"] for i in items if i["due_on"] < day), ZERO)
        d["next_due_on"] = next((i["due_on"] for i in items if i["outstanding"] > 0), None)
        if unpaid and d["outstanding"] <= 0:
            continue
        out.append({k: d[k] for k in JSON_FIELDS})
    return out[:limit] if limit is not None else out


def receipts(ctx: Ctx, contract_id: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from crmcli.models import Receipt as R
    from crmcli.models import User

    q = (
        select(R.id, R.paid_on, R.amount, R.note, User.username.label("user"))
        .outerjoin(User, User.id == R.user_id)
        .where(R.contract_id == contract_id)
        .order_by(R.paid_on, R.id)
    )
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def as_dict(ctx: Ctx, contract: Any) -> dict[str, Any]:
    from crmcli.models import Contract

    q = query(ctx, customer_id=contract.customer_id, deleted=contract.deleted_at is not None)
    return rows(ctx, q.where(Contract.id == contract.id))[0]


def show(ctx: Ctx, ref: str, *, as_of: date | None = None) -> dict[str, Any]:
    """A contract: its fields, the plan against what was received, and the receipts."""
    contract = find(ctx, ref, deleted=None)
    day = as_of or ctx.at.date()
    data = as_dict(ctx, contract)
    data["deleted_at"] = contract.deleted_at
    data["plan"] = balances(ctx, [contract.id], day)[contract.id]
    data["receipts"] = receipts(ctx, contract.id)
    return data


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    return rows(ctx, query(ctx, customer_id=customer_id))


def receivables(
    ctx: Ctx,
    *,
    as_of: date | None = None,
    overdue: bool = False,
    within: int | None = None,
    customer: str | None = None,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """The dunning list (催款): unpaid instalments due by ``as_of``, by customer, oldest first.

    ``overdue`` keeps those due before ``as_of``; ``within`` adds those falling due
    in the next N days. Receipts after ``as_of`` and contracts signed after it are
    ignored, so ``--as-of`` shows the list as it stood that day.
    """
    from sqlalchemy import or_, select

    from crmcli.models import Contract, Customer
    from crmcli.services.team.people import user_id, usernames

    day = as_of or ctx.at.date()
    last = day - timedelta(days=1) if overdue else day + timedelta(days=within or 0)
    q = (
        select(
            Contract.id,
            Contract.code,
            Contract.title,
            Contract.customer_id,
            Contract.owner_id,
            Customer.code.label("customer_code"),
            Customer.name.label("customer_name"),
            Customer.phone.label("customer_phone"),
            Customer.email.label("customer_email"),
            Customer.owner_id.label("customer_owner_id"),
        )
        .join(Customer, Customer.id == Contract.customer_id)
        .where(
            Contract.deleted_at.is_(None),
            Customer.deleted_at.is_(None),
            or_(Contract.signed_on.is_(None), Contract.signed_on <= day),
        )
    )
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        q = q.where(scope)
    if customer is not None:
        q = q.where(Contract.customer_id == customers.find(ctx, customer).id)
    if owner is not None:
        who = user_id(ctx, owner)
        q = q.where(
            or_(
                Contract.owner_id == who, (Contract.owner_id.is_(None)) & (Customer.owner_id == who)
            )
        )
    contracts = list(ctx.session.execute(q))
    plans = balances(ctx, [c.id for c in contracts], day)
    items = []
    for c in contracts:
        for i in plans[c.id]:
            if i["outstanding"] > 0 and i["due_on"] <= last:
                items.append((c, i))
    people = _contacts(ctx, {c.customer_id for c, _ in items})
    owners = usernames(ctx, {c.owner_id or c.customer_owner_id for c, _ in items})
    oldest: dict[int, date] = {}
    for c, i in items:
        oldest[c.customer_id] = min(oldest.get(c.customer_id, i["due_on"]), i["due_on"])
    items.sort(
        key=lambda ci: (
            oldest[ci[0].customer_id],
            ci[0].customer_code,
            ci[1]["due_on"],
            ci[0].code,
            ci[1]["seq"],
        )
    )
    result = []
    for c, i in items:
        person = people.get(c.customer_id)
        result.append(
            {
                "customer_code": c.customer_code,
                "customer_name": c.customer_name,
                "contact": person.name if person else None,
                "phone": (person.mobile or person.phone if person else None) or c.customer_phone,
                "email": (person.email if person else None) or c.customer_email,
                "owner": owners.get(c.owner_id or c.customer_owner_id),
                "contract_id": c.id,
                "contract_code": c.code,
                "contract_title": c.title,
                "seq": i["seq"],
                "due_on": i["due_on"],
                "amount": i["amount"],
                "received": i["received"],
                "outstanding": i["outstanding"],
                "days_overdue": (day - i["due_on"]).days,
            }
        )
    return result


def _contacts(ctx: Ctx, customer_ids: set[int]) -> dict[int, Any]:
    """The person to ask for payment: the decision maker, else the first contact."""
    if not customer_ids:
        return {}
    from sqlalchemy import select

    from crmcli.models import Contact

    q = (
        select(Contact)
        .where(Contact.customer_id.in_(sorted(customer_ids)), Contact.deleted_at.is_(None))
        .order_by(Contact.customer_id, Contact.id)
    )
    best: dict[int, Any] = {}
    for person in ctx.session.execute(q).scalars():
        current = best.get(person.customer_id)
        if current is None or (
            person.role == "decision_maker" and current.role != "decision_maker"
        ):
            best[person.customer_id] = person
    return best
