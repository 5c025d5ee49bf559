"""The book-keeping tables: business settings, the audit log, and code counters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, Text

from crmcli.models.base import Field, Optional, SQLModel, datetime, fk, moment, text


class Setting(SQLModel, table=True):
    """A business setting shared by the team (``crm config``); absent means the default."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_type=Text)  # JSON text
    updated_at: Optional[datetime] = moment()
    updated_by: Optional[str] = text(64)


class AuditEntry(SQLModel, table=True):
    """Who did what, when: every create, update, delete, restore, merge, assignment, import."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity_entity_id", "entity", "entity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = moment(required=True, index=True)
    user: Optional[str] = text(64)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: Optional[int] = None
    entity_code: Optional[str] = text(40)
    changes: Optional[dict[str, Any]] = Field(default=None, sa_column=Column(JSON))
    batch_id: Optional[int] = fk("import_batch.id")


class CodeCounter(SQLModel, table=True):
    """The last number handed out for a code prefix (C, O, D, H, T, P)."""

    __tablename__ = "code_counter"

    prefix: str = Field(primary_key=True, max_length=10)
    last: int = 0
