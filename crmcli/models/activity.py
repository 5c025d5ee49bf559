"""Keeping the relationship: contact records, follow-ups, and service tickets."""

from sqlalchemy import Index

from crmcli.models.base import (
    Decimal,
    Field,
    Optional,
    SoftDeleted,
    SQLModel,
    Stamped,
    datetime,
    fk,
    moment,
    money,
    text,
)


class Interaction(SoftDeleted, table=True):
    """接触记录: one contact with a customer (a call, a visit, a meeting ...)."""

    __tablename__ = "interaction"
    __table_args__ = (
        Index("ix_interaction_customer_id_occurred_at", "customer_id", "occurred_at"),
        Index("ix_interaction_user_id_occurred_at", "user_id", "occurred_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    contact_id: Optional[int] = fk("contact.id")
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    opportunity_id: Optional[int] = fk("opportunity.id")
    occurred_at: datetime = moment(required=True, index=True)
    channel: str = Field(max_length=20)
    kind: Optional[str] = text(20)
    place: Optional[str] = text(200)
    summary: str = Field(max_length=4000)
    result: Optional[str] = text(4000)
    next_step: Optional[str] = text(1000)


class Followup(Stamped, table=True):
    """跟进: a planned touch, possibly one step of a cadence (the memory curve)."""

    __tablename__ = "followup"
    __table_args__ = (
        Index("ix_followup_status_due_at", "status", "due_at"),
        Index("ix_followup_owner_id_status_due_at", "owner_id", "status", "due_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    contact_id: Optional[int] = fk("contact.id")
    opportunity_id: Optional[int] = fk("opportunity.id")
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    due_at: datetime = moment(required=True)
    kind: str = Field(default="call", max_length=20)
    note: Optional[str] = text(1000)
    status: str = Field(default="pending", max_length=20)
    done_at: Optional[datetime] = moment()
    step: Optional[int] = None
    cadence: Optional[str] = text(200)
    interaction_id: Optional[int] = fk("interaction.id")


class Ticket(SoftDeleted, table=True):
    """服务工单: an inquiry, complaint, repair, return or suggestion to be worked."""

    __tablename__ = "ticket"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=40, unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    contact_id: Optional[int] = fk("contact.id")
    owner_id: Optional[int] = fk("app_user.id")
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=300)
    description: Optional[str] = text(4000)
    priority: str = Field(default="normal", max_length=20)
    status: str = Field(default="open", max_length=20, index=True)
    opened_at: datetime = moment(required=True)
    due_at: Optional[datetime] = moment()
    resolved_at: Optional[datetime] = moment()
    closed_at: Optional[datetime] = moment()
    resolution: Optional[str] = text(4000)
    satisfaction: Optional[int] = None
    cause: Optional[str] = text(1000)
    remedy: Optional[str] = text(1000)
    compensation: Optional[Decimal] = money()
    callback_id: Optional[int] = fk("followup.id")


class TicketEvent(SQLModel, table=True):
    """One line of a ticket's service tracking card (opened, assigned, resolved ...)."""

    __tablename__ = "ticket_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = moment(required=True)
    user_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=40)
    status: Optional[str] = text(20)
    note: Optional[str] = text(4000)


class CallList(Stamped, table=True):
    """呼叫清单: an outbound call list (呼叫中心), built from a segment of customers."""

    __tablename__ = "call_list"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    segment: Optional[str] = text(300)
    script: Optional[str] = text(4000)
    status: str = Field(default="open", max_length=20)
    owner_id: Optional[int] = Field(default=None, foreign_key="app_user.id")


class CallEntry(Stamped, table=True):
    """One customer on a call list: who calls them, and how the calls went."""

    __tablename__ = "call_entry"
    __table_args__ = (
        Index("ux_call_entry_list_customer", "call_list_id", "customer_id", unique=True),
        Index("ix_call_entry_list_status_position", "call_list_id", "status", "position"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    call_list_id: int = Field(foreign_key="call_list.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    caller_id: Optional[int] = fk("app_user.id")
    position: int = 0
    status: str = Field(default="pending", max_length=20)
    outcome: Optional[str] = text(20)
    attempts: int = 0
    called_at: Optional[datetime] = moment()
    callback_at: Optional[datetime] = moment()
    note: Optional[str] = text(1000)
    interaction_id: Optional[int] = fk("interaction.id")
    followup_id: Optional[int] = fk("followup.id")
