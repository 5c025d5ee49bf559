"""Likely duplicate customers and merging two into one (Odoo's "similar leads").

Two customers are a likely pair when they share a phone or an e-mail (compared by
their matching keys: digits of the phone, lower-case e-mail) or when their names are
similar after folding full-width forms, case, punctuation, 省/市 and company suffixes
(有限公司, 股份有限公司, Co., Ltd. ...). The score is the names' similarity (0-100,
rapidfuzz), each agreeing phone or e-mail halving the distance left to 100.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions

#: company forms left out before names are compared (after folding; longest first)
SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "corporation",
    "company",
    "limited",
    "coltd",
    "corp",
    "gmbh",
    "inc",
    "llc",
    "ltd",
    "plc",
    "co",
)
_NOISE = re.compile(r"[\W_省市]+")
#: names sharing a character pair are compared; a pair shared by more names than this is
#: too common (科技, 贸易) to be evidence on its own
BLOCK_LIMIT = 400


def name_key(name: str) -> str:
    """A company name folded for comparing: 厦门市海晟贸易有限公司 -> 厦门海晟贸易."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name).casefold())
    stripped = True
    while stripped:
        stripped = False
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text


@dataclass
class Pair:
    a: Any
    b: Any
    name_score: float
    reasons: list[str]

    @property
    def score(self) -> int:
        gap = 100 - self.name_score
        for reason in self.reasons:
            if reason in ("phone", "email"):
                gap /= 2
        return round(100 - gap)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _similar_names(rows: list[Any], threshold: float) -> dict[tuple[int, int], float]:
    """(i, j) -> similarity for names at or above ``threshold``, compared within blocks of
    names that share a character pair."""
    from rapidfuzz.distance import Indel

    keys = [name_key(r.name) for r in rows]
    blocks: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if not key:
            continue
        for gram in _bigrams(key):
            blocks.setdefault(gram, []).append(i)
    scores: dict[tuple[int, int], float] = {}
    cutoff = threshold / 100
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_LIMIT:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if (i, j) in scores:
                    continue
                similarity = Indel.normalized_similarity(keys[i], keys[j], score_cutoff=cutoff)
                if similarity:
                    scores[(i, j)] = similarity * 100
    return scores


def pairs(ctx: Ctx, *, threshold: float = 90) -> list[dict[str, Any]]:
    """Likely duplicate pairs among the live customers the actor sees, most likely first."""
    from rapidfuzz.distance import Indel
    from sqlalchemy import select

    from crmcli.models import Customer as C

    q = select(C.id, C.code, C.name, C.phone, C.email, C.phone_key, C.email_key).where(
        C.deleted_at.is_(None)
    )
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        q = q.where(scope)
    rows = list(ctx.session.execute(q.order_by(C.code, C.id)))
    found: dict[tuple[int, int], Pair] = {}

    def pair(i: int, j: int, score: float | None = None) -> Pair:
        i, j = min(i, j), max(i, j)
        if (i, j) not in found:
            if score is None:
                keys = name_key(rows[i].name), name_key(rows[j].name)
                score = Indel.normalized_similarity(*keys) * 100
            found[(i, j)] = Pair(rows[i], rows[j], score, [])
        return found[(i, j)]

    for (i, j), score in _similar_names(rows, threshold).items():
        pair(i, j, score).reasons.append("name")
    for key, reason in (("phone_key", "phone"), ("email_key", "email")):
        same: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            if getattr(r, key):
                same.setdefault(getattr(r, key), []).append(i)
        for members in same.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    pair(i, j).reasons.append(reason)
    ordered = sorted(found.values(), key=lambda p: (-p.score, p.a.code, p.b.code))
    return [
        {
            "a": p.a.code,
            "b": p.b.code,
            "score": p.score,
            "reasons": [r for r in ("phone", "email", "name") if r in p.reasons],
            "a_name": p.a.name,
            "b_name": p.b.name,
            "phone": p.a.phone if "phone" in p.reasons else None,
            "email": p.a.email if "email" in p.reasons else None,
        }
        for p in ordered
    ]


def parse_threshold(text: str) -> float:
    from crmcli.validate import parse_decimal

    value = parse_decimal(text, "--threshold", places=2)
    if not 0 <= value <= 100:
        raise Invalid(t("--threshold must be between 0 and 100, not {value}", value=text))
    return float(value)


# -- merging ---------------------------------------------------------------------------------


def _children() -> Iterable[Any]:
    """Every table whose rows hang under a customer (contacts, interactions, orders ...)."""
    from crmcli.models import load_all

    for table in load_all().sorted_tables:
        column = table.c.get("customer_id")
        if column is not None and any(
            fk.column.table.name == "customer" for fk in column.foreign_keys
        ):
            yield table


def merge(ctx: Ctx, keep_ref: str, drop_ref: str) -> dict[str, Any]:
    """Merge DROP into KEEP: DROP's records move to KEEP, KEEP's empty fields are filled
    from DROP (tags and custom fields are joined), and DROP is deleted (soft). Audited."""
    from sqlalchemy import update

    keep = customers.find(ctx, keep_ref)
    drop = customers.find(ctx, drop_ref)
    if keep.id == drop.id:
        raise Invalid(t("cannot merge customer {code} into itself", code=keep.code))
    permissions.require_customer_change(ctx, keep)
    permissions.require_customer_change(ctx, drop)
    joined_contacts = _merge_contacts(ctx, keep.id, drop.id)
    moved: dict[str, int] = {}
    for table in _children():
        result = ctx.session.execute(
            update(table).where(table.c.customer_id == drop.id).values(customer_id=keep.id)
        )
        if result.rowcount:
            moved[table.name] = result.rowcount
    filled: dict[str, Any] = {}
    before = customers.snapshot(ctx, keep)
    for name in [*customers.EDITABLE, "owner_id"]:
        if name == "code":
            continue
        mine, theirs = getattr(keep, name), getattr(drop, name)
        if name == "tags":
            joined = list(dict.fromkeys([*(mine or []), *(theirs or [])]))
            if joined != list(mine or []):
                filled[name] = joined
        elif mine in (None, "") and theirs not in (None, ""):
            filled[name] = theirs
    if drop.extra:
        joined_extra = {**drop.extra, **(keep.extra or {})}
        if joined_extra != (keep.extra or {}):
            filled["extra"] = joined_extra
    for name, value in filled.items():
        setattr(keep, name, value)
    from crmcli.validate import email_key, phone_key

    keep.phone_key = phone_key(keep.phone)
    keep.email_key = email_key(keep.email)
    keep.updated_at = ctx.at
    drop.deleted_at = ctx.at
    drop.updated_at = ctx.at
    ctx.session.flush()
    customers.refresh_search(ctx, keep)
    changes = audit.diff(before, customers.snapshot(ctx, keep))
    audit.record(
        ctx,
        "merge",
        "customer",
        keep.id,
        code=keep.code,
        changes={**changes, "merged": [None, drop.code], "moved": [None, moved]},
    )
    audit.record(
        ctx,
        "merge",
        "customer",
        drop.id,
        code=drop.code,
        changes={"merged_into": [None, keep.code], "deleted_at": [None, ctx.at]},
    )
    return {
        "keep": keep.code,
        "drop": drop.code,
        "keep_name": keep.name,
        "drop_name": drop.name,
        "moved": moved,
        "filled": sorted(changes),
        "contacts_joined": joined_contacts,
    }


def _merge_contacts(ctx: Ctx, keep_id: int, drop_id: int) -> list[str]:
    """A person known under both customers becomes one contact: KEEP's, with its empty
    fields filled from DROP's, which is deleted (soft) once what pointed at it (interactions,
    follow-ups, tickets) points at KEEP's. Returns the names joined."""
    from sqlalchemy import select, update

    from crmcli.models import Contact, load_all
    from crmcli.services.archive.contacts import EDITABLE
    from crmcli.vocab import fold

    def live(customer_id: int) -> list[Any]:
        q = select(Contact).where(Contact.customer_id == customer_id, Contact.deleted_at.is_(None))
        return list(ctx.session.execute(q.order_by(Contact.id)).scalars())

    mine = {fold(c.name): c for c in reversed(live(keep_id))}
    pointers = [
        t.c.contact_id
        for t in load_all().sorted_tables
        if "contact_id" in t.c
        and any(fk.column.table.name == "contact" for fk in t.c.contact_id.foreign_keys)
    ]
    joined = []
    for theirs in live(drop_id):
        kept = mine.get(fold(theirs.name))
        if kept is None:
            continue
        for column in pointers:
            ctx.session.execute(
                update(column.table).where(column == theirs.id).values({column.key: kept.id})
            )
        filled = {}
        for name in EDITABLE:
            if getattr(kept, name) in (None, "") and getattr(theirs, name) not in (None, ""):
                filled[name] = [None, getattr(theirs, name)]
                setattr(kept, name, getattr(theirs, name))
        kept.updated_at = theirs.deleted_at = ctx.at
        audit.record(
            ctx, "merge", "contact", kept.id, changes={**filled, "merged": [None, theirs.id]}
        )
        audit.record(ctx, "merge", "contact", theirs.id, changes={"merged_into": [None, kept.id]})
        joined.append(kept.name)
    ctx.session.flush()
    return joined
