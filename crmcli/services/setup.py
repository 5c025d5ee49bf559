"""Creating a database afresh (``crm init --force``) and telling whether one holds data."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from crmcli.db import Database
from crmcli.services.context import Ctx


def holds_data(ctx: Ctx) -> bool:
    from sqlalchemy import select

    from crmcli.models import Customer, User

    return any(ctx.session.execute(select(m.id).limit(1)).first() for m in (Customer, User))


def start_afresh(db: Database) -> Path | None:
    """Empty the database. A SQLite file is first copied aside; returns the copy's path."""
    if db.is_sqlite:
        assert db.path is not None
        if not db.path.exists() or db.path.stat().st_size == 0:
            return None
        backup = db.backup_path("init")
        db.backup_to(backup)
        db.dispose()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{db.path}{suffix}")
        return backup
    _drop_everything(db)
    return None


def _drop_everything(db: Database) -> Any:
    from sqlalchemy import text

    from crmcli.models import load_all

    metadata = load_all()
    with db.connect(write=True) as conn:
        metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
