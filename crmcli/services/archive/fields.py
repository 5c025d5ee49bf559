"""Custom fields (客户资料卡): the typed fields a book adds to its customers' and contacts' cards.

A definition (``crm field add``) names a field, says what it applies to (customer or
contact) and its type: text, number, money, date, choice(...) or bool, with a Chinese label
and whether a new record needs it. The values live in the record's ``extra`` object under
the field's name, as text in one canonical form per type (a number ``1200``, money
``500000.00``, a date ``2026-03-01``, a bool ``true``/``false``, a choice as defined), so
``extra`` stays an object of name -> string (SPEC §1) while ``--where`` compares numbers
and dates as numbers and dates. A key with no definition stays untyped text, as before.

Ready-made sets follow the course's forms (``crm field preset``): 企业基本情况调查表 and
跟踪记录表 (course 002, 项目六 建立客户档案), each field of the form that crm has no built-in
field for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from crmcli.errors import Invalid, NotFound
from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.validate import (
    FALSE_WORDS,
    TRUE_WORDS,
    nfkc,
    parse_date,
    parse_decimal,
    parse_money,
)
from crmcli.vocab import CONTACT_FIELDS, CUSTOMER_FIELDS, fold

TYPES = ("text", "number", "money", "date", "choice", "bool")
TYPE_LABELS = {
    "text": "文本",
    "number": "数字",
    "money": "金额",
    "date": "日期",
    "choice": "选项",
    "bool": "是否",
}
ENTITIES = {"customer": "客户", "contact": "联系人"}
#: the longest name and label, and the longest text value
NAME_LIMIT, VALUE_LIMIT = 40, 2000
#: characters a name may not hold: --where splits at the operators; JSON paths need no quote
_BAD_NAME = re.compile(r"[=<>\"\\\t\r\n]")


@dataclass(frozen=True)
class Definition:
    """One custom field, as ``field list`` shows it."""

    name: str
    entity: str
    type: str
    choices: tuple[str, ...] = ()
    zh: str | None = None
    required: bool = False
    position: int = 0

    @property
    def label(self) -> str:
        return pick(self.name, self.zh or self.name)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "on": self.entity,
            "type": self.type,
            "zh": self.zh,
            "required": self.required,
            "choices": list(self.choices) if self.type == "choice" else None,
        }

    def matches(self, key: str) -> bool:
        folded = fold(key)
        return folded == fold(self.name) or (self.zh is not None and folded == fold(self.zh))


# -- the definitions ----------------------------------------------------------------------


def _row(model: Any) -> Definition:
    return Definition(
        name=model.name,
        entity=model.entity,
        type=model.type,
        choices=tuple(model.choices or ()),
        zh=model.zh,
        required=bool(model.required),
        position=model.position or 0,
    )


def definitions(ctx: Ctx, entity: str | None = None) -> list[Definition]:
    """The book's custom fields (of one entity when given), customers' first, in order."""
    from sqlalchemy import select

    from crmcli.models import CustomField

    q = select(CustomField)
    if entity is not None:
        q = q.where(CustomField.entity == entity)
    q = q.order_by(CustomField.entity.desc(), CustomField.position, CustomField.id)
    return [_row(m) for m in ctx.session.execute(q).scalars()]


def lookup(defs: list[Definition], key: str) -> Definition | None:
    """The definition ``key`` names (its name or Chinese label, case and width folded)."""
    return next((d for d in defs if d.matches(key)), None)


def parse_entity(text: str) -> str:
    for key, zh in ENTITIES.items():
        if fold(text) in (key, fold(zh)):
            return key
    raise Invalid(
        t(
            "unknown record kind '{value}' ({accepted})",
            value=text,
            accepted="customer/客户, contact/联系人",
        )
    )


def parse_type(text: str) -> tuple[str, tuple[str, ...]]:
    """``number`` -> ('number', ()); ``choice(大,中,小)`` -> ('choice', ('大', '中', '小'))."""
    spec = nfkc(text).strip()
    m = re.fullmatch(r"(\w+)\s*(?:\((.*)\))?", spec, re.S)
    kind = None
    if m:
        word = m.group(1).lower()
        kind = (
            word if word in TYPES else next((k for k, v in TYPE_LABELS.items() if v == word), None)
        )
    if kind is None or (m and m.group(2) is not None and kind != "choice"):
        raise Invalid(
            t(
                "unknown field type '{value}' ({accepted})",
                value=text,
                accepted="text, number, money, date, choice(A,B,...), bool",
            )
        )
    choices: tuple[str, ...] = ()
    if kind == "choice":
        parts = re.split(r"[,，、;；/|]", (m.group(2) if m else None) or "")
        choices = tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))
        if not choices:
            raise Invalid(
                t("a choice field needs its choices: choice(A,B,...)"),
            )
        if any(len(c) > NAME_LIMIT for c in choices):
            raise Invalid(t("a choice is at most {limit} characters", limit=NAME_LIMIT))
    return kind, choices


def _builtin(entity: str, key: str, *, synonyms: bool = False) -> Any:
    """The built-in field ``key`` names (its name or a label); with ``synonyms``, also one
    that import reads a column so headed as (人数 -> employees)."""
    fields = CUSTOMER_FIELDS if entity == "customer" else CONTACT_FIELDS
    found = next(
        (f for f in fields if fold(key) in (fold(f.name), fold(f.en), fold(f.zh))),
        None,
    )
    if found is None and synonyms and entity == "customer":
        from crmcli.tabular import header_key
        from crmcli.vocab import CUSTOMER, IMPORT_SYNONYMS

        folded = header_key(key)
        for name, words in IMPORT_SYNONYMS.items():
            if name in CUSTOMER and any(header_key(w) == folded for w in words):
                return CUSTOMER[name]
    return found


def _check_name(ctx: Ctx, entity: str, name: str, what: str, own: str | None = None) -> str:
    text = nfkc(name).strip()
    if not text:
        raise Invalid(t("{field} is required", field=what))
    if len(text) > NAME_LIMIT or _BAD_NAME.search(text):
        raise Invalid(
            t(
                "invalid field name '{value}': up to {limit} characters, without = < > or quotes",
                value=text,
                limit=NAME_LIMIT,
            )
        )
    builtin = _builtin(entity, text, synonyms=True)
    if builtin is not None:
        raise Invalid(
            t(
                "'{value}' is a built-in field ({field}); use --{option}",
                value=text,
                field=builtin.name,
                option=builtin.name.replace("_", "-"),
            )
        )
    for d in definitions(ctx, entity):
        if d.name != own and d.matches(text):
            raise Invalid(
                t("a custom field '{value}' is already defined ({name})", value=text, name=d.name)
            )
    return text


def _model(ctx: Ctx, entity: str, name: str) -> Any:
    from sqlalchemy import select

    from crmcli.models import CustomField

    models = ctx.session.execute(
        select(CustomField).where(CustomField.entity == entity).order_by(CustomField.id)
    ).scalars()
    found = next((m for m in models if _row(m).matches(name)), None)
    if found is None:
        names = ", ".join(d.name for d in definitions(ctx, entity)) or "-"
        raise NotFound(
            t("no custom field '{value}' on {entity}", value=name, entity=entity),
            hint=t("custom fields: {names}", names=names),
        )
    return found


def _require(ctx: Ctx, *, remove: bool = False) -> None:
    """Admins and managers define fields; admins alone remove one (for good, as a purge)."""
    if remove:
        permissions.require_admin(ctx, t("remove custom fields"))
    else:
        permissions.require_role(ctx, permissions.CHANGE_ALL, t("define custom fields"))


def add(
    ctx: Ctx,
    *,
    name: str,
    entity: str,
    type_spec: str,
    zh: str | None = None,
    required: bool = False,
) -> Definition:
    """Define a field; values already kept under its name must all be of its type (they
    are rewritten in its canonical form). ``required`` applies to records added from now
    on: those already in the book are not refused for lacking it."""
    from sqlalchemy import func, select

    from crmcli.models import CustomField

    _require(ctx)
    entity = parse_entity(entity)
    kind, choices = parse_type(type_spec)
    name = _check_name(ctx, entity, name, t("field name"))
    label = _check_name(ctx, entity, zh, t("Chinese label")) if zh else None
    if label is not None and fold(label) == fold(name):
        label = name
    position = ctx.session.execute(
        select(func.coalesce(func.max(CustomField.position), 0)).where(CustomField.entity == entity)
    ).scalar()
    model = CustomField(
        entity=entity,
        name=name,
        type=kind,
        choices=list(choices) or None,
        zh=label,
        required=required,
        position=(position or 0) + 1,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    definition = _row(model)
    _convert_values(ctx, definition, {name, *([label] if label else [])})
    ctx.session.add(model)
    ctx.session.flush()
    audit.record(
        ctx,
        "create",
        "custom_field",
        model.id,
        code=name,
        changes={k: [None, v] for k, v in definition.as_json().items() if v not in (None, False)},
    )
    return definition


def edit(
    ctx: Ctx,
    *,
    name: str,
    entity: str,
    zh: str | None = None,
    required: bool | None = None,
    type_spec: str | None = None,
    rename: str | None = None,
) -> tuple[Definition, dict[str, Any]]:
    """Change a field's label, whether it is required, its type or choices (only when every
    value kept converts to the new type), or its name (the values move with it)."""
    _require(ctx)
    entity = parse_entity(entity)
    model = _model(ctx, entity, name)
    before = _row(model).as_json()
    old_name = model.name
    if rename is not None:
        model.name = _check_name(ctx, entity, rename, t("field name"), own=old_name)
    if zh is not None:
        model.zh = _check_name(ctx, entity, zh, t("Chinese label"), own=old_name) if zh else None
    if required is not None:
        model.required = required
    if type_spec is not None:
        model.type, choices = parse_type(type_spec)
        model.choices = list(choices) or None
    definition = _row(model)
    if type_spec is not None or model.name != old_name:
        _convert_values(ctx, definition, {old_name, model.name})
    changes = audit.diff(before, definition.as_json())
    if changes:
        model.updated_at = ctx.at
        audit.record(ctx, "update", "custom_field", model.id, code=model.name, changes=changes)
    return definition, changes


def remove(ctx: Ctx, *, name: str, entity: str, values: bool = False) -> tuple[Definition, int]:
    """Remove a definition. Its values stay on the records as untyped custom fields unless
    ``values``, which removes them from every record too; returns how many records lost one.
    Admins only."""
    _require(ctx, remove=True)
    entity = parse_entity(entity)
    model = _model(ctx, entity, name)
    definition = _row(model)
    cleared = 0
    if values:
        for record in _records_with(ctx, entity, {definition.name}):
            extra = dict(record.extra)
            extra.pop(definition.name, None)
            _save_extra(ctx, entity, record, extra)
            cleared += 1
    ctx.session.delete(model)
    audit.record(
        ctx,
        "delete",
        "custom_field",
        model.id,
        code=definition.name,
        changes={"name": [definition.name, None], "values_removed": [None, cleared]},
    )
    return definition, cleared


def _records_with(ctx: Ctx, entity: str, keys: set[str]) -> list[Any]:
    """The records (every one: deleted too) that keep a value under one of ``keys``."""
    from sqlalchemy import select

    from crmcli.models import Contact, Customer

    model = Customer if entity == "customer" else Contact
    found = []
    q = select(model).where(model.extra.is_not(None))
    for record in ctx.session.execute(q).scalars():
        if any(k in (record.extra or {}) for k in keys):
            found.append(record)
    return found


def _save_extra(ctx: Ctx, entity: str, record: Any, extra: dict[str, Any]) -> None:
    before = dict(record.extra or {})
    record.extra = extra or None
    record.updated_at = ctx.at
    if entity == "customer":
        from crmcli.services.archive.searched import refresh_search

        refresh_search(ctx, record)
    audit.record(
        ctx,
        "update",
        entity,
        record.id,
        code=getattr(record, "code", None),
        changes={"extra": [before or None, extra or None]},
    )


def _convert_values(ctx: Ctx, definition: Definition, keys: set[str]) -> None:
    """Rewrite the values kept under ``keys`` in ``definition``'s canonical form, under its
    name; :class:`Invalid` naming the first record whose value does not convert, or that
    keeps two different values under those keys (one would overwrite the other)."""
    for record in _records_with(ctx, definition.entity, keys):
        extra = dict(record.extra)
        held = {k: extra[k] for k in sorted(keys & extra.keys()) if extra[k] not in (None, "")}
        if len({str(v).strip() for v in held.values()}) > 1:
            first, second = list(held)[:2]
            raise Invalid(
                t(
                    "{who} keeps different values under {first} and {second}",
                    who=getattr(record, "code", None) or record.name,
                    first=first,
                    second=second,
                ),
                hint=t(
                    "change or remove one of them first (crm {entity} edit)",
                    entity=definition.entity,
                ),
            )
        for key in sorted(keys & extra.keys()):
            raw = extra.pop(key)
            try:
                value = parse_value(definition, "" if raw is None else str(raw))
            except Invalid as e:
                who = getattr(record, "code", None) or record.name
                raise Invalid(
                    t(
                        "{who} keeps '{value}' under {field}, which is not of the type: {reason}",
                        who=who,
                        value=raw,
                        field=key,
                        reason=e.message,
                    ),
                    hint=t(
                        "change or remove that value first (crm {entity} edit)",
                        entity=definition.entity,
                    ),
                ) from None
            if value is not None:
                extra[definition.name] = value
        if extra != record.extra:
            _save_extra(ctx, definition.entity, record, extra)


# -- presets: the course's forms ----------------------------------------------------------

_ATTITUDE = "choice(积极,保守,踏实,不定,投机)"

#: preset -> (name, entity, type, Chinese label): every field of the form without a built-in
#: field (course 002, 项目六 任务一 建立客户档案). The form's 单位, 电话, 地址, 员工人数 (合计),
#: 付款方式 and 与本公司往来 (起始) are built-in customer fields; its people (负责人,
#: 总经理, 接洽人 with 电话 and 职位) are contacts, whose 年龄, 性格 and 负责事项 it adds.
PRESETS: dict[str, list[tuple[str, str, str, str]]] = {
    "企业基本情况调查表": [
        ("business_style", "customer", _ATTITUDE, "经营方式"),
        ("business_drive", "customer", _ATTITUDE, "业务"),
        ("business_scope", "customer", "text", "业务范围"),
        ("sells_to", "customer", "text", "销货对象"),
        ("price_level", "customer", "choice(合理,偏高,偏低,削价)", "价格"),
        ("monthly_amount", "customer", "money", "业务金额(每月)"),
        ("monthly_volume", "customer", "number", "月销量"),
        ("low_season", "customer", "text", "淡季"),
        ("peak_season", "customer", "text", "旺季"),
        ("organisation", "customer", "choice(股份有限公司,责任有限,合伙店铺,独资)", "组织"),
        ("managers", "customer", "number", "管理人员"),
        ("technicians", "customer", "number", "技术人员"),
        ("workers", "customer", "number", "工人"),
        ("standing", "customer", "choice(领导者,具影响,一级,二级,三级)", "同业地位"),
        ("payment_attitude", "customer", "text", "付款态度"),
        ("payment_period", "customer", "text", "付款期"),
        ("payment_procedure", "customer", "text", "付款手续"),
        ("main_products", "customer", "text", "主要采购产品"),
        ("age", "contact", "number", "年龄"),
        ("character", "contact", "text", "性格"),
        ("responsibilities", "contact", "text", "负责事项"),
    ],
    # the 跟踪记录表's 客户编号, 负责人, 成立日期, 客户名称, 资本额, 地址, 电话, 营业类型 (行业),
    # 传真, 主要往来银行, 付款方式, 与本公司往来自, 信用评定 are built-in fields, and its 最近
    # 往来记录, 最近交易数据 and 跟踪 are the card's contact records, orders and follow-ups
    "跟踪记录表": [
        ("other_investments", "customer", "text", "其他投资事业"),
        ("daily_revenue", "customer", "money", "平均每日营业额"),
        ("main_dealings", "customer", "text", "主要业务往来"),
        ("collection_record", "customer", "choice(优秀,良好,一般,很差)", "收款记录"),
        ("customer_opinion", "customer", "text", "客户意见"),
    ],
}
PRESET_ALIASES = {
    "enterprise_survey": "企业基本情况调查表",
    "survey": "企业基本情况调查表",
    "tracking_record": "跟踪记录表",
    "tracking": "跟踪记录表",
}


def preset(ctx: Ctx, name: str) -> tuple[str, list[Definition], list[str]]:
    """Add every field of a course form not yet defined: (form, added, already there)."""
    _require(ctx)
    form = PRESET_ALIASES.get(fold(name), nfkc(name).strip())
    if form not in PRESETS:
        raise NotFound(
            t("no preset '{value}'", value=name),
            hint=t("presets: {names}", names=", ".join(PRESETS)),
        )
    added, there = [], []
    for field_name, entity, kind, zh in PRESETS[form]:
        defs = definitions(ctx, entity)
        if lookup(defs, field_name) or lookup(defs, zh):
            there.append(field_name)
            continue
        added.append(add(ctx, name=field_name, entity=entity, type_spec=kind, zh=zh))
    return form, added, there


# -- values -------------------------------------------------------------------------------


def _number_text(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def parse_value(d: Definition, raw: str) -> str | None:
    """Text typed for field ``d`` in its canonical stored form (None: empty)."""
    text = raw.strip()
    if not text:
        return None
    label = d.label
    if d.type == "text":
        if len(text) > VALUE_LIMIT:
            raise Invalid(
                t(
                    "{field} is too long ({length} characters, at most {limit})",
                    field=label,
                    length=len(text),
                    limit=VALUE_LIMIT,
                )
            )
        return text
    if d.type == "number":
        return _number_text(parse_decimal(text, label, places=6))
    if d.type == "money":
        return str(parse_money(text, label))
    if d.type == "date":
        return parse_date(text).isoformat()
    if d.type == "bool":
        word = fold(text)
        if word in TRUE_WORDS:
            return "true"
        if word in FALSE_WORDS:
            return "false"
        raise Invalid(
            t("invalid yes/no '{value}' for {field} (yes/是, no/否)", value=text, field=label)
        )
    for choice in d.choices:
        if fold(choice) == fold(text):
            return choice
    raise Invalid(
        t(
            "'{value}' is not a choice of {field} ({accepted})",
            value=text,
            field=label,
            accepted=", ".join(d.choices),
        )
    )


def typed(d: Definition, stored: Any) -> Any:
    """A stored value as its type: int or Decimal, Decimal money, date, bool, else text."""
    if stored is None:
        return None
    text = str(stored)
    try:
        if d.type == "number":
            number = Decimal(text)
            return int(number) if number == number.to_integral_value() else number
        if d.type == "money":
            return Decimal(text)
        if d.type == "date":
            return date.fromisoformat(text)
        if d.type == "bool":
            return text == "true"
    except ValueError:
        return text
    except ArithmeticError:
        return text
    return text


def shown(d: Definition, stored: Any) -> str:
    """A stored value as a table shows it, in the user's language."""
    value = typed(d, stored)
    if isinstance(value, bool):
        return pick("yes", "是") if value else pick("no", "否")
    if d.type == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def apply(
    ctx: Ctx,
    entity: str,
    current: dict[str, Any] | None,
    given: dict[str, str] | None,
    *,
    unset: list[str] | None = None,
    new: bool = False,
    ref: str | None = None,
    defs: list[Definition] | None = None,
) -> dict[str, Any]:
    """The record's custom fields after ``--set`` (``given``) and ``--unset``: a defined
    field's value parsed by its type and kept under its name (an empty value removes it), an
    undefined key kept as text. ``new``: a record being added, which needs every required
    field. :class:`Invalid` on a bad value, naming the field."""
    defs = definitions(ctx, entity) if defs is None else defs
    extra = dict(current or {})
    for key, raw in (given or {}).items():
        d = lookup(defs, key)
        if d is None:
            extra[key] = raw
            continue
        value = parse_value(d, raw)
        if value is None:
            if d.required:
                raise Invalid(t("{field} is required", field=d.label))
            extra.pop(d.name, None)
        else:
            extra[d.name] = value
    for key in unset or []:
        d = lookup(defs, key)
        name = d.name if d is not None else key
        if name not in extra:
            raise Invalid(t("no custom field '{key}' on {ref}", key=key, ref=ref))
        if d is not None and d.required:
            raise Invalid(t("{field} is required", field=d.label))
        del extra[name]
    if new:
        missing = [d.label for d in defs if d.required and d.name not in extra]
        if missing:
            raise Invalid(
                t("{field} is required", field=", ".join(missing)),
                hint=t("give it with --set {name}=VALUE", name=missing[0]),
            )
    return extra


def card_fields(defs: list[Definition], extra: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The defined fields of a record for its card, in order: name, zh, type, value (typed;
    null when not filled)."""
    extra = extra or {}
    return [
        {"name": d.name, "zh": d.zh, "type": d.type, "value": typed(d, extra.get(d.name))}
        for d in defs
    ]


# -- --where ------------------------------------------------------------------------------

_WHERE = re.compile(r"^\s*(.+?)\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$", re.S)
#: built-in customer fields --where compares, by type
_COMPARABLE = ("date", "datetime", "money", "int")
_BUILTIN_WHERE = [
    f for f in CUSTOMER_FIELDS if f.type not in ("tags", "extra", "user") and f.name != "owner"
]


def split_where(text: str) -> tuple[str, str, str]:
    """``FIELD=VALUE`` (or >, <, >=, <=, !=) -> (field, operator, value)."""
    m = _WHERE.match(text)
    if not m or not m.group(1):
        raise Invalid(
            t("invalid --where '{value}': use FIELD=VALUE, FIELD>VALUE or FIELD<VALUE", value=text)
        )
    return m.group(1), m.group(2), m.group(3)


def where(ctx: Ctx, conditions: list[str]) -> list[Any]:
    """SQL conditions on Customer for ``--where`` texts: custom fields by their type
    (numbers and money compared as numbers, dates as dates), built-in fields too."""
    if not conditions:
        return []
    from sqlalchemy import Numeric, cast, literal

    from crmcli.models import Customer as C

    defs = definitions(ctx, "customer")
    found = []
    for text in conditions:
        key, op, raw = split_where(text)
        d = lookup(defs, key)
        if d is not None:
            value = parse_value(d, raw)
            column: Any = C.extra[d.name].as_string()
            if d.type in ("number", "money"):
                column = cast(column, Numeric(30, 6))
                value_sql: Any = cast(literal(value), Numeric(30, 6))
            else:
                if op not in ("=", "!=") and d.type != "date":
                    raise Invalid(_no_order(key))
                value_sql = literal(value)
            found.append(_compare(column, op, value_sql, value))
            continue
        f = _builtin("customer", key)
        if f is None or f not in _BUILTIN_WHERE:
            names = [d.name for d in defs] + [f.name for f in _BUILTIN_WHERE]
            raise Invalid(
                t("unknown field '{value}' in --where", value=key),
                hint=t("fields: {names}", names=", ".join(names)),
            )
        from crmcli.validate import parse_field

        if f.type not in _COMPARABLE and op not in ("=", "!="):
            raise Invalid(_no_order(key))
        value = parse_field(f, raw) if f.type != "text" else (raw.strip() or None)
        found.append(_compare(getattr(C, f.name), op, value, value))
    return found


def _no_order(key: str) -> str:
    return t("'{field}' is not a number or a date: --where takes only = for it", field=key)


def _compare(column: Any, op: str, value_sql: Any, value: Any) -> Any:
    if value is None:
        return column.is_(None) if op == "=" else column.is_not(None)
    if op == "=":
        return column == value_sql
    if op == "!=":
        return (column != value_sql) | column.is_(None)
    if op == ">":
        return column > value_sql
    if op == "<":
        return column < value_sql
    if op == ">=":
        return column >= value_sql
    return column <= value_sql
