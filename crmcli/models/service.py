"""Service: tickets (服务工单) and their tracking card."""

from crmcli.models.base import (
    Decimal,
    Field,
    Optional,
    SoftDeleted,
    SQLModel,
    datetime,
    fk,
    moment,
    money,
    text,
)


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
