"""Write the CLI reference, ``docs/cli.md``, from the ``crm`` command itself.

    .venv/bin/python docs/make_cli_reference.py > docs/cli.md

It walks the Click command tree from the root (``list_commands`` / ``get_command``, which
the lazy root group answers by importing each sub-command's module), so it follows
``crmcli.cli.COMMANDS`` wherever the modules live. The output is Markdown that does not
depend on the terminal, the locale, the date or the machine: nothing is wrapped to the
terminal's width, messages are in English, no colour, and no default is evaluated.
``tests/test_docs.py`` regenerates it in-process and compares.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

PROG = "crm"
COMMAND = "python docs/make_cli_reference.py > docs/cli.md"
HEADER = (
    f"*Generated from the Typer app by `{COMMAND}`: do not edit by hand; "
    "`tests/test_docs.py` fails until it is regenerated.*"
)
#: ``--help`` is on every command (said once, in the introduction); Typer adds the shell
#: completion options to every sub-app too, but they belong to the root
_HELP = "help"
_COMPLETION = frozenset({"install_completion", "show_completion"})


def render() -> str:
    """The whole reference as Markdown, deterministic for a given ``crm``."""
    import typer

    from crmcli import i18n
    from crmcli.cli import app

    previous = i18n.lang()
    i18n.set_lang("en")
    try:
        root = typer.main.get_command(app)
        ctx = _context(root, PROG, None)
        sections: list[str] = []
        _walk(root, ctx, 1, sections)
    finally:
        i18n.set_lang(previous)
    intro = (
        f"# `{PROG}` command reference\n\n"
        f"{HEADER}\n\n"
        f"Every command and option of `{PROG}`, as `{PROG} ... --help` shows them. Every "
        "command also takes `-h, --help`; the global options (`--db`, `--user`, `--lang`) "
        f"go before the command: `{PROG} --db demo.db customer list`.\n"
    )
    return "\n".join([intro, *sections]).rstrip("\n") + "\n"


def _context(command: Any, name: str, parent: Any) -> Any:
    """A context for ``command`` as Click would make it, without parsing anything."""
    settings = {"terminal_width": 100, "max_content_width": 100, "color": False}
    settings.update(getattr(command, "context_settings", None) or {})
    return command.context_class(command, info_name=name, parent=parent, **settings)


def _walk(command: Any, ctx: Any, depth: int, out: list[str]) -> None:
    out.append(_section(command, ctx, depth))
    if not _is_group(command):
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        _walk(sub, _context(sub, name, ctx), depth + 1, out)


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands") and hasattr(command, "get_command")


def _section(command: Any, ctx: Any, depth: int) -> str:
    lines = [f"{'#' * min(depth + 1, 6)} `{ctx.command_path}`", ""]
    if command.deprecated:
        lines += ["*Deprecated.*", ""]
    help_text = _clean(command.help or command.short_help or "")
    if help_text:
        lines += [help_text, ""]
    pieces = " ".join(command.collect_usage_pieces(ctx))
    lines += ["```console", f"$ {ctx.command_path} {pieces}".rstrip(), "```", ""]

    arguments: list[tuple[str, str]] = []
    panels: dict[str, list[tuple[str, str]]] = {}
    for param in command.get_params(ctx):
        if param.name == _HELP or (ctx.parent is not None and param.name in _COMPLETION):
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if param.param_type_name == "argument":
            arguments.append(record)
        else:
            panel = getattr(param, "rich_help_panel", None) or "Options"
            panels.setdefault(panel, []).append(record)
    if arguments:
        lines += _items("Arguments", arguments)
    for panel, records in panels.items():
        lines += _items(panel, records)

    if _is_group(command):
        listing = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            listing.append((name, sub.get_short_help_str(limit=1000)))
        if listing:
            lines += ["**Commands**:", ""]
            lines += [f"* [`{name}`](#{_anchor(ctx, name)}): {short}" for name, short in listing]
            lines.append("")
    if command.epilog:
        lines += [_clean(command.epilog), ""]
    return "\n".join(lines)


def _items(title: str, records: list[tuple[str, str]]) -> list[str]:
    lines = [f"**{title}**:", ""]
    for names, help_text in records:
        entry = f"* `{names}`"
        if help_text:
            entry += f": {_escape(' '.join(help_text.split()))}"
        lines.append(entry)
    lines.append("")
    return lines


def _anchor(ctx: Any, name: str) -> str:
    """GitHub's anchor for the heading ``crm customer add``."""
    return f"{ctx.command_path} {name}".replace(" ", "-").lower()


def _clean(text: str) -> str:
    """A help text as Markdown paragraphs: Click's ``\\b`` markers dropped."""
    paragraphs = [p.strip() for p in text.replace("\b\n", "\n").split("\n\n")]
    return "\n\n".join(_escape(" ".join(p.split())) for p in paragraphs if p)


def _escape(text: str) -> str:
    """Keep ``<str>`` and ``[required]`` from being read as HTML or links."""
    return text.replace("<", "&lt;").replace("*", r"\*")


def main() -> None:
    # document this checkout's crmcli, whichever one is installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.update({"CRM_LANG": "en", "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100"})
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")  # type: ignore[attr-defined]
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
