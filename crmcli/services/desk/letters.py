"""Letters and e-mail (电子促销与催款): thank-you letters, dunning notices, promotions, greetings.

The course's CRM functions list "(4)电子促销与催款: 购买感谢信、电子催款单,邮件促销"; its
collaborative CRM (协作型CRM) sends what analysis finds to the customers by phone, Email,
fax or letter. A letter is a Jinja2 template rendered once per recipient:

- ``thanks``: after an order (the customer's latest order not cancelled, since ``since``);
- ``dunning``: the customer's overdue instalments (the receivables list, 催款);
- ``promotion``: to a segment; customers who opted out of marketing are passed by;
- ``birthday``: to each contact whose birthday falls in the window (客户关怀).

Templates are plain text with a first line ``Subject: ...``; built-in ones, in Chinese
and English, are package data (``crmcli/letters/templates/NAME.LANG.j2``) and a user's
copy of the same name in one of the folders the caller gives comes first. They render in
a sandbox, without HTML escaping, and an unknown name is an error naming the template and
line. A template of the user's own takes its data from the kind its name starts with
(``dunning-final.zh.j2`` is a dunning notice), else it is a promotion.

The letters are addressed to the customer's e-mail, else its main contact's (a birthday
greeting: the contact's, else the customer's); a recipient without one is skipped, never
an error. Each one sent is logged as an e-mail contact record (接触记录).

May use: relationship, selling, archive, team (segments from analysis arrive as codes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from crmcli.errors import Invalid, NotFound
from crmcli.i18n import t
from crmcli.services.archive import customers
from crmcli.services.context import Ctx

KINDS = ("thanks", "dunning", "promotion", "birthday")
#: the interaction kind each letter is logged as
RECORD_KIND = {
    "thanks": "contact",
    "dunning": "contact",
    "promotion": "contact",
    "birthday": "care",
}
LANGS = ("zh", "en")
SUFFIX = ".j2"
#: segments the service selects itself (rfm: and abc: come from analysis, as codes)
SEGMENTS = ("level", "overdue", "care")


def builtin_dir() -> Path:
    """The folder of the built-in templates (package data)."""
    return Path(__file__).resolve().parents[2] / "letters" / "templates"


# -- templates --------------------------------------------------------------------------


def kind_of(name: str) -> str:
    """The data a template takes, from its name: ``dunning-final`` -> dunning."""
    head = re.split(r"[-_.]", name, maxsplit=1)[0].lower()
    return head if head in KINDS else "promotion"


def _split(file: Path) -> tuple[str, str | None]:
    """``thanks.zh.j2`` -> (thanks, zh); ``mine.j2`` -> (mine, None)."""
    stem = file.name[: -len(SUFFIX)]
    name, dot, lang = stem.rpartition(".")
    if dot and lang in LANGS:
        return name, lang
    return stem, None


def templates(dirs: list[Path]) -> list[dict[str, Any]]:
    """Every template a name finds: the user's folders first, then the built-in ones.

    One row per name and language: ``name``, ``lang`` (null: any), ``kind``, ``builtin``,
    ``path``, ``overrides`` (true when it hides a built-in template of that name).
    """
    builtin = builtin_dir()
    seen: dict[tuple[str, str | None], dict[str, Any]] = {}
    for folder in [*dirs, builtin]:
        if not folder.is_dir():
            continue
        for file in sorted(folder.glob(f"*{SUFFIX}")):
            name, lang = _split(file)
            key = (name, lang)
            if key in seen:
                if folder == builtin:
                    seen[key]["overrides"] = True
                continue
            seen[key] = {
                "name": name,
                "lang": lang,
                "kind": kind_of(name),
                "builtin": folder == builtin,
                "path": str(file),
                "overrides": False,
            }
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(
        seen.values(),
        key=lambda r: (
            not r["builtin"] and not r["overrides"],
            order.get(r["name"], 9),
            r["name"],
            r["lang"] or "",
        ),
    )


def find_template(name: str, *, lang: str, dirs: list[Path]) -> Path:
    """The file of template ``name`` (a name, or a path to a ``.j2`` file) in ``lang``."""
    given = Path(name).expanduser()
    if given.suffix == SUFFIX or given.parent != Path(".") or given.is_file():
        if not given.is_file():
            raise NotFound(t("no template file {path}", path=str(given)))
        return given
    for folder in [*dirs, builtin_dir()]:
        for candidate in (folder / f"{name}.{lang}{SUFFIX}", folder / f"{name}{SUFFIX}"):
            if candidate.is_file():
                return candidate
    known = sorted({r["name"] for r in templates(dirs)})
    raise NotFound(
        t("unknown letter template '{name}'", name=name),
        hint=t("templates: {names} (crm letter templates)", names=", ".join(known)),
    )


def template_name(file: Path) -> str:
    return _split(file)[0]


def _money(value: Any) -> str:
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{amount:,.2f}"


def _environment(folder: Path) -> Any:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    return env


class Template:
    """A template loaded once (syntax checked), rendered per recipient."""

    def __init__(self, file: Path) -> None:
        from jinja2 import TemplateError, TemplateSyntaxError

        self.file = file
        try:
            self._template = _environment(file.parent).get_template(file.name)
        except TemplateSyntaxError as e:
            raise self._error(e.lineno, e.message or str(e)) from None
        except TemplateError as e:
            raise self._error(None, str(e)) from None
        except UnicodeDecodeError:
            raise Invalid(t("template {path} is not UTF-8 text", path=str(file))) from None

    def _error(self, line: int | None, message: str) -> Invalid:
        text = (
            t(
                "template {path}, line {line}: {error}",
                path=str(self.file),
                line=line,
                error=message,
            )
            if line
            else t("template {path}: {error}", path=str(self.file), error=message)
        )
        return Invalid(
            text,
            hint=t("see the names a template may use in: crm letter template --help"),
        )

    def render(self, context: dict[str, Any]) -> tuple[str, str]:
        """(subject, body) for one recipient."""
        try:
            text = self._template.render(**context)
        except Exception as e:  # a user's template: any error is theirs to fix
            raise self._error(self._line(e), str(e) or type(e).__name__) from None
        lines = text.lstrip("\n").splitlines()
        if not lines or not lines[0].lower().startswith(("subject:", "主题:", "主题：")):
            raise self._error(1, t("the first line must be 'Subject: ...'"))
        subject = re.split(r"[:：]", lines[0], maxsplit=1)[1].strip()
        body = "\n".join(lines[1:]).strip("\n") + "\n"
        return subject, body

    def _line(self, e: BaseException) -> int | None:
        tb = e.__traceback__
        line = None
        name = str(self.file)
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in (name, str(self.file.resolve())):
                line = tb.tb_lineno
            tb = tb.tb_next
        return line


# -- the recipients ----------------------------------------------------------------------


@dataclass
class Letter:
    """One rendered letter to one recipient."""

    customer_id: int
    code: str
    name: str
    to_name: str
    to_email: str
    subject: str
    body: str
    stem: str
    contact_id: int | None = None
    contact: str | None = None


@dataclass
class Prepared:
    """What a run has to write or send, and who was passed by (code, reason)."""

    template: str
    kind: str
    letters: list[Letter] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def skip(self, code: str, reason: str) -> None:
        self.skipped.append({"code": code, "reason": reason})


def parse_to(text: str) -> tuple[str, str | None] | list[str]:
    """``--to``: a segment (``level:gold``, ``rfm:KEY``, ``abc:A``, ``overdue``, ``care``,
    ``risk``) as (kind, value), or customer codes (comma-separated) as a list."""
    value = text.strip()
    head, colon, rest = value.partition(":")
    head = head.strip().lower()
    if colon and head in ("level", "rfm", "abc"):
        if not rest.strip():
            raise Invalid(
                t(
                    "--to {kind}: needs a value, e.g. {kind}:{example}",
                    kind=head,
                    example={"level": "gold", "rfm": "important_value", "abc": "A"}[head],
                )
            )
        return head, rest.strip()
    if not colon and head in ("overdue", "care", "risk"):
        return head, None
    codes = [c.strip() for c in value.split(",") if c.strip()]
    if not codes:
        raise Invalid(t("--to needs customer codes or a segment"))
    return codes


def _customer_rows(
    ctx: Ctx, *, ids: list[int] | None = None, where: Any = None, level: str | None = None
) -> list[Any]:
    from sqlalchemy import select

    from crmcli.models import Customer as C

    q = select(
        C.id,
        C.code,
        C.name,
        C.email,
        C.level,
        C.city,
        C.phone,
        C.address,
        C.status,
        C.marketing_opt_out,
        C.owner_id,
    ).where(*customers.live(ctx))
    if ids is not None:
        q = q.where(C.id.in_(ids)) if ids else q.where(False)
    if where is not None:
        q = q.where(where)
    if level is not None:
        q = q.where(C.level == level)
    return list(ctx.session.execute(q.order_by(C.code, C.id)))


def _main_contacts(ctx: Ctx, ids: set[int]) -> dict[int, Any]:
    """Per customer: its decision maker, else its first contact (live ones)."""
    if not ids:
        return {}
    from sqlalchemy import select

    from crmcli.models import Contact as K

    best: dict[int, Any] = {}
    q = select(K.id, K.customer_id, K.name, K.title, K.email, K.role).where(
        K.customer_id.in_(sorted(ids)), K.deleted_at.is_(None)
    )
    for k in ctx.session.execute(q.order_by(K.customer_id, K.id)):
        current = best.get(k.customer_id)
        if current is None or (k.role == "decision_maker" and current.role != "decision_maker"):
            best[k.customer_id] = k
    return best


def _ids_of(ctx: Ctx, codes: list[str]) -> list[int]:
    """Customers by code, id or exact name, each one the actor may see (else an error)."""
    return [customers.find(ctx, code).id for code in codes]


def _sender_name(ctx: Ctx) -> str:
    if not ctx.actor.team:
        return ""
    from crmcli.models import User

    user = ctx.session.get(User, ctx.actor.id)
    return (user.name or user.username) if user else ctx.actor.username


def _customer_dict(c: Any) -> dict[str, Any]:
    from crmcli.vocab import LEVEL

    return {
        "code": c.code,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "city": c.city,
        "address": c.address,
        "level": LEVEL.label(c.level),
        "level_key": c.level,
    }


def _contact_dict(k: Any) -> dict[str, Any] | None:
    if k is None:
        return None
    return {"name": k.name, "title": k.title, "email": k.email}


def prepare(
    ctx: Ctx,
    file: Path,
    *,
    kind: str | None = None,
    codes: list[str] | None = None,
    members: list[str] | None = None,
    segment: tuple[str, str | None] | None = None,
    where: Any = None,
    on: date | None = None,
    since: date | None = None,
    within: int = 0,
    variables: dict[str, str] | None = None,
    sending: bool = False,
) -> Prepared:
    """Render ``file`` for every recipient; nothing is written or sent here.

    Recipients: the customers named by ``codes`` (each must be visible), else the codes
    of a segment's ``members`` (those the actor may see), else those of
    ``segment`` (``level``, ``overdue``, ``care``), narrowed by ``where`` (a condition on
    Customer, the list filters); with none of them, the template's own: customers with an
    order since ``since`` (thanks), with instalments overdue (dunning), contacts with a
    birthday from ``on`` to ``on + within`` (birthday). A promotion needs a target.
    ``sending``: refuse (before anything goes) unless the actor may log a contact with
    every recipient.
    """
    from crmcli.services.relationship import interactions

    name = template_name(file)
    kind = kind or kind_of(name)
    if kind not in KINDS:
        raise Invalid(
            t("unknown letter kind '{value}' ({accepted})", value=kind, accepted=", ".join(KINDS))
        )
    template = Template(file)
    day = on or ctx.at.date()
    prepared = Prepared(template=name, kind=kind)
    ids: list[int] | None = None
    level = None
    if codes is not None:
        ids = _ids_of(ctx, codes)
    elif members is not None:
        ids = _visible_ids(ctx, members)
    elif segment is not None:
        seg, value = segment
        if seg == "level":
            from crmcli.vocab import LEVEL

            level = LEVEL.parse(value or "")
        elif seg == "overdue":
            ids = sorted({r["_customer_id"] for r in _overdue(ctx, day, None)})
        elif seg == "care":
            from crmcli.services.relationship import care

            found = {r["customer_code"] for r in care.due(ctx, on=day, within=within or 14)}
            ids = _visible_ids(ctx, sorted(found))
        else:
            raise Invalid(t("unknown segment '{value}'", value=seg))
    targeted = ids is not None or level is not None or where is not None
    if kind == "promotion" and not targeted:
        raise Invalid(
            t("a promotion needs recipients"),
            hint=t("give --to CODES or a segment (level:gold, rfm:KEY, abc:A), or a filter"),
        )
    rows = _customer_rows(ctx, ids=ids, where=where, level=level) if targeted else None
    base = {
        "today": day,
        "sender": _sender_name(ctx),
        "var": dict(variables or {}),
        "template": name,
    }
    if kind == "birthday":
        _birthdays(ctx, prepared, template, base, rows, day, within)
    else:
        if rows is None:
            rows = _default_rows(ctx, kind, day, since)
        by_id = {r.id: r for r in rows}
        contacts = _main_contacts(ctx, set(by_id))
        owed = _overdue(ctx, day, set(by_id)) if kind == "dunning" else []
        orders = _latest_orders(ctx, set(by_id), since) if kind == "thanks" else {}
        for c in rows:
            contact = contacts.get(c.id)
            context = {
                **base,
                "customer": _customer_dict(c),
                "contact": _contact_dict(contact),
                "recipient": contact.name if contact else c.name,
            }
            if kind == "promotion" and c.marketing_opt_out:
                prepared.skip(c.code, t("opted out of marketing"))
                continue
            if kind == "thanks":
                order = orders.get(c.id)
                if order is None:
                    prepared.skip(c.code, t("no order to thank for"))
                    continue
                context["order"] = order
            if kind == "dunning":
                mine = [i for i in owed if i["_customer_id"] == c.id]
                if not mine:
                    prepared.skip(c.code, t("nothing overdue"))
                    continue
                context["instalments"] = [
                    {k: v for k, v in i.items() if not k.startswith("_")} for i in mine
                ]
                context["total_outstanding"] = sum(
                    (i["outstanding"] for i in mine), Decimal("0.00")
                )
            email = c.email or (contact.email if contact else None)
            to_name = c.name if c.email else (contact.name if contact else c.name)
            if not email:
                prepared.skip(c.code, t("no e-mail"))
                continue
            subject, body = template.render(context)
            prepared.letters.append(
                Letter(
                    customer_id=c.id,
                    code=c.code,
                    name=c.name,
                    to_name=to_name,
                    to_email=email,
                    subject=subject,
                    body=body,
                    stem=f"{c.code}-{name}",
                    contact_id=contact.id if contact and not c.email else None,
                    contact=contact.name if contact else None,
                )
            )
    if sending:
        from crmcli.models import Customer

        for letter in prepared.letters:
            interactions.require_touch(ctx, ctx.session.get(Customer, letter.customer_id))
    return prepared


def _default_rows(ctx: Ctx, kind: str, day: date, since: date | None) -> list[Any]:
    if kind == "dunning":
        return _customer_rows(
            ctx, ids=sorted({r["_customer_id"] for r in _overdue(ctx, day, None)})
        )
    # thanks: customers with an order since ``since`` (a week by default)
    from sqlalchemy import select

    from crmcli.models import SalesOrder as O

    start = since or day - timedelta(days=7)
    q = select(O.customer_id).where(
        O.deleted_at.is_(None), O.status != "cancelled", O.ordered_on >= start, O.ordered_on <= day
    )
    return _customer_rows(ctx, ids=sorted(set(ctx.session.execute(q).scalars())))


def _latest_orders(ctx: Ctx, ids: set[int], since: date | None) -> dict[int, dict[str, Any]]:
    """Per customer, its latest order not cancelled (since ``since``) with its lines."""
    if not ids:
        return {}
    from sqlalchemy import select

    from crmcli.models import OrderLine as L
    from crmcli.models import Product as P
    from crmcli.models import SalesOrder as O

    q = select(O.id, O.customer_id, O.code, O.ordered_on, O.total).where(
        O.customer_id.in_(sorted(ids)), O.deleted_at.is_(None), O.status != "cancelled"
    )
    if since is not None:
        q = q.where(O.ordered_on >= since)
    latest: dict[int, Any] = {}
    for o in ctx.session.execute(q.order_by(O.ordered_on, O.id)):
        latest[o.customer_id] = o
    if not latest:
        return {}
    lines: dict[int, list[dict[str, Any]]] = {}
    lq = (
        select(L.order_id, L.description, P.name, L.qty, L.unit_price, L.amount)
        .outerjoin(P, P.id == L.product_id)
        .where(L.order_id.in_([o.id for o in latest.values()]))
        .order_by(L.order_id, L.id)
    )
    for r in ctx.session.execute(lq):
        lines.setdefault(r.order_id, []).append(
            {
                "product": r.name or r.description or "",
                "description": r.description or r.name or "",
                "qty": r.qty.normalize() if isinstance(r.qty, Decimal) else r.qty,
                "unit_price": r.unit_price,
                "amount": r.amount,
            }
        )
    return {
        cid: {
            "code": o.code,
            "ordered_on": o.ordered_on,
            "total": o.total,
            "lines": lines.get(o.id, []),
        }
        for cid, o in latest.items()
    }


def _overdue(ctx: Ctx, day: date, ids: set[int] | None) -> list[dict[str, Any]]:
    """Overdue instalments (the receivables list as of ``day``), with ``_customer_id``."""
    from sqlalchemy import select

    from crmcli.models import Customer
    from crmcli.services.selling import contracts

    rows = contracts.receivables(ctx, as_of=day, overdue=True)
    if not rows:
        return []
    by_code = dict(
        ctx.session.execute(
            select(Customer.code, Customer.id).where(
                Customer.code.in_(sorted({r["customer_code"] for r in rows}))
            )
        ).all()
    )
    out = []
    for r in rows:
        cid = by_code.get(r["customer_code"])
        if ids is not None and cid not in ids:
            continue
        out.append(
            {
                "_customer_id": cid,
                "contract_code": r["contract_code"],
                "contract_title": r["contract_title"],
                "seq": r["seq"],
                "due_on": r["due_on"],
                "amount": r["amount"],
                "received": r["received"],
                "outstanding": r["outstanding"],
                "days_overdue": r["days_overdue"],
            }
        )
    return out


def _birthdays(
    ctx: Ctx,
    prepared: Prepared,
    template: Template,
    base: dict[str, Any],
    rows: list[Any] | None,
    day: date,
    within: int,
) -> None:
    """One greeting per contact whose birthday falls from ``day`` to ``day + within``."""
    from sqlalchemy import select

    from crmcli.models import Contact as K
    from crmcli.models import Customer as C
    from crmcli.services.relationship.care import _days_in_window, _month_day

    window = _days_in_window(day, within)
    q = (
        select(
            K.id,
            K.name,
            K.title,
            K.email,
            K.birthday,
            C.id.label("customer_id"),
        )
        .join(C, C.id == K.customer_id)
        .where(
            *customers.live(ctx),
            C.status != "lost",
            K.deleted_at.is_(None),
            K.birthday.is_not(None),
            _month_day(K.birthday).in_(list(window)),
        )
        .order_by(C.code, K.id)
    )
    if rows is not None:
        q = q.where(C.id.in_([r.id for r in rows]) if rows else False)
    people = list(ctx.session.execute(q))
    by_id = {r.id: r for r in _customer_rows(ctx, ids=sorted({p.customer_id for p in people}))}
    for k in people:
        c = by_id[k.customer_id]
        falls = window[k.birthday.month * 100 + k.birthday.day]
        age = falls.year - k.birthday.year
        context = {
            **base,
            "customer": _customer_dict(c),
            "contact": _contact_dict(k),
            "recipient": k.name,
            "birthday": falls,
            "age": age if 0 < age < 130 else None,
        }
        email = k.email or c.email
        if not email:
            prepared.skip(c.code, t("no e-mail for {name}", name=k.name))
            continue
        subject, body = template.render(context)
        prepared.letters.append(
            Letter(
                customer_id=c.id,
                code=c.code,
                name=c.name,
                to_name=k.name if k.email else c.name,
                to_email=email,
                subject=subject,
                body=body,
                stem=f"{c.code}-{prepared.template}-{k.id}",
                contact_id=k.id,
                contact=k.name,
            )
        )


# -- writing and sending -------------------------------------------------------------------


def messages(letters: list[Letter], *, sender: Any, at: Any = None) -> Iterator[tuple[Letter, Any]]:
    from crmcli import mail

    for letter in letters:
        yield (
            letter,
            mail.message(
                sender=sender,
                to=mail.address(letter.to_name, letter.to_email),
                subject=letter.subject,
                body=letter.body,
                at=at,
            ),
        )


def write(letters: list[Letter], out: Path, *, sender: Any, at: Any = None) -> list[Path]:
    """``STEM.eml`` (RFC 5322) and ``STEM.txt`` (the letter itself) per letter in ``out``."""
    from crmcli import mail
    from crmcli.errors import FileError, os_message

    try:
        out.mkdir(parents=True, exist_ok=True)
        files = []
        for letter, msg in messages(letters, sender=sender, at=at):
            eml = out / f"{letter.stem}.eml"
            mail.write_eml(eml, msg)
            (out / f"{letter.stem}.txt").write_text(
                f"{letter.subject}\n\n{letter.body}", encoding="utf-8"
            )
            files.append(eml)
    except OSError as e:
        raise FileError(os_message(e)) from None
    return files


def send(
    letters: list[Letter],
    outbox: Any,
    *,
    sender: Any,
    kind: str,
    unit: Callable[[], AbstractContextManager[Ctx]],
) -> tuple[list[Letter], list[dict[str, Any]]]:
    """Send each letter; each one sent is logged at once as an e-mail contact record (in a
    short transaction of its own, so nobody waits on the run). One the server refuses is
    skipped with the reason; the others still go."""
    from crmcli import mail

    sent: list[Letter] = []
    skipped: list[dict[str, Any]] = []
    for letter, msg in messages(letters, sender=sender):
        try:
            outbox.send(msg)
        except mail.SendError as e:
            skipped.append({"code": letter.code, "reason": t("not sent: {error}", error=e.message)})
            continue
        with unit() as ctx:
            log(ctx, letter, kind=kind)
        sent.append(letter)
    return sent, skipped


def log(ctx: Ctx, letter: Letter, *, kind: str) -> Any:
    """The e-mail contact record of one letter sent."""
    from crmcli.models import Contact, Customer
    from crmcli.services.relationship import interactions

    customer = ctx.session.get(Customer, letter.customer_id)
    interactions.require_touch(ctx, customer)
    contact = ctx.session.get(Contact, letter.contact_id) if letter.contact_id else None
    return interactions.record(
        ctx,
        customer=customer,
        channel="email",
        kind=RECORD_KIND[kind],
        summary=interactions.text(letter.subject, "summary", required=True) or letter.subject,
        result=t("sent to {to}", to=letter.to_email),
        contact=contact,
        at=ctx.at,
    )


def _visible_ids(ctx: Ctx, codes: list[str]) -> list[int]:
    """The ids of the customers with these codes that the actor may see."""
    if not codes:
        return []
    from sqlalchemy import select

    from crmcli.models import Customer as C

    found: list[int] = []
    for start in range(0, len(codes), 500):
        q = select(C.id).where(C.code.in_(codes[start : start + 500]), *customers.live(ctx))
        found += ctx.session.execute(q).scalars()
    return sorted(found)
