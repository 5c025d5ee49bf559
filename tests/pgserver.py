"""A throwaway PostgreSQL server for the test session, and a fresh database per test.

``PgServer.start()`` runs Debian's ``initdb`` and ``pg_ctl`` into a temporary folder: a
cluster on a free port of 127.0.0.1 with ``trust`` authentication and durability off
(``fsync``, ``synchronous_commit`` and ``full_page_writes`` off: a test cluster never
has to survive a crash). ``initdb`` refuses to run as root, so under root (CI) the
server runs as the unprivileged ``postgres`` account (created if missing) through
``runuser``; as any other user it runs as that user.

With ``CRM_TEST_PG_URL`` (a role that may create databases and roles, e.g.
``postgresql://crm:secret@dbhost/postgres``) no server is started: the test databases
are created on that server instead.

Crm connects as ``crm_owner``, a role with CREATEDB and CREATEROLE but not superuser,
like the account a team's administrator would use; it owns every test database.
Each test gets ``CREATE DATABASE ... TEMPLATE`` of a template migrated once per
session (a copy takes a few milliseconds; migrating takes a second). Roles are
server-wide: crm names the roles it creates after the database, and the roles a test
created are dropped with its database.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

OWNER = "crm_owner"
SERVER_USER = "postgres"


def find_bindir() -> Path | None:
    """The folder of initdb/pg_ctl: $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _fast_tmp() -> str | None:
    """/dev/shm when it is writable: a cluster in memory copies databases much faster."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psycopg_url(url: str) -> str:
    """A libpq URL (psycopg.connect wants no ``+psycopg``)."""
    return "postgresql://" + url.split("://", 1)[1]


def with_database(url: str, name: str, user: str | None = None) -> str:
    """``url`` pointing at database ``name`` (and, if given, connecting as ``user``)."""
    from sqlalchemy.engine import make_url

    u = make_url(url).set(database=name)
    if user is not None:
        u = u.set(username=user, password=None)
    return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


class PgServer:
    """One PostgreSQL server for the session: our own cluster, or CRM_TEST_PG_URL's."""

    def __init__(self) -> None:
        self.given_url = os.environ.get("CRM_TEST_PG_URL") or None
        self.folder: Path | None = None
        self.bindir: Path | None = None
        self.port: int | None = None
        self.admin_url = ""  # a role that creates databases (and, here, roles)
        self.owner_url = ""  # what crm connects as (database left to fill in)
        self.prefix = f"crmtest_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._numbers = itertools.count(1)
        self._started = False

    # -- the server --------------------------------------------------------------------

    def start(self) -> None:
        if self.given_url:
            self.admin_url = self.owner_url = self.given_url
        else:
            self._start_cluster()
        self._make_template()
        self._started = True

    def _as_server_user(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        return ["runuser", "-u", SERVER_USER, "--", *argv]

    def _ensure_server_user(self) -> None:
        if os.geteuid() != 0:
            return
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVER_USER,
                ],
                check=True,
            )

    def _start_cluster(self) -> None:
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no initdb): install Debian's postgresql package, "
                "set PG_BINDIR or CRM_TEST_PG_URL, or run only SQLite with "
                "CRM_TEST_BACKENDS=sqlite"
            )
        self._ensure_server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="crm-pg-", dir=_fast_tmp()))
        if os.geteuid() == 0:
            shutil.chown(self.folder, SERVER_USER)
        data = self.folder / "data"
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        for attempt in range(5):
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200 -c shared_buffers=64MB"
            )
            result = subprocess.run(
                self._as_server_user(
                    [
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-l",
                        str(self.folder / "server.log"),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ]
                ),
                capture_output=True,
                text=True,
                cwd=self.folder,
            )
            if result.returncode == 0:
                break
            if attempt == 4:
                log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"cannot start PostgreSQL: {result.stderr}\n{log}")
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.admin(f"CREATE ROLE {OWNER} LOGIN CREATEDB CREATEROLE")
        self.owner_url = f"postgresql+psycopg://{OWNER}@127.0.0.1:{self.port}/postgres"

    def _run(self, argv: list[str]) -> None:
        result = subprocess.run(
            self._as_server_user(argv), capture_output=True, text=True, cwd=self.folder
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {result.stdout}{result.stderr}")

    def stop(self) -> None:
        if self.given_url:
            with contextlib.suppress(Exception):
                self.drop_database(self.template)
        elif self.folder is not None and self.bindir is not None:
            subprocess.run(
                self._as_server_user(
                    [
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(self.folder / "data"),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ]
                ),
                capture_output=True,
                cwd=self.folder,
            )
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    # -- databases -----------------------------------------------------------------------

    def admin(self, *statements: str, url: str | None = None) -> list[Any]:
        """Run statements with autocommit as the administrative role; the last one's rows."""
        import psycopg

        rows: list[Any] = []
        with psycopg.connect(_psycopg_url(url or self.admin_url), autocommit=True) as conn:
            for sql in statements:
                cur = conn.execute(sql)
                rows = cur.fetchall() if cur.description else []
        return rows

    def _make_template(self) -> None:
        from crmcli.db import Database

        self.drop_database(self.template)
        self.admin(f'CREATE DATABASE "{self.template}" OWNER {self._owner_name()}')
        database = Database(with_database(self.owner_url, self.template))
        try:
            database.ensure_schema()
        finally:
            database.dispose()

    def _owner_name(self) -> str:
        from sqlalchemy.engine import make_url

        return f'"{make_url(self.owner_url).username}"'

    def new_database(self) -> str:
        """A fresh database (a copy of the migrated template); returns crm's URL for it."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self.admin(
            f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" OWNER {self._owner_name()} '
            "STRATEGY FILE_COPY"
        )
        return with_database(self.owner_url, name)

    def recreate_database(self, name: str, *, template: str) -> None:
        """Make database ``name`` a fresh copy of ``template`` (a prebuilt book)."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin(
            f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER {self._owner_name()} '
            "STRATEGY FILE_COPY"
        )

    def empty_database(self) -> str:
        """A fresh database without crm's schema (to test migrations on PostgreSQL)."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}" OWNER {self._owner_name()}')
        return with_database(self.owner_url, name)

    def drop_database(self, name: str) -> None:
        """Drop a test database and the roles crm created for it (named after it)."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        roles = self.admin(
            f"SELECT rolname FROM pg_roles WHERE starts_with(rolname, '{name}_') AND NOT rolsuper"
        )
        for (role,) in roles:
            for attempt in range(3):
                try:
                    self.admin(f'DROP ROLE IF EXISTS "{role}"')
                    break
                except Exception:  # a just-closed session of the role may linger
                    time.sleep(0.1 * (attempt + 1))
