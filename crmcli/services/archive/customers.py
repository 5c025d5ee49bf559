"""The customer archive (客户档案): add, list, show, edit, delete, restore, assign.

Values arrive already parsed by :mod:`crmcli.validate` (the CLI and import share
those validators); this module applies the business rules, keeps the matching keys
(digits of the phone, lower-case e-mail) and writes every change to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.searching import like_pattern, search_terms
from crmcli.services.archive import fields, phones
from crmcli.services.archive.searched import refresh_search
from crmcli.services.codes import check_code, next_code
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.services.team.people import user_id, usernames
from crmcli.services.team.permissions import default_owner
from crmcli.validate import email_key, parse_text, phone_key
from crmcli.vocab import CUSTOMER, CUSTOMER_FIELDS, fold

WHAT = ("customer", "客户")
#: The fields in JSON order (SPEC §3), ``id`` first.
JSON_FIELDS = ["id"] + [f.name for f in CUSTOMER_FIELDS]
#: Fields ``add`` and ``edit`` accept as options (the rest are derived or system fields).
EDITABLE = [
    f.name for f in CUSTOMER_FIELDS if f.name not in ("owner", "extra", "created_at", "updated_at")
]
SORTABLE = [f.name for f in CUSTOMER_FIELDS if f.type not in ("tags", "extra")] + ["id"]


@dataclass
class Saved:
    """A customer written by ``add`` or ``edit``, with what changed and any warnings."""

    customer: Any
    changes: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def find(ctx: Ctx, ref: str, *, deleted: bool | None = False, lock: bool = False) -> Any:
    """A customer the actor may see; ``lock`` when the customer itself is to be changed."""
    from crmcli.models import Customer

    scope = permissions.customer_scope(ctx)
    return resolve(
        ctx,
        Customer,
        ref,
        what=WHAT,
        deleted=deleted,
        where=scope,
        list_command="crm customer list",
        restore_command="crm customer restore {ref}",
        hint=t("you see your own and unassigned customers") if scope is not None else None,
        lock=lock,
    )


def _name(name: str | None) -> str:
    """A customer's name: required, trimmed, within its length limit."""
    text = parse_text(name or "", CUSTOMER["name"])
    if not text:
        raise Invalid(t("{field} is required", field=CUSTOMER["name"].label))
    if any(ch in text for ch in "\t\r\n"):
        raise Invalid(t("{field} is one line, without tabs", field=CUSTOMER["name"].label))
    return text


def _check_code(ctx: Ctx, code: str | None, own_id: int | None = None) -> str:
    from crmcli.models import Customer

    return check_code(
        ctx,
        Customer,
        code,
        label=CUSTOMER["code"].label,
        taken="customer code '{value}' is already used by {other}",
        own_id=own_id,
        visible=permissions.customer_scope(ctx),
    )


#: the longest custom field name and value (a name is a column header; a value a note)
EXTRA_LIMITS = (40, 2000)


def check_extra(extra: dict[str, str]) -> dict[str, str]:
    for key, value in extra.items():
        if len(key) > EXTRA_LIMITS[0] or len(value or "") > EXTRA_LIMITS[1]:
            raise Invalid(
                t(
                    "custom field '{key}' is too long (names up to {names} characters, "
                    "values up to {values})",
                    key=key[:40],
                    names=EXTRA_LIMITS[0],
                    values=EXTRA_LIMITS[1],
                )
            )
        f = CUSTOMER.get(key) or next(
            (f for f in CUSTOMER_FIELDS if fold(f.en) == fold(key) or fold(f.zh) == fold(key)), None
        )
        if f is not None and f.name not in ("extra",):
            raise Invalid(
                t(
                    "custom field name '{value}' clashes with the field '{field}'; use --{option}",
                    value=key,
                    field=f.name,
                    option=f.name.replace("_", "-"),
                )
            )
    return extra


def similar(ctx: Ctx, customer: Any) -> list[str]:
    """Warnings naming live customers with the same name, phone or e-mail; the same phone
    in any form ``crm who`` takes for one line (+86, with or without the area code)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    line = None
    if customer.phone_key:
        line = C.phone_tail == phones.tail(customer.phone)  # candidates, then same_line
    checks = [
        (t("name"), C.name == customer.name),
        (t("phone"), line),
        (t("e-mail"), C.email_key == customer.email_key if customer.email_key else None),
    ]
    warnings = []
    scope = permissions.customer_scope(ctx)
    for what, cond in checks:
        if cond is None:
            continue
        q = select(C.code, C.name, C.phone).where(cond, C.deleted_at.is_(None))
        if scope is not None:
            q = q.where(scope)
        if customer.id is not None:
            q = q.where(C.id != customer.id)
        if cond is line:
            caller = phones.caller_key(customer.phone)
            others = [o for o in ctx.session.execute(q) if phones.same_line(o.phone, caller)]
        else:
            others = ctx.session.execute(q.limit(5)).all()
        if others:
            names = ", ".join(f"{o.code} {o.name}" for o in others[:5])
            warnings.append(
                t("a customer with the same {what} exists: {others}", what=what, others=names)
            )
    return warnings


def _apply(customer: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(customer, name, value)
    customer.phone_key = phone_key(customer.phone)
    customer.email_key = email_key(customer.email)
    phones.set_tails(customer, "customer")  # crm who


def snapshot(ctx: Ctx, customer: Any) -> dict[str, Any]:
    """The customer's fields as the audit log compares them (the owner by username)."""
    data = {name: getattr(customer, name) for name in [*EDITABLE, "extra"]}
    data["marketing_opt_out"] = customer.marketing_opt_out or None  # shown once opted out
    data["owner"] = usernames(ctx, {customer.owner_id}).get(customer.owner_id)
    return data


def add(
    ctx: Ctx,
    *,
    name: str,
    values: dict[str, Any] | None = None,
    extra: dict[str, str] | None = None,
    owner: str | None = None,
    batch_id: int | None = None,
) -> Saved:
    """Create a customer; warns (does not refuse) when it looks like an existing one."""
    from crmcli.models import Customer

    permissions.require_customer_create(ctx)
    owner_id = default_owner(ctx, owner)
    values = dict(values or {})
    values["name"] = _name(name)
    if values.get("code"):
        values["code"] = _check_code(ctx, values["code"])
    customer = Customer(
        kind="company",
        level="regular",
        status="lead",
        owner_id=owner_id,
        extra=fields.apply(ctx, "customer", None, check_extra(extra or {}), new=True) or None,
        created_at=ctx.at,
        updated_at=ctx.at,
        import_batch_id=batch_id,
    )
    _apply(customer, {k: v for k, v in values.items() if v is not None})
    if customer.status == "lost" and customer.lost_at is None:
        customer.lost_at = ctx.at  # lost from the start: churned now, as edit --status lost
    if not customer.code:
        customer.code = next_code(ctx, "C", Customer)
    refresh_search(ctx, customer)
    saved = Saved(customer, warnings=similar(ctx, customer))
    ctx.session.add(customer)
    ctx.session.flush()
    saved.changes = {
        k: [None, v]
        for k, v in audit.plain(snapshot(ctx, customer)).items()
        if v not in (None, [], {})
    }
    audit.record(
        ctx,
        "create",
        "customer",
        customer.id,
        code=customer.code,
        changes=saved.changes,
        batch_id=batch_id,
    )
    return saved


def edit(
    ctx: Ctx,
    ref: str,
    *,
    values: dict[str, Any] | None = None,
    set_extra: dict[str, str] | None = None,
    unset_extra: list[str] | None = None,
) -> Saved:
    """Change fields (None clears a field), custom fields set or unset; audited. A lost
    customer's pending touches are cancelled by :func:`crmcli.services.desk.changes.edit_customer`,
    which calls this."""
    values = dict(values or {})
    customer = find(ctx, ref, lock=True)
    permissions.require_customer_change(ctx, customer)
    if "name" in values:
        values["name"] = _name(values["name"])
    if "code" in values:
        values["code"] = _check_code(ctx, values["code"], customer.id)
    for key in ("kind", "level", "status"):
        if key in values and values[key] is None:
            raise Invalid(t("{field} is required", field=CUSTOMER[key].label))
    before = snapshot(ctx, customer)
    if set_extra or unset_extra:
        extra = fields.apply(
            ctx,
            "customer",
            customer.extra,
            check_extra(set_extra or {}),
            unset=unset_extra,
            ref=customer.code,
        )
        values["extra"] = extra or None
    _apply(customer, values)
    refresh_search(ctx, customer)
    changes = audit.diff(before, snapshot(ctx, customer))
    saved = Saved(customer, changes)
    if changes:
        customer.updated_at = ctx.at
        if "phone" in changes or "email" in changes or "name" in changes:
            saved.warnings = similar(ctx, customer)
        audit.record(ctx, "update", "customer", customer.id, code=customer.code, changes=changes)
    return saved


def delete(ctx: Ctx, ref: str) -> Any:
    customer = find(ctx, ref, lock=True)
    permissions.require_customer_change(ctx, customer)
    customer.deleted_at = ctx.at
    audit.record(ctx, "delete", "customer", customer.id, code=customer.code)
    return customer


def restore(ctx: Ctx, ref: str) -> Any:
    customer = find(ctx, ref, deleted=True, lock=True)
    permissions.require_customer_change(ctx, customer)
    customer.deleted_at = None
    customer.updated_at = ctx.at
    audit.record(ctx, "restore", "customer", customer.id, code=customer.code)
    return customer


@dataclass
class Assigned:
    """A customer given to a member of staff by ``assign``, and whose it was before."""

    customer: Any
    previous_owner_id: int | None

    @property
    def changed(self) -> bool:
        return self.customer.owner_id != self.previous_owner_id


def assign(ctx: Ctx, ref: str, owner: str) -> Assigned:
    """客户分配: give a customer to a member of staff (managers and admins). Its pending
    follow-ups go with it: :func:`crmcli.services.desk.changes.assign_customer` hands them
    over (the archive does not reach up into the follow-ups)."""
    permissions.require_role(ctx, permissions.CHANGE_ALL, t("assign customers"))
    customer = find(ctx, ref, lock=True)
    new_owner = user_id(ctx, owner, active=True)
    old = usernames(ctx, {customer.owner_id}).get(customer.owner_id)
    assigned = Assigned(customer, customer.owner_id)
    if customer.owner_id != new_owner:
        customer.owner_id = new_owner
        customer.updated_at = ctx.at
        audit.record(
            ctx,
            "assign",
            "customer",
            customer.id,
            code=customer.code,
            changes={"owner": [old, owner]},
        )
    return assigned


# -- reading --------------------------------------------------------------------------


def _columns() -> list[Any]:
    from crmcli.models import Customer as C
    from crmcli.models import User

    cols = [C.id] + [getattr(C, n) for n in JSON_FIELDS[1:] if n != "owner"]
    return [*cols, User.username.label("owner")]


def query(
    ctx: Ctx,
    *,
    search: str | None = None,
    level: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    city: str | None = None,
    industry: str | None = None,
    source: str | None = None,
    tag: str | None = None,
    since: Any = None,
    deleted: bool = False,
    where: list[str] | None = None,
) -> Any:
    """A SELECT of customer rows (JSON fields) with the list filters applied; ``where``:
    ``--where`` conditions on custom and built-in fields (:func:`fields.where`)."""
    from sqlalchemy import literal, select

    from crmcli.models import Customer as C
    from crmcli.models import User

    q = select(*_columns()).select_from(C).outerjoin(User, User.id == C.owner_id)
    q = q.where(C.deleted_at.is_not(None) if deleted else C.deleted_at.is_(None))
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        q = q.where(scope)
    for column, value in ((C.level, level), (C.status, status), (C.source, source)):
        if value is not None:
            q = q.where(column == value)
    if city is not None:
        q = q.where(C.city == city.strip())
    if industry is not None:
        q = q.where(C.industry == industry.strip())
    if owner is not None:
        q = q.where(C.owner_id == user_id(ctx, owner))
    if tag is not None:
        q = q.where(
            (literal(",") + C.tags + literal(",")).contains(
                "," + tag.strip() + ",", autoescape=True
            )
        )
    if since is not None:
        q = q.where(C.updated_at >= since)
    for condition in fields.where(ctx, where or []):
        q = q.where(condition)
    if search:
        q = q.where(searched(search_terms(search)))
    return q


def searched(terms: list[Any]) -> Any:
    """A condition on Customer: its search text contains one of ``terms`` (:func:`search_terms`;
    a term may be a bound parameter holding its :func:`like_pattern`)."""
    from sqlalchemy import or_

    from crmcli.models import Customer as C

    patterns = [like_pattern(t) if isinstance(t, str) else t for t in terms]
    return or_(*(C.search_text.like(p, escape="/") for p in patterns))


def live(ctx: Ctx) -> list[Any]:
    """Conditions on Customer for reports: not deleted, and visible to the acting user."""
    from crmcli.models import Customer as C

    scope = permissions.customer_scope(ctx)
    return [C.deleted_at.is_(None)] if scope is None else [C.deleted_at.is_(None), scope]


def of_live(ctx: Ctx, customer_column: Any) -> Any:
    """A condition on a record's ``customer_id`` column: its customer is live and the
    acting user may see it (finding one record under customers by reference)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    return customer_column.in_(select(C.id).where(*live(ctx)))


def under(ctx: Ctx, q: Any, customer_column: Any, customer_id: int | None = None) -> Any:
    """Narrow ``q`` (joined to Customer) to records under one customer, by id (a card shows
    a deleted customer's records too), or else under live customers; always to what the
    acting user may see. Every list of records under customers goes through here."""
    from crmcli.models import Customer as C

    if customer_id is not None:
        q = q.where(customer_column == customer_id)
    else:
        q = q.where(C.deleted_at.is_(None))
    scope = permissions.customer_scope(ctx)
    return q if scope is None else q.where(scope)


def order_by(q: Any, sort: str | None) -> Any:
    from crmcli.models import Customer as C
    from crmcli.models import User

    if not sort:
        return q.order_by(C.code, C.id)
    descending = sort.startswith("-")
    name = sort.lstrip("+-").strip().replace("-", "_")
    if name not in SORTABLE:
        raise Invalid(
            t("unknown sort field '{value}' ({accepted})", value=sort, accepted=", ".join(SORTABLE))
        )
    column = User.username if name == "owner" else getattr(C, name)
    column = column.desc() if descending else column.asc()
    return q.order_by(column, C.id)


def plain_list(*, scoped: bool, terms: int = 0, counting: bool = False) -> Any:
    """``crm customer list [--search TEXT]`` as its fast path runs it (compiled ahead by
    :mod:`.list_sql`): the table's columns, by code, ``:limit`` rows; a salesperson
    (``scoped``, ``:actor_id``) sees what :func:`query` shows her; ``terms`` search terms
    (``:term1`` ..., their :func:`like_pattern`). ``counting``: how many."""
    from sqlalchemy import bindparam, func, select

    from crmcli.models import Customer as C
    from crmcli.models import User
    from crmcli.services.archive.fastlist import LIST_FIELDS

    columns = [User.username.label(n) if n == "owner" else getattr(C, n) for n in LIST_FIELDS]
    q = select(*columns).select_from(C).outerjoin(User, User.id == C.owner_id)
    q = q.where(C.deleted_at.is_(None))
    if scoped:
        q = q.where(permissions.own_or_unassigned(bindparam("actor_id")))
    if terms:
        q = q.where(searched([bindparam(f"term{i}") for i in range(1, terms + 1)]))
    if counting:
        return select(func.count()).select_from(C).where(q.whereclause)
    return order_by(q, None).limit(bindparam("limit"))


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Customer rows as dicts with the JSON fields in SPEC order."""
    if limit is not None:
        q = q.limit(limit)
    return [{k: m[k] for k in JSON_FIELDS} for m in (r._mapping for r in ctx.session.execute(q))]


def count(ctx: Ctx, q: Any) -> int:
    """How many customers ``q`` (from :func:`query`) matches, without fetching them."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C

    return ctx.session.execute(select(func.count()).select_from(C).where(q.whereclause)).scalar()


def as_dict(ctx: Ctx, customer: Any) -> dict[str, Any]:
    from crmcli.models import Customer as C

    q = query(ctx, deleted=customer.deleted_at is not None).where(C.id == customer.id)
    return rows(ctx, q)[0]
