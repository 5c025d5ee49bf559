"""The database: where it is, how it is opened, and how its schema is kept current.

SQLite (the default, a file in the per-user data dir) is opened in WAL mode with
foreign keys on and a generous busy timeout; write transactions take the write lock
up front (``BEGIN IMMEDIATE``) so a nightly export and a salesperson never meet
"database is locked". A SQLite file is for one machine: WAL needs every process on
the same host, so a file on a network drive is not a way to share a book.

PostgreSQL is reached with a ``postgresql+psycopg://`` URL: a team's shared book.
Read transactions run at REPEATABLE READ (one consistent snapshot, however long an
export takes); write transactions at READ COMMITTED, where services lock the rows
they read, modify and write back (``SELECT ... FOR UPDATE``, see
:func:`crmcli.services.refs.resolve`) so concurrent writers never lose an update.

Checking that the schema is current costs one query against ``alembic_version``;
Alembic itself is imported only when an upgrade is due.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from crmcli.errors import DatabaseError
from crmcli.i18n import t

#: The Alembic revision this code works with; ``tests/test_migrations.py`` checks
#: that it is the head of ``crmcli/migrations/versions``.
HEAD = "i18_custom_fields"

BUSY_TIMEOUT_MS = 15_000


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("crmcli")) / "crm.db"


def resolve_url(value: str | None) -> str:
    """The database URL for ``--db`` / ``CRM_DB`` / the per-user default."""
    value = value or os.environ.get("CRM_DB") or str(default_path())
    if "://" in value:
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def display_url(url: str) -> str:
    """A URL fit to print: the path for SQLite, the password hidden otherwise."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and an empty database file (0600) on first use."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass


def _use_wal(cur: Any) -> None:
    """Put the file in WAL mode (kept in the file: later openings find it so). Switching
    takes the file for a moment, and SQLite answers "locked" at once rather than wait when
    others have it open (as when several processes open a new book together): so retry
    within the busy timeout."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL").fetchone()
            return  # (WAL, or a mode SQLite keeps: the book works in its old journal mode)
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


_encode: Any = None


def _json(value: Any) -> str:
    """JSON columns as UTF-8 text: SQLite's json_extract finds a Chinese key only so. (One
    encoder for every value: ``json.dumps`` with an option builds a new one each call.)"""
    global _encode
    if _encode is None:
        import json

        _encode = json.JSONEncoder(ensure_ascii=False).encode
    return _encode(value)


def _open_read_only(path: Path) -> Any:
    """A SQLite file this process may read but not write (a copy on a read-only share, an
    archive), opened read-only. In a folder it may not write either, a WAL file's shared
    index cannot be made: with no WAL file there, nobody is writing, so it is read as
    immutable."""
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}?mode=ro"
    timeout = BUSY_TIMEOUT_MS / 1000
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if os.access(path.parent, os.W_OK) or wal.exists():
            raise
    return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=timeout, check_same_thread=False)


class Database:
    """One database, opened lazily: ``read()`` and ``write()`` give sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.path = Path(url[len("sqlite:///") :]) if self.is_sqlite else None
        self._engine: Any = None
        #: a SQLite file this process may read but not write: read commands work, writes
        #: are refused with a clear error (set when the engine is made)
        self.read_only = False

    @property
    def display(self) -> str:
        return display_url(self.url)

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = self._create_engine()
        return self._engine

    def _create_engine(self) -> Any:
        from sqlalchemy import create_engine, event

        if not self.is_sqlite:
            try:
                return create_engine(self.url, pool_pre_ping=False, json_serializer=_json)
            except Exception as e:  # bad URL, missing driver
                raise DatabaseError(
                    t("cannot open database {path}: {error}", path=self.display, error=e)
                ) from None
        assert self.path is not None
        try:
            _prepare_sqlite_file(self.path)
        except OSError as e:
            raise DatabaseError(
                t("cannot open database {path}: {error}", path=self.path, error=e.strerror)
            ) from None
        self.read_only = not os.access(self.path, os.W_OK)
        if self.read_only:
            path = self.path
            engine = create_engine(
                "sqlite://", creator=lambda: _open_read_only(path), json_serializer=_json
            )
        else:
            engine = create_engine(
                self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, json_serializer=_json
            )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not self.read_only:  # (a write: a read-only file keeps the mode it has)
                _use_wal(cur)
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get("crm_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    # -- sessions -------------------------------------------------------------------

    @contextmanager
    def connect(self, *, write: bool) -> Iterator[Any]:
        """A connection inside one transaction: committed on success, else rolled back."""
        from sqlalchemy.exc import OperationalError

        try:
            conn = self.engine.connect()
        except OperationalError as e:
            raise DatabaseError(
                t("cannot open database {path}: {error}", path=self.display, error=e.orig)
            ) from None
        if write and self.read_only:
            conn.close()
            raise self._refuse_write()
        with conn:
            if write:
                conn.execution_options(crm_write=True)
                if not self.is_sqlite:
                    conn.execution_options(isolation_level="READ COMMITTED")
            elif not self.is_sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Any]:
        """An ORM session in one transaction; a write session holds the write lock."""
        from sqlmodel import Session

        with self.connect(write=write) as conn:
            session = Session(bind=conn, expire_on_commit=False, autoflush=True)
            try:
                yield session
                if write:
                    session.flush()
            finally:
                session.close()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- schema ---------------------------------------------------------------------

    def revision(self) -> str | None:
        """The schema revision stored in the database (None for a new database)."""
        with self.connect(write=False) as conn:
            return self.revision_in(conn)

    @staticmethod
    def revision_in(conn: Any) -> str | None:
        if not conn.dialect.has_table(conn, "alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def _refuse_write(self, hint: str | None = None) -> DatabaseError:
        return DatabaseError(
            t("database {path} is read-only: it can be read, not changed", path=self.display),
            hint=hint or t("copy it to a folder you may write, or ask for write access to it"),
        )

    def ensure_schema(self, notify: Callable[[str], None] | None = None) -> None:
        """Create or upgrade the schema unless it is current (the cheap, usual case)."""
        found = self.revision()
        if found == HEAD:
            return
        if self.read_only:  # (the engine, made by revision(), knows)
            raise self._refuse_write(
                t(
                    "its schema ({found}) needs an upgrade to {head}: copy it to a folder "
                    "you may write and open the copy",
                    found=found or "-",
                    head=HEAD,
                )
            )
        from crmcli.migrate import upgrade

        upgrade(self, notify=notify)

    def backup_to(self, target: Path) -> None:
        """Copy a SQLite database (consistently, while others write) to a new file."""
        import sqlite3

        assert self.path is not None
        tmp = target.with_name(target.name + ".part")
        src = (
            _open_read_only(self.path)
            if self.read_only
            else sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        )
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)

    def backup_path(self, label: str) -> Path:
        assert self.path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.path.with_name(f"{self.path.name}.bak-{label}-{stamp}")
