"""``crm letter``: thank-you letters, dunning notices, promotions and greetings (电子促销与催款).

``crm letter TEMPLATE ...`` is short for ``crm letter render TEMPLATE ...`` (SPEC §7).
"""

import functools
import inspect
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from crmcli.cli.common import SummaryFormatOpt, fmt, key_values, new_app, state
from crmcli.cli.customer_filters import (
    CityOpt,
    IndustryOpt,
    LevelOpt,
    OwnerFilterOpt,
    SearchOpt,
    StatusOpt,
    TagOpt,
    filter_query,
)


class LetterGroup(TyperGroup):
    """``crm letter thanks ...``: a first word that is no command names a template."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["render", *args]
        return super().parse_args(ctx, args)


app = new_app("letter", cls=LetterGroup)

TemplatesOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--templates",
        metavar="DIR",
        help="A folder of your own templates, searched first "
        "(then the letters folder beside your config file, then the built-in ones).",
    ),
]
LangOpt = Annotated[
    Optional[str],
    typer.Option(metavar="LANG", help="The letter's language: zh or en (default: yours)."),
]

CONTEXT_HELP = (
    "Templates are Jinja2 text whose first line is 'Subject: ...'. Every template may use: "
    "customer (code, name, email, phone, city, address, level), contact (name, title, email; "
    "none when the customer has no contact), recipient (the name to greet), sender (your "
    "name), today, var (the --var values: var.offer). thanks: order (code, ordered_on, total, "
    "lines: product, qty, unit_price, amount). dunning: instalments (contract_code, "
    "contract_title, seq, due_on, amount, received, outstanding, days_overdue), "
    "total_outstanding. birthday: birthday (the day), age. Filter: money (12,800.00)."
)


def _dirs(extra: Optional[Path]) -> list[Path]:
    dirs = [extra.expanduser()] if extra is not None else []
    return [*dirs, user_dir()]


def user_dir() -> Path:
    """Your own templates: ``letters/`` beside your config file."""
    from crmcli import prefs

    return prefs.path().parent / "letters"


def _lang(value: Optional[str]) -> str:
    from crmcli.errors import Invalid
    from crmcli.i18n import lang, normalise_lang, t

    if value is None:
        return lang()
    chosen = normalise_lang(value)
    if chosen not in ("zh", "en"):
        raise Invalid(
            t(
                "unknown {what} '{value}' ({accepted})",
                what="--lang",
                value=value,
                accepted="zh, en",
            )
        )
    return chosen


@app.command("templates")
def list_templates(templates_dir: TemplatesOpt = None, output: SummaryFormatOpt = None) -> None:
    """List the letter templates: built-in, and your own (which come first)."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import Col
    from crmcli.services.desk import letters

    output = fmt(output, ("table", "json"))
    data = letters.templates(_dirs(templates_dir))
    for row in data:
        row["where"] = (
            pick("built-in", "内置")
            if row["builtin"]
            else row["path"]
            + (pick(" (replaces the built-in one)", "（替换内置模板）") if row["overrides"] else "")
        )
    if output == "json":
        render.summary({"templates": data, "user_dir": str(user_dir())}, "json")
        return
    render.rows(
        data,
        [
            Col("name", "Template", "模板"),
            Col("lang", "Language", "语言"),
            Col("kind", "Data", "数据"),
            Col("where", "Where", "位置", max_width=60),
        ],
        "table",
        what=pick("templates", "模板"),
    )
    render.notice(
        pick(
            "Your own templates go in {dir} (copy one with: crm letter template NAME --copy-to DIR)",
            "您自己的模板放在 {dir}（复制一个来改：crm letter template 模板名 --copy-to 文件夹）",
        ).format(dir=user_dir())
    )


@app.command("template", epilog=CONTEXT_HELP)
def show_template(
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="thanks, dunning, promotion, birthday or your own."),
    ],
    lang: LangOpt = None,
    copy_to: Annotated[
        Optional[Path],
        typer.Option(
            "--copy-to",
            metavar="DIR",
            help="Write the template into DIR to edit it (both languages unless --lang).",
        ),
    ] = None,
    templates_dir: TemplatesOpt = None,
) -> None:
    """Show a letter template, or copy it into a folder to make it your own."""
    from crmcli import render
    from crmcli.errors import FileError, Invalid, os_message
    from crmcli.i18n import t
    from crmcli.services.desk import letters

    dirs = _dirs(templates_dir)
    langs = [_lang(lang)] if lang is not None or copy_to is None else ["zh", "en"]
    files = []
    for code in langs:
        file = letters.find_template(name, lang=code, dirs=dirs)
        if file not in files:
            files.append(file)
    if copy_to is None:
        render.out(files[0].read_text(encoding="utf-8").rstrip("\n"))
        return
    target = copy_to.expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
        for file in files:
            dest = target / file.name
            if dest.exists():
                raise Invalid(
                    t("{path} exists already", path=str(dest)),
                    hint=t("edit it, or delete it first to start again from the built-in one"),
                )
            dest.write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
            render.out(t("Wrote {path}", path=str(dest)))
    except OSError as e:
        raise FileError(os_message(e)) from None


def render_letters(
    template: Annotated[
        str,
        typer.Argument(
            metavar="TEMPLATE",
            help="thanks, dunning, promotion, birthday, your own, or a .j2 file.",
        ),
    ],
    to: Annotated[
        Optional[str],
        typer.Option(
            metavar="WHO",
            help="Customer codes (C000001,C000002) or a segment: level:gold, rfm:KEY, abc:A, "
            "overdue, care, risk (churn risk). Default: thanks to orders since --since, dunning to the overdue, "
            "birthday to today's birthdays.",
        ),
    ] = None,
    level: LevelOpt = None,
    status: StatusOpt = None,
    city: CityOpt = None,
    industry: IndustryOpt = None,
    tag: TagOpt = None,
    owner: OwnerFilterOpt = None,
    search: SearchOpt = None,
    out: Annotated[
        Optional[Path],
        typer.Option(
            "--out", metavar="DIR", help="Write CODE-TEMPLATE.eml and .txt per letter into DIR."
        ),
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send", help="Send them through the SMTP server of CRM_SMTP_URL; each is logged."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Render and count; write and send nothing.")
    ] = False,
    lang: LangOpt = None,
    templates_dir: TemplatesOpt = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            metavar="KIND",
            help="The data a template of your own takes: thanks, dunning, promotion, birthday.",
        ),
    ] = None,
    var: Annotated[
        Optional[list[str]],
        typer.Option(
            "--var", metavar="KEY=VALUE", help="A value for the template (var.KEY); repeatable."
        ),
    ] = None,
    sender: Annotated[
        Optional[str],
        typer.Option(
            "--from", metavar="ADDRESS", help="From: 'Name <a@b.cn>' (default: CRM_MAIL_FROM)."
        ),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="thanks: orders since DATE (default: a week ago)."),
    ] = None,
    on: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="As it stood on DATE (default: today): overdue, birthdays.",
        ),
    ] = None,
    within: Annotated[
        Optional[str],
        typer.Option(
            metavar="DAYS", help="birthday: birthdays in the next DAYS days too (default 0)."
        ),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Render a letter per customer: to files (--out), by e-mail (--send), or on screen."""
    import os

    from crmcli import mail, render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.analysis import audiences
    from crmcli.services.desk import letters
    from crmcli.validate import parse_date, parse_int

    output = fmt(output, ("table", "json"))
    code_lang = _lang(lang)
    variables = key_values(var, "--var")
    day = parse_date(on) if on is not None else None
    start = parse_date(since) if since is not None else None
    days = parse_int(within, "--within", low=0, high=366) if within is not None else 0
    if kind is not None:
        kind = kind.strip().lower()
        if kind not in letters.KINDS:
            raise Invalid(
                t(
                    "unknown {what} '{value}' ({accepted})",
                    what="--kind",
                    value=kind,
                    accepted=", ".join(letters.KINDS),
                )
            )
    server = None
    if send and not dry_run:
        url = os.environ.get("CRM_SMTP_URL", "").strip()
        if not url:
            raise Invalid(
                t("--send needs an SMTP server"),
                hint=t(
                    "set CRM_SMTP_URL, e.g. smtp://user:password@mail.example.com:587?starttls=1"
                ),
            )
        server = mail.parse_url(url)
    file = letters.find_template(template, lang=code_lang, dirs=_dirs(templates_dir))
    target = letters.parse_to(to) if to is not None else None
    filters = {
        "level": level,
        "status": status,
        "city": city,
        "industry": industry,
        "tag": tag,
        "owner": owner,
        "search": search,
    }
    with state.unit() as ctx:
        where = None
        if any(v is not None for v in filters.values()):
            where = filter_query(ctx, **filters).whereclause
        codes = members = segment = None
        if isinstance(target, list):
            codes = target
        elif target is not None and target[0] in (*audiences.WITH_VALUE, *audiences.ALONE):
            members = audiences.codes(ctx, target[0], target[1], day)
        elif target is not None:
            segment = target
        prepared = letters.prepare(
            ctx,
            file,
            kind=kind,
            codes=codes,
            members=members,
            segment=segment,
            where=where,
            on=day,
            since=start,
            within=days,
            variables=variables,
            sending=server is not None,
        )
        name = _sender_name(ctx)
    from_addr = _from_address(sender, server, name)
    result: dict[str, Any] = {"written": 0, "sent": 0, "skipped": list(prepared.skipped)}
    if dry_run:
        result["dry_run"] = True
    if out is not None and not dry_run:
        files = letters.write(prepared.letters, out.expanduser(), sender=from_addr)
        result["written"] = len(files)
    elif out is not None or (dry_run and not send):
        result["written"] = len(prepared.letters) if out is not None else 0
    sent_codes: set[str] = set()
    if server is not None:
        with mail.Outbox(server) as box:
            sent, refused = letters.send(
                prepared.letters,
                box,
                sender=from_addr,
                kind=prepared.kind,
                unit=lambda: state.unit(write=True),
            )
        result["sent"] = len(sent)
        result["skipped"] += refused
        sent_codes = {letter.stem for letter in sent}
    elif send and dry_run:
        result["sent"] = len(prepared.letters)
    result["letters"] = [
        {
            "code": letter.code,
            "name": letter.name,
            "contact": letter.contact,
            "to": letter.to_email,
            "subject": letter.subject,
            "file": str(out / f"{letter.stem}.eml") if out is not None else None,
            **({"sent": letter.stem in sent_codes} if server is not None else {}),
        }
        for letter in prepared.letters
    ]
    if output == "json":
        render.summary(result, "json")
        return
    if out is None and not send:
        _preview(prepared.letters, from_addr)
    _report(result, out, dry_run=dry_run, sending=send)


def _sender_name(ctx: Any) -> str:
    from crmcli.services.desk import letters

    return letters._sender_name(ctx)


def _from_address(given: Optional[str], server: Any, name: str) -> Any:
    import os

    from crmcli import mail

    text = given or os.environ.get("CRM_MAIL_FROM", "").strip()
    if text:
        return mail.parse_address(text)
    if server is not None and server.user and "@" in server.user:
        return mail.address(name, server.user)
    return mail.address(name, "noreply@localhost")


def _preview(items: list[Any], sender: Any) -> None:
    from crmcli import render

    for letter in items:
        render.out(f"To: {letter.to_name} <{letter.to_email}>")
        render.out(f"Subject: {letter.subject}")
        render.out("")
        render.out(letter.body.rstrip("\n"))
        render.out("-" * 40)


def _report(result: dict[str, Any], out: Optional[Path], *, dry_run: bool, sending: bool) -> None:
    from crmcli import render
    from crmcli.i18n import t

    if not result["letters"] and not result["skipped"]:
        render.out(t("No letters: nobody to write to."))
    if dry_run:
        render.out(t("Dry run: nothing written or sent."))
    if out is not None:
        render.out(t("Wrote {count} letters to {dir}", count=result["written"], dir=str(out)))
    if sending:
        render.out(t("Sent {count} letters", count=result["sent"]))
    for item in result["skipped"]:
        render.warn(t("skipped {code}: {reason}", code=item["code"], reason=item["reason"]))


def _send_only(**kwargs: Any) -> None:
    render_letters(send=True, **kwargs)


_params = [p for p in inspect.signature(render_letters).parameters.values() if p.name != "send"]
send_letters = functools.wraps(render_letters)(_send_only)
send_letters.__signature__ = inspect.Signature(_params)  # type: ignore[attr-defined]
send_letters.__annotations__ = {p.name: p.annotation for p in _params}
send_letters.__doc__ = "Send a letter per customer through CRM_SMTP_URL (render --send)."

app.command("render", epilog=CONTEXT_HELP)(render_letters)
app.command("send", epilog=CONTEXT_HELP)(send_letters)
