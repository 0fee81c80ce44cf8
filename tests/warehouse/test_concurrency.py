"""One writer, many readers: the writer lock between runs, and readers during a load.

Real ``presslake`` subprocesses against a real Prefect server; the writer lock is the real
``warehouse.lock.writer_lock`` (held by this test process where the test must decide
exactly when it is released).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.flows.servers import (
    PUBLISHED_AT,
    PrefectServer,
    base_article,
    copy_samples,
    kill_group,
    one_article_warehouse,
    prefect_server,
    presslake,
    presslake_env,
    run_presslake,
    wait_until,
)
from warehouse.faults import FAULT_PAUSE_ENV
from warehouse.lock import writer_lock
from warehouse.store import Warehouse

__all__ = ["one_article_warehouse", "prefect_server"]

pytestmark = pytest.mark.slow


@pytest.fixture()
def workdir(one_article_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the one-article warehouse (``wh``), every sample article (``in``), and the
    committed article alone (``in1``)."""
    shutil.copytree(one_article_warehouse, tmp_path / "wh")
    copy_samples(tmp_path / "in")
    (tmp_path / "in1").mkdir()
    shutil.copy(base_article(), tmp_path / "in1")
    return tmp_path


def _count(wh: Path, sql: str = "SELECT count(*) FROM documents") -> int:
    with Warehouse(wh).reader() as con:
        return int(con.execute(sql).fetchone()[0])


def _running_flow_runs(server: PrefectServer, since: datetime) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = server.post(
        "flow_runs/filter",
        {
            "flow_runs": {
                "state": {"type": {"any_": ["RUNNING"]}},
                "start_time": {"after_": since.isoformat()},
            }
        },
    )
    return runs


def test_second_run_stops_or_waits_while_the_lock_is_held(
    prefect_server: PrefectServer, workdir: Path
) -> None:
    wh = workdir / "wh"
    env = presslake_env(prefect_server)
    with writer_lock(Warehouse(wh).layout.lock):
        waiter = presslake(
            "run",
            "in1",
            "--warehouse",
            "wh",
            "--wait",
            "120",
            "--json",
            "--published-at",
            PUBLISHED_AT,
            env=env,
            cwd=workdir,
            log=workdir / "waiter.log",
        )
        try:
            started = time.monotonic()
            busy = run_presslake(
                "run", "in1", "--warehouse", "wh", "--wait", "0", env=env, cwd=workdir, timeout=120
            )
            busy_seconds = time.monotonic() - started
            # --wait 0: stops at once, non-zero, and says who holds the lock and what to do
            assert busy.returncode == 1, busy.stderr[-2000:]
            last_line = busy.stderr.strip().splitlines()[-1]
            assert last_line.startswith("Error: warehouse wh is being written by pid ")
            assert f"pid {os.getpid()}" in last_line
            assert "--wait" in last_line
            # --wait 120: blocked on the lock (before its flow starts), and staged nothing
            time.sleep(5)
            assert waiter.poll() is None, "the waiting run gave up while the lock was held"
            staging = wh / "staging"
            assert not staging.exists() or not any(staging.iterdir())
        except BaseException:
            kill_group(waiter)
            raise
    # lock released: the waiting run goes on and commits
    try:
        waiter.wait(timeout=240)
    finally:
        if waiter.poll() is None:
            kill_group(waiter)
    output = (workdir / "waiter.log").read_text(errors="replace")
    assert waiter.returncode == 0, output[-3000:]
    assert _count(wh, "SELECT count(*) FROM runs WHERE status = 'completed'") == 2
    assert _count(wh, "SELECT n_seen FROM runs ORDER BY started_at DESC LIMIT 1") == 1
    assert busy_seconds < 60


@dataclass
class Reads:
    """What readers saw during a load."""

    counts: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    held: list[int] = field(default_factory=list)


def _poll_reader(wh: Path, stop: threading.Event, reads: Reads) -> None:
    while not stop.is_set():
        try:
            count = _count(wh)
        except Exception as err:  # every failure is an observation here
            reads.errors.append(repr(err))
        else:
            reads.counts.append(count)
        time.sleep(0.01)


def _hold_snapshot(wh: Path, committed: threading.Event, reads: Reads) -> None:
    """One read transaction open from before the run's commit until after it: every query
    in it sees the snapshot it started with."""
    try:
        with Warehouse(wh).reader() as con:
            con.execute("BEGIN TRANSACTION")
            reads.held.append(int(con.execute("SELECT count(*) FROM documents").fetchone()[0]))
            while not committed.wait(0.05):
                # a slow bounded query, again and again, while the run goes on
                con.execute(
                    "SELECT count(*) FROM documents, range(20000) AS r "
                    "WHERE hash(doc_id, r.range) % 7 = 1"
                ).fetchone()
            reads.held.append(int(con.execute("SELECT count(*) FROM documents").fetchone()[0]))
            con.execute("COMMIT")
    except Exception as err:
        reads.errors.append(repr(err))


def _snapshot_time(wh: Path, run_id: str) -> datetime:
    with Warehouse(wh).reader() as con:
        row = con.execute(
            "SELECT s.snapshot_time FROM runs AS r "
            "JOIN ducklake_snapshots('lake') AS s ON s.snapshot_id = r.snapshot_id "
            "WHERE r.run_id = ?",
            [run_id],
        ).fetchone()
    assert row is not None
    return row[0].astimezone(UTC).replace(tzinfo=None)


def test_readers_see_the_last_committed_state_during_a_load(
    prefect_server: PrefectServer, workdir: Path
) -> None:
    wh = workdir / "wh"
    marker = workdir / "paused"
    # the loader stops at the NLP stage, then inside the load (a test-only pause each time,
    # released by deleting the marker): no step below depends on timing
    env = {**presslake_env(prefect_server), FAULT_PAUSE_ENV: f"nlp,merge:{marker}"}
    before = _count(wh)
    assert before == 1
    loader = presslake(
        "run",
        "in",
        "--warehouse",
        "wh",
        "--published-at",
        PUBLISHED_AT,
        "--json",
        env=env,
        cwd=workdir,
        log=workdir / "loader.log",
    )

    def paused_at(point: str) -> bool:
        assert loader.poll() is None, (workdir / "loader.log").read_text(errors="replace")
        return marker.exists() and marker.read_text().split()[:1] == [point]

    reads = Reads()
    stop, committed = threading.Event(), threading.Event()
    poller = threading.Thread(target=_poll_reader, args=(wh, stop, reads), daemon=True)
    holder = threading.Thread(target=_hold_snapshot, args=(wh, committed, reads), daemon=True)
    try:
        # the loader holds the lock and waits at the NLP stage: a read transaction opens,
        # readers poll, and `presslake sql` answers from the last commit
        wait_until(lambda: paused_at("nlp"), timeout=180, what="the loader to reach NLP")
        poller.start()
        holder.start()
        wait_until(lambda: len(reads.held) == 1, timeout=60, what="the read transaction")
        sql = run_presslake(
            "sql",
            "SELECT count(*) AS n FROM documents",
            "--warehouse",
            "wh",
            "--format",
            "csv",
            env=env,
            cwd=workdir,
            timeout=120,
        )
        assert loader.poll() is None, "the loader waits at the NLP stage"
        assert sql.returncode == 0, sql.stderr
        assert sql.stdout.split() == ["n", str(before)]
        marker.unlink()
        # inside the load transaction, data files written, not committed: readers see the
        # last snapshot and are not blocked
        wait_until(lambda: paused_at("merge"), timeout=240, what="the loader to reach the merge")
        n_reads = len(reads.counts)
        wait_until(
            lambda: len(reads.counts) >= n_reads + 5, timeout=60, what="reads during the merge"
        )
        during_merge = list(reads.counts[n_reads:])
        uncommitted = _count(wh)
        marker.unlink()
        loader.wait(timeout=240)
        committed.set()
    finally:
        stop.set()
        committed.set()
        if loader.poll() is None:
            kill_group(loader)
        poller.join(timeout=30)
        holder.join(timeout=60)
    log = (workdir / "loader.log").read_text(errors="replace")
    assert loader.returncode == 0, log[-3000:]
    assert reads.errors == []
    assert set(during_merge) == {before}
    assert uncommitted == before
    # the open read transaction kept its snapshot across the commit
    assert reads.held == [before, before]
    assert set(reads.counts) <= {before, 41}
    assert _count(wh) == 41
    run_id = json.loads(log[log.index("{") :])["run_id"]
    assert _snapshot_time(wh, run_id) is not None
