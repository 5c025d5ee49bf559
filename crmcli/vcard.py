"""vCards (``.vcf``): the address books of phones, Apple and Google Contacts and khard,
read as rows for the importer and written one card per contact.

Reading takes vCard 2.1, 3.0 and 4.0, several cards to a file. vobject (imported inside the
function that reads, never on ``crm --help``) reads each card's lines: folded lines,
quoted-printable values (2.1, and the 3.0 files some phones write), parameters and
groups; the values are unescaped here, so a comma a phone left unescaped is kept, never
cut off. Each card becomes one row under the importer's targets (SPEC §4):

- a card with ORG: a company customer named by ORG's first component, with the person as
  its contact: FN (or N) the name, TITLE (after ORG's later components, the person's
  departments: ``销售部 销售经理``), TEL cell/mobile the mobile and work/voice the phone,
  EMAIL, BDAY, NOTE the contact's notes; ADR (contacts have no address), fax and URL fill
  the customer's only where it has none (``fill.<field>``);
- a card of an organisation alone (KIND:org, Apple's company cards, or no person's name):
  that company with its own phone, e-mail, address and notes;
- a card without ORG: a person customer named by FN (or N joined: family name first and
  no space for a Chinese name) with its own phone, e-mail, address and notes, and the
  person as its contact too (title, phones, birthday).

Other phones, e-mails, addresses and web sites, nicknames, categories and the like are
kept as custom fields; photos, UIDs and programs' own properties are left out.

Writing gives vCard 4.0 (RFC 6350): UTF-8, CRLF, lines folded at 75 octets; a contact's
WeChat as IMPP (``weixin:``), and what vCard has no property for (role, relation level,
hobbies, family) as crm's own ``X-CRM-`` properties, which reading takes back: a book's
export imported into another gives the same contacts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from crmcli.cells import chinese, chinese_address, join_address, person_name
from crmcli.errors import Invalid
from crmcli.i18n import t

#: the targets a card gives, in the order of the rows' columns (custom fields follow)
COLUMNS = (
    "name",
    "kind",
    "phone",
    "email",
    "fax",
    "website",
    "address",
    "city",
    "notes",
    "fill.address",
    "fill.city",
    "fill.fax",
    "fill.website",
    "contact.name",
    "contact.title",
    "contact.mobile",
    "contact.phone",
    "contact.email",
    "contact.wechat",
    "contact.birthday",
    "contact.notes",
    "contact.role",
    "contact.relation_level",
    "contact.hobbies",
    "contact.family",
)
#: a contact's fields that vCard has no property for, written as crm's own ``X-CRM-``
#: properties so that a card exported by crm comes back whole
OWN = {
    "role": "X-CRM-ROLE",
    "relation_level": "X-CRM-RELATION-LEVEL",
    "hobbies": "X-CRM-HOBBIES",
    "family": "X-CRM-FAMILY",
}

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BEGIN = re.compile(r"begin\s*:\s*vcard", re.I)
_END = re.compile(r"end\s*:\s*vcard", re.I)
#: TEL types (lower case) of a mobile, a fax, a pager; of a phone (work, voice, untyped)
_MOBILE = {"cell", "mobile", "iphone"}
_FAX = {"fax"}
_PAGER = {"pager"}
_NOT_KINDS = {"pref", "internet", "x400", "voice", "text", "msg"}
#: 4.0's ``tel:`` URI and its extension (``tel:+86-10-1234;ext=56``)
_TEL_URI = re.compile(r"^tel:", re.I)
_EXT = re.compile(r";ext=", re.I)
#: the groups Google Contacts gives every card (not the user's categories)
_GOOGLE_GROUPS = {"", "mycontacts", "starred"}
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?")
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
#: Chinese family names of two characters (the rest are one)
COMPOUND_SURNAMES = frozenset(
    re.findall(
        "..",
        "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯轩辕令狐钟离澹台端木南宫西门"
        "百里呼延独孤万俟闻人赫连申屠太史公冶濮阳",
    )
)


# -- reading ---------------------------------------------------------------------------------


def read(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The cards of a vCard file as rows: ``(headers, rows)``, headers the importer's targets
    (:data:`COLUMNS` that any card uses, then custom fields), each row numbered by its
    card's first line (``BEGIN:VCARD``) in the file, as errors and rejects name it.

    A file that is not a vCard, a card without ``END:VCARD``, text between cards or a
    card vobject cannot read is :class:`Invalid`, naming the line.
    """
    records = [
        (line, _record(_properties(line, lines, name))) for line, lines in _cards(text, name)
    ]
    used: dict[str, None] = {"name": None}
    for _, record in records:
        used.update(dict.fromkeys(record))
    fixed = [c for c in COLUMNS if c in used]
    headers = fixed + [c for c in used if c not in COLUMNS]
    rows = [(line, [record.get(h, "") for h in headers]) for line, record in records]
    return headers, rows


def _cards(text: str, name: str) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """Each card's first line number and its lines (number, text), blank lines left out."""
    depth, start = 0, 0
    lines: list[tuple[int, str]] = []
    found = False
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        bare = line.strip()
        if not bare:
            continue
        if depth == 0:
            if not _BEGIN.fullmatch(bare):
                if not found:
                    raise Invalid(
                        t(
                            "{file} is not a vCard file: it should begin with BEGIN:VCARD "
                            "(line {line}: {text})",
                            file=name,
                            line=number,
                            text=bare[:60],
                        )
                    )
                raise Invalid(
                    t(
                        "{file}, line {line}: text outside any card ({text})",
                        file=name,
                        line=number,
                        text=bare[:60],
                    )
                )
            depth, start, lines, found = 1, number, [], True
        elif line[0] not in " \t":  # (a folded line never begins or ends a card)
            if _BEGIN.fullmatch(bare):  # a card within the card (2.1's AGENT)
                depth += 1
            elif _END.fullmatch(bare):
                depth -= 1
        lines.append((number, line))
        if depth == 0:
            yield start, lines
    if depth:
        raise Invalid(
            t("{file}, line {line}: the card has no END:VCARD", file=name, line=start),
            hint=t("a card runs from BEGIN:VCARD to END:VCARD"),
        )
    if not found:
        raise Invalid(t("{file} holds no vCard (BEGIN:VCARD ... END:VCARD)", file=name))


@dataclass
class _Property:
    name: str  # upper case, without its group
    types: set[str]  # TYPE values and 2.1's bare parameters, lower case
    params: dict[str, list[str]]
    value: str  # as the file has it, quoted-printable decoded, still escaped


def _properties(start: int, lines: list[tuple[int, str]], name: str) -> list[_Property]:
    """The properties of one card, read by vobject (folding, quoted-printable, parameters)."""
    from vobject.base import VObjectError, getLogicalLines, textLineToContentLine

    numbers = [n for n, _ in lines]
    chunk = io.StringIO("\n".join(text for _, text in lines) + "\n")
    found: list[_Property] = []
    depth = 0
    where = 0
    try:
        for text, n in getLogicalLines(chunk, allowQP=True):
            where = n
            line = textLineToContentLine(text, n)
            key = line.name.upper()
            value = line.value if isinstance(line.value, str) else ""
            if key == "BEGIN":
                depth += 1
                continue
            if key == "END":
                depth -= 1
                continue
            if depth != 1:  # the card within a card
                continue
            types = {
                part.strip().strip('"').lower()
                for given in [*line.singletonparams, *line.params.get("TYPE", [])]
                for part in given.split(",")
            } - {""}
            params = {k.upper(): [str(v) for v in vs] for k, vs in line.params.items()}
            found.append(_Property(key, types, params, value))
    except (VObjectError, LookupError, UnicodeError, ValueError) as e:
        line_number = numbers[min(max(where, 1), len(numbers)) - 1]
        error = getattr(e, "msg", None) or str(e) or type(e).__name__
        raise Invalid(
            t(
                "{file}, line {line}: a card that cannot be read ({error})",
                file=name,
                line=line_number,
                error=str(error).splitlines()[0][:200],
            ),
            hint=t("the card begins at line {line}", line=start),
        ) from None
    return found


def _unescape(text: str, version: str) -> str:
    """A text value without its backslash escapes (2.1 has none but ``\\;``)."""
    if version.startswith("2"):
        return text.replace("\\;", ";")

    def one(m: re.Match[str]) -> str:
        return "\n" if m[1] in "nN" else m[1]

    return re.sub(r"\\([\\;,:nN])", one, text)


def _parts(text: str, version: str) -> list[str]:
    """A structured value (N, ADR, ORG) split at its unescaped semicolons."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [_clean(_unescape(p, version)) for p in parts]


def _clean(text: str) -> str:
    """One value: line breaks as ``\\n``, spaces around it trimmed."""
    return _LINE_BREAK.sub("\n", text).strip()


def _person_name(n: list[str]) -> str:
    """N joined: family name first and no space for a Chinese name, else given middle family."""
    family, given, middle = ([*n, "", "", ""])[:3]
    family, given, middle = (p.replace(",", " ").strip() for p in (family, given, middle))
    return person_name(given, middle, family)


def _address(parts: list[str]) -> tuple[str, str, str]:
    """ADR's components as one address (:func:`crmcli.cells.join_address`), its city and the
    postcode a Chinese address leaves out; a component the street already holds is not
    repeated."""
    box, extended, street, city, region, postcode, country = ([*parts, *[""] * 7])[:7]
    street = street.replace("\n", " ").strip()
    others = {"box": box, "street2": extended, "city": city, "state": region}
    others |= {"postcode": postcode, "country": country}
    kept = {k: v.replace("\n", " ").strip() for k, v in others.items()}
    kept = {k: v for k, v in kept.items() if v and v not in street}
    parts = {"street": street, **kept}
    joined = join_address(parts)
    left_out = kept.get("postcode", "") if chinese_address(parts) else ""
    return joined, city.strip(), left_out


def _phone(value: str) -> str:
    """A TEL value as people write it (4.0's ``tel:`` URI taken apart)."""
    text = _TEL_URI.sub("", value.strip())
    return _EXT.sub(" ext ", text)


def _birthday(prop: _Property, version: str) -> tuple[str | None, str | None]:
    """BDAY as an ISO date for the contact, or (a day without a year, text) as it is for a
    custom field; Apple writes a day without a year in the year X-APPLE-OMIT-YEAR names."""
    text = _clean(_unescape(prop.value, version))
    full = _DATE.fullmatch(text)
    omitted = prop.params.get("X-APPLE-OMIT-YEAR", [""])[0]
    if full and full[1] != omitted and full[1] != "0000":
        return f"{full[1]}-{full[2]}-{full[3]}", None
    if full:
        return None, f"--{full[2]}-{full[3]}"
    no_year = _NO_YEAR.fullmatch(text)
    if no_year:
        return None, f"--{no_year[1]}-{no_year[2]}"
    return None, text or None


def _slot(types: set[str]) -> str:
    """Which of a card's phones a TEL is, by its types: cell/mobile the mobile, work, voice
    or none the phone, then home; a fax, a pager, or another."""
    if types & _FAX:
        return "fax"
    if types & _PAGER:
        return "pager"
    if types & _MOBILE:
        return "mobile"
    rest = types - _NOT_KINDS
    if not rest - {"work", "main"}:
        return "phone"
    return "home" if rest == {"home"} else "other"


def _first(props: list[_Property]) -> list[_Property]:
    """The properties, the preferred ones (TYPE=pref, PREF=1) first."""

    def rank(p: _Property) -> int:
        pref = p.params.get("PREF", [""])[0]
        return 0 if "pref" in p.types else int(pref) if pref.isdigit() else 100

    return sorted(props, key=rank)


def _record(props: list[_Property]) -> dict[str, str]:
    """One card as target -> text (see the module's docstring)."""
    by: dict[str, list[_Property]] = {}
    for p in props:
        by.setdefault(p.name, []).append(p)
    version = by["VERSION"][0].value.strip() if "VERSION" in by else "3.0"

    def text(key: str) -> str:
        return next((v for p in by.get(key, []) if (v := _clean(_unescape(p.value, version)))), "")

    extra: dict[str, str] = {}

    def keep(label: str, value: str) -> None:
        if not value:
            return
        key, i = label, 1
        while key in extra:
            i += 1
            key = f"{label} {i}"
        extra[key] = value

    fn = text("FN")
    n = _parts(by["N"][0].value, version) if "N" in by else []
    person = fn or _person_name(n)
    org_parts = _parts(by["ORG"][0].value, version) if "ORG" in by else []
    org = org_parts[0] if org_parts else ""
    departments = [p for p in org_parts[1:] if p]
    kind = text("KIND").lower()
    shown_as = text("X-ABSHOWAS").lower()
    company_only = bool(org) and (
        kind in ("org", "organization") or shown_as == "company" or person in ("", org)
    )
    phones: dict[str, list[tuple[set[str], str]]] = {}
    for p in _first(by.get("TEL", [])):
        value = _phone(_unescape(p.value, version))
        if value:
            phones.setdefault(_slot(p.types), []).append((p.types, value))
    if not phones.get("phone") and phones.get("home"):  # then a home phone is the phone
        phones["phone"] = [phones["home"].pop(0)]
    mobile, phone, fax = (phones.get(k, [(set(), "")])[0][1] for k in ("mobile", "phone", "fax"))
    for slot, values in phones.items():
        for types, value in values[1:] if slot in ("mobile", "phone", "fax") else values:
            keep(f"phone ({','.join(sorted(types - _NOT_KINDS) or ['other'])})", value)
    emails = [v for p in _first(by.get("EMAIL", [])) if (v := _clean(_unescape(p.value, version)))]
    urls = [v for p in _first(by.get("URL", [])) if (v := _clean(_unescape(p.value, version)))]
    addresses = [
        _address(_parts(p.value, version))
        for p in _first(by.get("ADR", []))
        if any(_parts(p.value, version))
    ]
    notes = "\n".join(v for p in by.get("NOTE", []) if (v := _clean(_unescape(p.value, version))))
    title = text("TITLE")
    birthday, no_year = (None, None)
    if "BDAY" in by:
        birthday, no_year = _birthday(by["BDAY"][0], version)
    wechat = ""
    for p in by.get("IMPP", []) + by.get("X-WECHAT", []) + by.get("X-WEIXIN", []):
        value = _clean(_unescape(p.value, version))
        service = " ".join(p.params.get("X-SERVICE-TYPE", [])).lower()
        is_wechat = p.name != "IMPP" or re.search(r"wechat|weixin", service + value, re.I)
        if is_wechat and not wechat:
            wechat = re.sub(r"^(?:wechat|weixin|x-apple):", "", value, flags=re.I)
            continue
        keep("im", value)
    record: dict[str, str] = {}
    address, city, postcode = addresses[0] if addresses else ("", "", "")
    email = emails[0] if emails else ""
    website = urls[0] if urls else ""
    if org and not company_only:  # a person at a company
        record["name"] = org
        record |= {"fill.address": address, "fill.city": city, "fill.fax": fax}
        record["fill.website"] = website
        title = " ".join([*departments, title]).strip()  # 销售部 销售经理: the person's own
        record |= {"contact.name": person, "contact.title": title, "contact.mobile": mobile}
        record |= {"contact.phone": phone, "contact.email": email, "contact.wechat": wechat}
        record |= {"contact.birthday": birthday or "", "contact.notes": notes}
        record |= {f"contact.{k}": text(prop) for k, prop in OWN.items()}
    elif org:  # the company's own card
        record |= {"name": org, "phone": phone or mobile, "email": email, "fax": fax}
        record |= {"website": website, "address": address, "city": city, "notes": notes}
        if phone and mobile:
            keep("phone (cell)", mobile)
        keep("card title", title)
        keep("birthday", birthday or "")
        keep("department", " / ".join(departments))
    else:  # a person: the customer, and its own contact
        record |= {"name": person, "kind": "person", "phone": mobile or phone, "email": email}
        record |= {"fax": fax, "website": website, "address": address, "city": city}
        record["notes"] = notes
        if person:
            record |= {"contact.name": person, "contact.title": title}
            record |= {"contact.mobile": mobile, "contact.phone": phone, "contact.email": email}
            record |= {"contact.wechat": wechat, "contact.birthday": birthday or ""}
            record |= {f"contact.{k}": text(prop) for k, prop in OWN.items()}
    keep("birthday", no_year or "")
    # (custom fields are named apart from any header the importer knows: "email 2", not "email")
    for i, value in enumerate(emails[1:], 2):
        keep(f"email {i}", value)
    for i, value in enumerate(urls[1:], 2):
        keep(f"website {i}", value)
    keep("postcode", postcode)
    for i, (value, _, _) in enumerate(addresses[1:], 2):
        keep(f"address {i}", value)
    keep("nickname", text("NICKNAME"))
    keep("role", text("ROLE"))
    categories = [c.strip() for c in text("CATEGORIES").split(",")]
    keep("categories", ",".join(c for c in categories if c.lower() not in _GOOGLE_GROUPS))
    keep("anniversary", text("ANNIVERSARY") or text("X-ANNIVERSARY"))
    keep("QQ", text("X-QQ"))
    return {k: v for k, v in {**record, **extra}.items() if v}


# -- writing ---------------------------------------------------------------------------------


@dataclass
class Card:
    """One contact as a vCard 4.0."""

    uid: str
    name: str
    org: str | None = None  # None: the person is the customer
    title: str | None = None
    mobile: str | None = None
    phone: str | None = None
    phone_type: str = "work"
    email: str | None = None
    birthday: date | None = None
    note: str | None = None
    address: str | None = None
    city: str | None = None
    wechat: str | None = None
    #: crm's own fields (:data:`OWN`): role, relation_level, hobbies, family
    own: dict[str, Any] | None = None


def escape(text: str) -> str:
    """A text value for a vCard: backslash, comma, semicolon and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _LINE_BREAK.sub("\\\\n", text)


def name_parts(name: str) -> tuple[str, str]:
    """(family, given) of a full name: a Chinese name's first character (or two, for the
    compound family names) is the family name; otherwise the last word is."""
    name = name.strip()
    if chinese(name) and " " not in name:
        family = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
        return family, name[len(family) :]
    if " " in name:
        given, family = name.rsplit(" ", 1)
        return family, given
    return name, ""


def fold(line: str) -> str:
    """A content line folded at 75 octets (never inside a character), ending in CRLF."""
    if len(line.encode("utf-8")) <= 75:
        return line + "\r\n"
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            pieces.append("".join(current))
            current, size = [], 1  # a continuation line begins with a space
        current.append(ch)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces) + "\r\n"


def dumps(card: Card) -> str:
    """One card, vCard 4.0."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//crmcli//crm contact export//EN"]
    lines.append(f"UID:{escape(card.uid)}")
    lines.append(f"FN:{escape(card.name)}")
    family, given = name_parts(card.name)
    lines.append(f"N:{escape(family)};{escape(given)};;;")
    if card.org:
        lines.append(f"ORG:{escape(card.org)}")
    if card.title:
        lines.append(f"TITLE:{escape(card.title)}")
    if card.mobile:
        lines.append(f"TEL;TYPE=cell:{escape(card.mobile)}")
    if card.phone:
        lines.append(f"TEL;TYPE={card.phone_type}:{escape(card.phone)}")
    if card.email:
        lines.append(f"EMAIL:{escape(card.email)}")
    if card.birthday:
        b = card.birthday
        lines.append(f"BDAY:{b.year:04d}{b.month:02d}{b.day:02d}")
    if card.address or card.city:
        where = ";TYPE=work" if card.org else ""
        lines.append(f"ADR{where}:;;{escape(card.address or '')};{escape(card.city or '')};;;")
    if card.note:
        lines.append(f"NOTE:{escape(card.note)}")
    if card.wechat:
        lines.append(f"IMPP;X-SERVICE-TYPE=WeChat:weixin:{escape(card.wechat)}")
    for key, prop in OWN.items():
        value = (card.own or {}).get(key)
        if value not in (None, ""):
            lines.append(f"{prop}:{escape(str(value))}")
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def write(out: Any, cards: Iterable[Card]) -> int:
    """Cards to a binary stream, UTF-8; returns how many."""
    count = 0
    for card in cards:
        out.write(dumps(card).encode("utf-8"))
        count += 1
    return count
