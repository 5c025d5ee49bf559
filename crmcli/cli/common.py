"""What every command shares: the global state, output and list options, field options.

Options are defined once here and reused, so ``-f`` means the same everywhere and a
field option (``--founded-on``) is parsed by the same validator in every command.
"""

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Optional

import typer

from crmcli.errors import CrmError, Invalid
from crmcli.i18n import t

# -- global state (set by the root callback for each invocation) -------------------------


@dataclass
class State:
    db: Optional[str] = None
    user: Optional[str] = None
    format: Optional[str] = None
    _database: Any = None

    @property
    def database(self) -> Any:
        if self._database is None:
            from crmcli.db import Database, resolve_url

            self._database = Database(resolve_url(self.db))
        return self._database

    @contextmanager
    def unit(self, *, write: bool = False) -> Iterator[Any]:
        """Open the database (schema created or upgraded) and run one transaction."""
        from crmcli import render
        from crmcli.services.context import unit

        db = self.database
        db.ensure_schema(notify=render.notice)
        with unit(db, self.user, write=write) as ctx:
            yield ctx

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


state = State()


def new_app(name: str, **kw: Any) -> typer.Typer:
    """A sub-app whose help text comes from the root registry (one place for it). Shell
    completion is the root's (``crm --install-completion``): a sub-app offers no
    completion options of its own."""
    from crmcli.cli.commands import COMMANDS

    return typer.Typer(help=COMMANDS[name][2], no_args_is_help=True, add_completion=False, **kw)


# -- shared options -----------------------------------------------------------------------

FORMATS = ("table", "json", "jsonl", "csv")

FormatOpt = Annotated[
    Optional[str],
    typer.Option("--format", "-f", metavar="FMT", help="Output format: table, json, jsonl or csv."),
]
SummaryFormatOpt = Annotated[
    Optional[str],
    typer.Option("--format", "-f", metavar="FMT", help="Output format: table or json."),
]
LimitOpt = Annotated[
    Optional[str],
    typer.Option(
        "--limit",
        "-n",
        metavar="N",
        help="At most N rows (every row by default in json/jsonl/csv).",
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
OwnerOpt = Annotated[
    Optional[str],
    typer.Option("--owner", metavar="USER", help="Owner (负责人); default: the acting user."),
]
NotesOpt = Annotated[Optional[str], typer.Option("--notes", metavar="TEXT", help="Notes (备注).")]


def fmt(value: Optional[str], allowed: tuple[str, ...] = FORMATS) -> str:
    """The output format chosen (``-f``, else the personal default, else table)."""
    chosen = value or state.format or "table"
    chosen = chosen.strip().lower()
    if chosen not in allowed:
        if value is None:  # a personal default that this command does not take
            return "table"
        raise Invalid(
            t(
                "unknown {what} '{value}' ({accepted})",
                what=t("format"),
                value=value,
                accepted=", ".join(allowed),
            )
        )
    return chosen


def limit(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    from crmcli.validate import parse_int

    return parse_int(value, "--limit", low=1)


# -- field options --------------------------------------------------------------------------

_ACCEPTS = {
    "date": "2026-03-01, 2026/3/1, 2026年3月1日, today, +3d",
    "datetime": "2026-03-01 14:30, today, +4h",
    "money": "12800, 12,800.50, 1.28万",
    "int": "a whole number",
    "phone": "+86 138 0013 8000, 0571-8765 4321 x12",
    "email": "name@example.com",
    "tags": "comma-separated: vip,重点",
    "url": "www.example.com",
}


def field_help(f: Any) -> str:
    text = f"{f.en} ({f.zh})"
    if f.type == "enum":
        return f"{text}: {f.vocab.accepted()}."
    if f.type == "int" and f.low is not None and f.high is not None:
        return f"{text}: {f.low}-{f.high}."
    if f.type in _ACCEPTS:
        return f"{text}: {_ACCEPTS[f.type]}."
    return f"{text}."


def field_options(
    fields: list[Any], *, clear_hint: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add one ``--field-name TEXT`` option per field; the command gets ``values``.

    ``values`` holds the options given, parsed by :func:`crmcli.validate.parse_field`;
    with ``clear_hint`` (edit commands) an empty text clears the field (None).
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func, eval_str=True)
        params = [p for p in sig.parameters.values() if p.name != "values"]
        extra = []
        for f in fields:
            help_text = field_help(f) + (
                ' Give "" to clear.' if clear_hint and f.name != "name" else ""
            )
            extra.append(
                inspect.Parameter(
                    f"field_{f.name}",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None,
                    annotation=Annotated[
                        Optional[str],
                        typer.Option(
                            f.option,
                            help=help_text,
                            metavar=f.type.upper() if f.type != "text" else "TEXT",
                            rich_help_panel="Fields",
                        ),
                    ],
                )
            )
        by_name = {f"field_{f.name}": f for f in fields}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from crmcli.validate import parse_field

            values = {}
            for key, f in by_name.items():
                raw = kwargs.pop(key, None)
                if raw is not None:
                    values[f.name] = parse_field(f, raw)
            return func(*args, values=values, **kwargs)

        wrapper.__signature__ = sig.replace(parameters=params + extra)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params + extra}
        return wrapper

    return decorate


def make_sure(question: str, *, yes: bool) -> None:
    """Ask before a destructive step unless ``--yes``; anything but yes aborts (exit 1)."""
    if yes:
        return
    from crmcli import render

    if not render.confirm(question):
        raise CrmError(t("Aborted."))


def ask_first(yes: bool, question: "Callable[[Any], str | None]") -> None:
    """Ask before a destructive step, in a read-only transaction of its own: nobody
    waits on the write lock while a person reads the question. ``question(ctx)`` finds
    the record (a clear error when it is not there) and words the question, or gives
    None when there is nothing to ask. The step itself then runs in a short write
    transaction that finds the record again."""
    if yes:
        return
    with state.unit() as ctx:
        text = question(ctx)
    if text is not None:
        make_sure(text, yes=False)


def key_values(items: Optional[list[str]], option: str = "--set") -> dict[str, str]:
    """``--set KEY=VALUE`` options (custom fields), or another ``option`` of that form, as
    a dict."""
    result: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            if option != "--set":
                raise Invalid(
                    t("invalid {option} '{value}': use KEY=VALUE", option=option, value=item)
                )
            raise Invalid(t("invalid custom field '{value}': use KEY=VALUE", value=item))
        result[key.strip()] = value.strip()
    return result


def debug() -> bool:
    return os.environ.get("CRM_DEBUG", "") not in ("", "0")
