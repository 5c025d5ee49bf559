"""Creating a database afresh (``crm init --force``) and telling whether one holds data.

Starting afresh is for admins in team mode. A SQLite file is copied aside first; a
PostgreSQL database is emptied in place: crm's tables and functions are dropped, and
so are the login roles of its staff (roles are server-wide: nobody should keep a key
to a book that no longer exists).
"""

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


def require_start_afresh(ctx: Ctx) -> None:
    """Refuse ``init --force`` unless the actor is an admin (or there are no users)."""
    from crmcli.i18n import t
    from crmcli.services.team import permissions

    permissions.require_admin(ctx, t("start the database afresh"))


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
    from crmcli.services.team.dbroles import drop_roles

    metadata = load_all()
    with db.connect(write=True) as conn:
        roles: list[str] = []
        if conn.dialect.has_table(conn, "app_user"):
            roles = list(
                conn.execute(
                    text("SELECT db_role FROM app_user WHERE db_role IS NOT NULL")
                ).scalars()
            )
        policies = conn.execute(  # they join tables to one another: drop them first
            text(
                "SELECT policyname, tablename FROM pg_policies "
                "WHERE schemaname = current_schema() AND policyname LIKE 'crm!_%' ESCAPE '!'"
            )
        ).all()
        for policy, table in policies:
            conn.execute(text(f'DROP POLICY "{policy}" ON "{table}"'))
        metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        for function in (
            "crm_guard_counter()",
            "crm_guard_owner()",
            "crm_role()",
            "crm_username()",
            "crm_uid()",
        ):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {function}"))
        drop_roles(conn, roles)
