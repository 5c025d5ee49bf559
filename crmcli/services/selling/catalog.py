"""What the business sells and who it competes with: suppliers (供应商), products (产品,
including services) and competitors (竞争对手).

They do not hang under a customer, so changing them is for admins and managers
(SPEC §1); everyone may read them. Suppliers and competitors are named by id or by
their exact name, which must therefore be unique among live records; products have a
code (P0001) and their names may repeat (a warning says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmcli.errors import Duplicate, Invalid
from crmcli.i18n import t
from crmcli.services.codes import check_code, next_code
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.validate import parse_text
from crmcli.vocab import (
    COMPETITOR,
    COMPETITOR_FIELDS,
    PRODUCT,
    PRODUCT_FIELDS,
    SUPPLIER,
    SUPPLIER_FIELDS,
)


@dataclass(frozen=True)
class Kind:
    """One kind of catalog record: its model, names, fields and the columns searched."""

    entity: str
    model_name: str
    what: tuple[str, str]
    fields: dict[str, Any]
    editable: tuple[str, ...]
    search: tuple[str, ...]
    unique_name: bool
    list_command: str

    @property
    def model(self) -> Any:
        import crmcli.models

        return getattr(crmcli.models, self.model_name)


def _editable(fields: list[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields if f.name not in ("created_at", "updated_at"))


SUPPLIERS = Kind(
    "supplier",
    "Supplier",
    ("supplier", "供应商"),
    SUPPLIER,
    _editable(SUPPLIER_FIELDS),
    ("name", "contact_name", "phone", "email", "city", "category"),
    True,
    "crm supplier list",
)
PRODUCTS = Kind(
    "product",
    "Product",
    ("product", "产品"),
    PRODUCT,
    _editable(PRODUCT_FIELDS),
    ("code", "name", "category"),
    False,
    "crm product list",
)
COMPETITORS = Kind(
    "competitor",
    "Competitor",
    ("competitor", "竞争对手"),
    COMPETITOR,
    _editable(COMPETITOR_FIELDS),
    ("name", "product", "features", "strengths", "weaknesses", "strategy"),
    True,
    "crm competitor list",
)
KINDS = {k.entity: k for k in (SUPPLIERS, PRODUCTS, COMPETITORS)}


@dataclass
class Saved:
    record: Any
    changes: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def find(ctx: Ctx, kind: Kind, ref: str, *, deleted: bool | None = False) -> Any:
    return resolve(
        ctx,
        kind.model,
        ref,
        what=kind.what,
        deleted=deleted,
        list_command=kind.list_command,
        restore_command=f"crm {kind.entity} restore {{ref}}",
    )


def find_product(ctx: Ctx, ref: str) -> Any:
    return find(ctx, PRODUCTS, ref)


def find_supplier(ctx: Ctx, ref: str) -> Any:
    return find(ctx, SUPPLIERS, ref)


def find_competitor(ctx: Ctx, ref: str) -> Any:
    return find(ctx, COMPETITORS, ref)


def _allowed(ctx: Ctx, kind: Kind) -> None:
    permissions.require_role(
        ctx, permissions.CHANGE_ALL, t("change the {what} list", what=t(kind.entity + "s"))
    )


def _name(kind: Kind, text: str | None) -> str:
    name = parse_text(text or "", kind.fields["name"])
    if not name:
        raise Invalid(t("{field} is required", field=kind.fields["name"].label))
    return name


def _check_unique(ctx: Ctx, kind: Kind, record: Any) -> list[str]:
    """Suppliers and competitors are named by name: refuse a second live one.

    Products carry a unique code; a repeated product name is only a warning.
    """
    from sqlalchemy import select

    model = kind.model
    q = select(model).where(model.name == record.name, model.deleted_at.is_(None))
    if record.id is not None:
        q = q.where(model.id != record.id)
    other = ctx.session.execute(q.limit(1)).scalar()
    if other is None:
        return []
    if kind.unique_name:
        raise Duplicate(
            t(
                "a {what} named '{name}' already exists (id {id})",
                what=t(kind.entity),
                name=record.name,
                id=other.id,
            )
        )
    return [t("a product named '{name}' already exists: {code}", name=record.name, code=other.code)]


def _check_code(ctx: Ctx, kind: Kind, code: str | None, own_id: int | None) -> str:
    return check_code(
        ctx,
        kind.model,
        code,
        label=kind.fields["code"].label,
        taken="product code '{value}' is already used by {other}",
        own_id=own_id,
    )


def _apply(ctx: Ctx, kind: Kind, record: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "supplier":
            record.supplier_id = find_supplier(ctx, value).id if value else None
        elif name == "code":
            record.code = _check_code(ctx, kind, value, record.id)
        elif name == "name":
            record.name = _name(kind, value)
        else:
            setattr(record, name, value)


def _snapshot(ctx: Ctx, kind: Kind, record: Any) -> dict[str, Any]:
    data = {}
    for name in kind.editable:
        if name == "supplier":
            supplier = (
                ctx.session.get(SUPPLIERS.model, record.supplier_id) if record.supplier_id else None
            )
            data[name] = supplier.name if supplier is not None else None
        else:
            data[name] = getattr(record, name)
    return data


def add(ctx: Ctx, kind: Kind, *, name: str, values: dict[str, Any] | None = None) -> Saved:
    _allowed(ctx, kind)
    record = kind.model(name=_name(kind, name), created_at=ctx.at, updated_at=ctx.at)
    values = {k: v for k, v in (values or {}).items() if v is not None}
    _apply(ctx, kind, record, values)
    if kind is PRODUCTS and not record.code:
        record.code = next_code(ctx, "P", kind.model)
    saved = Saved(record, warnings=_check_unique(ctx, kind, record))
    ctx.session.add(record)
    ctx.session.flush()
    saved.changes = {
        k: [None, v] for k, v in audit.plain(_snapshot(ctx, kind, record)).items() if v is not None
    }
    audit.record(
        ctx,
        "create",
        kind.entity,
        record.id,
        code=getattr(record, "code", None),
        changes=saved.changes,
    )
    return saved


def edit(ctx: Ctx, kind: Kind, ref: str, *, values: dict[str, Any]) -> Saved:
    _allowed(ctx, kind)
    record = find(ctx, kind, ref)
    before = _snapshot(ctx, kind, record)
    _apply(ctx, kind, record, values)
    saved = Saved(record)
    if "name" in values:
        saved.warnings = _check_unique(ctx, kind, record)
    saved.changes = audit.diff(before, _snapshot(ctx, kind, record))
    if saved.changes:
        record.updated_at = ctx.at
        audit.record(
            ctx,
            "update",
            kind.entity,
            record.id,
            code=getattr(record, "code", None),
            changes=saved.changes,
        )
    return saved


def delete(ctx: Ctx, kind: Kind, ref: str) -> Any:
    _allowed(ctx, kind)
    record = find(ctx, kind, ref)
    record.deleted_at = ctx.at
    audit.record(ctx, "delete", kind.entity, record.id, code=getattr(record, "code", None))
    return record


def restore(ctx: Ctx, kind: Kind, ref: str) -> Any:
    _allowed(ctx, kind)
    record = find(ctx, kind, ref, deleted=True)
    if kind.unique_name:
        _check_unique(ctx, kind, record)
    record.deleted_at = None
    record.updated_at = ctx.at
    audit.record(ctx, "restore", kind.entity, record.id, code=getattr(record, "code", None))
    return record


# -- reading --------------------------------------------------------------------------------


def json_fields(kind: Kind) -> list[str]:
    return ["id", *kind.fields]


def query(
    ctx: Ctx,
    kind: Kind,
    *,
    search: str | None = None,
    category: str | None = None,
    city: str | None = None,
    supplier: str | None = None,
    deleted: bool = False,
) -> Any:
    """A SELECT of the kind's rows (its JSON fields) with the list filters applied."""
    from sqlalchemy import or_, select

    model = kind.model
    columns = [model.id]
    joins = []
    for name in kind.fields:
        if name == "supplier":
            supplier_model = SUPPLIERS.model
            columns.append(supplier_model.name.label("supplier"))
            joins.append(supplier_model)
        else:
            columns.append(getattr(model, name))
    q = select(*columns).select_from(model)
    for other in joins:
        q = q.outerjoin(other, other.id == model.supplier_id)
    q = q.where(model.deleted_at.is_not(None) if deleted else model.deleted_at.is_(None))
    if search:
        text = search.strip()
        q = q.where(or_(*(getattr(model, c).icontains(text, autoescape=True) for c in kind.search)))
    if category is not None:
        q = q.where(model.category == category.strip())
    if city is not None:
        q = q.where(model.city == city.strip())
    if supplier is not None:
        q = q.where(model.supplier_id == find_supplier(ctx, supplier).id)
    order = [model.code] if hasattr(model, "code") else [model.name]
    return q.order_by(*order, model.id)


def rows(ctx: Ctx, q: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    if limit is not None:
        q = q.limit(limit)
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def as_dict(ctx: Ctx, kind: Kind, record: Any) -> dict[str, Any]:
    q = query(ctx, kind, deleted=record.deleted_at is not None).where(kind.model.id == record.id)
    return rows(ctx, q)[0]
