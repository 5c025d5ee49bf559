"""Keeping the relationship: contact records and follow-ups (service tickets are in
:mod:`.service`, call lists in :mod:`.calls`)."""

from sqlalchemy import Index

from crmcli.models.base import (
    Field,
    Optional,
    SoftDeleted,
    Stamped,
    datetime,
    fk,
    moment,
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
