"""What ``--search`` looks in (``customer.search_text``), built when a customer is written.

A customer's search text is its code, name, phone (as typed and as digits), e-mail,
live contact names and custom field values, one a line, full-width folded and case folded; then, for the name
and each contact name with Chinese characters, its pinyin twice: in full and as initials
(the first letter of each syllable), lower case, without tones, spaces or punctuation
(深圳市华晨电子 → ``shenzhenshihuachendianzi`` and ``szshcdz``; Latin letters and digits
kept as they are). So ``--search huachen``, ``hc`` or ``szshcdz`` stays the one
``LIKE '%...%'`` scan that ``--search 华晨`` is (SPEC §7).

The pinyin is pypinyin's (its single-character and phrase dictionaries, the phrase
readings by its forward maximal matching), so 重庆 is ``chongqing`` and 银行 ``yinhang``,
exactly as ``pypinyin.lazy_pinyin`` reads them; but computed here for speed, since an
import builds a search text per row: each character looked up in a translation table
(``str.translate``, in C), and the phrase dictionary consulted only where a name holds a
character that some phrase reads otherwise (about a third of company names), from the
nearest point before it that no phrase spans. The tables are built from pypinyin's
dictionaries on the first name with a character beyond ASCII and kept in the per-user
cache folder (``pinyin.marshal``, rebuilt when pypinyin changes), so a process that
writes a Chinese name pays 0.03 s for them rather than 0.25 s; ``crm --help`` and
reading commands load nothing.

This module sits beneath the migrations (one back-fills the search text of existing
books), so it imports nothing from crmcli.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def fold_search(text: str) -> str:
    """The form ``--search`` compares: full-width folded, case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_text(
    *,
    code: str | None,
    name: str | None,
    phone: str | None,
    phone_key: str | None,
    email: str | None,
    contacts: Iterable[str] = (),
    custom: Iterable[str] = (),
) -> str:
    """What ``--search`` looks in, folded: code, name, phone, e-mail, live contact names,
    custom field values, then the pinyin (full, initials) of the name and of each contact
    name in Chinese."""
    names = [name, *contacts]
    parts = (code, name, phone, phone_key, email, *names[1:], *custom)
    text = fold_search("\n".join(p for p in parts if p))
    if text.isascii():
        return text
    spelled = [text]
    for person in names:
        if person and not person.isascii():
            forms = pinyin(fold_search(person))
            if forms is not None:
                spelled += forms
    return "\n".join(spelled)


def custom_values(extra: dict[str, Any] | None) -> list[str]:
    """The values of a record's custom fields (``extra``), as the search text holds them."""
    return [str(v) for v in (extra or {}).values() if v not in (None, "")]


def search_needles(search: str) -> list[str]:
    """What ``--search TEXT`` looks for in the search text: the folded text, and for
    pinyin typed with spaces or apostrophes (``hua chen``, ``xi'an``) the same run
    together, as the search text holds it."""
    needle = fold_search(search.strip())
    needles = [needle]
    if _SPELLED.fullmatch(needle):
        needles.append(re.sub(r"[ ']+", "", needle))
    return needles


_SPELLED = re.compile(r"[a-z]+(?:[ ']+[a-z]+)+")


def search_terms(search: str) -> list[str]:
    """What ``customer list --search TEXT`` looks for, each a substring of the search text
    (which spells Chinese names in pinyin too): the needles of :func:`search_needles`, and
    a phone number's digits ("0755 8960" finds 0755-8960 6110)."""
    terms = search_needles(search)
    needle = terms[0]
    digits = "".join(ch for ch in needle if ch.isdigit())
    if digits != needle and len(digits) >= 3 and _PHONE_LIKE.fullmatch(needle):
        terms.append(digits)
    return terms


def like_pattern(term: str) -> str:
    """The ``LIKE`` pattern (escape character ``/``) of the texts that contain ``term``."""
    return "%" + term.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


_PHONE_LIKE = re.compile(r"[0-9+()\- ]+")

# -- pinyin ---------------------------------------------------------------------------

#: the tables, built on first use (see _load)
_tables: Any = None


def pinyin(text: str) -> tuple[str, str] | None:
    """The full pinyin and the initials of a (folded) text with Chinese characters:
    lower case, no tones, no spaces or punctuation, other letters and digits kept; or
    ``None`` when the text has no Chinese character."""
    t = _tables or _load()
    table = t.spell
    if t.reread.search(text) is not None:
        reread = _reread(t, text)
        if reread is not text:
            text, table = reread, t.spell_reread
    # each syllable spelled with its first letter in lower case and the rest in upper
    # case ("华晨" -> "hUAcHEN"): a folded text has no upper case, so the full pinyin is
    # this in lower case, and the initials are this without its upper case
    spelled = text.translate(table)
    if spelled == text:
        return None
    if not spelled.isascii() or not spelled.isalnum():
        spelled = _plain(t, spelled)
        if not spelled.isascii():
            return spelled.lower(), "".join(ch for ch in spelled if not "A" <= ch <= "Z")
    return spelled.lower(), spelled.encode().translate(None, _UPPER).decode()


_UPPER = bytes(range(ord("A"), ord("Z") + 1))


def _spelling(syllable: str) -> str:
    """How :func:`pinyin` first spells a syllable: "hua" -> "hUA"."""
    return syllable[:1] + syllable[1:].upper()


class _Tables:
    """pypinyin's dictionaries, arranged for :func:`pinyin` (see :func:`_build`)."""

    def __init__(self, data: dict[str, Any]) -> None:
        #: character -> the pinyin of its first (most common) reading, as lazy_pinyin
        self.char: dict[str, str] = data["char"]
        #: a translation table indexed by code point (faster than a dict for
        #: str.translate): the Basic Multilingual Plane, each code point to itself unless
        #: it has pinyin; beyond it (rare characters) str.translate's IndexError keeps the
        #: character, and _plain spells it
        self.spell: list[Any] = data["spell"]
        #: the words of pypinyin's phrase dictionary, and every beginning of one
        self.words: set[str] = data["words"]
        self.prefixes: set[str] = data["prefixes"]
        #: every two characters found together in some phrase: between two characters
        #: that are not, no phrase can span, so the matching may start there
        self.pairs: set[str] = data["pairs"]
        #: phrase -> itself with each character read otherwise than alone replaced by a
        #: private-use character standing for that reading (in the spell_reread table)
        self.respelled: dict[str, str] = data["respelled"]
        #: the two characters either side of such a character in such a phrase, and the
        #: characters that a one-character phrase reads otherwise
        self.reread_pairs: set[str] = data["reread_pairs"]
        self.reread_alone: set[str] = data["reread_alone"]
        #: the characters some phrase reads otherwise than alone
        self.reread = re.compile(data["reread"])
        self.spell_reread = list(self.spell)
        for syllable, ch in data["stand_in"].items():
            self.spell_reread[ord(ch)] = _spelling(syllable)


def _build() -> dict[str, Any]:
    """The data of :class:`_Tables`, from pypinyin's dictionaries."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
    from pypinyin.seg import mmseg

    plain = _ToneLess()  # "zhòng" -> "zhong", "lǜ" -> "lv"
    char = {chr(point): plain[readings.split(",", 1)[0]] for point, readings in PINYIN_DICT.items()}
    spell: list[Any] = list(range(0x10000))
    for ch, syllable in char.items():
        if ord(ch) < 0x10000 and syllable:
            spell[ord(ch)] = _spelling(syllable)
    respelled: dict[str, str] = {}
    reread_pairs: set[str] = set()
    reread_alone: set[str] = set()
    stand_in: dict[str, str] = {}  # a reading -> its private-use character
    reread: set[str] = set()
    for phrase, readings in PHRASES_DICT.items():
        syllables = [plain[r[0]] for r in readings]
        if syllables == list(map(char.get, phrase)) or len(syllables) != len(phrase):
            continue
        spelled = []
        for i, (ch, syllable) in enumerate(zip(phrase, syllables, strict=True)):
            if syllable == char.get(ch) or not syllable:
                spelled.append(ch)
                continue
            if syllable not in stand_in:
                stand_in[syllable] = chr(_STAND_INS + len(stand_in))
            spelled.append(stand_in[syllable])
            reread.add(ch)
            if len(phrase) == 1:
                reread_alone.add(ch)
            reread_pairs.update((phrase[max(i - 1, 0) : i + 1], phrase[i : i + 2]))
        respelled[phrase] = "".join(spelled)
    return {
        "char": char,
        "spell": spell,
        "words": set(PHRASES_DICT),
        # the segmenter's own set when it has one
        "prefixes": getattr(mmseg.p_set, "_set", None)
        or {phrase[:i] for phrase in PHRASES_DICT for i in range(1, len(phrase) + 1)},
        "pairs": {phrase[i - 1 : i + 1] for phrase in PHRASES_DICT for i in range(1, len(phrase))},
        "respelled": respelled,
        "reread_pairs": reread_pairs,
        "reread_alone": reread_alone,
        "reread": "[" + re.escape("".join(sorted(reread))) + "]",
        "stand_in": stand_in,
    }


class _ToneLess(dict[str, str]):
    """A syllable without its tone, as pypinyin writes it (``Style.NORMAL``), remembered."""

    def __missing__(self, syllable: str) -> str:
        from pypinyin.contrib.tone_convert import to_normal

        self[syllable] = plain = to_normal(syllable)
        return plain


#: where the stand-ins for phrase readings begin: private-use code points below those
#: pypinyin gives readings to (U+E815 on)
_STAND_INS = 0xE000
#: the form of the cached tables: a change to _build changes it
_CACHE_FORMAT = 1


def _load() -> _Tables:
    """The tables: from the per-user cache (0.03 s) when they were built by this pypinyin,
    else built (importing pypinyin and reading its dictionaries: 0.25 s) and cached."""
    global _tables
    key, path = _cache_place()
    tables = _read_cache(path, key) if path is not None else None
    if tables is None:
        data = _build()
        tables = _Tables(data)
        if path is not None:
            _write_cache(path, key, data)
    _tables = tables
    return tables


def _cache_place() -> tuple[list[Any], Path | None]:
    """What the cached tables must have been built from (this pypinyin), and where."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("pypinyin")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return [], None
        stat = os.stat(origin)
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("crmcli"))
    except (OSError, ImportError, ValueError):
        return [], None
    return [_CACHE_FORMAT, origin, stat.st_mtime_ns, stat.st_size], folder / "pinyin.marshal"


def _read_cache(path: Path, key: list[Any]) -> _Tables | None:
    import marshal

    try:
        stored, data = marshal.loads(path.read_bytes())
        return _Tables(data) if stored == key else None
    except (OSError, EOFError, ValueError, TypeError, KeyError, re.error):
        return None  # none yet, or unreadable: built again


def _write_cache(path: Path, key: list[Any], data: dict[str, Any]) -> None:
    import marshal

    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(marshal.dumps([key, data]))
        os.replace(temporary, path)  # whole, even with another process at it
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _reread(t: _Tables, text: str) -> str:
    """The text with the characters that a phrase reads otherwise replaced by their
    stand-ins (or the text itself): pypinyin's segmentation (``pypinyin.seg.mmseg``: at
    each point the longest phrase of its dictionary, else one character, within each run
    of Chinese characters), run from the nearest point before each such character that no
    phrase spans."""
    words, prefixes, pairs, chars = t.words, t.prefixes, t.pairs, t.char
    reread_pairs = t.reread_pairs
    pieces: list[str] = []
    done = last = 0  # the text is segmented up to done, and respelled up to last
    for m in t.reread.finditer(text):
        at = m.start()
        if at < done or (
            text[max(at - 1, 0) : at + 1] not in reread_pairs
            and text[at : at + 2] not in reread_pairs
            and text[at] not in t.reread_alone
        ):
            continue  # no phrase reads this character otherwise here
        i = at
        while i > done and text[i - 1 : i + 1] in pairs:
            i -= 1
        while i <= at:
            longest, k = 0, i + 1
            while k <= len(text) and text[i:k] in prefixes:
                if text[i:k] in words:
                    longest = k
                k += 1
            if not longest:
                if k > len(text) or text[k - 1] not in chars:
                    # the rest of this run of Chinese characters begins a phrase but is
                    # none: mmseg reads it one character at a time
                    i = k - 1
                    break
                i += 1
                continue
            spelled = t.respelled.get(text[i:longest])
            if spelled is not None:
                pieces += [text[last:i], spelled]
                last = longest
            i = longest
        done = i
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _plain(t: _Tables, spelled: str) -> str:
    """Letters and digits only (no spaces, no punctuation), and a character beyond the
    Basic Multilingual Plane (which the tables leave as it is) spelled."""
    out = []
    for ch in spelled:
        if ch.isalnum():
            out.append(_spelling(t.char.get(ch) or ch) if ord(ch) >= 0x10000 else ch)
    return "".join(out)
