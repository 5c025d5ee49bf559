"""Why customers are lost (客户流失): the reasons, and losing or winning back a customer.

The reasons are the database setting ``churn.reasons`` (defaults: the course's list in
its first lecture, 企业客户流失 客户因素). ``--reason`` takes a reason's key or its label
(Chinese or English), case and width folded. A customer set to ``lost`` gets ``lost_at``
(now), the reason and a note; set to any other status (won back) the three are cleared:
the audit log keeps what they were (SPEC §7: null unless lost).
"""

from __future__ import annotations

from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.services.team import settings
from crmcli.vocab import CUSTOMER, fold


def reasons(ctx: Ctx) -> list[dict[str, Any]]:
    """The reasons in their order: ``{key, en, zh}``."""
    return list(settings.get(ctx, "churn.reasons"))


def label(found: list[dict[str, Any]], key: str | None) -> str | None:
    """A reason's label in the user's language (the key itself when it is not defined)."""
    if key is None:
        return None
    for reason in found:
        if reason["key"] == key:
            return pick(reason.get("en") or key, reason.get("zh") or reason.get("en") or key)
    return key


def accepted(found: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['key']}/{r.get('zh') or r.get('en') or r['key']}" for r in found)


def parse_reason(found: list[dict[str, Any]], value: str) -> str:
    """A reason's key from its key or a label; an unknown one is an error naming them all."""
    wanted = fold(value)
    for reason in found:
        if wanted in {fold(str(reason.get(k) or "")) for k in ("key", "en", "zh")} - {""}:
            return str(reason["key"])
    raise Invalid(
        t(
            "unknown {what} '{value}' ({accepted})",
            what=pick("lost reason", "流失原因"),
            value=value,
            accepted=accepted(found),
        )
    )


def churn_values(
    ctx: Ctx,
    customer: Any,
    values: dict[str, Any],
    *,
    reason: str | None,
    note: str | None,
) -> dict[str, Any]:
    """``values`` for :func:`customers.edit` with the churn fields the change implies.

    Lost now (from another status): ``lost_at`` is now. Lost already: a reason or note
    given updates them, ``lost_at`` stays (set now if the customer was lost without one). Another status: the three are cleared. A reason
    or a note for a customer who is not (being) lost is an error.
    """
    from crmcli.validate import parse_text

    values = dict(values)
    status = values.get("status") or customer.status
    if status != "lost":
        if reason is not None or note is not None:
            raise Invalid(
                t("--reason and --note are for a customer set to lost (--status lost)"),
            )
        if customer.status == "lost" or customer.lost_at or customer.lost_reason:
            values.update(lost_at=None, lost_reason=None, lost_note=None)
        return values
    if reason is not None:
        values["lost_reason"] = parse_reason(reasons(ctx), reason)
    if note is not None:
        values["lost_note"] = parse_text(note, CUSTOMER["lost_note"]) or None
    if customer.status != "lost" or (customer.lost_at is None and reason is not None):
        values["lost_at"] = ctx.at
    return values
