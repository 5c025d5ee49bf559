"""The customer archive (客户档案): staff, customers and their contacts, and the custom
fields a book defines for them (客户资料卡).

Enum columns hold the English keys of :mod:`crmcli.vocab`; labels live there.
``phone_key`` and ``email_key`` are the normalised forms used for matching only
(the values themselves stay as the user typed them); ``search_text`` folds what
``--search`` looks in (code, name, phone, e-mail, contact names) into one column.
"""

from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false

from crmcli.models.base import (
    Decimal,
    Field,
    Optional,
    SoftDeleted,
    Stamped,
    TagList,
    date,
    datetime,
    fk,
    moment,
    money,
    text,
)


class User(Stamped, table=True):
    """员工: a member of staff; once any exist, commands need an acting user."""

    __tablename__ = "app_user"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    name: Optional[str] = text(100)
    role: str = Field(max_length=20)
    active: bool = Field(default=True)
    db_role: Optional[str] = text(63)


class Customer(SoftDeleted, table=True):
    """客户: a company or person the business sells to."""

    __tablename__ = "customer"
    __table_args__ = (
        # lists walk live customers in code order straight off these indexes
        Index("ix_customer_deleted_at_code", "deleted_at", "code"),
        Index("ix_customer_owner_id_code", "owner_id", "code"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    deleted_at: Optional[datetime] = moment()
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(default="company", max_length=20)
    industry: Optional[str] = text(100)
    # (no index on level or status: three to five values each; a scan is as fast, and
    # every write, an import's above all, would keep them up to date for nothing)
    level: str = Field(default="regular", max_length=20)
    status: str = Field(default="lead", max_length=20)
    source: Optional[str] = text(20)
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    phone: Optional[str] = text(50)
    fax: Optional[str] = text(50)
    email: Optional[str] = text(254)
    website: Optional[str] = text(300)
    address: Optional[str] = text(300)
    city: Optional[str] = text(100, index=True)
    founded_on: Optional[date] = None
    capital: Optional[Decimal] = money()
    employees: Optional[int] = None
    annual_revenue: Optional[Decimal] = money()
    bank: Optional[str] = text(200)
    payment_terms: Optional[str] = text(200)
    customer_since: Optional[date] = None
    credit_rating: Optional[str] = text(20)
    points: Optional[int] = None
    tags: Optional[list[str]] = Field(default=None, sa_type=TagList)
    notes: Optional[str] = text(4000)
    extra: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    # opted out of marketing (crm customer edit --no-marketing): no promotion letters
    marketing_opt_out: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    phone_key: Optional[str] = text(30, index=True)
    email_key: Optional[str] = text(254, index=True)
    # the last 7 digits of the phone's and the fax's key: ``crm who`` finds a caller by
    # them (crmcli/services/archive/phones.py)
    phone_tail: Optional[str] = text(20, index=True)
    fax_tail: Optional[str] = text(20, index=True)
    search_text: Optional[str] = Field(default=None, sa_type=Text)
    import_batch_id: Optional[int] = fk("import_batch.id")
    # 客户流失: when and why the customer was lost (a key of the churn.reasons setting)
    lost_at: Optional[datetime] = moment()
    lost_reason: Optional[str] = text(40)
    lost_note: Optional[str] = text(1000)


class Contact(SoftDeleted, table=True):
    """联系人: a person at a customer."""

    __tablename__ = "contact"

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(max_length=100, index=True)
    title: Optional[str] = text(100)
    role: Optional[str] = text(20)
    phone: Optional[str] = text(50)
    mobile: Optional[str] = text(50)
    email: Optional[str] = text(254)
    wechat: Optional[str] = text(100)
    birthday: Optional[date] = None
    family: Optional[str] = text(500)
    hobbies: Optional[str] = text(500)
    relation_level: Optional[int] = None
    notes: Optional[str] = text(4000)
    # custom fields (crm contact add/edit --set, crm field add --on contact)
    extra: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    import_batch_id: Optional[int] = fk("import_batch.id")
    # the last 7 digits of the mobile's and the phone's key (``crm who``)
    mobile_tail: Optional[str] = text(20, index=True)
    phone_tail: Optional[str] = text(20, index=True)


class CustomField(Stamped, table=True):
    """自定义字段: a typed field a book adds to its customers' or contacts' card
    (``crm field add``); the values live in the record's ``extra`` under ``name``."""

    __tablename__ = "custom_field"
    __table_args__ = (UniqueConstraint("entity", "name"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    #: customer or contact
    entity: str = Field(max_length=20)
    name: str = Field(max_length=40)
    #: text, number, money, date, choice, bool
    type: str = Field(max_length=20)
    choices: Optional[list[str]] = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    zh: Optional[str] = text(40)
    required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    position: int = 0
