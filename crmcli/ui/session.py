"""The ui's way to the services: one database, one acting user, one clock.

Each screen opens a short unit of work per call, as each command does; ``now`` fixes
the clock (the tests' snapshots), else every unit reads the time itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any


class Session:
    """What the screens share: the database (opened on first use) and who is acting."""

    def __init__(self, db: str | None = None, user: str | None = None, now: datetime | None = None):
        self.db = db
        self.user = user
        self.fixed = now
        self._database: Any = None

    @property
    def database(self) -> Any:
        if self._database is None:
            from crmcli.db import Database, resolve_url

            self._database = Database(resolve_url(self.db))
            self._database.ensure_schema()
        return self._database

    def now(self) -> datetime:
        from crmcli.validate import now

        return self.fixed or now()

    def today(self) -> date:
        return self.now().date()

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[Any]:
        """One transaction as the acting user (committed when the block ends)."""
        from crmcli.services.context import unit

        with unit(self.database, self.user, write=write) as ctx:
            ctx.at = self.now()
            yield ctx

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


def message(error: BaseException) -> str:
    """An error as one line for a notification: the message, then its hint."""
    hint = getattr(error, "hint", None)
    return f"{error}\n{hint}" if hint else str(error)
