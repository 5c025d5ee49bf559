"""Call lists (呼叫中心, outbound): whom to call, who calls them, how each call went.

A list is built from customers chosen by the CLI (a level, the customers care is due for,
codes from the command line or a CSV file; an RFM class, an ABC tier or the customers at
risk of churning arrive as codes from the analysis room) and holds only those the acting user may see: a salesperson's list
holds her own and unassigned customers. Its entries are dealt to the callers in turn.

``next`` gives a caller the next customer to call: call-backs that have come due first,
then those not yet reached, fewest attempts first, in list order; with the script and
the last contact. ``done`` records the outcome of a call as a contact record (接触记录,
channel phone) and, for a call back, a follow-up on that day:

=============  =====================================================================
answered       done
no_answer      stays on the list, behind the others; done after three attempts
callback       a follow-up (call) on the day given; on the list again from that day
refused        done
wrong_number   done
=============  =====================================================================

Who may: build and deal lists — those who change customers (sales: dealt to
themselves only); close a list — whoever built it, managers and admins; record a call —
whoever may keep in touch with the customer (service staff too).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crmcli.errors import Conflict, Duplicate, Invalid, NotFound
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.relationship import followups, interactions
from crmcli.services.team import audit, permissions
from crmcli.services.team.people import user_id
from crmcli.validate import parse_text
from crmcli.vocab import INTERACTION, Vocab

OUTCOME = Vocab(
    "Outcome",
    "呼叫结果",
    [
        ("answered", "Answered", "已接通"),
        ("no_answer", "No answer", "无人接听"),
        ("callback", "Call back", "约定回电"),
        ("refused", "Refused", "拒绝"),
        ("wrong_number", "Wrong number", "号码错误"),
    ],
    aliases={"call_back": "callback", "call back": "callback", "no answer": "no_answer"},
)
ENTRY_STATUS = Vocab(
    "Call status",
    "呼叫状态",
    [
        ("pending", "To call", "待呼叫"),
        ("callback", "Call back", "待回电"),
        ("done", "Done", "已完成"),
    ],
)
LIST_STATUS = Vocab(
    "List status",
    "清单状态",
    [
        ("open", "Open", "进行中"),
        ("closed", "Closed", "已关闭"),
    ],
)
#: a customer not reached after this many calls leaves the list
MAX_ATTEMPTS = 3
#: the script of a list built without one ({customer}, {contact}, {caller} are filled in)
DEFAULT_SCRIPT = "您好，请问是{contact}吗？我是{caller}。今天来电是想了解您对我们产品和服务的意见。"

LIST_FIELDS = [
    "id",
    "name",
    "segment",
    "status",
    "owner",
    "created_at",
    "total",
    "pending",
    "callback",
    "done",
]
ENTRY_FIELDS = [
    "list",
    "position",
    "customer_code",
    "customer_name",
    "level",
    "contact",
    "phone",
    "caller",
    "status",
    "outcome",
    "attempts",
    "called_at",
    "callback_at",
]


# -- lists ----------------------------------------------------------------------------


def _name(name: str) -> str:
    text = (name or "").strip()
    if not text:
        raise Invalid(t("a call list needs a name"))
    if len(text) > 100:
        raise Invalid(t("{field} is at most {n} characters", field=t("name"), n=100))
    return text


def find_list(ctx: Ctx, ref: str | None) -> Any:
    """A call list by id (digits name an id, as they do every record's) or exact name;
    without ``ref``, the only open list."""
    from sqlalchemy import select

    from crmcli.models import CallList

    if ref is None:
        found = (
            ctx.session.execute(
                select(CallList).where(CallList.status == "open").order_by(CallList.id)
            )
            .scalars()
            .all()
        )
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(t("no open call list"), hint=t("build one with: crm call new NAME ..."))
        raise Invalid(
            t(
                "several call lists are open: {names}",
                names=", ".join(c.name for c in found),
            ),
            hint=t("name one: crm call next LIST"),
        )
    text = ref.strip()
    found_one = ctx.session.get(CallList, int(text)) if text.isdigit() else None
    if found_one is None:
        q = select(CallList).where(CallList.name == text)
        found_one = ctx.session.execute(q).scalar_one_or_none()
    if found_one is None:
        raise NotFound(t("no call list '{ref}'", ref=ref), hint=t("see them with: crm call list"))
    return found_one


def open_list(ctx: Ctx, ref: str | None) -> Any:
    """A call list to work on, as :func:`find_list` finds it; a closed one is refused."""
    call_list = find_list(ctx, ref)
    if call_list.status == "closed":
        raise Conflict(t("call list {name} is closed", name=call_list.name))
    return call_list


def _callers(ctx: Ctx, assign: Sequence[str]) -> list[int | None]:
    """The callers' user ids, none disabled; a salesperson deals a list to herself only."""
    if not assign:
        return [ctx.actor.id]
    ids = []
    for name in assign:
        for part in name.split(","):
            if part.strip():
                ids.append(user_id(ctx, part.strip(), active=True))
    if not permissions.changes_all(ctx) and any(i != ctx.actor.id for i in ids):
        permissions.require_role(ctx, permissions.CHANGE_ALL, t("assign calls to others"))
    return list(dict.fromkeys(ids)) or [ctx.actor.id]


def _deal(
    ctx: Ctx, callers: Sequence[int | None], customer_ids: Sequence[int]
) -> tuple[dict[int, int | None], list[dict[str, str]]]:
    """Each customer's caller: the next of ``callers`` in turn who may see it; the
    customers none of them may see are ``skipped`` (code, why)."""
    from sqlalchemy import select

    from crmcli.models import Customer, User

    ids = [c for c in callers if c is not None]
    staff = {u.id: u for u in ctx.session.execute(select(User).where(User.id.in_(ids))).scalars()}
    found = {}
    for i in range(0, len(customer_ids), 500):
        q = select(Customer.id, Customer.code, Customer.owner_id)
        q = q.where(Customer.id.in_(customer_ids[i : i + 500]))
        found.update({r.id: r for r in ctx.session.execute(q)})
    dealt: dict[int, int | None] = {}
    skipped: list[dict[str, str]] = []
    turn = 0
    for cid in customer_ids:
        for k in range(len(callers)):
            caller = callers[(turn + k) % len(callers)]
            if caller is None or permissions.may_see(staff[caller], found[cid].owner_id):
                dealt[cid] = caller
                turn = (turn + k + 1) % len(callers)
                break
        else:
            skipped.append({"code": found[cid].code, "reason": t("none of the callers may see it")})
    return dealt, skipped


def _visible_customers(ctx: Ctx, q: Any) -> Any:
    from crmcli.models import Customer as C

    q = q.where(C.deleted_at.is_(None))
    scope = permissions.customer_scope(ctx)
    return q.where(scope) if scope is not None else q


def members(
    ctx: Ctx,
    *,
    level: str | None = None,
    codes: Sequence[str] | None = None,
    care: bool = False,
    on: Any = None,
) -> tuple[list[Any], list[dict[str, str]]]:
    """The customers (id, code) a list would hold, in order, and the codes passed by
    (``skipped``: unknown, not visible, lost) with why."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    skipped: list[dict[str, str]] = []
    if codes is not None:
        wanted = list(dict.fromkeys(c.strip().upper() for c in codes if c and c.strip()))
        found = {}
        for i in range(0, len(wanted), 500):
            q = select(C.id, C.code, C.status).where(C.code.in_(wanted[i : i + 500]))
            found.update({r.code: r for r in ctx.session.execute(_visible_customers(ctx, q))})
        chosen = []
        for code in wanted:
            r = found.get(code)
            if r is None:
                skipped.append({"code": code, "reason": t("no such customer you may see")})
            elif r.status == "lost":
                skipped.append({"code": code, "reason": t("lost customer")})
            else:
                chosen.append((r.id, r.code))
        return chosen, skipped
    if care:
        from datetime import date

        from crmcli.services.relationship import care as caring

        due = caring.due(ctx, on=on or date.today(), within=14)
        wanted = list(dict.fromkeys(r["customer_code"] for r in due))
        return members(ctx, codes=wanted)
    q = select(C.id, C.code).where(C.status != "lost")
    if level is not None:
        q = q.where(C.level == level)
    rows = ctx.session.execute(_visible_customers(ctx, q).order_by(C.code)).all()
    return [(r.id, r.code) for r in rows], skipped


def create(
    ctx: Ctx,
    *,
    name: str,
    segment: str,
    customer_ids: Sequence[int],
    script: str | None = None,
    assign: Sequence[str] = (),
) -> tuple[Any, int, list[dict[str, str]]]:
    """A new call list of ``customer_ids`` (already chosen by :func:`members`), dealt to
    ``assign`` (usernames) in turn, each to one who may see it; returns the list, how
    many entries it has and the customers left off (none of the callers may see them)."""
    from sqlalchemy import select

    from crmcli.models import CallEntry, CallList

    permissions.require_role(ctx, permissions.CHANGE_CUSTOMERS, t("build call lists"))
    name = _name(name)
    if ctx.session.execute(select(CallList.id).where(CallList.name == name)).first():
        raise Duplicate(t("a call list named '{name}' exists", name=name))
    if not customer_ids:
        raise Invalid(t("no customers to call in {segment}", segment=segment))
    callers = _callers(ctx, assign)
    dealt, skipped = _deal(ctx, callers, customer_ids)
    if not dealt:
        raise Invalid(
            t("no customers to call in {segment}", segment=segment),
            hint=t("none of the callers may see them"),
        )
    text = parse_text(script or "", INTERACTION["summary"]) if script else None
    call_list = CallList(
        name=name,
        segment=segment[:300],
        script=text,
        status="open",
        owner_id=ctx.actor.id,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(call_list)
    ctx.session.flush()
    ctx.session.add_all(
        CallEntry(
            call_list_id=call_list.id,
            customer_id=cid,
            caller_id=caller,
            position=i + 1,
            status="pending",
            attempts=0,
            created_at=ctx.at,
            updated_at=ctx.at,
        )
        for i, (cid, caller) in enumerate(dealt.items())
    )
    ctx.session.flush()
    audit.record(
        ctx,
        "create",
        "call_list",
        call_list.id,
        changes={
            "name": [None, name],
            "segment": [None, segment],
            "customers": [None, len(dealt)],
        },
    )
    return call_list, len(dealt), skipped


def assign(ctx: Ctx, ref: str, users: Sequence[str]) -> tuple[Any, int, list[dict[str, str]]]:
    """Deal the list's calls still to make to ``users`` in turn, each to one who may see
    the customer (managers and admins); returns the list, how many calls were dealt and
    the customers none of them may see (``skipped``: left as they were)."""
    from sqlalchemy import select

    from crmcli.models import CallEntry

    permissions.require_role(ctx, permissions.CHANGE_ALL, t("assign calls"))
    call_list = open_list(ctx, ref)
    callers = _callers(ctx, users)
    q = (
        select(CallEntry)
        .where(CallEntry.call_list_id == call_list.id, CallEntry.status != "done")
        .order_by(CallEntry.position)
    )
    entries = ctx.session.execute(q).scalars().all()
    dealt, skipped = _deal(ctx, callers, [e.customer_id for e in entries])
    for entry in entries:
        if entry.customer_id in dealt:
            entry.caller_id = dealt[entry.customer_id]
            entry.updated_at = ctx.at
    audit.record(
        ctx,
        "update",
        "call_list",
        call_list.id,
        changes={"assigned": [None, ", ".join(_usernames(ctx, callers))]},
    )
    return call_list, len(dealt), skipped


def close(ctx: Ctx, ref: str) -> Any:
    """Close a list: ``next`` no longer offers its calls, ``done`` refuses them. Whoever
    built it may, and managers and admins."""
    call_list = find_list(ctx, ref)
    permissions.require_role(ctx, permissions.CHANGE_CUSTOMERS, t("close call lists"))
    if call_list.owner_id != ctx.actor.id:
        permissions.require_role(ctx, permissions.CHANGE_ALL, t("close call lists built by others"))
    if call_list.status == "closed":
        raise Conflict(t("call list {name} is already closed", name=call_list.name))
    call_list.status = "closed"
    call_list.updated_at = ctx.at
    audit.record(ctx, "update", "call_list", call_list.id, changes={"status": ["open", "closed"]})
    return call_list


def _usernames(ctx: Ctx, ids: Sequence[int | None]) -> list[str]:
    from sqlalchemy import select

    from crmcli.models import User

    known = dict(ctx.session.execute(select(User.id, User.username)).all())
    return [known.get(i, "") if i is not None else "" for i in ids]


def lists(ctx: Ctx) -> list[dict[str, Any]]:
    """Every call list with the counts of its entries the actor may see."""
    from sqlalchemy import case, func, select

    from crmcli.models import CallEntry as E
    from crmcli.models import CallList as L
    from crmcli.models import User as U

    counts = select(
        E.call_list_id,
        func.count().label("total"),
        *(
            func.sum(case((E.status == s, 1), else_=0)).label(s)
            for s in ("pending", "callback", "done")
        ),
    ).group_by(E.call_list_id)
    scope = permissions.under_customer(ctx, E.customer_id)
    if scope is not None:
        counts = counts.where(scope)
    sub = counts.subquery()
    q = (
        select(
            L.id,
            L.name,
            L.segment,
            L.status,
            U.username.label("owner"),
            L.created_at,
            func.coalesce(sub.c.total, 0).label("total"),
            func.coalesce(sub.c.pending, 0).label("pending"),
            func.coalesce(sub.c.callback, 0).label("callback"),
            func.coalesce(sub.c.done, 0).label("done"),
        )
        .outerjoin(sub, sub.c.call_list_id == L.id)
        .outerjoin(U, U.id == L.owner_id)
        .order_by(L.id)
    )
    return [dict(r._mapping) for r in ctx.session.execute(q)]


# -- entries --------------------------------------------------------------------------


def _entry_query(ctx: Ctx) -> Any:
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased

    from crmcli.models import CallEntry as E
    from crmcli.models import CallList as L
    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.models import User as U
    from crmcli.services.relationship.care import main_contact

    caller = aliased(U, name="caller")
    q = (
        select(
            E.id.label("entry_id"),
            L.name.label("list"),
            E.position,
            C.id.label("customer_id"),
            C.code.label("customer_code"),
            C.name.label("customer_name"),
            C.level,
            K.id.label("contact_id"),
            K.name.label("contact"),
            func.coalesce(K.mobile, K.phone, C.phone).label("phone"),
            caller.username.label("caller"),
            E.status,
            E.outcome,
            E.attempts,
            E.called_at,
            E.callback_at,
            L.script,
        )
        .select_from(E)
        .join(L, L.id == E.call_list_id)
        .join(C, C.id == E.customer_id)
        .outerjoin(K, K.id == main_contact(C.id))
        .outerjoin(caller, caller.id == E.caller_id)
        .where(C.deleted_at.is_(None))
    )
    scope = permissions.customer_scope(ctx)
    return q.where(scope) if scope is not None else q


def entries(ctx: Ctx, ref: str | None, *, status: str | None = None) -> list[dict[str, Any]]:
    """A list's entries the actor may see, in list order."""
    from crmcli.models import CallEntry as E

    call_list = find_list(ctx, ref)
    q = _entry_query(ctx).where(E.call_list_id == call_list.id)
    if status is not None:
        q = q.where(E.status == status)
    return [
        {k: r._mapping[k] for k in ENTRY_FIELDS}
        for r in ctx.session.execute(q.order_by(E.position))
    ]


def _last_contact(ctx: Ctx, customer_id: int) -> dict[str, Any] | None:
    found = interactions.for_customer(ctx, customer_id, limit=1)
    if not found:
        return None
    r = found[0]
    return {k: r[k] for k in ("occurred_at", "channel", "contact", "summary", "result", "user")}


def _script(template: str | None, row: Any, ctx: Ctx) -> str:
    values = {
        "customer": row.customer_name,
        "contact": row.contact or row.customer_name,
        "caller": ctx.actor.username,
    }
    text = template or DEFAULT_SCRIPT

    class Keep(dict):  # an unknown {name} stays as it is
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return text.format_map(Keep(values))
    except (ValueError, IndexError):
        return text


def next_call(ctx: Ctx, ref: str | None = None) -> dict[str, Any] | None:
    """The next customer the actor should call (None when the list is done for now)."""
    from sqlalchemy import case, or_

    from crmcli.models import CallEntry as E

    call_list = open_list(ctx, ref)
    q = _entry_query(ctx).where(
        E.call_list_id == call_list.id,
        or_(E.status == "pending", (E.status == "callback") & (E.callback_at <= ctx.at)),
    )
    if ctx.actor.team:
        q = q.where(or_(E.caller_id == ctx.actor.id, E.caller_id.is_(None)))
    q = q.order_by(
        case((E.status == "callback", 0), else_=1), E.callback_at, E.attempts, E.position
    ).limit(1)
    row = ctx.session.execute(q).first()
    if row is None:
        return None
    data = {k: row._mapping[k] for k in ENTRY_FIELDS}
    data["script"] = _script(row.script, row, ctx)
    data["last_contact"] = _last_contact(ctx, row.customer_id)
    return data


def _entry_for(ctx: Ctx, customer: Any, ref: str | None) -> Any:
    """The entry of ``customer`` on the list named, or on the only open list holding it."""
    from sqlalchemy import select

    from crmcli.models import CallEntry as E
    from crmcli.models import CallList as L

    q = select(E).join(L, L.id == E.call_list_id).where(E.customer_id == customer.id)
    if ref is not None:
        q = q.where(E.call_list_id == open_list(ctx, ref).id)
    else:
        q = q.where(L.status == "open")
    found = ctx.session.execute(q.order_by(E.id)).scalars().all()
    if not found:
        raise NotFound(
            t("{code} {name} is on no open call list", code=customer.code, name=customer.name)
        )
    if len(found) > 1:
        raise Invalid(
            t("{code} {name} is on several call lists", code=customer.code, name=customer.name),
            hint=t("name the list with --list LIST"),
        )
    return found[0]


def done(
    ctx: Ctx,
    customer: str,
    *,
    outcome: str,
    call_list: str | None = None,
    summary: str | None = None,
    note: str | None = None,
    callback: datetime | None = None,
    contact: str | None = None,
) -> dict[str, Any]:
    """Record the outcome of a call to ``customer``: a contact record, and for a call
    back a follow-up on that day; returns what was written."""
    from crmcli.models import CallList

    key = OUTCOME.parse(outcome)
    owner = customers.find(ctx, customer)
    interactions.require_touch(ctx, owner)
    entry = _entry_for(ctx, owner, call_list)
    the_list = ctx.session.get(CallList, entry.call_list_id)
    if key == "callback":
        if callback is None:
            raise Invalid(t("a call back needs its day: --at DATE"))
        if callback < ctx.at.replace(hour=0, minute=0, second=0, microsecond=0):
            raise Invalid(t("--at {date} is in the past", date=callback.date().isoformat()))
        followups.not_lost(owner)
    elif callback is not None:
        raise Invalid(t("--at goes with --outcome callback"))
    person = interactions.find_contact(ctx, owner, contact)
    label = OUTCOME.label(key)
    text = interactions.text(summary, "summary") or t("Outbound call ({list})", list=the_list.name)
    record = interactions.record(
        ctx,
        customer=owner,
        channel="phone",
        summary=text,
        at=ctx.at,
        contact=person,
        result=label,
        next_step=interactions.text(note, "next_step"),
    )
    planned = None
    before = {"status": entry.status, "outcome": entry.outcome, "attempts": entry.attempts}
    entry.attempts += 1
    entry.outcome = key
    entry.called_at = ctx.at
    entry.interaction_id = record.id
    entry.note = note
    entry.updated_at = ctx.at
    if key == "callback":
        assert callback is not None
        planned = followups.create(
            ctx,
            customer=owner,
            due=callback,
            kind="call",
            note=t("call back ({list})", list=the_list.name),
            contact=person,
            owner_id=entry.caller_id or ctx.actor.id,
        )
        entry.status, entry.callback_at, entry.followup_id = "callback", callback, planned.id
    elif key == "no_answer" and entry.attempts < MAX_ATTEMPTS:
        entry.status = "pending"
    else:
        entry.status = "done"
    after = {"status": entry.status, "outcome": entry.outcome, "attempts": entry.attempts}
    audit.record(
        ctx,
        "update",
        "call_entry",
        entry.id,
        code=owner.code,
        changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
    )
    return {
        "list": the_list.name,
        "customer_code": owner.code,
        "customer_name": owner.name,
        "outcome": key,
        "status": entry.status,
        "attempts": entry.attempts,
        "interaction_id": record.id,
        "followup_id": planned.id if planned is not None else None,
        "callback_at": entry.callback_at,
    }


def progress(ctx: Ctx, ref: str | None = None) -> list[dict[str, Any]]:
    """How far each list (or the one named) has got: counts by status and by outcome,
    and per caller, of the entries the actor may see."""
    from sqlalchemy import func, select

    from crmcli.models import CallEntry as E
    from crmcli.models import CallList as L
    from crmcli.models import User as U

    if ref is not None:
        chosen = [find_list(ctx, ref)]
    else:
        chosen = ctx.session.execute(select(L).order_by(L.id)).scalars().all()
    scope = permissions.under_customer(ctx, E.customer_id)
    result = []
    for call_list in chosen:
        q = (
            select(E.status, E.outcome, U.username, func.count())
            .outerjoin(U, U.id == E.caller_id)
            .where(E.call_list_id == call_list.id)
            .group_by(E.status, E.outcome, U.username)
        )
        if scope is not None:
            q = q.where(scope)
        statuses = dict.fromkeys(("pending", "callback", "done"), 0)
        outcomes = dict.fromkeys((c.key for c in OUTCOME.choices), 0)
        callers: dict[str, dict[str, Any]] = {}
        for status, outcome, caller, n in ctx.session.execute(q):
            statuses[status] = statuses.get(status, 0) + n
            if outcome:
                outcomes[outcome] = outcomes.get(outcome, 0) + n
            who = caller or ""
            c = callers.setdefault(who, {"caller": caller, "total": 0, "called": 0, "done": 0})
            c["total"] += n
            c["called"] += n if outcome else 0
            c["done"] += n if status == "done" else 0
        total = sum(statuses.values())
        called = sum(c["called"] for c in callers.values())
        result.append(
            {
                "list": call_list.name,
                "status": call_list.status,
                "total": total,
                "called": called,
                **statuses,
                "done_share": round(statuses["done"] / total, 4) if total else 0.0,
                "outcomes": outcomes,
                "callers": sorted(callers.values(), key=lambda c: c["caller"] or ""),
            }
        )
    return result
