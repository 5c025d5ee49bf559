"""Likely duplicate customers and merging two into one (Odoo's "similar leads").

Two customers are a likely pair when they share a phone or an e-mail (compared by
their matching keys: digits of the phone, lower-case e-mail) or when their names are
similar after folding full-width forms, case, punctuation, 省/市 and company suffixes
(有限公司, 股份有限公司, Co., Ltd. ...). The score is the names' similarity (0-100,
rapidfuzz's Indel), each agreeing phone or e-mail halving the distance left to 100.

Names are not all compared with all (a million names make half a trillion pairs), nor
only within blocks of names sharing a character pair (on a big book every such block
is too big to use). The book is read once, streamed: the id and folded name of each live
customer the actor sees, kept in compact arrays (the database itself finds the phones
and e-mails shared). Candidate pairs of names come from:

- the same folded name: a pair at once, unless more than ``BLOCK_LIMIT`` customers share
  it (a name that common is no evidence);
- rare pairs of bigrams: each folded name is cut into its character pairs (bigrams),
  ranked rarest first across the book, and filed under every two of its k rarest; names
  filed under the same two are compared. Two bigrams together are rare even when each is
  common (科技, 贸易), so these blocks stay small on a big book. k follows from the
  threshold, as in a prefix filter: enough that any two names scoring at least it share
  two of their k rarest (``min_shared_bigrams``), but at most ``MAX_PREFIX``, which still
  finds any one typo, character left out, put in or swapped;
- each bigram on its own, as ever: all of them on a small book, on a big one only as
  many blocks (smallest first) as the budget below leaves;
- a sorted neighbourhood, for what the blocks miss: the folded names sorted as they read
  and as they read backwards, each compared with the next ``WINDOW``.

A block of more than ``BLOCK_LIMIT`` names is skipped, and the blocks are taken smallest
first, those of two bigrams before those of one, until they make ``BUDGET`` pairs a name
(at least ``MIN_BUDGET``): the time stays linear in the book. So what is promised is:
on a small book, every two names sharing a bigram are compared (as before); on any book,
two names scoring at least the threshold are compared unless every block they share was
too big (names made only of common words, a change of more than one character in a long
name). Candidates are first weeded out by length and by a 64-bit mask of their
characters (each bounds the Indel distance from below; no pair is lost), then scored in
bulk with rapidfuzz (``process.cpdist``, Indel as before).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmcli.errors import Invalid
from crmcli.i18n import t
from crmcli.services.archive import customers, phones
from crmcli.services.context import Ctx
from crmcli.services.team import audit, permissions

if TYPE_CHECKING:
    import numpy as np

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
#: a block (a folded name, or two bigrams together) shared by more names than this is
#: too common to be evidence on its own
BLOCK_LIMIT = 400
#: a name is filed under every two of at most this many of its rarest bigrams
MAX_PREFIX = 5
#: each name is compared with this many next to it, sorted forwards and backwards
WINDOW = 4
#: blocks are taken smallest first until they make this many pairs a name (the biggest,
#: such as 北京 alone or 北京 with 科技, say little and cost most)
BUDGET = 64
#: ... but never fewer than this (a small book compares every two names sharing a bigram)
MIN_BUDGET = 16_000_000
#: candidate pairs scored at a time (bounds the memory of a big book)
CHUNK = 1 << 20
#: a bigram is coded as two code points of 21 bits; a name of one character is coded as
#: its character and this (no code point is so high)
_LONE = (1 << 21) - 1


def name_key(name: str) -> str:
    """A company name folded for comparing: 厦门市海晟贸易有限公司 -> 厦门海晟贸易."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name).casefold())
    while text.endswith(SUFFIXES):
        for suffix in SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                break
        else:
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


# -- the book, read once -----------------------------------------------------------------


@dataclass
class Book:
    """The live customers the actor sees, in code order (a row is a position in it)."""

    ids: np.ndarray  # row -> customer id
    key_of: np.ndarray  # row -> number of its folded name in ``keys``
    keys: list[str]  # the distinct folded names

    def key_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows sorted by key, start of each key in it, count of each key)."""
        import numpy as np

        order = np.argsort(self.key_of, kind="stable")
        counts = np.bincount(self.key_of, minlength=len(self.keys))
        return order, np.concatenate(([0], np.cumsum(counts)))[:-1], counts


def _live(ctx: Ctx) -> list[Any]:
    from crmcli.models import Customer as C

    where = [C.deleted_at.is_(None)]
    scope = permissions.customer_scope(ctx)
    if scope is not None:
        where.append(scope)
    return where


def _read_book(ctx: Ctx) -> Book:
    """Stream (id, name) of the live customers the actor sees, folding each name."""
    from array import array

    import numpy as np
    from sqlalchemy import select

    from crmcli.models import Customer as C

    q = select(C.id, C.name).where(*_live(ctx)).order_by(C.code, C.id)
    ids, key_of = array("q"), array("q")
    numbers: dict[str, int] = {}
    result = ctx.session.execute(q, execution_options={"yield_per": 20_000})
    for partition in result.partitions():
        for cid, name in partition:
            ids.append(cid)
            key_of.append(numbers.setdefault(name_key(name), len(numbers)))
    return Book(
        np.frombuffer(ids, dtype=np.int64),
        np.frombuffer(key_of, dtype=np.int64),
        list(numbers),
    )


# -- similar names -----------------------------------------------------------------------


def min_shared_bigrams(length: int, cutoff: float) -> int:
    """The fewest bigrams (counted with repeats) a name of ``length`` characters shares
    with any name at least ``cutoff`` (0-1) alike (0 or less: no guarantee).

    Indel similarity is 1 - d / (la + lb), d = la + lb - 2 L (L: the longest common
    subsequence), and the two share at least L - 1 - d bigrams: each adjacent two of the
    L common characters is a shared bigram unless something was left out or put in
    between them, which happens at most d times."""
    if cutoff <= 0.5:  # too lenient to promise anything
        return 0
    fewest = max(length - 1, 0)
    for other in range(1, math.floor(2 * length / cutoff) + 2):
        total = length + other
        common = math.ceil(cutoff * total / 2 - 1e-9)
        if common <= min(length, other):
            fewest = min(fewest, common - 1 - (total - 2 * common))
    return fewest


def _sort_together(major: np.ndarray, minor: np.ndarray, bits: int) -> tuple[Any, Any]:
    """``major`` and ``minor`` (non-negative, ``minor`` < 2**bits) sorted by both, in one
    sort of a packed array when they fit in 63 bits."""
    import numpy as np

    if not len(major) or int(major.max()) < 1 << (63 - bits):
        both = np.sort((major << bits) | minor)
        return both >> bits, both & ((1 << bits) - 1)
    order = np.lexsort((minor, major))
    return major[order], minor[order]


def _bigrams(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(key number, bigram code), sorted, of every bigram of every folded name; a bigram
    that comes again in a name is coded apart (so that counts are with repeats); a name
    of one character gives itself."""
    import numpy as np

    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    points = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
    follows = np.ones(len(points), dtype=bool)  # a character with another after it
    follows[np.cumsum(lengths)[lengths > 0] - 1] = False
    at = np.flatnonzero(follows)
    del follows
    code = (points[at].astype(np.int64) << 21) | points[at + 1]
    del at
    key = np.repeat(np.arange(len(keys)), np.maximum(lengths - 1, 0))
    lone = np.flatnonzero(lengths == 1)
    if len(lone):
        starts = np.cumsum(lengths) - lengths
        key = np.concatenate((key, lone))
        code = np.concatenate((code, (points[starts[lone]].astype(np.int64) << 21) | _LONE))
    key, code = _sort_together(key, code, 42)
    again = np.flatnonzero((key[1:] == key[:-1]) & (code[1:] == code[:-1])) + 1
    if len(again):  # the n-th time a bigram comes in a name: n - 1 in the top bits
        first = np.ones(len(key), dtype=bool)
        first[again] = False
        run = np.maximum.accumulate(np.where(first, np.arange(len(key)), 0))
        code[again] |= (again - run[again]) << 42
    return key, code


def _numbered(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(number of each value's distinct value, in sorted order; how often each comes)."""
    import numpy as np

    order = np.argsort(values)
    ordered = values[order]
    number = np.empty(len(values), dtype=np.int64)
    number[order] = np.cumsum(np.concatenate(([False], ordered[1:] != ordered[:-1])))
    return number, np.bincount(number)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort is much quicker than np.unique's hashing)."""
    import numpy as np

    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))[: len(values)]]


def _blocks(keys: list[str], cutoff: float) -> Iterator[np.ndarray]:
    """Blocks of key numbers to compare all with all: names filed under two of their
    rarest bigrams together, and under each of their bigrams alone."""
    import numpy as np

    key, code = _bigrams(keys)
    token, freq = _numbered(code)
    del code
    count = len(freq)
    rank = np.empty(count, dtype=np.int64)  # rarest first; the rank is the bigram's number
    rank[np.argsort(freq, kind="stable")] = np.arange(count)
    del freq
    key, token = _sort_together(key, rank[token], count.bit_length())
    del rank
    n = np.bincount(key, minlength=len(keys))  # bigrams of each name
    first = np.cumsum(n) - n
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    table = {int(m): _prefix(int(m), cutoff) for m in np.unique(lengths)}
    prefix = np.minimum(np.array([table[int(m)] for m in lengths], dtype=np.int64), n)
    del lengths
    bits = max(len(keys), 1).bit_length()  # a block number, then the key number
    parts = []
    for k in range(2, MAX_PREFIX + 1):
        rows = np.flatnonzero((prefix == k) & (n >= 2))
        if not len(rows):
            continue
        grid = token[first[rows][:, None] + np.arange(k)]
        for i in range(k):
            for j in range(i + 1, k):
                parts.append(_block_number(grid[:, i] * count + grid[:, j], bits, 0) | rows)
    parts.append(_block_number(token, bits, 1) | key)  # and each bigram on its own
    del key, token
    filed = np.concatenate(parts)
    del parts
    filed.sort()
    yield from _group(filed, bits, max(BUDGET * len(keys), MIN_BUDGET))


def _block_number(what: np.ndarray, bits: int, alone: int) -> np.ndarray:
    """Blocks numbered by a hash of ``what`` (two blocks that meet, seldom in 2**40 and
    more, make one), shifted left of ``bits``; blocks of one bigram (``alone``) last."""
    import numpy as np

    room = 62 - bits
    mixed = (what.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - room)
    return ((mixed.astype(np.int64) | (alone << room)) << bits).astype(np.int64)


def _prefix(length: int, cutoff: float) -> int:
    """How many of its rarest bigrams a name of ``length`` characters is filed under."""
    bigrams = length - 1
    shared = max(min_shared_bigrams(length, cutoff), 2)
    return max(2, min(bigrams - shared + 2, MAX_PREFIX))


def _group(filed: np.ndarray, bits: int, budget: int) -> Iterator[np.ndarray]:
    """Grids (blocks x key numbers) of the blocks of 2 to BLOCK_LIMIT names, by size, from
    ``filed`` (sorted block << bits | key number; spent): the smallest first, blocks of
    two bigrams before those of one, as many as make ``budget`` pairs."""
    import numpy as np

    member = filed & ((1 << bits) - 1)
    filed >>= bits
    starts = np.flatnonzero(np.concatenate(([True], filed[1:] != filed[:-1]))[: len(filed)])
    single = filed[starts] >> (62 - bits)
    del filed
    sizes = np.diff(np.concatenate((starts, [len(member)])))
    keep = (sizes >= 2) & (sizes <= BLOCK_LIMIT)
    starts, sizes, single = starts[keep], sizes[keep], single[keep]
    order = np.lexsort((sizes, single))
    spent = np.cumsum(sizes[order] * (sizes[order] - 1) // 2)
    order = order[: int(np.searchsorted(spent, budget, side="right"))]
    order = order[np.argsort(sizes[order], kind="stable")]
    starts, sizes = starts[order], sizes[order]
    if not len(sizes):
        return
    bounds = np.flatnonzero(np.concatenate(([True], sizes[1:] != sizes[:-1], [True])))
    for lo, hi in itertools.pairwise(bounds):
        yield member[starts[lo:hi, None] + np.arange(int(sizes[lo]))]


def _block_pairs(grid: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every two members of each block (rows of ``grid``), a chunk at a time."""
    import numpy as np

    m = grid.shape[1]
    left, right = np.triu_indices(m, 1)
    step = max(1, CHUNK // len(left))
    for lo in range(0, len(grid), step):
        part = grid[lo : lo + step]
        yield part[:, left].ravel(), part[:, right].ravel()


def _neighbour_pairs(keys: list[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each folded name and the next ``WINDOW`` ones, sorted forwards and backwards."""
    import numpy as np

    for text in (keys, [k[::-1] for k in keys]):
        order = np.array(sorted(range(len(keys)), key=text.__getitem__), dtype=np.int64)
        for w in range(1, WINDOW + 1):
            yield order[:-w], order[w:]


def _char_masks(keys: list[str]) -> np.ndarray:
    """A 64-bit mask of the characters of each folded name (hashed to a bit each)."""
    import numpy as np

    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    points = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    bits = np.left_shift(
        np.uint64(1), (points * np.uint64(0x9E3779B1) >> np.uint64(13)) & np.uint64(63)
    )
    starts = np.concatenate(([0], np.cumsum(lengths)))[:-1]
    return np.bitwise_or.reduceat(bits, starts)


def _popcount(x: np.ndarray) -> np.ndarray:
    import numpy as np

    if hasattr(np, "bitwise_count"):  # numpy 2
        return np.bitwise_count(x)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    return table[x.view(np.uint8).reshape(-1, 8)].sum(axis=1)


def similar_keys(keys: list[str], threshold: float) -> dict[tuple[int, int], float]:
    """(a, b) -> similarity (0-100) of the distinct folded names numbered a < b that are
    at least ``threshold`` alike, among the candidates of the blocks and neighbourhoods."""
    import numpy as np
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import cpdist

    cutoff = threshold / 100
    words = [k for k in keys if k]
    if len(words) < 2:
        return {}
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    masks = _char_masks(words)
    size = len(words)

    def plausible(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The candidates not ruled out by lengths or characters alone, packed: an Indel
        distance is at least the difference of the lengths, and at least the characters
        one name has and the other has not (as far as the masks tell)."""
        la, lb = lengths[a], lengths[b]
        least = np.maximum(np.abs(la - lb), _popcount(masks[a] ^ masks[b]))
        fits = least <= (1 - cutoff) * (la + lb) + 1e-9
        a, b = a[fits], b[fits]
        return np.minimum(a, b) * size + np.maximum(a, b)

    kept = [plausible(a, b) for grid in _blocks(words, cutoff) for a, b in _block_pairs(grid)]
    kept += [plausible(a, b) for a, b in _neighbour_pairs(words)]
    packed = _distinct(np.concatenate(kept))
    del kept
    number = np.array([i for i, k in enumerate(keys) if k], dtype=np.int64)
    text = np.array(words, dtype=object)
    found: dict[tuple[int, int], float] = {}
    for lo in range(0, len(packed), CHUNK):
        a, b = np.divmod(packed[lo : lo + CHUNK], size)
        scores = cpdist(
            text[a],
            text[b],
            scorer=Indel.normalized_similarity,
            score_cutoff=cutoff,
            dtype=np.float64,
            workers=-1,
        )
        for x in np.flatnonzero(scores):
            found[(int(number[a[x]]), int(number[b[x]]))] = float(scores[x]) * 100
    return found


def _name_pairs(book: Book, threshold: float) -> Iterator[tuple[int, int, float]]:
    """(row, row, similarity) of the rows whose names are at least ``threshold`` alike."""
    order, starts, counts = book.key_rows()

    def rows(k: int) -> Any:
        return order[starts[k] : starts[k] + counts[k]]

    for k in (counts > 1).nonzero()[0]:
        if book.keys[k] and counts[k] <= BLOCK_LIMIT:
            same = rows(int(k))
            for x, i in enumerate(same):
                for j in same[x + 1 :]:
                    yield int(i), int(j), 100.0
    for (ka, kb), score in similar_keys(book.keys, threshold).items():
        for i in rows(ka):
            for j in rows(kb):
                yield int(i), int(j), score


def _same_contact(ctx: Ctx, book: Book, column: str) -> Iterator[list[int]]:
    """The rows (in code order) sharing each phone or e-mail key more than one row has."""
    import numpy as np
    from sqlalchemy import func, select

    from crmcli.models import Customer as C

    key = getattr(C, column)
    where = [*_live(ctx), key.is_not(None), key != ""]
    shared = select(key).where(*where).group_by(key).having(func.count() > 1)
    q = select(key, C.id).where(*where, key.in_(shared)).order_by(key)
    sorter = np.argsort(book.ids)
    groups: dict[str, list[int]] = {}
    for value, cid in ctx.session.execute(q):
        groups.setdefault(value, []).append(cid)
    for members in groups.values():
        at = sorter[np.searchsorted(book.ids, members, sorter=sorter)]
        yield sorted(int(i) for i in at)


def _details(ctx: Ctx, ids: Iterable[int]) -> dict[int, Any]:
    """id -> (code, name, phone, email) of the customers named."""
    from sqlalchemy import select

    from crmcli.models import Customer as C

    wanted = sorted(set(ids))
    found: dict[int, Any] = {}
    for lo in range(0, len(wanted), 500):
        q = select(C.id, C.code, C.name, C.phone, C.email).where(C.id.in_(wanted[lo : lo + 500]))
        found.update((r.id, r) for r in ctx.session.execute(q))
    return found


def pairs(ctx: Ctx, *, threshold: float = 90) -> list[dict[str, Any]]:
    """Likely duplicate pairs among the live customers the actor sees, most likely first."""
    from rapidfuzz.distance import Indel

    book = _read_book(ctx)
    found: dict[tuple[int, int], tuple[float | None, list[str]]] = {}
    for i, j, score in _name_pairs(book, threshold):
        found[(min(i, j), max(i, j))] = (score, ["name"])
    for column, reason in (("phone_key", "phone"), ("email_key", "email")):
        for members in _same_contact(ctx, book, column):
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    found.setdefault((i, j), (None, []))[1].append(reason)
    rows = _details(ctx, (int(book.ids[r]) for pair in found for r in pair))
    made = []
    for (i, j), (named, reasons) in found.items():
        if named is None:  # the same phone or e-mail: how alike are the names?
            keys = book.keys[book.key_of[i]], book.keys[book.key_of[j]]
            named = Indel.normalized_similarity(*keys) * 100
        made.append(Pair(rows[int(book.ids[i])], rows[int(book.ids[j])], named, reasons))
    ordered = sorted(made, key=lambda p: (-p.score, p.a.code, p.b.code))
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
    phones.set_tails(keep, "customer")  # crm who finds the merged customer by either number
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
        phones.set_tails(kept, "contact")
        kept.updated_at = theirs.deleted_at = ctx.at
        audit.record(
            ctx, "merge", "contact", kept.id, changes={**filled, "merged": [None, theirs.id]}
        )
        audit.record(ctx, "merge", "contact", theirs.id, changes={"merged_into": [None, kept.id]})
        joined.append(kept.name)
    ctx.session.flush()
    return joined
