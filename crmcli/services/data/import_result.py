"""What an import is asked to do (:class:`Options`) and what it tells (:class:`Result`, the
JSON summary of SPEC §6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmcli.services.data.import_rows import Row


@dataclass
class Options:
    match: tuple[str, ...] = ("code", "phone", "email")
    on_duplicate: str = "update"
    skip_invalid: bool = False
    dry_run: bool = False


@dataclass
class Result:
    file: str
    format: str
    encoding: str | None
    sheet: str | None
    header_row: int
    dry_run: bool
    read: int = 0
    batch: int | None = None
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, int]] = field(default_factory=list)
    contacts_created: int = 0
    contacts_updated: int = 0
    custom_fields: list[str] = field(default_factory=list)
    #: owners named in the file who are not users of the book: kept as a custom field
    unknown_owners: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    rejected_rows: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON summary (SPEC §6), with a few keys more."""
        return {
            "batch": self.batch,
            "encoding": self.encoding,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "errors": self.errors,
            "duplicates": self.duplicates,
            "file": self.file,
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "dry_run": self.dry_run,
            "contacts": {"created": self.contacts_created, "updated": self.contacts_updated},
            "custom_fields": self.custom_fields,
            "unknown_owners": self.unknown_owners,
            "warnings": self.warnings,
            "ignored_columns": self.ignored_columns,
        }
