"""The audit log: who did what, when, and which fields changed (old -> new)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmcli.services.context import Ctx


def plain(value: Any) -> Any:
    """A value as the audit log (JSON) keeps it."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        k: [plain(before.get(k)), plain(after.get(k))]
        for k in after
        if plain(before.get(k)) != plain(after.get(k))
    }


def record(
    ctx: Ctx,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    code: str | None = None,
    changes: dict[str, Any] | None = None,
    batch_id: int | None = None,
) -> None:
    from crmcli.models import AuditEntry

    ctx.session.add(
        AuditEntry(
            at=ctx.at,
            user=ctx.actor.username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            entity_code=code,
            changes=plain(changes) if changes else None,
            batch_id=batch_id,
        )
    )


def record_many(
    ctx: Ctx,
    items: Iterable[tuple[str, str, int | None, str | None, dict[str, Any] | None]],
    *,
    batch_id: int | None = None,
) -> int:
    """Bulk :func:`record` through SQLAlchemy Core: ``(action, entity, entity_id, code,
    changes)`` each, all at ``ctx.at`` by the acting user. Returns how many were written."""
    from crmcli.bulk import insert_many
    from crmcli.models import AuditEntry

    rows = [
        {
            "at": ctx.at,
            "user": ctx.actor.username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "entity_code": code,
            "changes": plain(changes) if changes else None,
            "batch_id": batch_id,
        }
        for action, entity, entity_id, code, changes in items
    ]
    return insert_many(ctx.session.connection(), AuditEntry.__table__, rows)


def entries(
    ctx: Ctx,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Audit entries the actor may see, newest first."""
    from sqlalchemy import select

    from crmcli.models import AuditEntry as A
    from crmcli.services.team.permissions import audit_scope

    q = select(A).order_by(A.at.desc(), A.id.desc())
    scope = audit_scope(ctx)
    if scope is not None:
        q = q.where(scope)
    if entity:
        q = q.where(A.entity == entity)
    if entity_id is not None:
        q = q.where(A.entity_id == entity_id)
    if since:
        q = q.where(A.at >= since)
    if limit:
        q = q.limit(limit)
    return [
        {
            "id": a.id,
            "at": a.at,
            "user": a.user,
            "action": a.action,
            "entity": a.entity,
            "entity_id": a.entity_id,
            "code": a.entity_code,
            "changes": a.changes or {},
            "batch": a.batch_id,
        }
        for a in ctx.session.execute(q).scalars()
    ]
