"""Sales orders (销售订单): what customers bought, line by line, with exact money.

A line's amount is qty × unit price × (1 − discount %), rounded half-up to the cent;
the order's ``total`` is the sum of its lines, kept on the order so reports (RFM,
ABC, revenue) read one column. A cancelled order stays, marked ``cancelled``, and
counts in no report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from crmcli.errors import Conflict, Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.codes import next_code
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.services.team.permissions import default_owner
from crmcli.validate import CENT, MONEY_LIMIT, nfkc, parse_decimal, parse_money, parse_text
from crmcli.vocab import ORDER, ORDER_LINE, ORDER_STATUS

WHAT = ("order", "订单")
SELLERS = permissions.SELLERS
JSON_FIELDS = [
    "id",
    "code",
    "customer_code",
    "customer_name",
    "opportunity",
    "ordered_on",
    "status",
    "total",
    "lines",
    "owner",
    "notes",
    "created_at",
    "updated_at",
]
LINE_FIELDS = ["product", "description", "qty", "unit_price", "discount", "amount"]
HUNDRED = Decimal(100)


@dataclass
class Item:
    """One ``--item`` as typed, parsed but not yet priced."""

    product: str
    qty: Decimal
    price: Decimal | None
    discount: Decimal | None


def number(value: Decimal | None) -> Decimal | None:
    """A quantity or percentage without trailing zeros (2.000 -> 2, 2.500 -> 2.5)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_discount(text: str) -> Decimal:
    """A discount as a percentage off: ``5%``, ``5``, or the Chinese ``95折`` / ``9.5折`` / ``8折``."""
    value = nfkc(text).replace(" ", "")
    field = ORDER_LINE["discount"].label
    if value.endswith("折"):
        paid = parse_decimal(value[:-1], field, places=2)
        if paid <= 0 or paid >= 100:
            raise Invalid(t("invalid discount '{value}': use 5%, 95折 or 9.5折", value=text))
        if paid <= 10:  # 9折, 9.5折, 8.5折: tenths of the price paid
            paid *= 10
        discount = HUNDRED - paid
    else:
        discount = parse_decimal(value.rstrip("%"), field, places=2)
    if not 0 <= discount <= 100:
        raise Invalid(
            t(
                "{field} must be between {low} and {high}, not {value}",
                field=field,
                low=0,
                high=100,
                value=text,
            )
        )
    return discount


def _item_help() -> str:
    return t("PRODUCT:QTY[:PRICE][:DISCOUNT%], e.g. P0001:2, P0001:2:60000 or P0001:2:60000:5%")


def parse_item(text: str) -> Item:
    """``PRODUCT:QTY[:PRICE][:DISCOUNT]``; a part ending in ``%`` or ``折`` is the discount."""
    parts = [p.strip() for p in re.split(r"[:：]", text)]
    if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
        raise Invalid(t("invalid item '{value}': use {form}", value=text, form=_item_help()))
    qty = parse_decimal(parts[1], ORDER_LINE["qty"].label, places=3)
    if qty <= 0:
        raise Invalid(
            t("{field} must be above 0: {value}", field=ORDER_LINE["qty"].label, value=parts[1])
        )
    price = discount = None
    for part in parts[2:]:
        if not part:
            continue
        if part.endswith(("%", "％", "折")):
            if discount is not None:
                raise Invalid(
                    t("invalid item '{value}': use {form}", value=text, form=_item_help())
                )
            discount = parse_discount(part)
        else:
            if price is not None:
                raise Invalid(
                    t("invalid item '{value}': use {form}", value=text, form=_item_help())
                )
            price = parse_money(part, ORDER_LINE["unit_price"].label)
            if price < 0:
                raise Invalid(
                    t(
                        "{field} must not be negative: {value}",
                        field=ORDER_LINE["unit_price"].label,
                        value=part,
                    )
                )
    return Item(parts[0], qty, price, discount)


def line_amount(qty: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    """qty × unit price × (1 − discount %), rounded half-up to the cent, computed exactly."""
    with localcontext() as c:
        c.prec = 60
        exact = qty * unit_price * (HUNDRED - discount) / HUNDRED
        return exact.quantize(CENT, ROUND_HALF_UP)


def find(ctx: Ctx, ref: str, *, deleted: bool | None = False) -> Any:
    """An order by id or code (D000001)."""
    from crmcli.models import SalesOrder

    return resolve(
        ctx,
        SalesOrder,
        ref,
        what=WHAT,
        name_attr="code",
        deleted=deleted,
        where=customers.of_live(ctx, SalesOrder.customer_id),
        list_command="crm order list",
    )


def _allowed(ctx: Ctx, customer: Any) -> None:
    permissions.require_role(ctx, SELLERS, t("change orders"))
    permissions.require_customer_change(ctx, customer)


def add(
    ctx: Ctx,
    *,
    customer: str,
    items: list[str],
    ordered_on: date | None = None,
    opportunity: str | None = None,
    status: str | None = None,
    discount: str | None = None,
    notes: str | None = None,
    owner: str | None = None,
) -> Any:
    """Create an order with its lines; prices come from the products unless given."""
    from crmcli.models import OrderLine, SalesOrder
    from crmcli.services.selling import catalog, pipeline

    buyer = customers.find(ctx, customer)
    _allowed(ctx, buyer)
    if not items:
        raise Invalid(t("an order needs at least one --item {form}", form=_item_help()))
    default_discount = parse_discount(discount) if discount is not None else Decimal(0)
    key = ORDER_STATUS.parse(status) if status else "confirmed"
    if key == "cancelled":
        raise Invalid(t("a new order cannot be cancelled; add it, then: crm order cancel ID"))
    deal = pipeline.of_customer(ctx, buyer, opportunity)
    lines = []
    for text in items:
        item = parse_item(text)
        product = catalog.find_product(ctx, item.product)
        price = item.price if item.price is not None else product.price
        if price is None:
            raise Invalid(
                t(
                    "product {code} {name} has no price; give one: {code}:QTY:PRICE",
                    code=product.code,
                    name=product.name,
                )
            )
        off = item.discount if item.discount is not None else default_discount
        lines.append(
            OrderLine(
                product_id=product.id,
                description=product.name,
                qty=item.qty,
                unit_price=price,
                discount=off,
                amount=line_amount(item.qty, price, off),
                unit_cost=product.cost,  # the cost at the time of sale (report value)
            )
        )
    total = sum((line.amount for line in lines), Decimal(0))
    if total >= MONEY_LIMIT:
        raise Invalid(t("the order total {value} is too large", value=total))
    order = SalesOrder(
        code=next_code(ctx, "D", SalesOrder),
        customer_id=buyer.id,
        opportunity_id=deal.id if deal is not None else None,
        owner_id=default_owner(ctx, owner),
        ordered_on=ordered_on or ctx.at.date(),
        status=key,
        total=total,
        notes=parse_text(notes, ORDER["notes"]) if notes else None,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(order)
    ctx.session.flush()
    for line in lines:
        line.order_id = order.id
    ctx.session.add_all(lines)
    ctx.session.flush()
    changes: dict[str, Any] = {
        "customer": [None, buyer.code],
        "ordered_on": [None, order.ordered_on],
        "status": [None, order.status],
        "total": [None, order.total],
        "lines": [None, [_line_text(ctx, line) for line in lines]],
    }
    if deal is not None:
        changes["opportunity"] = [None, deal.code]
    audit.record(ctx, "create", "order", order.id, code=order.code, changes=changes)
    return order


def _line_text(ctx: Ctx, line: Any) -> str:
    from crmcli.models import Product

    product = ctx.session.get(Product, line.product_id) if line.product_id else None
    text = f"{product.code if product else line.description} {number(line.qty)} x {line.unit_price}"
    if line.discount:
        text += f" -{number(line.discount)}%"
    return f"{text} = {line.amount}"


def set_status(ctx: Ctx, ref: str, status: str) -> tuple[Any, bool]:
    """confirmed -> delivered -> paid (or back); cancelling is :func:`cancel`."""
    order = find(ctx, ref)
    _allowed(ctx, _customer(ctx, order))
    key = ORDER_STATUS.parse(status)
    if key == "cancelled":
        raise Invalid(t("cancel an order with: crm order cancel {code}", code=order.code))
    if order.status == "cancelled":
        raise Conflict(t("order {code} is cancelled", code=order.code))
    if key == order.status:
        return order, False
    old = order.status
    order.status = key
    order.updated_at = ctx.at
    audit.record(ctx, "update", "order", order.id, code=order.code, changes={"status": [old, key]})
    return order, True


def cancel(ctx: Ctx, ref: str, *, reason: str | None = None) -> Any:
    """Cancel an order: it stays, marked cancelled, and counts in no report."""
    order = find(ctx, ref)
    _allowed(ctx, _customer(ctx, order))
    if order.status == "cancelled":
        raise Conflict(t("order {code} is already cancelled", code=order.code))
    changes: dict[str, Any] = {"status": [order.status, "cancelled"]}
    reason = (reason or "").strip()
    if reason:
        changes["reason"] = [None, reason]
        note = parse_text(reason, ORDER["notes"])
        order.notes = f"{order.notes}\n{note}" if order.notes else note
    order.status = "cancelled"
    order.updated_at = ctx.at
    audit.record(ctx, "update", "order", order.id, code=order.code, changes=changes)
    return order


def _customer(ctx: Ctx, order: Any) -> Any:
    from crmcli.models import Customer

    return ctx.session.get(Customer, order.customer_id)


# -- reading ------------------------------------------------------------------------------


def query(
    ctx: Ctx,
    *,
    customer: str | None = None,
    customer_id: int | None = None,
    status: str | None = None,
    since: date | None = None,
    until: date | None = None,
    opportunity: str | None = None,
) -> Any:
    """A SELECT of order rows (the JSON fields but ``lines``), oldest first."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from crmcli.models import Customer, Opportunity, SalesOrder, User

    owner_user = aliased(User)
    q = (
        select(
            SalesOrder.id,
            SalesOrder.code,
            Customer.code.label("customer_code"),
            Customer.name.label("customer_name"),
            Opportunity.code.label("opportunity"),
            SalesOrder.ordered_on,
            SalesOrder.status,
            SalesOrder.total,
            owner_user.username.label("owner"),
            SalesOrder.notes,
            SalesOrder.created_at,
            SalesOrder.updated_at,
        )
        .join(Customer, Customer.id == SalesOrder.customer_id)
        .outerjoin(Opportunity, Opportunity.id == SalesOrder.opportunity_id)
        .outerjoin(owner_user, owner_user.id == SalesOrder.owner_id)
        .where(SalesOrder.deleted_at.is_(None))
    )
    q = customers.under(ctx, q, SalesOrder.customer_id, customer_id)
    if customer is not None:
        q = q.where(SalesOrder.customer_id == customers.find(ctx, customer).id)
    if status is not None:
        q = q.where(SalesOrder.status == ORDER_STATUS.parse(status))
    if since is not None:
        q = q.where(SalesOrder.ordered_on >= since)
    if until is not None:
        q = q.where(SalesOrder.ordered_on <= until)
    if opportunity is not None:
        from crmcli.services.selling import pipeline

        q = q.where(SalesOrder.opportunity_id == pipeline.find(ctx, opportunity).id)
    return q.order_by(SalesOrder.ordered_on, SalesOrder.code)


def rows(ctx: Ctx, q: Any, *, limit: int | None = None, lines: bool = True) -> list[dict[str, Any]]:
    """Order rows in the JSON order, with their lines (unless ``lines`` is False)."""
    if limit is not None:
        q = q.limit(limit)
    data = [dict(r._mapping) for r in ctx.session.execute(q)]
    found = _lines(ctx, [d["id"] for d in data]) if lines else {}
    for d in data:
        d["lines"] = found.get(d["id"], [])
    return [{k: d[k] for k in JSON_FIELDS} for d in data]


def _lines(ctx: Ctx, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The lines of each order, in the order they were entered."""
    from sqlalchemy import select

    from crmcli.models import OrderLine, Product

    result: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = (
            select(
                OrderLine.order_id,
                Product.code.label("product"),
                OrderLine.description,
                OrderLine.qty,
                OrderLine.unit_price,
                OrderLine.discount,
                OrderLine.amount,
            )
            .outerjoin(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id.in_(chunk))
            .order_by(OrderLine.order_id, OrderLine.id)
        )
        for r in ctx.session.execute(q):
            line = {k: getattr(r, k) for k in LINE_FIELDS}
            line["qty"], line["discount"] = number(line["qty"]), number(line["discount"])
            result.setdefault(r.order_id, []).append(line)
    return result


def totals(ctx: Ctx, q: Any, *, limit: int | None = None) -> dict[str, Any]:
    """Over the orders ``q`` matches (its first ``limit``): how many, and how many and how
    much not cancelled."""
    from sqlalchemy import case, func, select

    from crmcli.models import Customer, SalesOrder

    if limit:  # the ORDER BY decides which rows count
        sub = q.limit(limit).subquery()
        status, total, source = sub.c.status, sub.c.total, sub
        where = None
    else:  # the same conditions, without the joins and the sort the rows needed
        status, total = SalesOrder.status, SalesOrder.total
        source = SalesOrder.__table__.join(Customer, Customer.id == SalesOrder.customer_id)
        where = q.whereclause
    live = status != "cancelled"
    summary = select(
        func.count(),
        func.sum(case((live, 1), else_=0)),
        func.sum(case((live, total), else_=None)),
    ).select_from(source)
    if where is not None:
        summary = summary.where(where)
    row = ctx.session.execute(summary).one()
    return {"orders": row[0], "live": row[1] or 0, "total": row[2] or Decimal("0.00")}


def as_dict(ctx: Ctx, order: Any) -> dict[str, Any]:
    from crmcli.models import SalesOrder

    q = query(ctx, customer_id=order.customer_id).where(SalesOrder.id == order.id)
    return rows(ctx, q)[0]


def show(ctx: Ctx, ref: str) -> dict[str, Any]:
    return as_dict(ctx, find(ctx, ref))


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    """A customer's orders, newest first (its archive card; cancelled ones included)."""
    from crmcli.models import SalesOrder

    q = query(ctx, customer_id=customer_id).order_by(None)
    q = q.order_by(SalesOrder.ordered_on.desc(), SalesOrder.code.desc())
    return rows(ctx, q)
