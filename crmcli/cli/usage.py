"""Usage errors as one line in the user's language, with a "did you mean".

Click reports a wrong command line (an unknown command or option, a missing argument,
a value an option does not take) as a boxed English panel. The root group
(:class:`crmcli.cli.LazyGroup`) hands each such error here instead; it becomes one
``Error: ...`` (``错误: ...``) line on stderr, and the caller exits with code 2.

The message is rebuilt from the exception's type and attributes (the option's name, the
missing parameter, the close matches), not from Click's English text, so it can be
translated; a message Click words in a way not known here is shown as Click wrote it.
A mistyped command or option gets the close matches among the names the command
accepts, at every level. A usage error can happen before the root callback has chosen the
language (``crm --lang zh custmer``), so the language is chosen again here, the way the
callback does, from the command line, ``CRM_LANG``, the preferences or the locale.

Imported only when there is an error: ``crm --help`` does not pay for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from crmcli.i18n import t

try:
    from typer._click import exceptions as _exc
except ImportError:  # pragma: no cover - Typer before it vendored Click
    from click import exceptions as _exc  # type: ignore[no-redef]

UsageError = _exc.UsageError

#: the root's options that take a value (skipped over while looking for --lang)
_VALUED = ("--db", "--user", "--lang")


def report(error: Any, argv: Sequence[str] = (), lang: str | None = None) -> None:
    """Print ``error`` (a Click usage error) as one line on stderr, in the user's language.

    ``lang`` is the root's ``--lang`` when it was parsed; else it is looked for in
    ``argv``, the root's command line."""
    from crmcli import render

    use_language(lang or lang_option(argv))
    message, hint = describe(error)
    render.error(message, hint)


def use_language(given: str | None) -> None:
    """Choose the language as the root callback does, never failing: ``--lang``, else
    ``CRM_LANG``, else the preferences file, else the locale (an unknown value is passed
    over: the usage error is what the user should see)."""
    from crmcli import i18n

    candidates = [given, os.environ.get("CRM_LANG")]
    for chosen in candidates:
        code = i18n.normalise_lang(chosen) if chosen else None
        if code:
            i18n.set_lang(code)
            return
    try:
        from crmcli import prefs

        personal = prefs.load().get("lang")
    except Exception:  # a broken preferences file is reported by the command itself
        personal = None
    code = i18n.normalise_lang(personal) if isinstance(personal, str) else None
    i18n.set_lang(code or i18n.locale_lang())


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of the root's ``--lang`` in ``argv`` (the root's options come first)."""
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang":
            return args[i + 1] if i + 1 < len(args) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg in _VALUED:
            i += 2
        elif arg.startswith("-") and arg != "-":
            i += 1
        else:  # the command: what follows is not the root's
            return None
    return None


def describe(error: Any) -> tuple[str, str | None]:
    """The error's message and hint, translated."""
    ctx = getattr(error, "ctx", None)
    if isinstance(error, _exc.NoSuchOption):
        return _no_such_option(error, ctx)
    if isinstance(error, _exc.MissingParameter):
        return _missing(error, ctx)
    if isinstance(error, _exc.BadParameter):
        return _bad_value(error, ctx)
    if isinstance(error, _exc.BadOptionUsage):
        return _bad_option_usage(error, ctx)
    return _other(error, ctx)


# -- each kind ---------------------------------------------------------------------------


def _no_such_option(error: Any, ctx: Any) -> tuple[str, str | None]:
    name = error.option_name
    message = t("no such option '{option}'", option=name)
    owner = _owner_of(name, ctx)
    if owner is not None:  # crm customer list --lang zh
        return message, t(
            "{option} is an option of '{command}': give it right after '{command}'",
            option=name,
            command=owner,
        )
    matches = close_matches(name, _option_names(ctx))
    if matches:
        return message, _did_you_mean(matches)
    return message, _see_help(ctx, "options")


def _missing(error: Any, ctx: Any) -> tuple[str, str | None]:
    param = error.param
    if param is None:
        return _plain(error), _usage(ctx)
    if param.param_type_name == "argument":
        name = param.metavar or param.name.upper()
        return t("missing argument {name}", name=name.strip("[]")), _usage(ctx)
    return t("missing option {option}", option=" / ".join(param.opts)), _usage(ctx)


def _bad_value(error: Any, ctx: Any) -> tuple[str, str | None]:
    if error.param_hint is not None or error.param is not None:
        param = error.param_hint or " / ".join(getattr(error.param, "opts", ()) or ())
        if not isinstance(param, str):
            param = " / ".join(param)
        return t("invalid value for {param}: {message}", param=param, message=error.message), (
            _see_help(ctx, "options")
        )
    return error.message, _usage(ctx)


def _bad_option_usage(error: Any, ctx: Any) -> tuple[str, str | None]:
    name = error.option_name
    if re.search(r"requires an argument", error.message):
        return t("option {option} needs a value", option=name), _usage(ctx)
    if re.search(r"does not take a value", error.message):
        return t("option {option} takes no value", option=name), _see_help(ctx, "options")
    return _plain(error), _see_help(ctx, "options")


def _other(error: Any, ctx: Any) -> tuple[str, str | None]:
    text = error.message
    command = re.match(r"No such command (['\"])(.*?)\1", text)
    if command:
        name = command.group(2)
        message = t("no such command '{name}'", name=name)
        matches = close_matches(name, _command_names(ctx))
        return message, _did_you_mean(matches) if matches else _see_help(ctx, "commands")
    if text.startswith("Missing command"):
        return t("missing command"), _see_help(ctx, "commands")
    extra = re.match(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)$", text, re.S)
    if extra:
        return t("unexpected extra arguments: {args}", args=extra.group(1)), _usage(ctx)
    return _plain(error), _see_help(ctx, "options")


# -- pieces ------------------------------------------------------------------------------


def close_matches(word: str, names: Sequence[str], *, most: int = 3) -> list[str]:
    """The names ``word`` is likely a typo of, closest first: similar enough (difflib's
    ratio 0.6, leading dashes aside) and not much further than the closest one, so
    ``custmer`` gets ``customer`` and not also ``user``."""
    bare = word.lstrip("-").lower()
    scored = sorted(
        (
            (-SequenceMatcher(None, bare, name.lstrip("-").lower()).ratio(), name)
            for name in dict.fromkeys(names)
        ),
    )
    if not scored or -scored[0][0] < 0.6:
        return []
    best = -scored[0][0]
    return [name for score, name in scored[:most] if -score >= max(0.6, best - 0.1)]


def _plain(error: Any) -> str:
    """Click's own words, on one line, without its trailing full stop."""
    return " ".join(error.format_message().split()).rstrip(".")


def _did_you_mean(matches: Sequence[str]) -> str:
    return t("did you mean {suggestions}?", suggestions=", ".join(f"'{m}'" for m in matches))


def _see_help(ctx: Any, what: str) -> str | None:
    if ctx is None:
        return None
    command = f"{ctx.command_path} -h"
    if what == "commands":
        return t("see the commands with: {command}", command=command)
    return t("see the options with: {command}", command=command)


def _usage(ctx: Any) -> str | None:
    if ctx is None:
        return None
    pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
    return t("usage: {usage}", usage=f"{ctx.command_path} {pieces}".strip())


def _command_names(ctx: Any) -> list[str]:
    if ctx is None or not hasattr(ctx.command, "list_commands"):
        return []
    return list(ctx.command.list_commands(ctx))


def _option_names(ctx: Any) -> list[str]:
    if ctx is None:
        return []
    return [
        name
        for param in ctx.command.get_params(ctx)
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    ]


def _owner_of(name: str, ctx: Any) -> str | None:
    """The command above this one that has the option (``--lang`` is the root's)."""
    parent = ctx.parent if ctx is not None else None
    while parent is not None:
        if name in _option_names(parent):
            return parent.command_path
        parent = parent.parent
    return None
