"""One timeline of a customer (``crm customer timeline``, the card in ``crm ui``):
everything that happened with it, newest first, read from the rooms that keep it.

Each event is ``{"at", "kind", "summary", "user", "ref"}`` (SPEC §7): ``kind`` is one of
:data:`KINDS`; ``at`` a datetime to the second (a date-only event at midnight); ``ref``
names the record the event belongs to (a code, else an id) so a command can open it.

The customer is found as ``customer show`` finds it (scoped to what the actor may see,
deleted ones too), and every room's list below is scoped the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from crmcli.i18n import pick
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.relationship import followups, interactions, tickets
from crmcli.services.selling import contracts, orders, pipeline
from crmcli.services.team import audit
from crmcli.vocab import (
    AUDIT_ACTION,
    CHANNEL,
    CUSTOMER,
    FOLLOWUP_KIND,
    ORDER_STATUS,
    TICKET_ACTION,
    TICKET_STATUS,
    Vocab,
)

#: the kinds of event, in the order events of one moment are listed
EVENT_KIND = Vocab(
    "Event",
    "事件",
    [
        ("interaction", "Contact", "接触"),
        ("followup", "Follow-up", "跟进"),
        ("stage", "Stage", "阶段"),
        ("order", "Order", "订单"),
        ("contract", "Contract", "合同"),
        ("payment", "Payment", "回款"),
        ("ticket", "Ticket", "工单"),
        ("note", "Note", "处理记录"),
        ("audit", "Change", "修改"),
    ],
)
KINDS = tuple(EVENT_KIND.keys)
FIELDS = ("at", "kind", "summary", "user", "ref")


def moment(value: Any) -> datetime | None:
    """A datetime to the second; a bare date at midnight."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    return None


def _money(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value or "")


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _event(at: Any, kind: str, summary: str, user: Any, ref: Any) -> dict[str, Any]:
    return {
        "at": moment(at),
        "kind": kind,
        "summary": summary,
        "user": user,
        "ref": None if ref is None else str(ref),
    }


def _interactions(ctx: Ctx, cid: int, since: datetime | None) -> list[dict[str, Any]]:
    q = interactions.query(ctx, customer_id=cid, since=since)
    return [
        _event(
            r["occurred_at"],
            "interaction",
            _join(CHANNEL.label(r["channel"]), r["contact"], r["summary"]),
            r["user"],
            r["id"],
        )
        for r in interactions.rows(ctx, q)
    ]


def _followups(ctx: Ctx, cid: int) -> list[dict[str, Any]]:
    from crmcli.models import Followup

    events = []
    q = followups.query(ctx, customer_id=cid).add_columns(Followup.updated_at)
    for r in (row._mapping for row in ctx.session.execute(q)):
        kind = FOLLOWUP_KIND.label(r["kind"])
        step = pick(f"step {r['step']}", f"第{r['step']}次") if r.get("step") else None
        if r["status"] == "done":
            at, what = r["done_at"] or r["due_at"], pick("Follow-up done", "跟进完成")
        elif r["status"] == "cancelled":  # when it was cancelled, not when it was due
            at, what = r["updated_at"] or r["due_at"], pick("Follow-up cancelled", "跟进已取消")
        else:
            at, what = r["due_at"], pick("Follow-up due", "跟进到期")
        summary = _join(f"{what}: {kind}", step, r["contact"], r["note"])
        events.append(_event(at, "followup", summary, r["owner"], r["id"]))
    return events


def _stages(ctx: Ctx, cid: int) -> list[dict[str, Any]]:
    stages = pipeline.pipeline(ctx)
    events = []
    for o in pipeline.rows(ctx, pipeline.query(ctx, customer_id=cid)):
        for h in pipeline.history(ctx, o["id"]):
            move = stages.label(h["to_stage"])
            if h["from_stage"]:
                move = f"{stages.label(h['from_stage'])} → {move}"
            summary = _join(f"{o['title']}: {move}", h["reason"])
            events.append(_event(h["at"], "stage", summary, h["user"], o["code"]))
    return events


def _orders(ctx: Ctx, cid: int) -> list[dict[str, Any]]:
    return [
        _event(
            r["ordered_on"],
            "order",
            _join(
                pick(f"Order {r['code']}", f"订单 {r['code']}"),
                _money(r["total"]),
                ORDER_STATUS.label(r["status"]),
            ),
            r["owner"],
            r["code"],
        )
        for r in orders.for_customer(ctx, cid)
    ]


def _contracts(ctx: Ctx, cid: int) -> list[dict[str, Any]]:
    events = []
    for r in contracts.rows(ctx, contracts.query(ctx, customer_id=cid)):
        signed = pick(f"Contract {r['code']} signed", f"合同 {r['code']} 签订")
        events.append(
            _event(
                r["signed_on"] or r["created_at"],
                "contract",
                _join(signed, r["title"], _money(r["amount"])),
                r["owner"],
                r["code"],
            )
        )
        for p in contracts.receipts(ctx, r["id"]):
            paid = pick(f"Payment on {r['code']}", f"合同 {r['code']} 回款")
            events.append(
                _event(
                    p["paid_on"],
                    "payment",
                    _join(f"{paid}: {_money(p['amount'])}", p["note"]),
                    p["user"],
                    r["code"],
                )
            )
    return events


def _tickets(ctx: Ctx, cid: int) -> list[dict[str, Any]]:
    events = []
    for r in tickets.rows(ctx, tickets.query(ctx, customer_id=cid)):
        for e in tickets.timeline(ctx, r["id"]):
            kind = "note" if e["action"] == "note" else "ticket"
            head = f"{r['code']} {TICKET_ACTION.label(e['action'])}"
            subject = r["subject"] if e["action"] == "opened" else None
            status = TICKET_STATUS.label(e["status"]) if e["action"] != "note" else None
            summary = _join(f"{head}: {subject or status or ''}".rstrip(": "), e["note"])
            events.append(_event(e["at"], kind, summary, e["user"], r["code"]))
    return events


def _audit(ctx: Ctx, customer: Any) -> list[dict[str, Any]]:
    from crmcli.services.desk import churn

    events = []
    known = churn.reasons(ctx)
    for a in audit.entries(ctx, entity="customer", entity_id=customer.id):
        changes = ", ".join(
            _change(k, *(churn.label(known, x) or x for x in v) if k == "lost_reason" else v)
            for k, v in a["changes"].items()
            if isinstance(v, list) and len(v) == 2
        )
        action = AUDIT_ACTION.label(a["action"])
        events.append(_event(a["at"], "audit", _join(action, changes), a["user"], a["code"]))
    return events


def _change(key: str, old: Any, new: Any) -> str:
    """One change of an audit row in the reader's language: the field's label, and an
    enum's values by their labels; custom fields one by one."""
    field = CUSTOMER.get(key)
    if field is not None and field.type == "extra":
        old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
        keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
        return ", ".join(_change(k, old.get(k), new.get(k)) for k in keys)
    if field is not None and field.vocab is not None:
        old, new = (field.vocab.label(v) if isinstance(v, str) else v for v in (old, new))
    label = field.label if field is not None else key
    return f"{label}: {'-' if old in (None, '') else old} → {'-' if new in (None, '') else new}"


def timeline(ctx: Ctx, ref: str, *, since: datetime | None = None) -> list[dict[str, Any]]:
    """Every event of the customer ``ref`` (from ``since`` on), newest first."""
    customer = customers.find(ctx, ref, deleted=None)
    cid = customer.id
    events = [
        *_interactions(ctx, cid, since),
        *_followups(ctx, cid),
        *_stages(ctx, cid),
        *_orders(ctx, cid),
        *_contracts(ctx, cid),
        *_tickets(ctx, cid),
        *_audit(ctx, customer),
    ]
    events = [e for e in events if e["at"] is not None and (since is None or e["at"] >= since)]
    order = {k: i for i, k in enumerate(KINDS)}
    # newest first; at the same moment, in the order of KINDS (the same on every backend)
    events.sort(key=lambda e: (order[e["kind"]], e["ref"] or ""))
    events.sort(key=lambda e: e["at"], reverse=True)
    return events
