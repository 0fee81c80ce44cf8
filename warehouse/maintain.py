"""Upkeep of a DuckLake warehouse: merge small files, expire old snapshots, delete dead files.

Every run adds a few small Parquet files per table and a snapshot. Left alone, scans open
more and more small files and the data path keeps every file any snapshot ever needed.
:func:`maintain` runs DuckLake's own maintenance functions in this order:

1. ``ducklake_flush_inlined_data`` writes rows and deletions DuckLake kept inline in the
   catalog to Parquet; ``ducklake_rewrite_data_files`` rewrites files of which at least the
   rewrite threshold of rows is deleted (replaced documents) without those rows;
   ``ducklake_merge_adjacent_files`` turns small files of a table written by successive
   snapshots into one (the snapshots keep pointing at their rows, so ``--at`` still works).
2. ``ducklake_expire_snapshots``: snapshots older than the retention go (the last snapshot
   always stays); the files only they needed are scheduled for deletion.
3. ``ducklake_cleanup_old_files``: files scheduled for deletion are deleted once all of them
   were scheduled longer ago than the grace period (otherwise they wait for the next
   ``maintain``). The grace period protects a reader that started before the merge or the
   expiry and still scans the old files.
4. ``ducklake_delete_orphaned_files``: files under the data path that no snapshot knows (the
   Parquet a killed run wrote before it could commit) are deleted. Only files older than the
   grace period, unless the caller guarantees no writer is running (``orphans_any_age``: the
   local writer lock is held and the catalog is local), because a running writer's files are
   orphans until it commits.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from warehouse.errors import WarehouseNotFoundError
from warehouse.lake import connect_writer
from warehouse.layout import CATALOG_ALIAS
from warehouse.lock import writer_lock
from warehouse.store import Warehouse

#: Share of deleted rows from which a data file is rewritten without them.
DEFAULT_REWRITE_THRESHOLD = 0.25

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 7 * 86400,
    "week": 7 * 86400,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")


def parse_duration(text: str) -> timedelta:
    """``'7d'``, ``'12 hours'``, ``'30m'``, ``'0'`` -> a :class:`timedelta`.

    Raises:
        ValueError: when ``text`` is not a number followed by s, m, h, d or w (or their names).
    """
    match = _DURATION.match(text.lower())
    unit = match.group(2) if match else None
    if unit and unit not in _UNITS and unit.endswith("s"):
        unit = unit[:-1]  # plural: "hours", "days"
    if match is None or (unit and unit not in _UNITS):
        raise ValueError(
            f"{text!r} is not a duration: write a number and a unit, e.g. 7d, 12h, 30m or 0"
        )
    if not unit and float(match.group(1)) != 0:
        number = match.group(1)
        raise ValueError(f"{text!r} has no unit: write e.g. {number}d or {number}h")
    return timedelta(seconds=float(match.group(1)) * _UNITS.get(unit or "s", 1))


@dataclass(frozen=True, slots=True)
class LakeFiles:
    """The live files of a lake at one moment."""

    snapshots: int
    data_files: int
    delete_files: int
    bytes: int


@dataclass(slots=True)
class MaintenanceReport:
    """What :func:`maintain` did."""

    before: LakeFiles
    after: LakeFiles
    #: ``table -> (files merged, files written)``
    merged: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: rows and deletions moved from the catalog into Parquet
    flushed_rows: int = 0
    #: ``table -> (files rewritten, files written)`` for files with many deleted rows
    rewritten: dict[str, tuple[int, int]] = field(default_factory=dict)
    expired_snapshots: list[int] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    #: files no snapshot needs, kept because they became unneeded within the grace period
    kept_files: int = 0
    deleted_orphans: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as short lines for a terminal."""
        merged = sum(n for n, _ in self.merged.values())
        written = sum(n for _, n in self.merged.values())
        rewritten = sum(n for n, _ in self.rewritten.values())
        # the merge and the rewrite commit snapshots of their own
        committed = self.after.snapshots - self.before.snapshots + len(self.expired_snapshots)
        own = f": maintain committed {committed}" if committed > 0 else ""
        return [
            f"merged {merged} small files into {written} "
            f"({', '.join(sorted(self.merged)) or 'no table'})",
            f"flushed {self.flushed_rows} inlined rows into Parquet",
            f"rewrote {rewritten} files with deleted rows",
            f"expired {len(self.expired_snapshots)} snapshots "
            f"({self.before.snapshots} -> {self.after.snapshots}{own})",
            f"deleted {len(self.deleted_files)} files no snapshot needs "
            f"({self.kept_files} kept for the grace period)",
            f"deleted {len(self.deleted_orphans)} orphan files",
            f"data files {self.before.data_files} -> {self.after.data_files}, "
            f"{self.before.bytes:,} -> {self.after.bytes:,} bytes",
        ]


def lake_files(con: duckdb.DuckDBPyConnection, alias: str) -> LakeFiles:
    """Snapshots, live data and delete files and their bytes of the lake attached as ``alias``."""
    meta = _meta(alias)
    snapshots = _one(con, f"SELECT count(*) FROM {meta}.ducklake_snapshot")
    data_files, data_bytes = con.execute(
        f"SELECT count(*), coalesce(sum(file_size_bytes), 0) FROM {meta}.ducklake_data_file "
        "WHERE end_snapshot IS NULL"
    ).fetchone() or (0, 0)
    delete_files, delete_bytes = con.execute(
        f"SELECT count(*), coalesce(sum(file_size_bytes), 0) FROM {meta}.ducklake_delete_file "
        "WHERE end_snapshot IS NULL"
    ).fetchone() or (0, 0)
    return LakeFiles(
        snapshots=snapshots,
        data_files=int(data_files),
        delete_files=int(delete_files),
        bytes=int(data_bytes) + int(delete_bytes),
    )


def maintain(
    con: duckdb.DuckDBPyConnection,
    *,
    alias: str,
    retention: timedelta,
    grace: timedelta,
    orphans_any_age: bool = False,
    rewrite_threshold: float = DEFAULT_REWRITE_THRESHOLD,
    now: datetime | None = None,
) -> MaintenanceReport:
    """Merge small files, expire snapshots, delete files nothing needs; report what was done.

    Args:
        con: A connection with the lake attached, writable, as ``alias``.
        alias: The attached lake's name.
        retention: Snapshots older than this are expired (the latest always stays).
        grace: Files scheduled for deletion, and orphan files, younger than this are kept.
        orphans_any_age: Delete orphan files of any age (only when no writer can be running).
        rewrite_threshold: Files with at least this share of rows deleted are rewritten.
        now: The current time (tests pass a fixed one).
    """
    before = lake_files(con, alias)
    report = MaintenanceReport(before=before, after=before)
    flushed = con.execute("CALL ducklake_flush_inlined_data(?)", [alias]).fetchall()
    report.flushed_rows = sum(int(r[2]) for r in flushed)
    rewritten = con.execute(
        "CALL ducklake_rewrite_data_files(?, delete_threshold => ?)", [alias, rewrite_threshold]
    ).fetchall()
    for row in rewritten:
        _add(report.rewritten, row)
    for row in con.execute("CALL ducklake_merge_adjacent_files(?)", [alias]).fetchall():
        _add(report.merged, row)
    # taken after the compaction, whose snapshots count as old too
    current = now or datetime.now(UTC)
    report.expired_snapshots = _expire(con, alias, current - retention)
    report.deleted_files, report.kept_files = _cleanup(con, alias, current - grace, grace)
    report.deleted_orphans = _delete(
        con,
        "ducklake_delete_orphaned_files",
        alias,
        timedelta(0) if orphans_any_age else grace,
        now=now,
    )
    report.after = lake_files(con, alias)
    return report


def _expire(con: duckdb.DuckDBPyConnection, alias: str, before: datetime) -> list[int]:
    """Expire the snapshots taken before ``before`` (never the last); their ids.

    The ids are chosen here, from the snapshots' times as instants: DuckLake's own
    ``older_than`` compares the catalog's timestamps as text, which goes wrong when the
    process's time zone is not UTC (SQLite catalogs store local times with an offset).
    """
    rows = con.execute(
        f"SELECT snapshot_id FROM ducklake_snapshots({_quote(alias)}) "
        "WHERE snapshot_time < ?::TIMESTAMPTZ AND snapshot_id < "
        f"(SELECT max(snapshot_id) FROM ducklake_snapshots({_quote(alias)})) ORDER BY 1",
        [before],
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    if ids:
        con.execute("CALL ducklake_expire_snapshots(?, versions => ?)", [alias, ids])
    return ids


def _cleanup(
    con: duckdb.DuckDBPyConnection, alias: str, before: datetime, grace: timedelta
) -> tuple[list[str], int]:
    """Delete the files scheduled for deletion before ``before``; their paths, and how many
    scheduled files were kept because they were scheduled later.

    When some scheduled files are within the grace period, none is deleted this time (the
    next ``maintain`` deletes them): DuckLake's ``older_than`` cannot be trusted outside UTC
    (see :func:`_expire`), and keeping a file a little longer is always safe.
    """
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE schedule_start::TIMESTAMPTZ >= ?::TIMESTAMPTZ) "
        f"FROM {_meta(alias)}.ducklake_files_scheduled_for_deletion",
        [before],
    ).fetchone()
    scheduled, young = (int(row[0]), int(row[1])) if row else (0, 0)
    if scheduled == 0 or (young and grace > timedelta(0)):
        return [], scheduled
    rows = con.execute(
        "CALL ducklake_cleanup_old_files(?, cleanup_all => true)", [alias]
    ).fetchall()
    return sorted(str(r[0]) for r in rows), 0


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _delete(
    con: duckdb.DuckDBPyConnection,
    function: str,
    alias: str,
    grace: timedelta,
    *,
    now: datetime | None,
) -> list[str]:
    """Call a DuckLake file-deleting ``function`` for files older than ``grace``; their paths."""
    if grace <= timedelta(0):
        rows = con.execute(f"CALL {function}(?, cleanup_all => true)", [alias]).fetchall()
    else:
        cutoff = (now or datetime.now(UTC)) - grace
        rows = con.execute(
            f"CALL {function}(?, older_than => ?::TIMESTAMPTZ)", [alias, cutoff]
        ).fetchall()
    return sorted(str(r[0]) for r in rows)


def _add(into: dict[str, tuple[int, int]], row: tuple[Any, ...]) -> None:
    _schema, table, processed, created = row[:4]
    old = into.get(str(table), (0, 0))
    into[str(table)] = (old[0] + int(processed), old[1] + int(created))


def _meta(alias: str) -> str:
    return f'"__ducklake_metadata_{alias}"'


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def maintain_warehouse(
    wh: Warehouse,
    *,
    retention: timedelta,
    grace: timedelta,
    rewrite_threshold: float = DEFAULT_REWRITE_THRESHOLD,
    lock_wait: float = 0.0,
) -> MaintenanceReport:
    """:func:`maintain` on warehouse ``wh``, holding its writer lock.

    The lock keeps local runs out while files are merged and deleted. With a catalog of its
    own (SQLite) no other writer can exist, so orphan files of any age are a killed run's and
    go; a PostgreSQL catalog may have writers on other machines whose files are orphans until
    they commit, so there only orphans older than ``grace`` go.

    Raises:
        WarehouseNotFoundError: when there is no warehouse.
        WarehouseBusyError: when a run holds the lock longer than ``lock_wait``.
    """
    if not wh.exists():
        raise WarehouseNotFoundError(
            f"no warehouse at {wh.layout.root}; run `presslake run SOURCE --warehouse DIR` first"
        )
    with writer_lock(wh.layout.lock, timeout=lock_wait):
        con = connect_writer(wh.layout)
        try:
            return maintain(
                con,
                alias=CATALOG_ALIAS,
                retention=retention,
                grace=grace,
                orphans_any_age=not wh.layout.is_postgres,
                rewrite_threshold=rewrite_threshold,
            )
        finally:
            con.close()
