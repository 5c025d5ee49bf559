"""Selling: suppliers, products, competitors, opportunities, orders and contracts.

Money columns are exact (:class:`crmcli.models.base.Money`). An order keeps its
``total`` (the sum of its lines) so reports aggregate orders without reading lines.
"""

from sqlalchemy import Index

from crmcli.models.base import (
    Decimal,
    Field,
    Fixed,
    Money,
    Optional,
    SoftDeleted,
    SQLModel,
    date,
    datetime,
    fk,
    moment,
    money,
    text,
)


class Supplier(SoftDeleted, table=True):
    """供应商."""

    __tablename__ = "supplier"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    contact_name: Optional[str] = text(100)
    phone: Optional[str] = text(50)
    email: Optional[str] = text(254)
    address: Optional[str] = text(300)
    city: Optional[str] = text(100)
    category: Optional[str] = text(100)
    rating: Optional[str] = text(20)
    notes: Optional[str] = text(4000)


class Product(SoftDeleted, table=True):
    """产品 (or service): what the business sells."""

    __tablename__ = "product"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    name: str = Field(max_length=200, index=True)
    category: Optional[str] = text(100)
    unit: Optional[str] = text(20)
    price: Optional[Decimal] = money()
    #: what one unit costs the business (its purchase or delivery cost); None: not known
    cost: Optional[Decimal] = money()
    supplier_id: Optional[int] = fk("supplier.id")
    notes: Optional[str] = text(4000)


class Competitor(SoftDeleted, table=True):
    """竞争对手 and what they offer."""

    __tablename__ = "competitor"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    product: Optional[str] = text(200)
    price: Optional[Decimal] = money()
    features: Optional[str] = text(2000)
    strengths: Optional[str] = text(2000)
    weaknesses: Optional[str] = text(2000)
    strategy: Optional[str] = text(2000)
    notes: Optional[str] = text(4000)


class Opportunity(SoftDeleted, table=True):
    """销售机会: a possible sale moving through the pipeline."""

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_stage_expected_close", "stage", "expected_close"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    title: str = Field(max_length=300)
    product_id: Optional[int] = fk("product.id")
    amount: Optional[Decimal] = money()
    stage: str = Field(max_length=40)
    probability: int = 0
    probability_manual: bool = False
    urgency: Optional[str] = text(20)
    needs: Optional[str] = text(4000)
    expected_close: Optional[date] = None
    owner_id: Optional[int] = fk("app_user.id")
    competitor_id: Optional[int] = fk("competitor.id")
    lost_reason: Optional[str] = text(1000)
    closed_at: Optional[datetime] = moment()


class StageChange(SQLModel, table=True):
    """One move of an opportunity between stages (from, to, when, who)."""

    __tablename__ = "stage_change"

    id: Optional[int] = Field(default=None, primary_key=True)
    opportunity_id: int = Field(foreign_key="opportunity.id", index=True)
    from_stage: Optional[str] = text(40)
    to_stage: str = Field(max_length=40)
    at: datetime = moment(required=True)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    reason: Optional[str] = text(1000)


class SalesOrder(SoftDeleted, table=True):
    """销售订单: what a customer bought, with its lines."""

    __tablename__ = "sales_order"
    __table_args__ = (Index("ix_sales_order_customer_id_ordered_on", "customer_id", "ordered_on"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    customer_id: int = Field(foreign_key="customer.id")
    opportunity_id: Optional[int] = fk("opportunity.id")
    owner_id: Optional[int] = fk("app_user.id")
    ordered_on: date = Field(index=True)
    status: str = Field(default="confirmed", max_length=20)
    total: Decimal = Field(default=Decimal(0), sa_type=Money)
    notes: Optional[str] = text(4000)


class OrderLine(SQLModel, table=True):
    """One line of an order: quantity x unit price less a percentage discount.

    ``unit_cost`` is the product's cost when the line was made (kept, as the price is:
    a later change of the product's cost leaves old orders alone); None when the product
    had no cost then.
    """

    __tablename__ = "order_line"

    id: Optional[int] = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    product_id: Optional[int] = fk("product.id")
    description: Optional[str] = text(300)
    qty: Decimal = Field(sa_type=Fixed(3))
    unit_price: Decimal = Field(sa_type=Money)
    discount: Decimal = Field(default=Decimal(0), sa_type=Fixed(2))
    amount: Decimal = Field(sa_type=Money)
    unit_cost: Optional[Decimal] = money()


class Contract(SoftDeleted, table=True):
    """合同 with its payment plan and the receipts against it."""

    __tablename__ = "contract"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    opportunity_id: Optional[int] = fk("opportunity.id")
    owner_id: Optional[int] = fk("app_user.id")
    title: str = Field(max_length=300)
    amount: Decimal = Field(sa_type=Money)
    signed_on: Optional[date] = None
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    notes: Optional[str] = text(4000)


class PaymentPlan(SQLModel, table=True):
    """One instalment of a contract's payment plan."""

    __tablename__ = "payment_plan"

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    seq: int
    due_on: date = Field(index=True)
    amount: Decimal = Field(sa_type=Money)


class Receipt(SQLModel, table=True):
    """Money received against a contract."""

    __tablename__ = "receipt"

    id: Optional[int] = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    paid_on: date
    amount: Decimal = Field(sa_type=Money)
    note: Optional[str] = text(1000)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    created_at: Optional[datetime] = moment()
