"""Business settings shared by the team, kept in the database (``crm config``).

Each key has a built-in default; a row in ``setting`` overrides it. Values are JSON.
A dotted path reaches inside a value: ``care.intervals.gold`` is the ``gold`` entry
of ``care.intervals``, ``pipeline.stages.proposal.probability`` the probability of
the stage whose key is ``proposal``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import pick, t
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions
from crmcli.vocab import (
    DEFAULT_CHURN_REASONS,
    DEFAULT_STAGES,
    DEFAULT_TICKET_FLOW,
    LEVEL,
    PRIORITY,
    TICKET_MOVES,
    TICKET_STATUS,
)

OFFSET_RE = re.compile(r"^\+?(\d+)\s*([dwmy])$")


class SettingError(ValueError):
    """A value that does not fit its setting (turned into :class:`Invalid`)."""


def parse_offsets(text: str) -> list[str]:
    """``0d,3d,1w,1m`` -> ['0d', '3d', '1w', '1m'], each a whole number of d/w/m/y."""
    parts = [p.strip().lower() for p in re.split(r"[,，]", text) if p.strip()]
    if not parts:
        raise SettingError(t("a cadence needs at least one offset such as 0d,3d,1w,1m"))
    for p in parts:
        if not OFFSET_RE.match(p):
            raise SettingError(
                t("bad offset '{value}': use a whole number and d, w, m or y", value=p)
            )
    return [p.lstrip("+") for p in parts]


def _stages(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise SettingError(t("a list of stages, each {key, en, zh, probability}"))
    keys = []
    for stage in value:
        if not isinstance(stage, dict) or not {"key", "probability"} <= set(stage):
            raise SettingError(t("each stage needs at least a key and a probability"))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(stage["key"])):
            raise SettingError(
                t(
                    "stage key '{value}' must be lower-case letters, digits and _",
                    value=stage["key"],
                )
            )
        p = stage["probability"]
        if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p <= 100:
            raise SettingError(
                t("probability of '{key}' must be a whole number 0-100", key=stage["key"])
            )
        keys.append(stage["key"])
    if len(set(keys)) != len(keys):
        raise SettingError(t("stage keys must be unique"))
    if "won" not in keys or "lost" not in keys:
        raise SettingError(t("the pipeline must keep the stages 'won' and 'lost'"))
    fixed = {"won": 100, "lost": 0}
    for stage in value:
        if fixed.get(stage["key"], stage["probability"]) != stage["probability"]:
            raise SettingError(
                t(
                    "the probability of '{key}' is always {value}",
                    key=stage["key"],
                    value=fixed[stage["key"]],
                )
            )


def _cadences(value: Any) -> None:
    if not isinstance(value, dict) or not value:
        raise SettingError(t('an object of name -> offsets, e.g. {"quick": "0d,2d,1w"}'))
    for name, offsets in value.items():
        if not isinstance(offsets, str):
            raise SettingError(
                t("offsets of cadence '{name}' must be text like 0d,3d,1w", name=name)
            )
        parse_offsets(offsets)


def _per(vocab: Any, check: Callable[[Any], bool], what: str) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        if not isinstance(value, dict):
            raise SettingError(t("an object with the keys {keys}", keys=", ".join(vocab.keys)))
        for key, item in value.items():
            if key not in vocab.keys:
                raise SettingError(
                    t(
                        "unknown key '{value}' ({accepted})",
                        value=key,
                        accepted=", ".join(vocab.keys),
                    )
                )
            if not check(item):
                raise SettingError(t("'{key}' must be {what}", key=key, what=t(what)))

    return validate


def _whole(high: int) -> Callable[[Any], bool]:
    """A whole number from 1 to ``high`` (days of care, hours to resolve a ticket)."""

    def check(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and 0 < v <= high

    return check


def _days(high: int) -> Callable[[Any], None]:
    """A bare whole number of days from 1 to ``high``."""

    def validate(value: Any) -> None:
        if not _whole(high)(value):
            raise SettingError(t("a whole number of days from 1 to {high}", high=high))

    return validate


def _text_or_labels(v: Any) -> bool:
    return isinstance(v, str) or (
        isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
    )


def _reasons(value: Any) -> None:
    """churn.reasons: a list of {key, en, zh}, keys lower-case and unique."""
    if not isinstance(value, list) or not value:
        raise SettingError(t("a list of reasons, each {key, en, zh}"))
    keys = []
    for reason in value:
        if not isinstance(reason, dict) or not isinstance(reason.get("key"), str):
            raise SettingError(t("a list of reasons, each {key, en, zh}"))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", reason["key"]):
            raise SettingError(
                t(
                    "reason key '{value}' must be lower-case letters, digits and _",
                    value=reason["key"],
                )
            )
        if not all(isinstance(reason.get(k, ""), str) for k in ("en", "zh")):
            raise SettingError(t("a list of reasons, each {key, en, zh}"))
        keys.append(reason["key"])
    if len(set(keys)) != len(keys):
        raise SettingError(t("reason keys must be unique"))


def _flow(value: Any) -> None:
    """ticket.flow: status -> the statuses it may move to; open and closed kept, every
    status reachable from open, and every move one a command of ``crm ticket`` makes."""
    statuses = ", ".join(TICKET_STATUS.keys)
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise SettingError(
            t('an object of status -> the statuses it may move to, e.g. {"open": ["resolved"]}')
        )
    for state in [*value, *(s for targets in value.values() for s in targets)]:
        if state not in TICKET_STATUS.keys:
            raise SettingError(
                t("unknown state '{value}' ({accepted})", value=state, accepted=statuses)
            )
    for needed in ("open", "closed"):
        if needed not in value:
            raise SettingError(t("the flow must keep the state '{state}'", state=needed))
    for source, targets in value.items():
        for target in targets:
            if target not in value:
                raise SettingError(
                    t(
                        "'{target}' is not a state of the flow: give it its own entry "
                        '("{target}": [...])',
                        target=target,
                    )
                )
            if (source, target) not in TICKET_MOVES:
                raise SettingError(
                    t(
                        "no command moves a ticket from '{source}' to '{target}'",
                        source=source,
                        target=target,
                    )
                )
    seen, todo = {"open"}, ["open"]
    while todo:
        for target in value[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    if unreachable := [s for s in value if s not in seen]:
        raise SettingError(t("unreachable from 'open': {states}", states=", ".join(unreachable)))


def _text(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SettingError(t("a non-empty text"))


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: Any
    validate: Callable[[Any], None]
    en: str
    zh: str

    @property
    def description(self) -> str:
        return pick(self.en, self.zh)


DEFS = {
    d.key: d
    for d in [
        SettingDef(
            "pipeline.stages",
            DEFAULT_STAGES,
            _stages,
            "Sales stages in order: key, labels, probability %",
            "销售阶段（顺序、名称、赢率 %）",
        ),
        SettingDef(
            "followup.cadences",
            {"memory": "0d,3d,7d,15d,30d,60d,90d,180d"},
            _cadences,
            "Follow-up cadences: name -> offsets from the first touch",
            "跟进节奏：名称 -> 相对首次接触的间隔",
        ),
        SettingDef(
            "followup.default_cadence",
            "memory",
            _text,
            "Cadence used by 'followup plan' without --cadence",
            "followup plan 默认使用的节奏",
        ),
        SettingDef(
            "care.intervals",
            {"gold": 14, "silver": 30, "regular": 90},
            _per(LEVEL, _whole(3660), "a whole number of days from 1 to 3660"),
            "Stay-in-touch interval per level, in days",
            "各等级客户的联系间隔（天）",
        ),
        SettingDef(
            "care.actions",
            {
                "gold": {
                    "en": "A yearly trip or site visit for key people",
                    "zh": "每年组织一次旅游或考察",
                },
                "silver": {"en": "Holiday gifts", "zh": "节日礼品"},
                "regular": {"en": "Greeting cards", "zh": "贺卡问候"},
            },
            _per(LEVEL, _text_or_labels, 'a text or {"en": ..., "zh": ...}'),
            "Care action per level",
            "各等级客户的关怀方式",
        ),
        SettingDef(
            "ticket.targets",
            {"urgent": 4, "high": 24, "normal": 72, "low": 168},
            _per(PRIORITY, _whole(8760), "a whole number of hours from 1 to 8760"),
            "Resolution target per ticket priority, in hours",
            "各优先级工单的解决时限（小时）",
        ),
        SettingDef(
            "ticket.flow",
            DEFAULT_TICKET_FLOW,
            _flow,
            "Ticket flow: each status and the statuses a ticket may move to from it",
            "工单流程：各状态及可转入的状态",
        ),
        SettingDef(
            "ticket.callback_days",
            3,
            _days(365),
            "Days after a complaint is closed until its satisfaction call-back",
            "投诉关闭后几天进行满意度回访",
        ),
        SettingDef(
            "churn.reasons",
            DEFAULT_CHURN_REASONS,
            _reasons,
            "Why customers are lost (default: the course's list)",
            "客户流失原因（默认为课程所列）",
        ),
    ]
}


def _unknown(key: str) -> Invalid:
    return Invalid(t("unknown setting '{key}' ({accepted})", key=key, accepted=", ".join(DEFS)))


def _split(key: str) -> tuple[SettingDef, list[str]]:
    """The setting a dotted key falls in, and the path inside its value."""
    key = key.strip()
    for name in sorted(DEFS, key=len, reverse=True):
        if key == name or key.startswith(name + "."):
            rest = key[len(name) + 1 :]
            return DEFS[name], rest.split(".") if rest else []
    raise _unknown(key)


def _stored(ctx: Ctx) -> dict[str, Any]:
    from sqlalchemy import select

    from crmcli.models import Setting

    return {k: json.loads(v) for k, v in ctx.session.execute(select(Setting.key, Setting.value))}


def get(ctx: Ctx, key: str) -> Any:
    """The value of a setting: the stored one, else the default."""
    from crmcli.models import Setting

    if key not in DEFS:
        raise _unknown(key)
    row = ctx.session.get(Setting, key)
    return json.loads(row.value) if row is not None else copy.deepcopy(DEFS[key].default)


def show(ctx: Ctx) -> list[dict[str, Any]]:
    stored = _stored(ctx)
    return [
        {
            "key": d.key,
            "value": stored.get(d.key, d.default),
            "changed": d.key in stored,
            "description": d.description,
        }
        for d in DEFS.values()
    ]


def _child(container: Any, part: str, key: str, create: bool) -> Any:
    if isinstance(container, dict):
        if part not in container and not create:
            raise Invalid(
                t(
                    "unknown setting '{key}' ({accepted})",
                    key=key,
                    accepted=", ".join(str(k) for k in container),
                )
            )
        return part
    if isinstance(container, list):
        for i, item in enumerate(container):
            if isinstance(item, dict) and str(item.get("key")) == part:
                return i
        raise Invalid(
            t(
                "unknown setting '{key}' ({accepted})",
                key=key,
                accepted=", ".join(str(i.get("key")) for i in container if isinstance(i, dict)),
            )
        )
    raise _unknown(key)


def _put(value: Any, path: list[str], new: Any, key: str) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    slot = _child(value, head, key, create=not rest and isinstance(value, dict))
    if rest:
        value[slot] = _put(value[slot], rest, new, key)
    else:
        value[slot] = new
    return value


def _lookup(value: Any, path: list[str], key: str) -> Any:
    for part in path:
        value = value[_child(value, part, key, create=False)]
    return value


def parse_value(raw: str) -> Any:
    """JSON when it parses (numbers, lists, objects, true/false), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _agrees(ctx: Ctx, key: str, value: Any) -> None:
    """A setting checked against the others and the records: no stage removed while
    opportunities are in it, no default cadence that is not defined."""
    if key == "pipeline.stages":
        from sqlalchemy import select

        from crmcli.models import Opportunity

        kept = {stage["key"] for stage in value}
        used = ctx.session.execute(
            select(Opportunity.stage).where(Opportunity.stage.not_in(kept)).distinct()
        ).scalars()
        if gone := sorted(used):
            raise SettingError(
                t(
                    "opportunities are still in the stages {stages}: move them first",
                    stages=", ".join(gone),
                )
            )
    if key == "ticket.flow":
        from sqlalchemy import select

        from crmcli.models import Ticket

        used = ctx.session.execute(
            select(Ticket.status).where(Ticket.status.not_in(list(value))).distinct()
        ).scalars()
        if gone := sorted(used):
            raise SettingError(
                t(
                    "tickets are still in the states {states}: move them first",
                    states=", ".join(gone),
                )
            )
    cadences = value if key == "followup.cadences" else None
    default = value if key == "followup.default_cadence" else None
    if cadences is not None or default is not None:
        cadences = cadences if cadences is not None else get(ctx, "followup.cadences")
        default = default if default is not None else get(ctx, "followup.default_cadence")
        if default not in cadences:
            raise SettingError(
                t(
                    "the default cadence '{name}' is not defined ({accepted})",
                    name=default,
                    accepted=", ".join(cadences),
                )
            )


def _follow_stage_probabilities(ctx: Ctx) -> int:
    """After the stages change: every opportunity whose probability follows its stage
    takes the stage's new probability (hand-set ones keep theirs); each change audited.
    Beside :func:`_agrees`, the other half of keeping the opportunities in step with
    their stages (the pipeline reads the stages from here, so it cannot be told)."""
    from sqlalchemy import select, update

    from crmcli.models import Opportunity as O

    ctx.session.flush()
    changed = 0
    for stage in get(ctx, "pipeline.stages"):
        key, probability = stage["key"], int(stage["probability"])
        q = select(O.id, O.code, O.probability).where(
            O.stage == key,
            O.stage.not_in(("won", "lost")),
            O.probability_manual.is_(False),
            O.probability != probability,
        )
        rows = ctx.session.execute(q).all()
        if not rows:
            continue
        ctx.session.execute(
            update(O)
            .where(O.id.in_([r.id for r in rows]))
            .values(probability=probability, updated_at=ctx.at)
            .execution_options(synchronize_session=False)
        )
        for r in rows:
            audit.record(
                ctx,
                "update",
                "opportunity",
                r.id,
                code=r.code,
                changes={"probability": [r.probability, probability]},
            )
        changed += len(rows)
    return changed


def _save(ctx: Ctx, d: SettingDef, value: Any) -> None:
    from crmcli.models import Setting

    try:
        d.validate(value)
        _agrees(ctx, d.key, value)
    except SettingError as e:
        raise Invalid(t("invalid value for {key}: {reason}", key=d.key, reason=e)) from None
    old = get(ctx, d.key)
    row = ctx.session.get(Setting, d.key)
    if value == d.default:
        if row is not None:
            ctx.session.delete(row)
    else:
        text = json.dumps(value, ensure_ascii=False)
        if row is None:
            ctx.session.add(
                Setting(key=d.key, value=text, updated_at=ctx.at, updated_by=ctx.actor.username)
            )
        else:
            row.value, row.updated_at, row.updated_by = text, ctx.at, ctx.actor.username
    if old != value:
        audit.record(ctx, "update", "setting", None, code=d.key, changes={d.key: [old, value]})
        if d.key == "pipeline.stages":  # opportunities that follow their stage follow it here
            _follow_stage_probabilities(ctx)


def set_value(ctx: Ctx, key: str, raw: str) -> Any:
    """Set a setting (or a part of one) from the text typed; returns the new value."""
    permissions.require_admin(ctx, t("change settings"))
    d, path = _split(key)
    new = raw if d.validate is _text else parse_value(raw)
    value = _put(get(ctx, d.key), path, new, key)
    _save(ctx, d, value)
    return _lookup(value, path, key)


def reset(ctx: Ctx, key: str) -> Any:
    """Back to the built-in default (the whole setting, or the part a dotted key names)."""
    permissions.require_admin(ctx, t("change settings"))
    d, path = _split(key)
    default = copy.deepcopy(d.default)
    if not path:
        _save(ctx, d, default)
        return default
    try:
        part = _lookup(default, path, key)
    except Invalid:
        part = None
    current = get(ctx, d.key)
    if part is None:  # a part the user added (a new cadence): remove it
        parent = _lookup(current, path[:-1], key)
        parent.pop(_child(parent, path[-1], key, create=False))
        _save(ctx, d, current)
        return None
    _save(ctx, d, _put(current, path, part, key))
    return part
