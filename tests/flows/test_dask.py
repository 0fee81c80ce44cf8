"""Scale-out: the flow on a Dask cluster gives the same tables as the default runner.

``presslake run --dask local`` runs in a subprocess whose environment points at a real
Prefect server, so the local cluster's 2 worker processes (on 127.0.0.1) report to that
server instead of each starting a temporary API. The reference is the same input loaded by
the default (thread) runner into a fresh warehouse.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.flows.servers import (
    PRESSLAKE,
    PUBLISHED_AT,
    PrefectServer,
    ReferenceRun,
    content_rows,
    copy_samples,
    kill_group,
    pipeline_versions,
    prefect_server,
    presslake_env,
    reference_run,
    row_counts,
)

__all__ = ["prefect_server", "reference_run"]

pytestmark = pytest.mark.slow


def _watch_workers(pid: int, stop: threading.Event, seen: set[int]) -> None:
    """Collect the pids of spawned Python children (the Dask workers) of process ``pid``."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        try:
            for child in parent.children(recursive=True):
                try:
                    if "spawn_main" in " ".join(child.cmdline()):
                        seen.add(child.pid)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        except psutil.NoSuchProcess:
            return
        time.sleep(0.2)


def test_dask_runner_gives_the_same_tables(
    prefect_server: PrefectServer,
    reference_run: ReferenceRun,
    tmp_path: Path,
) -> None:
    copy_samples(tmp_path / "in")
    env = presslake_env(prefect_server, PRESSLAKE_TASK_BATCH_SIZE="10", PRESSLAKE_DASK_WORKERS="2")
    args = ["run", "in", "--warehouse", "wh", "--dask", "local", "--json"]
    args += ["--published-at", PUBLISHED_AT]
    proc = subprocess.Popen(
        [*PRESSLAKE, *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    stop = threading.Event()
    workers: set[int] = set()
    watcher = threading.Thread(target=_watch_workers, args=(proc.pid, stop, workers), daemon=True)
    watcher.start()
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        stop.set()
        if proc.poll() is None:
            kill_group(proc)
        watcher.join(timeout=10)
    assert proc.returncode == 0, stderr[-4000:]
    summary = json.loads(stdout)
    assert summary["status"] == "completed"
    assert len(workers) >= 2, f"expected 2 Dask worker processes, saw {sorted(workers)}"

    rows = content_rows(tmp_path / "wh")
    assert pipeline_versions(tmp_path / "wh") == pipeline_versions(reference_run.warehouse), (
        "transforms changed between the reference run and this one; rerun the tests"
    )
    assert row_counts(rows) == row_counts(reference_run.rows)
    assert rows == reference_run.rows
    assert summary["rows"] == reference_run.summary["rows"]
    # the workers' parts (41 articles in parts of 10) were loaded and their staging removed;
    # the rows live in the DuckLake's data files
    assert summary["rows"]["documents"] == 41
    assert not any((tmp_path / "wh" / "staging").glob("*/*"))
    assert list((tmp_path / "wh" / "lake" / "main" / "documents").glob("*.parquet"))
