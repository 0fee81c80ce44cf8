"""The warehouse as a DuckLake: create, look up known documents, load a run, read, export.

Every row lives once, in Parquet under the data path; the catalog (SQLite by default,
PostgreSQL for many machines) records tables, files and snapshots. A load is one DuckLake
transaction: the rows of replaced documents are deleted, the run's staged rows inserted, the
entities the run touched recomputed, the ledger row written and the data checks run over what
the load touched; then it commits, as one snapshot. A killed load commits nothing: readers
keep seeing the last snapshot, and the next run deletes the files the killed one wrote.
Readers see the last committed snapshot (or an older one) and never block the writer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from schemas import DOCUMENT_TABLES, TABLES
from schemas.convert import records_to_table
from schemas.ledger import RejectRecord, RunRecord
from transforms.classify import KnownDocuments
from warehouse.checks import Scope, build_checks, contract_check, run_checks, run_named_checks
from warehouse.ddl import all_ddl, duckdb_type
from warehouse.errors import WarehouseError, WarehouseNotFoundError, WarehouseUnusableError
from warehouse.faults import pause_at
from warehouse.lake import catalog_exists, check_query, connect_reader, connect_writer
from warehouse.layout import CATALOG_ALIAS, S3Options, WarehouseLayout
from warehouse.staging import ARTICLES_DIR, Staging, write_parquet
from warehouse.stories import assign_stories

#: Attempts of a load that loses a commit race to another writer (shared catalog).
LOAD_ATTEMPTS = 5


class UnknownRunError(WarehouseError):
    """``--at`` named a run the ledger does not hold as committed."""


def view_sql() -> list[tuple[str, str]]:
    """``(view name, CREATE VIEW statement)`` for every analyst view, from the .sql files."""
    folder = resources.files("warehouse") / "sql" / "views"
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".sql"):
            out.append((item.name.removesuffix(".sql"), item.read_text(encoding="utf-8")))
    return out


def create_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create every table of the contract, missing columns and every view (idempotent).

    Returns:
        Whether anything was created (a schema change, to be committed).
    """
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = 'main'"
        ).fetchall()
    }
    views = dict(
        con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database()"
        ).fetchall()
    )
    tables = {t for t, _ in existing}
    changed = False
    comments: list[str] = []
    if not set(TABLES) <= tables:
        # tables first; comments after the columns a later schema added exist
        for statement in all_ddl():
            if statement.startswith("COMMENT"):
                comments.append(statement)
            else:
                con.execute(statement)
        changed = True
    if "entity_names" not in tables:
        con.execute(ENTITY_NAMES_DDL)
        rebuild_entity_names(con)
        changed = True
    for table, schema in TABLES.items():
        for f in schema:
            if table in tables and (table, f.name) not in existing:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {f.name} {duckdb_type(f.type)}")
                changed = True
    for statement in comments:
        con.execute(statement)
    for name, sql in view_sql():
        tag = view_tag(sql)
        if name not in views or changed or views[name] != tag:
            # a view whose .sql file changed since it was created is created again: an
            # upgraded presslake serves its own views on an existing warehouse
            con.execute(sql)
            con.execute(f"COMMENT ON VIEW {name} IS '{tag}'")
            changed = True
    return changed


def view_tag(sql: str) -> str:
    """The comment a view carries: a hash of the .sql file it was created from."""
    return "presslake view " + hashlib.sha256(sql.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did.

    Attributes:
        run_id: The run.
        snapshot_id: The DuckLake snapshot the load committed.
        rows: Rows inserted per document table, and ``replaced_documents``.
        checks_passed: Names of the data checks that passed.
        seconds: Time of the load.
        table_counts: Rows of every table after the load.
    """

    run_id: str
    snapshot_id: int | None
    rows: dict[str, int]
    checks_passed: list[str]
    seconds: float
    table_counts: dict[str, int]


class DocumentIndex:
    """Asks the committed warehouse about given ``doc_id``\\ s and ``source_id``\\ s only."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None) -> None:
        self._con = con

    def lookup(self, *, doc_ids: Sequence[str], source_ids: Sequence[str]) -> KnownDocuments:
        """What the warehouse holds about these documents and sources."""
        if self._con is None or not (doc_ids or source_ids):
            return KnownDocuments({}, {})
        rows = self._con.execute(
            "SELECT doc_id, pipeline_version, source_id FROM documents "
            "WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
            "OR source_id IN (SELECT unnest(?::VARCHAR[]))",
            [list(doc_ids), list(source_ids)],
        ).fetchall()
        return KnownDocuments(
            pipeline_by_doc={doc: ver for doc, ver, _ in rows},
            doc_by_source={src: doc for doc, _, src in rows},
        )


class Warehouse:
    """One warehouse: a DuckLake catalog, its data path, and a local directory for staging,
    source state and the writer lock."""

    def __init__(
        self,
        root: Path | str,
        *,
        catalog: str | None = None,
        data_path: str | None = None,
        s3: S3Options | None = None,
    ) -> None:
        self.layout = WarehouseLayout(
            Path(root),
            catalog=str(catalog) if catalog else None,
            data_path=str(data_path) if data_path else None,
            s3=s3 or S3Options(),
        )
        self._writer: duckdb.DuckDBPyConnection | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"layout": self.layout, "_writer": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.layout = state["layout"]
        self._writer = None

    def _write_connection(self) -> duckdb.DuckDBPyConnection:
        """A new connection (cursor) to this process's writer DuckDB, opened once: loading
        the extensions and attaching the catalog cost more than a small load itself."""
        if self._writer is None:
            self.layout.root.mkdir(parents=True, exist_ok=True)
            self._writer = connect_writer(self.layout)
        cursor = self._writer.cursor()
        cursor.execute(f"USE {CATALOG_ALIAS}")
        return cursor

    def close(self) -> None:
        """Close the writer connection, if one is open."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # -- readers -------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the warehouse's catalog exists."""
        return catalog_exists(self.layout)

    def _require(self) -> None:
        if self.exists():
            return
        if self.layout.legacy_db.exists():
            raise WarehouseNotFoundError(
                f"{self.layout.root} holds a warehouse of the layout before DuckLake "
                f"({self.layout.legacy_db.name}); run `presslake migrate --warehouse "
                f"{self.layout.root}` once"
            )
        if self.layout.is_postgres:
            raise WarehouseNotFoundError(
                f"no warehouse in the PostgreSQL catalog {self.layout.catalog_display} yet; "
                "run `presslake run SOURCE --catalog URL --data-path PATH` first"
            )
        raise WarehouseNotFoundError(
            f"no warehouse at {self.layout.root} (expected {self.layout.sqlite_catalog}); "
            "run `presslake run SOURCE --warehouse DIR` first"
        )

    def check_usable(self, *, write: bool) -> None:
        """Fail with one clear line, before a run starts, when the warehouse cannot be used:
        the path is a file, the directory (or the catalog file) is not writable, or the
        catalog is not a readable DuckLake catalog.

        Raises:
            WarehouseUnusableError: naming the path, the problem and what to do.
        """
        root = self.layout.root
        if root.exists() and not root.is_dir():
            raise WarehouseUnusableError(
                f"--warehouse {root} is a file; give a directory (it is created if missing)"
            )
        if write:
            self._check_writable()
        if self.exists():
            self._check_readable()

    def _check_writable(self) -> None:
        root = self.layout.root
        catalog = self.layout.sqlite_catalog
        probe = root / f".write-probe-{os.getpid()}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
            if catalog is not None and catalog.exists():
                with catalog.open("ab"):
                    pass
        except OSError as err:
            probe.unlink(missing_ok=True)
            what = catalog if catalog is not None and catalog.exists() and root.is_dir() else root
            raise WarehouseUnusableError(
                f"warehouse {what} is not writable ({err.strerror or err}); fix its "
                "permissions or attributes (read-only mount, chattr +i) or choose another "
                "--warehouse"
            ) from err

    def _check_readable(self) -> None:
        catalog = self.layout.sqlite_catalog
        try:
            if catalog is not None:
                with contextlib.closing(sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)) as db:
                    db.execute("PRAGMA schema_version").fetchone()
            with self.reader() as con:
                con.execute("SELECT count(*) FROM runs").fetchone()
        except (duckdb.Error, sqlite3.Error) as err:
            detail = " ".join(str(err).split())[:200]
            # a PostgreSQL catalog is not named: its URI may hold a password
            name = str(catalog) if catalog is not None else "(the PostgreSQL database)"
            raise WarehouseUnusableError(
                f"warehouse catalog {name} is corrupted or not a presslake DuckLake catalog "
                f"({detail}); the data files under {self.layout.lake} are intact: restore "
                f"the catalog from a backup copy of {name}"
            ) from err

    @contextmanager
    def reader(
        self, *, at_run: str | None = None, snapshot: int | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the last committed snapshot (or to the snapshot of run
        ``at_run``, or ``snapshot``), where every table and view is reachable by its bare
        name, and which cannot write anything or read files outside the warehouse.

        Raises:
            WarehouseNotFoundError: when no warehouse exists there.
            UnknownRunError: when ``at_run`` is no committed run.
        """
        self._require()
        if at_run is not None:
            snapshot = self.snapshot_of(at_run)
        con = connect_reader(self.layout, snapshot=snapshot)
        try:
            yield con
        finally:
            con.close()

    def snapshot_of(self, run_id: str) -> int:
        """The snapshot that committed run ``run_id``.

        Raises:
            UnknownRunError: when the ledger holds no committed run of that id.
        """
        with self.reader() as con:
            row = con.execute(
                "SELECT snapshot_id FROM runs WHERE run_id = ? AND status = 'completed'",
                [run_id],
            ).fetchone()
            if row is None or row[0] is None:
                # a run committed before snapshot ids were recorded: its commit message
                found = con.execute(
                    f"SELECT max(snapshot_id) FROM ducklake_snapshots('{CATALOG_ALIAS}') "
                    "WHERE commit_message = ?",
                    [f"run {run_id}"],
                ).fetchone()
                if found is None or found[0] is None:
                    raise UnknownRunError(
                        f"no committed run {run_id!r} in {self.layout.root}; "
                        "`presslake status` lists the runs"
                    )
                return int(found[0])
            kept = con.execute(
                f"SELECT count(*) FROM ducklake_snapshots('{CATALOG_ALIAS}') WHERE snapshot_id = ?",
                [row[0]],
            ).fetchone()
            if not kept or not kept[0]:
                raise UnknownRunError(
                    f"run {run_id!r} committed snapshot {row[0]}, which `presslake maintain` "
                    "has since expired (--retention); only runs of kept snapshots can be "
                    "queried with --at"
                )
            return int(row[0])

    def query(
        self, sql: str, *, at_run: str | None = None, max_rows: int | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a read-only ``sql`` (queries only); return column names and rows.

        Raises:
            ReadOnlyQueryError: when ``sql`` holds anything but queries.
            duckdb.Error: when the query fails.
        """
        check_query(sql)
        with self.reader(at_run=at_run) as con:
            result = con.execute(sql)
            columns = [d[0] for d in result.description or []]
            rows = result.fetchall() if max_rows is None else result.fetchmany(max_rows)
        return columns, rows

    @contextmanager
    def document_index(self) -> Iterator[DocumentIndex]:
        """A lookup of known documents over the last committed snapshot (through the
        writer's connection when the writer is open)."""
        if not self.exists():
            yield DocumentIndex(None)
            return
        con = self._write_connection() if self._writer is not None else connect_reader(self.layout)
        try:
            yield DocumentIndex(con)
        finally:
            con.close()

    def table_counts(self) -> dict[str, int]:
        """Row count of every contract table."""
        with self.reader() as con:
            return _table_counts(con)

    def export(self, out: Path, *, at_run: str | None = None) -> dict[str, int]:
        """Write every contract table as ``out/<table>.parquet``; return rows per table."""
        counts: dict[str, int] = {}
        with self.reader(at_run=at_run) as con:  # no folder made for a warehouse not there
            out.mkdir(parents=True, exist_ok=True)
            for table in TABLES:
                arrow = con.execute(f"SELECT * FROM {table}").to_arrow_table()
                # the contract's own schema (types, nullability, descriptions)
                arrow = arrow.select(TABLES[table].names).cast(TABLES[table])
                write_parquet(arrow, out / f"{table}.parquet")
                counts[table] = arrow.num_rows
        return counts

    # -- the writer (hold warehouse.lock.writer_lock) ------------------------------------
    def staging(self, run_id: str) -> Staging:
        """The staging folder of run ``run_id``."""
        return Staging(self.layout.staging_root, run_id)

    def cleanup_leftovers(self) -> list[str]:
        """Remove what killed runs left: staged folders, and data files no snapshot knows.

        Call while holding the writer lock: every staged folder then belongs to a run that
        is over (a committed run's rows are in the DuckLake; an uncommitted one's are void).
        """
        removed: list[str] = []
        root = self.layout.staging_root
        if root.exists():
            for staged in sorted(root.iterdir()):
                Staging(root, staged.name).remove()
                removed.append(str(staged))
        if self.exists():
            con = self._write_connection()
            try:
                # a shared (PostgreSQL) catalog may have other writers: spare recent files
                window = (
                    "older_than => now() - INTERVAL 1 HOUR"
                    if self.layout.is_postgres
                    else ("cleanup_all => true")
                )
                rows = con.execute(
                    f"SELECT * FROM ducklake_delete_orphaned_files('{CATALOG_ALIAS}', {window})"
                ).fetchall()
                removed.extend(str(r[0]) for r in rows)
            finally:
                con.close()
        return removed

    def load(
        self,
        *,
        run: RunRecord,
        rejects: Sequence[RejectRecord],
        fault: str | None = None,
    ) -> LoadResult:
        """:meth:`_load_once`, again when another writer of a shared (PostgreSQL) catalog
        committed a conflicting change first: the failed attempt committed nothing and the
        staged rows are still there, so the load starts over on the new snapshot."""
        for attempt in range(LOAD_ATTEMPTS):
            try:
                return self._load_once(run=run, rejects=rejects, fault=fault)
            except duckdb.TransactionException as err:
                if "conflict" not in str(err).lower() or attempt == LOAD_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _load_once(
        self,
        *,
        run: RunRecord,
        rejects: Sequence[RejectRecord],
        fault: str | None = None,
    ) -> LoadResult:
        """Load the staged rows of ``run`` in one DuckLake transaction, with the data checks.

        The documents that staged articles replace (their ``replaces`` label, for articles
        whose analysis succeeded) lose all their rows; the staged rows are inserted; the
        entities the run touched are recomputed; the ledger row (status ``completed``) and the
        rejects are written; the checks run over what the load touched; then it commits.

        Args:
            run: The ledger row.
            rejects: ``rejects`` rows of the run.
            fault: Test hook: ``"before_commit"`` raises inside the transaction.

        Raises:
            DataCheckError: when a check fails (nothing is committed).
        """
        started = time.perf_counter()
        staging = self.staging(run.run_id)
        con = self._write_connection()
        try:
            con.execute("BEGIN TRANSACTION")
            snapshot = _current_snapshot(con) + 1
            create_schema(con)
            record = dataclasses.replace(run, status="completed", snapshot_id=snapshot)
            if staging.has_rows():
                rows = _merge(con, staging)
                assign_stories(con, run_id=run.run_id)
                scope = Scope(
                    run_id=run.run_id,
                    staged={t: f"stg_{t}" for t in DOCUMENT_TABLES},
                    entities="touched_entities",
                    lost_entities="recomputed_entities" if rows["replaced_documents"] else None,
                )
                _write_ledger(con, record, rejects)
                contract_check(con)
                passed = ["contract_columns_present", *run_checks_scoped(con, scope)]
            else:
                # nothing analysed (a no-op re-run): the ledger row and rejects alone
                rows = {}
                _write_ledger(con, record, rejects)
                checks = [c for c in build_checks() if c.name.split(".")[0] in {"runs", "rejects"}]
                passed = run_named_checks(con, checks)
            con.execute(
                f"CALL ducklake_set_commit_message('{CATALOG_ALIAS}', 'presslake', ?)",
                [f"run {run.run_id}"],
            )
            if fault == "before_commit":
                raise RuntimeError("fault injected before commit")
            pause_at("merge")  # test hook: waits here when PRESSLAKE_FAULT_PAUSE names it
            con.execute("COMMIT")
            committed = _current_snapshot(con)
            counts = _table_counts(con)
        except BaseException:
            _rollback(con)
            con.close()
            raise
        con.close()
        staging.remove()
        return LoadResult(
            run_id=run.run_id,
            snapshot_id=committed,
            rows=rows,
            checks_passed=passed,
            seconds=time.perf_counter() - started,
            table_counts=counts,
        )

    def store_report(self, run_id: str, report: str, *, snapshot_id: int | None = None) -> None:
        """Put the run's final report (rendered after its load) on its ledger row (again
        when another writer of a shared catalog committed a conflicting change first)."""
        for attempt in range(LOAD_ATTEMPTS):
            try:
                self._store_report_once(run_id, report, snapshot_id=snapshot_id)
                return
            except duckdb.TransactionException as err:
                if "conflict" not in str(err).lower() or attempt == LOAD_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _store_report_once(
        self, run_id: str, report: str, *, snapshot_id: int | None = None
    ) -> None:
        con = self._write_connection()
        try:
            con.execute("BEGIN TRANSACTION")
            if snapshot_id is None:
                con.execute("UPDATE runs SET report = ? WHERE run_id = ?", [report, run_id])
            else:
                con.execute(
                    "UPDATE runs SET report = ?, snapshot_id = ? WHERE run_id = ?",
                    [report, snapshot_id, run_id],
                )
            con.execute(
                f"CALL ducklake_set_commit_message('{CATALOG_ALIAS}', 'presslake', ?)",
                [f"report {run_id}"],
            )
            con.execute("COMMIT")
        finally:
            con.close()

    def record_failure(self, run: RunRecord) -> None:
        """Record a failed (or ``interrupted``) run in the ledger: one short transaction of
        the ledger row, creating the catalog when the run failed before its first load. The
        given status (``failed`` or ``interrupted``) and error are kept; a run the ledger
        already shows as completed is left as it is."""
        status = run.status if run.status in ("failed", "interrupted") else "failed"
        # a connection of its own: a signal records the run from another thread while the
        # run's thread may be closing the shared writer connection
        self.layout.root.mkdir(parents=True, exist_ok=True)
        writer = connect_writer(self.layout)
        con = writer.cursor()
        try:
            con.execute(f"USE {CATALOG_ALIAS}")
            con.execute("BEGIN TRANSACTION")
            create_schema(con)
            done = con.execute(
                "SELECT 1 FROM runs WHERE run_id = ? AND status = 'completed'", [run.run_id]
            ).fetchone()
            if done:
                con.execute("ROLLBACK")
                return
            con.execute("DELETE FROM runs WHERE run_id = ?", [run.run_id])
            con.register(
                "run_row",
                records_to_table("runs", [dataclasses.replace(run, status=status)]),
            )
            con.execute("INSERT INTO runs BY NAME SELECT * FROM run_row")
            con.execute(
                f"CALL ducklake_set_commit_message('{CATALOG_ALIAS}', 'presslake', ?)",
                [f"{status} {run.run_id}"],
            )
            con.execute("COMMIT")
        finally:
            con.close()
            writer.close()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # no transaction open
        con.execute("ROLLBACK")


def run_checks_scoped(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """The checks of :func:`warehouse.checks.build_checks` over ``scope``."""
    return run_named_checks(con, build_checks(scope=scope))


def _current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"SELECT id FROM ducklake_current_snapshot('{CATALOG_ALIAS}')").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
        for t in TABLES
    }


def _paths(files: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in files) + "]"


def _merge(con: duckdb.DuckDBPyConnection, staging: Staging) -> dict[str, int]:
    """Inside the load transaction: replace, insert, maintain entities. Returns rows per
    table (and ``replaced_documents``, ``entities_updated``)."""
    for table in DOCUMENT_TABLES:
        files = staging.table_files(table)
        source = f"read_parquet({_paths(files)})" if files else f"{table} LIMIT 0"
        con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{table} AS SELECT * FROM {source}")
    # the documents the run's articles replace (articles whose analysis failed replace none)
    articles = staging.path / ARTICLES_DIR
    article_files = sorted(articles.glob("*.parquet"))
    if article_files:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE replaced AS "
            f"SELECT DISTINCT a.replaces AS doc_id FROM read_parquet({_paths(article_files)}) AS a "
            "SEMI JOIN stg_documents AS d ON a.doc_id = d.doc_id "
            "WHERE a.replaces IS NOT NULL"
        )
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE replaced (doc_id VARCHAR)")
    n_replaced = int(con.execute("SELECT count(*) FROM replaced").fetchone()[0])  # type: ignore[index]
    # entities whose mentions change: those of the run and those of the replaced documents
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched_entities AS "
        "SELECT DISTINCT entity_id FROM stg_entity_mentions"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE removed_mentions AS SELECT * FROM entity_mentions "
        + ("WHERE doc_id IN (SELECT doc_id FROM replaced)" if n_replaced else "LIMIT 0")
    )
    if n_replaced:
        con.execute(
            "INSERT INTO touched_entities SELECT DISTINCT entity_id FROM removed_mentions "
            "EXCEPT SELECT entity_id FROM touched_entities"
        )
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM replaced)")
    rows: dict[str, int] = {}
    for table in DOCUMENT_TABLES:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM stg_{table}")
        rows[table] = int(con.execute(f"SELECT count(*) FROM stg_{table}").fetchone()[0])  # type: ignore[index]
    rows["replaced_documents"] = n_replaced
    rows["entities_updated"] = maintain_entities(con)
    return rows


#: The name counts behind ``entities.name`` and ``entities.type`` (warehouse-internal: not a
#: contract table): mentions per entity, canonical name and type.
ENTITY_NAMES_DDL = (
    "CREATE TABLE IF NOT EXISTS entity_names (entity_id VARCHAR NOT NULL, "
    "entity_name VARCHAR, entity_type VARCHAR, n BIGINT NOT NULL)"
)

_BEST = """
    SELECT entity_id,
           arg_max(entity_name, (n, entity_name)) AS name,
           arg_max(entity_type, (n, entity_type)) AS type
    FROM {names} GROUP BY entity_id
"""


def rebuild_entity_names(con: duckdb.DuckDBPyConnection) -> None:
    """Recount ``entity_names`` from every mention."""
    con.execute("DELETE FROM entity_names")
    con.execute(
        "INSERT INTO entity_names SELECT entity_id, entity_name, entity_type, count(*) "
        "FROM entity_mentions GROUP BY ALL"
    )


def maintain_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Inside the load: bring the entities of ``touched_entities`` up to date.

    Reads the temp tables ``stg_entity_mentions`` (mentions added) and ``removed_mentions``
    (mentions of replaced documents, deleted). The name counts are updated by the
    difference; an entity that only gained mentions is updated from its row and the new
    mentions (its counts add up, its aliases join), without reading its older mentions; an
    entity that lost mentions is recomputed from all of its mentions. The result equals
    :func:`update_entities` over every mention. Returns the entity rows written.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE name_counts AS
        SELECT entity_id, entity_name, entity_type, sum(n)::BIGINT AS n FROM (
            SELECT entity_id, entity_name, entity_type, n FROM entity_names
            WHERE entity_id IN (SELECT entity_id FROM touched_entities)
            UNION ALL
            SELECT entity_id, entity_name, entity_type, count(*) FROM stg_entity_mentions
            GROUP BY ALL
            UNION ALL
            SELECT entity_id, entity_name, entity_type, -count(*) FROM removed_mentions
            GROUP BY ALL
        ) GROUP BY ALL HAVING sum(n) > 0
        """
    )
    con.execute(
        "DELETE FROM entity_names WHERE entity_id IN (SELECT entity_id FROM touched_entities)"
    )
    con.execute("INSERT INTO entity_names SELECT * FROM name_counts")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE recomputed_entities AS "
        "SELECT DISTINCT entity_id FROM removed_mentions"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE grown_entities AS SELECT entity_id FROM touched_entities "
        "EXCEPT SELECT entity_id FROM recomputed_entities"
    )
    n = update_entities(con, "recomputed_entities")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE old_entities AS SELECT * FROM entities "
        "WHERE entity_id IN (SELECT entity_id FROM grown_entities)"
    )
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM grown_entities)")
    con.execute(
        f"""
        INSERT INTO entities BY NAME
        WITH s AS (
            SELECT entity_id,
                   list(text) FILTER (WHERE mention_kind = 'name') AS aliases,
                   count(*) AS n_mentions,
                   count(DISTINCT doc_id) AS n_docs,
                   min(entity_key) AS entity_key
            FROM stg_entity_mentions
            WHERE entity_id IN (SELECT entity_id FROM grown_entities)
            GROUP BY entity_id
        ), best AS ({_BEST.format(names="name_counts")})
        SELECT s.entity_id,
               b.name,
               b.type,
               CASE WHEN o.aliases IS NULL AND s.aliases IS NULL THEN NULL
                    ELSE list_sort(list_distinct(list_concat(
                        coalesce(o.aliases, []::VARCHAR[]), coalesce(s.aliases, []::VARCHAR[])
                    )))
               END AS aliases,
               coalesce(o.n_mentions, 0) + s.n_mentions AS n_mentions,
               coalesce(o.n_docs, 0) + s.n_docs AS n_docs,
               list_min([o.entity_key, s.entity_key]) AS entity_key
        FROM s JOIN best AS b USING (entity_id) LEFT JOIN old_entities AS o USING (entity_id)
        """
    )
    row = con.execute("SELECT count(*) FROM grown_entities").fetchone()
    return n + (int(row[0]) if row else 0)


def update_entities(con: duckdb.DuckDBPyConnection, touched: str | None = None) -> int:
    """Recompute the entity dimension for the entity ids in relation ``touched`` (or for
    every entity) from their mentions; an entity left without mentions goes.

    The name is the canonical name most mentions carry; aliases are every distinct surface
    form of a name mention. Returns the number of entity rows written.
    """
    where = f"WHERE entity_id IN (SELECT entity_id FROM {touched})" if touched else ""
    con.execute(f"DELETE FROM entities {where}")
    if not touched:
        rebuild_entity_names(con)
    con.execute(
        f"""
        INSERT INTO entities BY NAME
        WITH m AS (
            SELECT * FROM entity_mentions {where}
        ), names AS (
            SELECT entity_id, entity_name, entity_type, count(*) AS n FROM m GROUP BY ALL
        ), best AS ({_BEST.format(names="names")})
        SELECT m.entity_id,
               b.name,
               b.type,
               list_sort(list_distinct(list(m.text) FILTER (WHERE m.mention_kind = 'name')))
                   AS aliases,
               count(*) AS n_mentions,
               count(DISTINCT m.doc_id) AS n_docs,
               min(m.entity_key) AS entity_key
        FROM m JOIN best AS b USING (entity_id)
        GROUP BY m.entity_id, b.name, b.type
        """
    )
    row = con.execute(
        f"SELECT count(*) FROM entities {where}" if touched else "SELECT count(*) FROM entities"
    ).fetchone()
    return int(row[0]) if row else 0


def _write_ledger(
    con: duckdb.DuckDBPyConnection, run: RunRecord, rejects: Sequence[RejectRecord]
) -> None:
    con.execute("DELETE FROM runs WHERE run_id = ?", [run.run_id])
    con.register("run_row", records_to_table("runs", [run]))
    con.execute("INSERT INTO runs BY NAME SELECT * FROM run_row")
    if rejects:
        con.register("run_rejects", records_to_table("rejects", list(rejects)))
        con.execute("INSERT INTO rejects BY NAME SELECT * FROM run_rejects")


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the whole entity dimension from every mention (migration, repair)."""
    update_entities(con)


__all__ = [
    "DocumentIndex",
    "LoadResult",
    "UnknownRunError",
    "Warehouse",
    "create_schema",
    "rebuild_entities",
    "run_checks",
    "update_entities",
    "view_sql",
]
