"""``crm user``: staff, their roles, and so what each may see and do (员工管理)."""

from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, SummaryFormatOpt, fmt, new_app, state
from crmcli.vocab import ROLE

app = new_app("user")

Username = Annotated[
    str, typer.Argument(metavar="USERNAME", help="Login name: lower-case letters, digits, . _ -.")
]
NameOpt = Annotated[Optional[str], typer.Option("--name", metavar="TEXT", help="Full name (姓名).")]
LIST_COLUMNS = ["username", "name", "role", "active", "db_role", "created_at"]


def _columns(names: list[str]) -> list[Any]:
    from crmcli.render import col
    from crmcli.vocab import USER

    return [col(USER[n]) for n in names]


def _show(saved: Any, message: str, output: str) -> None:
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import users

    if output == "json":
        data = users.as_dict(saved.user)
        if saved.password:
            data["password"] = saved.password
            data["url"] = saved.url
        render.record(data, [], "json")
        return
    render.out(message)
    if saved.password:
        render.out(
            t(
                "Database role {role}, password {password} (shown only now). {user} connects with:",
                role=saved.user.db_role,
                password=saved.password,
                user=saved.user.username,
            )
        )
        render.out(f"  crm --db '{saved.url}' ...")


@app.command()
def add(
    username: Username,
    role: Annotated[
        str,
        typer.Option("--role", "-r", metavar="ROLE", help=f"Role (角色): {ROLE.accepted()}."),
    ],
    name: NameOpt = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Add a member of staff (the first one must be an admin; then admins only)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import users

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        saved = users.add(ctx, username=username, role=role, name=name)
        sqlite = ctx.db.is_sqlite
    u = saved.user
    _show(saved, t("Added user {user} ({role})", user=u.username, role=ROLE.label(u.role)), output)
    if sqlite and saved.first:
        render.notice(
            t(
                "Note: on SQLite crm enforces these permissions, but whoever can read "
                "the database file sees everything. A team shares a PostgreSQL server."
            )
        )


@app.command("list")
def list_(
    role: Annotated[
        Optional[str], typer.Option(metavar="ROLE", help=f"Only this role: {ROLE.accepted()}.")
    ] = None,
    active: Annotated[
        bool, typer.Option("--active", help="Only active users (leave out disabled ones).")
    ] = False,
    output: FormatOpt = None,
) -> None:
    """List the staff with their roles (everyone may; owners are named by username)."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.services.team import users

    output = fmt(output)
    with state.unit() as ctx:
        data = users.rows(ctx, role=role, active=True if active else None)
    render.rows(data, _columns(LIST_COLUMNS), output, what=pick("users", "员工"))


@app.command()
def edit(
    username: Username,
    name: NameOpt = None,
    role: Annotated[
        Optional[str],
        typer.Option("--role", "-r", metavar="ROLE", help=f"New role: {ROLE.accepted()}."),
    ] = None,
    enable: Annotated[
        bool, typer.Option("--enable", help="Let a disabled user act (and log in) again.")
    ] = False,
    reset_password: Annotated[
        bool,
        typer.Option(
            "--reset-password", help="PostgreSQL: give the user's database role a new password."
        ),
    ] = False,
    output: SummaryFormatOpt = None,
) -> None:
    """Change a user's name or role, enable them again, or reset their database password."""
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.team import users

    output = fmt(output, ("table", "json"))
    if name is None and role is None and not enable and not reset_password:
        raise Invalid(
            t("no changes given"),
            hint=t("give --name, --role, --enable or --reset-password"),
        )
    with state.unit(write=True) as ctx:
        saved = users.edit(
            ctx, username, name=name, role=role, enable=enable, reset_password=reset_password
        )
    u = saved.user
    message = "Updated user {user} ({role})" if saved.changes else "User {user} ({role}) unchanged"
    _show(saved, t(message, user=u.username, role=ROLE.label(u.role)), output)


@app.command()
def disable(username: Username) -> None:
    """Disable a user: they can no longer act or log in; their records and history stay."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.team import users

    with state.unit(write=True) as ctx:
        saved = users.disable(ctx, username)
    render.out(t("Disabled user {user}", user=saved.user.username))
