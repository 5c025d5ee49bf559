"""The book-keeping tables: business settings, the audit log, import batches, code counters."""

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
    changes: Optional[dict[str, Any]] = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    batch_id: Optional[int] = fk("import_batch.id")


class CodeCounter(SQLModel, table=True):
    """The last number handed out for a code prefix (C, O, D, H, T, P)."""

    __tablename__ = "code_counter"

    prefix: str = Field(primary_key=True, max_length=10)
    last: int = 0


class ImportBatch(SQLModel, table=True):
    """One import of a file: what came in, when, by whom, and what it did."""

    __tablename__ = "import_batch"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = moment(required=True)
    user: Optional[str] = text(64)
    entity: str = Field(default="customer", max_length=40)
    file: Optional[str] = text(1000)
    format: Optional[str] = text(20)
    encoding: Optional[str] = text(40)
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    details: Optional[dict[str, Any]] = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    undone_at: Optional[datetime] = moment()
