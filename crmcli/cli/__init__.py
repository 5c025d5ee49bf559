"""The ``crm`` command: global options, lazily loaded sub-commands, the one error path.

Each noun lives in its own module, in the room of its area (``crmcli/cli/archive/customer.py``
...; the registry is :mod:`crmcli.cli.commands`), and is imported only when it runs, so
``crm --help`` costs what Typer costs. Every
:class:`~crmcli.errors.CrmError` raised below ends here as one ``Error: ...`` line
and exit code 1, and so does an ``OSError`` no command caught (its file and why, in the
user's language); a usage error (an unknown command or option, a missing argument) is
one ``Error: ...`` line too, in the user's language and with a "did you mean"
(:mod:`crmcli.cli.usage`), and exit code 2; ``CRM_DEBUG=1`` shows the traceback.
"""

import importlib
import os
import sys
from typing import Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperGroup

from crmcli import __version__
from crmcli.cli.commands import COMMANDS
from crmcli.cli.common import debug, state


class LazyGroup(TyperGroup):
    """A group that imports a sub-command's module only when that command is used."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return super().get_command(ctx, name)
        module, attr, help_text = COMMANDS[name]
        if self._listing:  # root --help: the short help is enough
            return typer.core.TyperCommand(name=name, help=help_text)
        return _reflowed(typer.main.get_command(getattr(importlib.import_module(module), attr)))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        argv = list(args)  # Click's parser consumes the list it is given
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _click_exceptions().UsageError as e:  # the root's own options
            _usage_error(e, argv=argv)

    def invoke(self, ctx: Any) -> Any:
        from crmcli.errors import CrmError

        try:
            return super().invoke(ctx)
        except _click_exceptions().UsageError as e:  # a command, an option, an argument
            _usage_error(e, lang=ctx.params.get("lang"))
        except CrmError as e:
            if debug():
                raise
            from crmcli import render

            render.error(e.message, e.hint)
            raise typer.Exit(e.exit_code) from None
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader went away (``crm ... | head``): not an error
            _quiet_stdout()
            raise typer.Exit(0) from None
        except OSError as e:  # a file no command named in a FileError: the file and why
            if debug():
                raise
            from crmcli import render
            from crmcli.errors import os_message

            render.error(os_message(e))
            raise typer.Exit(1) from None
        except Exception as e:
            if debug() or _is_click_exception(e):
                raise
            _unexpected(e)
            raise typer.Exit(1) from None
        finally:
            state.close()


def _reflowed(command: Any) -> Any:
    """``command`` (and its sub-commands) with each paragraph of its help one line, for the
    terminal to wrap: Typer keeps a docstring's line breaks, so at 80 columns its 88-column
    lines broke again mid-sentence."""
    import inspect

    if command.help:
        paragraphs = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(
            p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs
        )
    for sub in getattr(command, "commands", {}).values():
        _reflowed(sub)
    return command


def _click_exceptions() -> Any:
    """Click's exceptions module (Typer's own copy of Click, where it has one)."""
    try:
        from typer._click import exceptions
    except ImportError:  # Typer before it vendored Click
        from click import exceptions  # type: ignore[no-redef]
    return exceptions


def _is_click_exception(e: Exception) -> bool:
    return isinstance(e, _click_exceptions().ClickException)


def _usage_error(e: Exception, *, argv: Any = (), lang: Optional[str] = None) -> NoReturn:
    """A usage error as one line in the user's language (see :mod:`crmcli.cli.usage`),
    exit code 2; a group called without a command shows its help, as Click does."""
    if type(e).__name__ == "NoArgsIsHelpError":
        raise e
    from crmcli.cli import usage

    usage.report(e, argv, lang)
    raise typer.Exit(2) from None


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that nothing more (not even the final
    flush) is written to a pipe whose reader has gone."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _unexpected(e: Exception) -> None:
    from crmcli import render
    from crmcli.i18n import t

    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        DBAPIError = ()  # type: ignore[assignment,misc]
    if isinstance(e, DBAPIError):
        render.error(
            t("database error: {error}", error=str(e.orig).strip()),
            t("run again with CRM_DEBUG=1 to see the traceback"),
        )
    else:
        render.error(
            t("unexpected error: {error}", error=f"{type(e).__name__}: {e}"),
            t("run again with CRM_DEBUG=1 to see the traceback"),
        )


def _plain_help() -> None:
    """Help that reads like the rest of crmcli: Typer labels every parameter with its
    Python type (``--yes <bool>``, ``REF <str>``) and braces a required argument in the
    usage line (``crm customer show [OPTIONS] {REF}``). A flag takes no value, and a
    metavar already says what a value is, so neither gets a type label; a required
    argument is written bare and an optional one in brackets (once), as Click does."""
    core = typer.core
    option_type = getattr(core.TyperOption, "display_type_rich", None)
    if option_type is not None:

        def option_display(self: Any, ctx: Any) -> Optional[str]:
            if self.is_flag or self.count:
                return None
            return option_type(self, ctx)

        core.TyperOption.display_type_rich = option_display  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "display_type_rich"):
        core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    if hasattr(core.TyperArgument, "_usage_display_name"):

        def usage_name(self: Any) -> str:
            name = self.metavar or self.name.upper()
            if not self.required and not name.startswith("["):
                name = f"[{name}]"
            return name + ("..." if self.nargs != 1 else "")

        core.TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]


def _plain_values() -> None:
    """Text and flags as they come, without pydantic: Typer 0.29 converts every parameter
    through a pydantic TypeAdapter, and importing pydantic for it costs some 45 ms on each
    command. Click already gives a ``str`` option text and a flag a bool, and crm checks
    every value itself (SPEC §1), so those two pass through; other types take Typer's way."""
    core = typer.core
    build = getattr(core, "build_runtime_param", None)
    try:
        from typer._coercion import PassThroughRuntimeParam
    except ImportError:  # another Typer: its own way for every value
        return
    if build is None:
        return

    def build_plain(descriptor: Any) -> Any:
        if descriptor.file_annotation is None and descriptor.annotation in (str, bool):
            return PassThroughRuntimeParam(
                annotation=descriptor.annotation, parameter_info=descriptor.parameter_info
            )
        return build(descriptor)

    core.build_runtime_param = build_plain


_plain_help()
_plain_values()

app = typer.Typer(
    cls=LazyGroup,
    name="crm",
    help="crmcli: a terminal CRM for the people who live in a terminal (客户关系管理).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmcli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            metavar="PATH|URL",
            help="Database: a SQLite file or a postgresql+psycopg:// URL "
            "(env CRM_DB; default: crm.db in the per-user data dir).",
        ),
    ] = None,
    user: Annotated[
        Optional[str],
        typer.Option("--user", metavar="NAME", help="Acting user in team mode (env CRM_USER)."),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang",
            metavar="en|zh",
            help="Language of tables and messages (env CRM_LANG; default: the locale).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """crmcli: a terminal CRM (客户关系管理) over SQLite or PostgreSQL."""
    from crmcli import i18n, prefs

    personal = prefs.load()
    chosen = lang or os.environ.get("CRM_LANG") or personal.get("lang")
    if chosen:
        code = i18n.normalise_lang(chosen)
        if code is None:
            from crmcli.errors import Invalid

            raise Invalid(f"invalid language '{chosen}' (en, zh)")
        i18n.set_lang(code)
    else:
        i18n.set_lang(i18n.locale_lang())
    state.db = db
    state.user = user or os.environ.get("CRM_USER") or None
    state.format = personal.get("format")
    state._database = None


def main() -> None:
    """The console script ``crm``: the command, then the quickest clean exit (:func:`leave`)."""
    try:
        run()
    except SystemExit as e:
        leave(e.code)


def run() -> None:
    """The command named by ``sys.argv``; ends in :class:`SystemExit`, as a Typer app does."""
    try:
        app(prog_name="crm")
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()


def leave(code: Any) -> NoReturn:
    """Exit with ``code`` without the interpreter's teardown.

    After the command, a normal exit frees every object of every module one by one:
    for SQLAlchemy, pydantic and Rich about 80 ms, a fifth of a quick command. What of
    an exit anyone could notice is done here (the ``atexit`` functions, the standard
    streams flushed; the database was closed when the command ended), then
    :func:`os._exit`, as Instagram's servers do to skip the same work. A thread still
    running, an exit with a message, or a stream that cannot be flushed takes the
    normal way out, and so does a run under a profiler or a tracer (cProfile writes its
    file after the program, coverage after the exit functions)."""
    import threading

    if (
        threading.active_count() > 1
        or not (code is None or isinstance(code, int))
        or sys.getprofile() is not None
        or sys.gettrace() is not None
    ):
        raise SystemExit(code)
    import atexit

    atexit._run_exitfuncs()
    atexit._clear()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # (a full disk, a closed stream: Python's own exit reports it)
        raise SystemExit(code) from None
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
