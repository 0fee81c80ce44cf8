"""``warehouse.maintain`` on real DuckLakes: a local one (SQLite catalog, folder data path)
and one with its catalog in PostgreSQL and its data in S3 (real servers on 127.0.0.1).

Each effect is checked on the files themselves: small files merged into one, snapshots past
the retention expired, files no snapshot needs deleted (after the grace period only), the
Parquet a killed writer left behind deleted, and the rows the same throughout.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.flows.stores import (
    PostgresServer,
    S3Server,
    postgres_server,
    raw_lake,
    s3_server,
)
from warehouse.maintain import maintain, parse_duration

__all__ = ["postgres_server", "s3_server"]

ROWS_PER_INSERT = 200
N_INSERTS = 5
LONG = timedelta(days=7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("12 hours", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("2w", timedelta(weeks=2)),
        ("1.5h", timedelta(minutes=90)),
        ("0", timedelta(0)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "soon", "3 fortnights", "-1d", "1d2h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|unit"):
        parse_duration(text)


@dataclass
class Lake:
    """Where one test lake lives and how to list its data files."""

    catalog: str
    data_path: str
    s3: S3Server | None
    list_files: Callable[[], list[str]]

    def connect(self) -> Any:
        return raw_lake(catalog=self.catalog, data_path=self.data_path, s3=self.s3)


@pytest.fixture(params=["local", "postgres-s3"])
def lake(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Lake]:
    """An empty DuckLake: SQLite catalog and a local folder, or PostgreSQL and S3."""
    if request.param == "local":
        data = tmp_path / "lake"
        data.mkdir()
        yield Lake(
            catalog=f"sqlite:{tmp_path / 'catalog.sqlite'}",
            data_path=f"{data}/",
            s3=None,
            list_files=lambda: sorted(
                str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()
            ),
        )
        return
    pg: PostgresServer = request.getfixturevalue("postgres_server")
    s3: S3Server = request.getfixturevalue("s3_server")
    database = pg.create_database()
    bucket = s3.create_bucket()
    yield Lake(
        catalog="postgres:" + pg.dsn(database),
        data_path=f"s3://{bucket}/lake/",
        s3=s3,
        list_files=lambda: [k.removeprefix("lake/") for k in s3.keys(bucket, "lake/")],
    )


def _fill(lake: Lake) -> list[tuple[Any, ...]]:
    """A table written by ``N_INSERTS`` commits (a small file each); its rows."""
    with lake.connect() as con:
        con.execute("CREATE TABLE lake.mentions (doc_id VARCHAR, n BIGINT)")
        for k in range(N_INSERTS):
            con.execute(
                "INSERT INTO lake.mentions SELECT 'doc-' || (range // 10), range + ? FROM range(?)",
                [k * ROWS_PER_INSERT, ROWS_PER_INSERT],
            )
        return _rows(con)


def _rows(con: Any) -> list[tuple[Any, ...]]:
    return con.execute("SELECT * FROM lake.mentions ORDER BY ALL").fetchall()


def _live_files(con: Any) -> list[str]:
    return [
        r[0].rsplit("/", 1)[-1]
        for r in con.execute(
            "SELECT data_file FROM ducklake_list_files('lake', 'mentions')"
        ).fetchall()
    ]


def test_merge_keeps_rows_and_history_within_retention(lake: Lake) -> None:
    rows = _fill(lake)
    assert len(lake.list_files()) == N_INSERTS
    with lake.connect() as con:
        first = con.execute(
            "SELECT min(snapshot_id) FROM lake.snapshots() WHERE "
            "changes['tables_inserted_into'] IS NOT NULL"
        ).fetchone()[0]
        report = maintain(con, alias="lake", retention=LONG, grace=timedelta(hours=1))
        assert report.merged == {"mentions": (N_INSERTS, 1)}
        assert (report.before.data_files, report.after.data_files) == (N_INSERTS, 1)
        assert report.expired_snapshots == []
        assert report.deleted_files == [] and report.deleted_orphans == []
        assert report.kept_files == N_INSERTS
        assert _rows(con) == rows
        assert len(_live_files(con)) == 1
        # time travel still works: the first insert's snapshot holds its rows only
        old = con.execute(f"SELECT count(*) FROM lake.mentions AT (VERSION => {first})").fetchone()[
            0
        ]
        assert old == ROWS_PER_INSERT
    # the merged-away files stay on disk for readers until the grace period is over
    assert len(lake.list_files()) == N_INSERTS + 1


def test_expire_and_cleanup_delete_what_no_snapshot_needs(lake: Lake) -> None:
    rows = _fill(lake)
    with lake.connect() as con:
        con.execute("DELETE FROM lake.mentions WHERE doc_id = 'doc-0'")
        rows = [r for r in rows if r[0] != "doc-0"]
        n_snapshots = con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0]
        report = maintain(
            con, alias="lake", retention=timedelta(0), grace=timedelta(0), rewrite_threshold=0.0
        )
        assert _rows(con) == rows
        live = set(_live_files(con))
        remaining = con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0]
        with pytest.raises(Exception, match=r"(?i)snapshot"):
            con.execute("SELECT count(*) FROM lake.mentions AT (VERSION => 1)").fetchall()
    assert remaining == 1
    assert len(report.expired_snapshots) >= n_snapshots
    assert report.rewritten == {"mentions": (N_INSERTS, 1)}
    assert report.deleted_files, "the rewritten files should be deleted"
    # what is left on disk is exactly what the last snapshot reads
    on_disk = {name.rsplit("/", 1)[-1] for name in lake.list_files()}
    assert on_disk == live
    assert report.after.data_files == len(live)


_KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from tests.flows.stores import raw_lake, S3Server
    catalog, data_path, endpoint = sys.argv[1:4]
    s3 = S3Server(port=int(endpoint), proc=None, log=None) if endpoint != "-" else None
    with raw_lake(catalog=catalog, data_path=data_path, s3=s3) as con:
        con.execute("BEGIN")
        con.execute("INSERT INTO lake.mentions SELECT 'late-' || range, range FROM range(50000)")
        print("written", flush=True)
        sys.stdin.read()
    """
)


def test_orphans_of_a_killed_writer_are_deleted(lake: Lake) -> None:
    rows = _fill(lake)
    before = set(lake.list_files())
    endpoint = str(lake.s3.port) if lake.s3 else "-"
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, lake.catalog, lake.data_path, endpoint],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "written"
    finally:
        writer.kill()
        writer.wait(timeout=30)
    orphans = set(lake.list_files()) - before
    assert orphans, "the killed writer's uncommitted Parquet should be in the data path"
    with lake.connect() as con:
        assert _rows(con) == rows  # nothing of the killed transaction is visible
        # a young orphan may belong to a writer still running: kept within the grace period
        kept = maintain(con, alias="lake", retention=LONG, grace=timedelta(hours=1))
        assert kept.deleted_orphans == []
        assert orphans <= set(lake.list_files())
        # with no writer possible (the writer lock held), orphans of any age go
        report = maintain(
            con, alias="lake", retention=LONG, grace=timedelta(hours=1), orphans_any_age=True
        )
        assert {p.rsplit("/", 1)[-1] for p in report.deleted_orphans} == {
            p.rsplit("/", 1)[-1] for p in orphans
        }
        assert _rows(con) == rows
    assert not orphans & set(lake.list_files())


def test_the_expired_line_counts_maintains_own_snapshots() -> None:
    """`expired 0 snapshots (9 -> 11)` read as if expiring had added snapshots: the merge and
    the rewrite commit snapshots of their own, which the line now says."""
    from warehouse.maintain import LakeFiles, MaintenanceReport

    report = MaintenanceReport(
        before=LakeFiles(snapshots=9, data_files=45, delete_files=10, bytes=218_041),
        after=LakeFiles(snapshots=11, data_files=21, delete_files=10, bytes=172_139),
        expired_snapshots=[],
    )
    assert "expired 0 snapshots (9 -> 11: maintain committed 2)" in report.lines()
    report.expired_snapshots = [1, 2, 3]
    report.after = LakeFiles(snapshots=8, data_files=21, delete_files=10, bytes=172_139)
    assert "expired 3 snapshots (9 -> 8: maintain committed 2)" in report.lines()
    quiet = MaintenanceReport(before=report.after, after=report.after)
    assert "expired 0 snapshots (8 -> 8)" in quiet.lines()
