"""The call centre (呼叫中心): outbound call lists and the customers on them."""

from sqlalchemy import Index

from crmcli.models.base import (
    Field,
    Optional,
    Stamped,
    datetime,
    fk,
    moment,
    text,
)


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
