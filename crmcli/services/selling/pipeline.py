"""Sales opportunities (销售机会) moving through the pipeline.

The stages come from the database setting ``pipeline.stages`` (a list of
``{key, en, zh, probability}`` in pipeline order that always keeps ``won`` and
``lost``), so a team can rename, reorder or re-weight them with ``crm config``.

Two rules users rely on:

- The probability follows the stage unless someone set it by hand
  (``probability_manual``); a hand-set probability is never changed by a move
  between open stages. Closing a deal (won/lost) sets the stage's probability and
  says so; ``--probability auto`` goes back to following the stage.
- Every move is kept in ``stage_change`` (from, to, when, who, why), the creation
  included (from nothing to the first stage), so the funnel can tell which stages an
  opportunity *reached* (SPEC §3): see :func:`furthest` and :func:`furthest_by_opportunity`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from crmcli.errors import Conflict, Invalid
from crmcli.i18n import pick, t
from crmcli.services.archive import customers
from crmcli.services.codes import next_code
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.services.team.people import user_id
from crmcli.services.team.permissions import default_owner
from crmcli.validate import nfkc, parse_int, parse_text
from crmcli.vocab import OPPORTUNITY, Vocab

WHAT = ("opportunity", "销售机会")
CLOSED = ("won", "lost")
#: who may change opportunities and orders (service staff read them only)
SELLERS = permissions.SELLERS
#: the fields ``edit`` may change (``stage`` moves with :func:`move`, keeping history)
EDITABLE = (
    "title",
    "amount",
    "product_id",
    "urgency",
    "needs",
    "expected_close",
    "owner_id",
    "competitor_id",
    "probability",
    "probability_manual",
)
JSON_FIELDS = [
    "id",
    "code",
    "customer_code",
    "customer_name",
    "title",
    "product",
    "product_name",
    "amount",
    "stage",
    "probability",
    "probability_manual",
    "weighted_amount",
    "urgency",
    "needs",
    "expected_close",
    "owner",
    "competitor",
    "lost_reason",
    "closed_at",
    "created_at",
    "updated_at",
]


# -- the stages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str
    en: str
    zh: str
    probability: int

    @property
    def label(self) -> str:
        return pick(self.en, self.zh)

    @property
    def is_open(self) -> bool:
        return self.key not in CLOSED


class Pipeline:
    """The stages of one database, in order, with lookups by key and label."""

    def __init__(self, raw: list[dict[str, Any]]) -> None:
        self.stages = [
            Stage(
                key=s["key"],
                en=str(s.get("en") or s["key"]),
                zh=str(s.get("zh") or s.get("en") or s["key"]),
                probability=int(s["probability"]),
            )
            for s in raw
        ]
        self.by_key = {s.key: s for s in self.stages}
        self.open = [s for s in self.stages if s.is_open]
        self.vocab = Vocab("Stage", "阶段", [(s.key, s.en, s.zh) for s in self.stages])

    @property
    def first(self) -> Stage:
        return self.open[0] if self.open else self.by_key["won"]

    def parse(self, text: str) -> str:
        """A stage key from a key or label, English or Chinese; else an error listing them."""
        return self.vocab.parse(text)

    def label(self, key: str | None) -> str:
        return self.vocab.label(key)

    def open_index(self, key: str) -> int | None:
        for i, s in enumerate(self.open):
            if s.key == key:
                return i
        return None


def pipeline(ctx: Ctx) -> Pipeline:
    from crmcli.services.team import settings

    return Pipeline(settings.get(ctx, "pipeline.stages"))


def furthest(seen: Iterable[str | None], stages: Pipeline) -> str | None:
    """How far an opportunity got, from every stage it has ever been in (SPEC §3).

    ``won`` when it was ever won (won counts as past every open stage); else the
    furthest open stage in pipeline order; None when it was never in an open stage
    (created straight as lost). Keys no longer in the pipeline are ignored.
    """
    seen = set(seen)
    if "won" in seen:
        return "won"
    best: int | None = None
    for key in seen:
        index = stages.open_index(key) if key else None
        if index is not None and (best is None or index > best):
            best = index
    return stages.open[best].key if best is not None else None


def reached(furthest_key: str | None, stage: str, stages: Pipeline) -> bool:
    """Did an opportunity whose furthest stage is ``furthest_key`` reach ``stage``?"""
    if furthest_key is None:
        return False
    if furthest_key == "won":
        return stage != "lost"
    if stage in CLOSED:
        return False
    mine, theirs = stages.open_index(furthest_key), stages.open_index(stage)
    return mine is not None and theirs is not None and mine >= theirs


def furthest_by_opportunity(ctx: Ctx, ids: Iterable[int] | None = None) -> dict[int, str | None]:
    """:func:`furthest` for every opportunity (or those of ``ids``), from the stage history.

    One query over ``stage_change`` plus the current stages, so it is cheap for a
    whole database; deleted opportunities are included only when named in ``ids``.
    """
    from sqlalchemy import select

    from crmcli.models import Opportunity as O
    from crmcli.models import StageChange as S

    stages = pipeline(ctx)
    seen: dict[int, set[str | None]] = {}
    current = select(O.id, O.stage)
    history = select(S.opportunity_id, S.to_stage)
    if ids is not None:
        wanted = sorted(set(ids))
        current = current.where(O.id.in_(wanted))
        history = history.where(S.opportunity_id.in_(wanted))
    else:
        current = current.where(O.deleted_at.is_(None))
    for opp_id, stage in ctx.session.execute(current):
        seen[opp_id] = {stage}
    for opp_id, stage in ctx.session.execute(history):
        if opp_id in seen:
            seen[opp_id].add(stage)
    return {opp_id: furthest(keys, stages) for opp_id, keys in seen.items()}


# -- finding ------------------------------------------------------------------------------


def visible(ctx: Ctx) -> Any:
    """A condition on ``Opportunity``: under a live customer the actor may see."""
    from crmcli.models import Opportunity as O

    return customers.of_live(ctx, O.customer_id)


def find(
    ctx: Ctx, ref: str, *, deleted: bool | None = False, customer_id: int | None = None
) -> Any:
    """An opportunity by id, code (O000001) or exact title."""
    from sqlalchemy import and_

    from crmcli.models import Opportunity as O

    where = visible(ctx)
    if customer_id is not None:
        where = and_(where, O.customer_id == customer_id)
    return resolve(
        ctx,
        O,
        ref,
        what=WHAT,
        name_attr="title",
        deleted=deleted,
        where=where,
        list_command="crm opportunity list",
        restore_command="crm opportunity restore {ref}",
    )


def of_customer(ctx: Ctx, customer: Any, ref: str | None) -> Any:
    """The opportunity ``ref`` names among ``customer``'s (None for no ``ref``); one of
    another customer is a clear error, not "not found"."""
    if not ref:
        return None
    from crmcli.errors import NotFound

    try:
        return find(ctx, ref, customer_id=customer.id)
    except NotFound:
        deal = find(ctx, ref)  # not found anywhere: that error
    raise Invalid(
        t(
            "opportunity {code} belongs to another customer, not {customer}",
            code=deal.code,
            customer=f"{customer.code} {customer.name}",
        )
    )


def _allowed(ctx: Ctx, customer: Any) -> None:
    permissions.require_role(ctx, SELLERS, t("change opportunities"))
    permissions.require_customer_change(ctx, customer)


def _customer(ctx: Ctx, opportunity: Any) -> Any:
    from crmcli.models import Customer

    return ctx.session.get(Customer, opportunity.customer_id)


def _title(text: str | None) -> str:
    title = parse_text(text or "", OPPORTUNITY["title"])
    if not title:
        raise Invalid(t("{field} is required", field=OPPORTUNITY["title"].label))
    return title


def parse_probability(text: str) -> int | None:
    """``40``, ``40%`` or ``auto`` (None: follow the stage)."""
    value = nfkc(text).rstrip("%％").strip()
    if value.lower() in ("auto", "自动"):
        return None
    return parse_int(value, OPPORTUNITY["probability"].label, low=0, high=100)


def _refs(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Turn ``product``, ``competitor`` and ``owner`` names into ids (None clears)."""
    from crmcli.services.selling import catalog

    out = dict(values)
    if "product" in out:
        ref = out.pop("product")
        out["product_id"] = catalog.find_product(ctx, ref).id if ref else None
    if "competitor" in out:
        ref = out.pop("competitor")
        out["competitor_id"] = catalog.find_competitor(ctx, ref).id if ref else None
    if "owner" in out:
        name = out.pop("owner")
        out["owner_id"] = default_owner(ctx, name) if name else None
    return out


def _snapshot(opportunity: Any) -> dict[str, Any]:
    return {k: getattr(opportunity, k) for k in (*EDITABLE, "stage", "lost_reason", "closed_at")}


def _plain_changes(ctx: Ctx, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Audit changes with ids turned into what people know (codes, names, usernames)."""
    from crmcli.models import Competitor, Product
    from crmcli.services.team.people import usernames

    def name(model: Any, attr: str, value: Any) -> Any:
        if value is None:
            return None
        record = ctx.session.get(model, value)
        return getattr(record, attr) if record is not None else value

    out: dict[str, list[Any]] = {}
    for key, (old, new) in changes.items():
        if key == "product_id":
            out["product"] = [name(Product, "code", old), name(Product, "code", new)]
        elif key == "competitor_id":
            out["competitor"] = [name(Competitor, "name", old), name(Competitor, "name", new)]
        elif key == "owner_id":
            names = usernames(ctx, {old, new})
            out["owner"] = [names.get(old), names.get(new)]
        else:
            out[key] = [old, new]
    return out


# -- changing -----------------------------------------------------------------------------


@dataclass
class Moved:
    """What a stage move did, for the CLI to tell the user."""

    opportunity: Any
    from_stage: str | None
    to_stage: str
    probability: int
    kept_manual: bool = False
    cancelled_followups: int = 0
    activated_customer: Any = None
    changes: dict[str, Any] = field(default_factory=dict)


def add(
    ctx: Ctx,
    *,
    customer: str,
    title: str,
    amount: Decimal | None,
    stage: str | None = None,
    probability: str | None = None,
    values: dict[str, Any] | None = None,
    reason: str | None = None,
) -> Moved:
    """Create an opportunity at ``stage`` (the first stage by default), history included.

    ``values`` may hold ``expected_close``, ``urgency``, ``needs``, ``product``,
    ``competitor`` and ``owner`` (names, resolved here). Starting at ``won`` or
    ``lost`` closes it at once (``lost`` needs ``reason``).
    """
    from crmcli.models import Opportunity

    owner_customer = customers.find(ctx, customer)
    _allowed(ctx, owner_customer)
    stages = pipeline(ctx)
    key = stages.parse(stage) if stage else stages.first.key
    reason = _reason(reason)
    if key == "lost" and not reason:
        raise Invalid(t("an opportunity added as lost needs --reason (why was it lost?)"))
    values = dict(values or {})
    owner = values.pop("owner", None)
    resolved = _refs(ctx, values)
    _check_amount(amount)
    opportunity = Opportunity(
        code=next_code(ctx, "O", Opportunity),
        customer_id=owner_customer.id,
        title=_title(title),
        amount=amount,
        stage=key,
        probability=stages.by_key[key].probability,
        probability_manual=False,
        owner_id=default_owner(ctx, owner),
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    for name, value in resolved.items():
        setattr(opportunity, name, value)
    ctx.session.add(opportunity)
    ctx.session.flush()
    _history(ctx, opportunity, None, key, ctx.at, reason)
    if key in CLOSED:
        result = _close(ctx, opportunity, None, key, ctx.at, reason, stages, probability)
    else:
        result = Moved(opportunity, None, key, 0)
        _set_probability(opportunity, stages.by_key[key], probability)
        result.probability = opportunity.probability
    created = {
        k: [None, v] for k, v in audit.plain(_snapshot(opportunity)).items() if v is not None
    }
    created["customer"] = [None, owner_customer.code]
    result.changes = _plain_changes(ctx, created)
    audit.record(
        ctx, "create", "opportunity", opportunity.id, code=opportunity.code, changes=result.changes
    )
    return result


def _reason(text: str | None) -> str | None:
    reason = (text or "").strip() or None
    return parse_text(reason, OPPORTUNITY["lost_reason"]) if reason else None


def _check_amount(amount: Decimal | None) -> None:
    if amount is not None and amount < 0:
        raise Invalid(
            t(
                "{field} must not be negative: {value}",
                field=OPPORTUNITY["amount"].label,
                value=amount,
            )
        )


def _history(
    ctx: Ctx, opportunity: Any, old: str | None, new: str, at: datetime, reason: str | None
) -> None:
    from crmcli.models import StageChange

    ctx.session.add(
        StageChange(
            opportunity_id=opportunity.id,
            from_stage=old,
            to_stage=new,
            at=at,
            user_id=ctx.actor.id,
            reason=reason,
        )
    )


def _last_move(ctx: Ctx, opportunity: Any) -> datetime | None:
    from sqlalchemy import func, select

    from crmcli.models import StageChange

    return ctx.session.execute(
        select(func.max(StageChange.at)).where(StageChange.opportunity_id == opportunity.id)
    ).scalar()


def move(
    ctx: Ctx,
    ref: str,
    *,
    stage: str,
    reason: str | None = None,
    probability: str | None = None,
    at: datetime | None = None,
) -> Moved:
    """Move an opportunity to ``stage`` (forwards or backwards), recording the move.

    ``lost`` needs a reason. ``won``/``lost`` set ``closed_at`` and a won deal makes its
    customer active; :func:`crmcli.services.desk.changes.move_opportunity`, which calls
    this, also cancels the pending follow-ups tied to the opportunity.
    """
    opportunity = find(ctx, ref)
    owner_customer = _customer(ctx, opportunity)
    _allowed(ctx, owner_customer)
    stages = pipeline(ctx)
    key = stages.parse(stage)
    reason = _reason(reason)
    when = at or ctx.at
    if at is not None:
        if at > ctx.at:
            raise Invalid(
                t("a stage move cannot be in the future: {value}", value=at.isoformat(sep=" "))
            )
        last = _last_move(ctx, opportunity)
        if last is not None and at < last:
            raise Invalid(
                t(
                    "{code} last moved on {last}; a new move cannot be dated before it",
                    code=opportunity.code,
                    last=last.isoformat(sep=" "),
                )
            )
    if key == opportunity.stage:
        raise Conflict(
            t(
                "{code} is already at stage {stage}",
                code=opportunity.code,
                stage=stages.label(key),
            ),
            hint=t(
                "change the probability with: crm opportunity edit {code} --probability P",
                code=opportunity.code,
            ),
        )
    if key == "lost" and not reason:
        raise Invalid(
            t("moving {code} to lost needs --reason (why was it lost?)", code=opportunity.code)
        )
    old = opportunity.stage
    before = _snapshot(opportunity)
    opportunity.stage = key
    _history(ctx, opportunity, old, key, when, reason)
    if key in CLOSED:
        result = _close(ctx, opportunity, old, key, when, reason, stages, probability)
    else:
        result = _reopen_or_move(opportunity, old, key, stages, probability)
    opportunity.updated_at = ctx.at
    result.changes = audit.diff(before, _snapshot(opportunity))
    if reason:
        result.changes["reason"] = [None, reason]
    audit.record(
        ctx, "update", "opportunity", opportunity.id, code=opportunity.code, changes=result.changes
    )
    return result


def _set_probability(opportunity: Any, stage: Stage, probability: str | None) -> bool:
    """Apply the probability rule; True when a hand-set probability was kept."""
    if probability is not None:
        manual = parse_probability(probability)
        if manual is None:
            opportunity.probability, opportunity.probability_manual = stage.probability, False
        else:
            opportunity.probability, opportunity.probability_manual = manual, True
        return False
    if opportunity.probability_manual:
        return True
    opportunity.probability = stage.probability
    return False


def _reopen_or_move(
    opportunity: Any, old: str | None, key: str, stages: Pipeline, probability: str | None
) -> Moved:
    opportunity.closed_at = None
    opportunity.lost_reason = None
    kept = _set_probability(opportunity, stages.by_key[key], probability)
    return Moved(opportunity, old, key, opportunity.probability, kept_manual=kept)


def _close(
    ctx: Ctx,
    opportunity: Any,
    old: str | None,
    key: str,
    when: datetime,
    reason: str | None,
    stages: Pipeline,
    probability: str | None = None,
) -> Moved:
    """Won or lost: the outcome decides the probability, a win activates the customer (the
    follow-ups tied to it stop in :func:`crmcli.services.desk.changes.move_opportunity`)."""
    if probability is not None and parse_probability(probability) is not None:
        raise Invalid(
            t(
                "a {stage} opportunity has the probability of its stage; leave out --probability",
                stage=stages.label(key),
            )
        )
    opportunity.stage = key
    opportunity.closed_at = when
    opportunity.lost_reason = reason if key == "lost" else None
    opportunity.probability = stages.by_key[key].probability
    opportunity.probability_manual = False
    moved = Moved(opportunity, old, key, opportunity.probability)
    if key == "won":
        customer = _customer(ctx, opportunity)
        if customer.status != "active":
            customers.edit(ctx, str(customer.id), values={"status": "active"})
            moved.activated_customer = customer
    return moved


def edit(
    ctx: Ctx,
    ref: str,
    *,
    values: dict[str, Any],
    probability: str | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Change an opportunity's fields (not its stage: see :func:`move`); audited."""
    opportunity = find(ctx, ref)
    _allowed(ctx, _customer(ctx, opportunity))
    values = dict(values)
    if "title" in values:
        values["title"] = _title(values["title"])
    _check_amount(values.get("amount"))
    resolved = _refs(ctx, values)
    before = _snapshot(opportunity)
    for name, value in resolved.items():
        setattr(opportunity, name, value)
    if probability is not None:
        stages = pipeline(ctx)
        if opportunity.stage in CLOSED and parse_probability(probability) is not None:
            raise Conflict(
                t(
                    "{code} is {stage}: its probability is that of the stage",
                    code=opportunity.code,
                    stage=stages.label(opportunity.stage),
                )
            )
        stage = stages.by_key.get(opportunity.stage)
        default = stage.probability if stage else opportunity.probability
        manual = parse_probability(probability)
        if manual is None:
            opportunity.probability, opportunity.probability_manual = default, False
        else:
            opportunity.probability, opportunity.probability_manual = manual, True
    changes = _plain_changes(ctx, audit.diff(before, _snapshot(opportunity)))
    if changes:
        opportunity.updated_at = ctx.at
        audit.record(
            ctx, "update", "opportunity", opportunity.id, code=opportunity.code, changes=changes
        )
    return opportunity, changes


def delete(ctx: Ctx, ref: str) -> Any:
    opportunity = find(ctx, ref)
    _allowed(ctx, _customer(ctx, opportunity))
    opportunity.deleted_at = ctx.at
    audit.record(ctx, "delete", "opportunity", opportunity.id, code=opportunity.code)
    return opportunity


def restore(ctx: Ctx, ref: str) -> Any:
    opportunity = find(ctx, ref, deleted=True)
    _allowed(ctx, _customer(ctx, opportunity))
    opportunity.deleted_at = None
    opportunity.updated_at = ctx.at
    audit.record(ctx, "restore", "opportunity", opportunity.id, code=opportunity.code)
    return opportunity


# -- reading ------------------------------------------------------------------------------


def query(
    ctx: Ctx,
    *,
    customer: str | None = None,
    customer_id: int | None = None,
    stage: str | None = None,
    open_only: bool = False,
    owner: str | None = None,
    closing_before: Any = None,
    deleted: bool = False,
) -> Any:
    """A SELECT of opportunity rows (the JSON fields) with the list filters applied."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from crmcli.models import Competitor, Customer, Product, User
    from crmcli.models import Opportunity as O

    owner_user = aliased(User)
    q = (
        select(
            O.id,
            O.code,
            Customer.code.label("customer_code"),
            Customer.name.label("customer_name"),
            O.title,
            Product.code.label("product"),
            Product.name.label("product_name"),
            O.amount,
            O.stage,
            O.probability,
            O.probability_manual,
            O.urgency,
            O.needs,
            O.expected_close,
            owner_user.username.label("owner"),
            Competitor.name.label("competitor"),
            O.lost_reason,
            O.closed_at,
            O.created_at,
            O.updated_at,
        )
        .join(Customer, Customer.id == O.customer_id)
        .outerjoin(Product, Product.id == O.product_id)
        .outerjoin(Competitor, Competitor.id == O.competitor_id)
        .outerjoin(owner_user, owner_user.id == O.owner_id)
    )
    q = q.where(O.deleted_at.is_not(None) if deleted else O.deleted_at.is_(None))
    q = customers.under(ctx, q, O.customer_id, customer_id)
    if customer is not None:
        q = q.where(O.customer_id == customers.find(ctx, customer).id)
    if stage is not None:
        q = q.where(O.stage == pipeline(ctx).parse(stage))
    if open_only:
        q = q.where(O.stage.not_in(CLOSED))
    if owner is not None:
        q = q.where(O.owner_id == user_id(ctx, owner))
    if closing_before is not None:
        q = q.where(O.expected_close.is_not(None), O.expected_close < closing_before)
    return q.order_by(O.code, O.id)


def _row(mapping: Any) -> dict[str, Any]:
    from decimal import ROUND_HALF_UP

    from crmcli.validate import CENT

    data = dict(mapping)
    amount = data.get("amount")
    data["weighted_amount"] = (
        (amount * data["probability"] / 100).quantize(CENT, ROUND_HALF_UP)
        if amount is not None
        else None
    )
    return {k: data.get(k) for k in JSON_FIELDS}


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    if limit is not None:
        q = q.limit(limit)
    return [_row(r._mapping) for r in ctx.session.execute(q)]


def totals(ctx: Ctx, q: Any, *, limit: int | None = None) -> dict[str, Any]:
    """Over the opportunities ``q`` matches (its first ``limit``): how many, their amount
    and weighted amount.

    The weighted amount is the sum of each row's (amount x probability, rounded half-up
    to the cent), in integer cents, so it equals what the rows show added up.
    """
    from sqlalchemy import BigInteger, func, select, type_coerce

    from crmcli.models import Customer
    from crmcli.models import Opportunity as O
    from crmcli.validate import CENT

    if limit:  # the ORDER BY decides which rows count
        sub = q.limit(limit).subquery()
        amount, probability, source, where = sub.c.amount, sub.c.probability, sub, None
    else:  # the same conditions, without the joins and the sort the rows needed
        amount, probability = O.amount, O.probability
        source = O.__table__.join(Customer, Customer.id == O.customer_id)
        where = q.whereclause
    cents = type_coerce(amount, BigInteger)
    summary = select(
        func.count(), func.sum(cents), func.sum((cents * probability + 50) // 100)
    ).select_from(source)
    if where is not None:
        summary = summary.where(where)
    count, total, weighted = ctx.session.execute(summary).one()
    return {
        "opportunities": count,
        "amount": (Decimal(total or 0) / 100).quantize(CENT),
        "weighted": (Decimal(weighted or 0) / 100).quantize(CENT),
    }


def as_dict(ctx: Ctx, opportunity: Any) -> dict[str, Any]:
    from crmcli.models import Opportunity as O

    q = query(ctx, customer_id=opportunity.customer_id, deleted=opportunity.deleted_at is not None)
    return rows(ctx, q.where(O.id == opportunity.id))[0]


def history(ctx: Ctx, opportunity_id: int) -> list[dict[str, Any]]:
    """The stage moves of an opportunity, oldest first."""
    from sqlalchemy import select

    from crmcli.models import StageChange as S
    from crmcli.models import User

    q = (
        select(S.at, S.from_stage, S.to_stage, User.username.label("user"), S.reason)
        .outerjoin(User, User.id == S.user_id)
        .where(S.opportunity_id == opportunity_id)
        .order_by(S.at, S.id)
    )
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def show(ctx: Ctx, ref: str) -> dict[str, Any]:
    opportunity = find(ctx, ref, deleted=None)
    data = as_dict(ctx, opportunity)
    data["deleted_at"] = opportunity.deleted_at
    data["history"] = history(ctx, opportunity.id)
    return data


def for_customer(ctx: Ctx, customer_id: int) -> list[dict[str, Any]]:
    """The open opportunities of a customer (its archive card)."""
    return rows(ctx, query(ctx, customer_id=customer_id, open_only=True))
