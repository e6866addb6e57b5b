"""The database itself: its URL, the engine (SQLite pragmas, the write lock), migrations, errors.

`Database` opens a SQLite file or a PostgreSQL URL and brings its schema to the latest
migration; `connect()` gives a connection to read, `transaction()` one that holds the
write lock. Every SQLAlchemy error leaves as a StoreError naming the database and the
fix. store.Store adds the writes and reads of armsgraph's tables to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from armsgraph.errors import StoreError

DEFAULT_DB = "armsgraph.db"
# The PostgreSQL advisory lock every write transaction (and the migrations) holds: writers
# of one database take turns, as SQLite's BEGIN IMMEDIATE makes them. Without it two
# processes merging reports of one event at once each read the event before the other's
# report and one update was lost (n_sources one short).
_WRITE_LOCK = 0x61726D73  # "arms"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for `db`: a path (SQLite), a sqlite:/postgresql: URL, or
    ARMSGRAPH_DB, or ./armsgraph.db. `postgresql://` uses the psycopg (3) driver."""
    value = str(db) if db is not None else os.environ.get("ARMSGRAPH_DB") or DEFAULT_DB
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser())


def describe_url(url: str) -> str:
    """The URL without its password, to name a database in messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


class Database:
    """A SQLite file or PostgreSQL database: `Database()` opens ./armsgraph.db (or
    ARMSGRAPH_DB), `Database(path)` a SQLite file, `Database("postgresql://user@host/db")`
    a PostgreSQL database. Opening creates or migrates the schema to the latest version."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, migrate: bool = True):
        self.url = database_url(db)
        self.name = describe_url(self.url)
        self.dialect = make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            path = make_url(self.url).database
            if path and path != ":memory:" and not Path(path).parent.exists():
                raise StoreError(
                    f"directory {Path(path).parent} does not exist",
                    where=self.name,
                    hint="create it or choose another --db",
                )
        try:
            self.engine: Engine = self._engine()
            if migrate:
                self.migrate()
        except sa_exc.NoSuchModuleError as err:
            raise StoreError(
                f"no database driver for {self.name}",
                where=self.name,
                hint="for PostgreSQL: pip install 'armsgraph[postgres]'",
            ) from err
        except ImportError as err:
            raise StoreError(
                f"cannot load the database driver ({err})",
                where=self.name,
                hint="for PostgreSQL: pip install 'armsgraph[postgres]'",
            ) from err
        except sa_exc.SQLAlchemyError as err:
            raise StoreError(
                f"cannot open the database: {err.__class__.__name__}: {_first_line(err)}",
                where=self.name,
                hint=_hint_for(err),
            ) from err

    # -- connection plumbing -------------------------------------------------------------

    def _engine(self) -> Engine:
        if self.dialect != "sqlite":
            return create_engine(self.url, pool_pre_ping=True)
        engine = create_engine(self.url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin() decide when a transaction starts (see _on_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cur.execute(
                "PRAGMA synchronous=NORMAL"
            )  # safe with WAL; commits stay durable on crash of the process
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # Checkpoint the WAL every ~40 MB instead of every 4 MB: each checkpoint syncs
            # the file, and with one transaction per document they dominated commit time.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.execute("PRAGMA journal_size_limit=67108864")  # a checkpointed WAL shrinks back
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock up front, so two writers wait for each other
            # instead of failing half-way with "database is locked".
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (pass it to store.queries functions)."""
        with self._errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one write transaction: committed at the end, rolled back on
        error. It holds the database's write lock from its start (SQLite: BEGIN IMMEDIATE;
        PostgreSQL: an advisory lock), so concurrent writers wait for each other."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.SQLAlchemyError as err:
            raise StoreError(
                f"database error: {_first_line(err)}", where=self.name, hint=_hint_for(err)
            ) from err

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the latest migration (Alembic, recorded in alembic_version).

        The migrations run in one transaction that holds the write lock from its start
        (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so processes opening a
        new database at once wait for each other like any writers, and the later ones
        find the schema made."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            # A plain read first: an up-to-date database (the usual case) takes no lock.
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
            if current == head:
                return
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")


def _hint_for(err: BaseException) -> str:
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "another process is writing to this SQLite file; wait for it to finish, or use PostgreSQL for concurrent writers"
    if "disk" in text and "full" in text or "no space" in text:
        return "free disk space and re-run; what was committed is kept"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the database file or its directory is not writable; choose another --db"
    if "unable to open" in text:
        return "check that the directory of --db exists and is writable"
    if (
        "connection" in text
        or "server closed" in text
        or "terminating" in text
        or "could not connect" in text
    ):
        return "check that the PostgreSQL server is running and reachable, then re-run; what was committed is kept"
    if "not a database" in text or "malformed" in text:
        return "--db does not point to an armsgraph SQLite file"
    return "re-run; what was committed is kept"


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err)
    return text.strip().splitlines()[0] if text.strip() else err.__class__.__name__


def _as_one_tuple(get: Callable[[Any], Any]) -> Callable[[Any], tuple[Any]]:
    """itemgetter of one key returns the value, not a 1-tuple: wrap it."""

    def one(row: Any) -> tuple[Any]:
        return (get(row),)

    return one


# INSERT statements compiled once per (dialect, table, columns, skip_existing).
_INSERTS: dict[tuple[str, str, tuple[str, ...], bool], tuple[str, Any]] = {}


def insert_rows(
    conn: Connection, table: Any, rows: list[dict[str, Any]], *, skip_existing: bool = False
) -> None:
    """INSERT many rows (with `skip_existing`, ON CONFLICT DO NOTHING) through the driver's
    executemany: SQLAlchemy's per-row parameter processing cost more than SQLite's insert."""
    if not rows:
        return
    keys = tuple(rows[0])
    cache_key = (conn.dialect.name, table.name, keys, skip_existing)
    cached = _INSERTS.get(cache_key)
    if cached is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table)
        if skip_existing:
            stmt = stmt.on_conflict_do_nothing()
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(keys))
        # A positional paramstyle (SQLite's "?") takes tuples in the statement's order.
        getter = itemgetter(*compiled.positiontup) if compiled.positional else None
        if getter is not None and len(compiled.positiontup) == 1:
            getter = _as_one_tuple(getter)
        cached = _INSERTS[cache_key] = (str(compiled), getter)
    sql, getter = cached
    conn.exec_driver_sql(sql, rows if getter is None else [getter(r) for r in rows])
