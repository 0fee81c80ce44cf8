"""The DuckDB warehouse: create, read the known-document index, load a run, query.

Loading never touches the committed file: the writer copies it to ``presslake.duckdb.next``,
merges the run's Parquet there in one transaction, runs the data checks, checkpoints, and
swaps the file in with an atomic rename. A crash at any point before the rename leaves the
committed warehouse exactly as it was, and readers keep reading it during a load.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas import DOCUMENT_TABLES, TABLES
from schemas.convert import rows_to_table
from warehouse.checks import build_checks, run_checks, run_named_checks
from warehouse.ddl import all_ddl, duckdb_type
from warehouse.errors import WarehouseNotFoundError, WarehouseUnusableError
from warehouse.faults import pause_at
from warehouse.layout import WarehouseLayout

PARQUET_COMPRESSION = "zstd"

#: ``(checks passed, load seconds, table counts) -> markdown`` for the ledger row.
ReportFn = Callable[[list[str], float, dict[str, int]], str]


def view_sql() -> list[tuple[str, str]]:
    """``(view name, CREATE VIEW statement)`` for every analyst view, from the .sql files."""
    folder = resources.files("warehouse") / "sql" / "views"
    out = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".sql"):
            out.append((item.name.removesuffix(".sql"), item.read_text(encoding="utf-8")))
    return out


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the contract and every view (idempotent)."""
    for statement in all_ddl():
        con.execute(statement)
    _add_missing_columns(con)
    for _, sql in view_sql():
        con.execute(sql)


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Columns added to a schema after a warehouse was created are added to its tables."""
    present = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main'"
        ).fetchall()
    }
    for table, schema in TABLES.items():
        for f in schema:
            if (table, f.name) not in present:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {f.name} {duckdb_type(f.type)}")


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file (zstd) atomically: a killed writer leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression=PARQUET_COMPRESSION)
    os.replace(tmp, path)
    return path


@dataclass(frozen=True, slots=True)
class KnownDocuments:
    """What the committed warehouse already holds, for skipping and replacing work."""

    pipeline_by_doc: dict[str, str] = field(default_factory=dict)
    doc_by_source: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did."""

    run_id: str
    counts: dict[str, int]
    checks_passed: list[str]
    seconds: float


class Warehouse:
    """One warehouse directory: the committed DuckDB file plus its Parquet lake."""

    def __init__(self, root: Path | str) -> None:
        self.layout = WarehouseLayout(Path(root))

    # -- readers -------------------------------------------------------------------------
    def exists(self) -> bool:
        """Whether a committed warehouse file exists."""
        return self.layout.db.exists()

    @contextmanager
    def reader(self, *, retry_seconds: float = 10.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the committed warehouse that cannot write anywhere.

        Raises:
            WarehouseNotFoundError: when no warehouse exists at the directory.
        """
        if not self.exists():
            raise WarehouseNotFoundError(
                f"no warehouse at {self.layout.root} (expected {self.layout.db}); "
                "run `presslake run SOURCE --warehouse DIR` first"
            )
        con = _connect_read_only(self.layout.db, retry_seconds=retry_seconds)
        try:
            yield con
        finally:
            con.close()

    def check_usable(self, *, write: bool) -> None:
        """Fail with one clear line, before a run starts, when the warehouse cannot be used:
        the path is a file, the directory (or the committed file) is not writable, or the
        committed file is not a readable warehouse.

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
        probe = root / f".write-probe-{os.getpid()}"
        try:
            root.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
            if self.exists():
                with self.layout.db.open("ab"):
                    pass
        except OSError as err:
            probe.unlink(missing_ok=True)
            what = self.layout.db if self.exists() and root.is_dir() else root
            raise WarehouseUnusableError(
                f"warehouse {what} is not writable ({err.strerror or err}); fix its "
                "permissions or attributes (read-only mount, chattr +i) or choose another "
                "--warehouse"
            ) from err

    def _check_readable(self) -> None:
        try:
            with self.reader(retry_seconds=2.0) as con:
                con.execute("SELECT count(*) FROM runs").fetchone()
        except duckdb.Error as err:
            detail = " ".join(str(err).split())[:200]
            raise WarehouseUnusableError(
                f"warehouse file {self.layout.db} is corrupted or not a presslake warehouse "
                f"({detail}); rebuild it from the Parquet lake in {self.layout.lake} with "
                f"`presslake rebuild --warehouse {self.layout.root}`"
            ) from err

    def known_documents(self) -> KnownDocuments:
        """doc_id -> pipeline_version and source_id -> doc_id of the committed warehouse."""
        if not self.exists():
            return KnownDocuments()
        with self.reader() as con:
            rows = con.execute(
                "SELECT doc_id, pipeline_version, source_id FROM documents"
            ).fetchall()
        return KnownDocuments(
            pipeline_by_doc={doc: ver for doc, ver, _ in rows},
            doc_by_source={src: doc for doc, _, src in rows},
        )

    def table_counts(self) -> dict[str, int]:
        """Row count of every contract table."""
        with self.reader() as con:
            return {
                t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in TABLES
            }

    # -- the writer ----------------------------------------------------------------------
    def cleanup_leftovers(self) -> list[Path]:
        """Remove what a killed run left behind (call while holding the writer lock).

        A staged run that the ledger shows as committed is moved to the lake; any other
        staged run and any unfinished ``.next`` file are deleted.
        """
        removed: list[Path] = []
        for stray in (
            self.layout.next_db,
            self.layout.next_db.with_name(self.layout.next_db.name + ".wal"),
        ):
            if stray.exists():
                stray.unlink()
                removed.append(stray)
        if not self.layout.staging_root.exists():
            return removed
        committed: set[str] = set()
        if self.exists():
            with self.reader() as con:
                committed = {
                    r[0]
                    for r in con.execute(
                        "SELECT run_id FROM runs WHERE status = 'completed'"
                    ).fetchall()
                }
        for staged in sorted(self.layout.staging_root.iterdir()):
            if staged.name in committed:
                self._publish_staging(staged.name)
            else:
                shutil.rmtree(staged, ignore_errors=True)
            removed.append(staged)
        return removed

    def load(
        self,
        *,
        run_id: str,
        run_row: dict[str, Any],
        rejects: Sequence[dict[str, Any]],
        fault: str | None = None,
        report: ReportFn | None = None,
    ) -> LoadResult:
        """Merge the staged Parquet of ``run_id`` into the warehouse in one transaction.

        Documents whose ``doc_id`` is staged, or whose ``source_id`` is staged under a new
        ``doc_id``, lose all their rows first; then the staged rows are inserted, the entity
        dimension is rebuilt, the run and its rejects are recorded, and the data checks run.
        Only if all of that succeeds is the new file swapped in.

        Args:
            run_id: The run whose staging folder to load.
            run_row: The ``runs`` row (status is set to ``completed`` here).
            rejects: ``rejects`` rows of the run.
            fault: Test hook: ``"before_commit"`` raises inside the transaction.
            report: Renders the run's markdown report from the checks that passed, the load
                time and the table counts, so the ledger row holds the whole report.

        Raises:
            DataCheckError: when a check fails (nothing is committed).
        """
        started = time.perf_counter()
        layout = self.layout
        layout.root.mkdir(parents=True, exist_ok=True)
        if self.exists() and not self._staged_files(run_id):
            # nothing to merge (a no-op re-run): record the run without copying the warehouse
            passed = self._record_only(run_row, rejects, report=report, started=started)
            return LoadResult(run_id, {}, passed, time.perf_counter() - started)
        next_db = layout.next_db
        if next_db.exists():
            next_db.unlink()
        if self.exists():
            shutil.copyfile(layout.db, next_db)
        con = duckdb.connect(str(next_db))
        try:
            con.execute("SET preserve_insertion_order = false")
            create_schema(con)
            con.execute("BEGIN TRANSACTION")
            counts = self._merge(con, run_id)
            con.register("run_rejects", rows_to_table("rejects", list(rejects)))
            con.execute("INSERT INTO rejects BY NAME SELECT * FROM run_rejects")
            row = dict(run_row, status="completed")
            con.register("run_row", rows_to_table("runs", [row]))
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
            con.execute("INSERT INTO runs BY NAME SELECT * FROM run_row")
            passed = run_checks(con, doc_scope="stg_documents")
            _store_report(con, run_id, report, passed, started)
            if fault == "before_commit":
                raise RuntimeError("fault injected before commit")
            pause_at("merge")  # test hook: waits here when PRESSLAKE_FAULT_PAUSE names it
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            next_db.unlink(missing_ok=True)
            raise
        con.close()
        _fsync(next_db)
        os.replace(next_db, layout.db)
        _fsync_dir(layout.root)
        self._publish_staging(run_id)
        return LoadResult(run_id, counts, passed, time.perf_counter() - started)

    def _staged_files(self, run_id: str) -> list[Path]:
        return [
            path
            for table in DOCUMENT_TABLES
            for path in self.layout.staged_table(run_id, table).glob("*.parquet")
        ]

    def _record_only(
        self,
        run_row: dict[str, Any],
        rejects: Sequence[dict[str, Any]],
        *,
        report: ReportFn | None,
        started: float,
    ) -> list[str]:
        """Add the ledger row and rejects of a run that changed no document, in place, in
        one short transaction (readers wait at most that long)."""
        con = duckdb.connect(str(self.layout.db))
        try:
            create_schema(con)
            con.execute("BEGIN TRANSACTION")
            con.register("run_rejects", rows_to_table("rejects", list(rejects)))
            con.execute("INSERT INTO rejects BY NAME SELECT * FROM run_rejects")
            con.register("run_row", rows_to_table("runs", [dict(run_row, status="completed")]))
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_row["run_id"]])
            con.execute("INSERT INTO runs BY NAME SELECT * FROM run_row")
            checks = [c for c in build_checks() if c.name.split(".")[0] in {"runs", "rejects"}]
            passed = run_named_checks(con, checks)
            _store_report(con, run_row["run_id"], report, passed, started)
            con.execute("COMMIT")
        finally:
            con.close()
        return passed

    def _merge(self, con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
        for table in DOCUMENT_TABLES:
            files = sorted(self.layout.staged_table(run_id, table).glob("*.parquet"))
            if files:
                paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
                con.execute(
                    f"CREATE TEMP VIEW stg_{table} AS SELECT * FROM read_parquet([{paths}])"
                )
            else:
                con.execute(f"CREATE TEMP VIEW stg_{table} AS SELECT * FROM {table} LIMIT 0")
        con.execute(
            """
            CREATE TEMP TABLE replaced AS
            SELECT doc_id FROM documents WHERE doc_id IN (SELECT doc_id FROM stg_documents)
            UNION
            SELECT d.doc_id FROM documents AS d JOIN stg_documents AS s
              ON d.source_id = s.source_id AND d.doc_id <> s.doc_id
            """
        )
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM replaced)")
        counts: dict[str, int] = {}
        for table in DOCUMENT_TABLES:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM stg_{table}")
            counts[table] = int(con.execute(f"SELECT count(*) FROM stg_{table}").fetchone()[0])  # type: ignore[index]
        counts["replaced_documents"] = int(
            con.execute("SELECT count(*) FROM replaced").fetchone()[0]  # type: ignore[index]
        )
        rebuild_entities(con)
        return counts

    def _publish_staging(self, run_id: str) -> None:
        staged = self.layout.staging(run_id)
        if not staged.exists():
            return
        for table_dir in sorted(staged.iterdir()):
            if not table_dir.is_dir() or table_dir.name not in TABLES:
                continue
            target = self.layout.lake_table(run_id, table_dir.name)
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(table_dir, target)
        shutil.rmtree(staged, ignore_errors=True)

    def rebuild_from_lake(self) -> dict[str, int]:
        """Rebuild the committed file from the Parquet lake (after it was lost or corrupted).

        Every committed run's Parquet is in ``lake/<table>/run=<run_id>/``: a document's
        rows are those of the latest run that loaded it, and a document whose source got a
        newer text in a later run is left out, as the loads did. The entity dimension is
        rebuilt from the mentions. The run ledger and the rejects are not in the lake: the
        rebuilt warehouse starts with an empty ``runs`` and ``rejects``. A file that was
        there is kept beside as ``presslake.duckdb.corrupt``.

        Returns:
            Rows per document table.
        """
        lake = self.layout.lake
        if not (lake / "documents").is_dir():
            raise WarehouseNotFoundError(f"no Parquet lake at {lake}: nothing to rebuild from")
        tmp = self.layout.next_db
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        counts: dict[str, int] = {}
        try:
            create_schema(con)
            for table in DOCUMENT_TABLES:
                files = sorted((lake / table).glob("run=*/*.parquet"))
                if files:
                    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                    source = (
                        f"read_parquet([{paths}], hive_partitioning = true, union_by_name = true)"
                    )
                else:
                    source = f"(SELECT *, NULL::VARCHAR AS run FROM {table} LIMIT 0)"
                con.execute(f"CREATE TEMP VIEW lake_{table} AS SELECT * FROM {source}")
            con.execute(
                """
                CREATE TEMP TABLE keep AS
                WITH latest AS (
                    SELECT doc_id, arg_max(source_id, run) AS source_id, max(run) AS run
                    FROM lake_documents GROUP BY doc_id
                )
                SELECT l.doc_id, l.run FROM latest AS l
                WHERE NOT EXISTS (
                    SELECT 1 FROM latest AS n
                    WHERE n.source_id = l.source_id AND n.doc_id <> l.doc_id AND n.run > l.run
                )
                """
            )
            for table in DOCUMENT_TABLES:
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT t.* EXCLUDE (run) FROM lake_{table} "
                    "AS t JOIN keep AS k ON t.doc_id = k.doc_id AND t.run = k.run"
                )
                counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            rebuild_entities(con)
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            raise
        con.close()
        if self.exists():
            os.replace(self.layout.db, self.layout.root / f"{self.layout.db.name}.corrupt")
        os.replace(tmp, self.layout.db)
        _fsync_dir(self.layout.root)
        return counts

    def record_failure(self, run_row: dict[str, Any]) -> None:
        """Record a failed (or ``interrupted``) run in the ledger: a short write of the
        ledger row alone, creating the warehouse file when the run failed before its first
        load. A run the ledger already shows as completed is left as it is."""
        status = run_row.get("status")
        status = status if status in ("failed", "interrupted") else "failed"
        self.layout.root.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.layout.db))
        try:
            create_schema(con)
            done = con.execute(
                "SELECT 1 FROM runs WHERE run_id = ? AND status = 'completed'", [run_row["run_id"]]
            ).fetchone()
            if done:
                return
            con.register("run_row", rows_to_table("runs", [dict(run_row, status=status)]))
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_row["run_id"]])
            con.execute("INSERT INTO runs BY NAME SELECT * FROM run_row")
        finally:
            con.close()


def _store_report(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    report: ReportFn | None,
    passed: list[str],
    started: float,
) -> None:
    if report is None:
        return
    counts = {
        t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
        for t in TABLES
    }
    text = report(passed, time.perf_counter() - started, counts)
    con.execute("UPDATE runs SET report = ? WHERE run_id = ?", [text, run_id])


def rebuild_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the entity dimension from every mention in the warehouse.

    The name is the canonical name most mentions carry; aliases are every distinct surface
    form of a name mention.
    """
    con.execute("DELETE FROM entities")
    con.execute(
        """
        INSERT INTO entities BY NAME
        WITH names AS (
            SELECT entity_id, entity_name, entity_type, count(*) AS n
            FROM entity_mentions GROUP BY ALL
        ), best AS (
            SELECT entity_id,
                   arg_max(entity_name, (n, entity_name)) AS name,
                   arg_max(entity_type, (n, entity_type)) AS type
            FROM names GROUP BY entity_id
        )
        SELECT m.entity_id,
               b.name,
               b.type,
               list_sort(list_distinct(list(m.text) FILTER (WHERE m.mention_kind = 'name')))
                   AS aliases,
               count(*) AS n_mentions,
               count(DISTINCT m.doc_id) AS n_docs,
               min(m.entity_key) AS entity_key
        FROM entity_mentions AS m JOIN best AS b USING (entity_id)
        GROUP BY m.entity_id, b.name, b.type
        """
    )


def _connect_read_only(path: Path, *, retry_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only with external access off, so SQL cannot write anything.

    A load never holds the committed file, but recording a failed run does, for a moment:
    retry briefly on a lock conflict.
    """
    deadline = time.monotonic() + retry_seconds
    config: dict[str, str | bool | int | float | list[str]] = {
        "enable_external_access": False,
        "lock_configuration": True,
    }
    while True:
        try:
            return duckdb.connect(str(path), read_only=True, config=config)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
