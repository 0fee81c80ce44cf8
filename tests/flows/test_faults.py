"""A run killed with SIGKILL at any stage leaves the last committed snapshot as it was.

One warehouse goes through a chain of runs, all real ``presslake run`` subprocesses on the
same 41 articles against a warehouse that already holds an earlier committed run (one
article). Each run is killed at one stage, reached deterministically: the run is started
with ``PRESSLAKE_FAULT_PAUSE=<point>:<marker>`` and waits at that point after writing the
marker file (see :mod:`warehouse.faults`), so no kill races the run:

1. ``nlp``: the NLP worker is about to analyse its first part: articles staged in
   ``staging/<run>/_articles``, no table part yet;
2. ``parquet``: the worker has staged the table parts of its second part (of nine);
3. ``merge``: inside the load transaction, after the merge and the checks: data files
   written under ``lake/``, not committed.

After each kill the last snapshot is the same, every table row-for-row the same, and every
file the catalog references is there, byte for byte. The run after each kill removes what the
killed run left (its staging folder, and the data files of its uncommitted load), and the
last, uninterrupted run ends with exactly the rows of a clean run on a fresh warehouse, an
empty ``staging/`` and a data path holding only files the catalog references.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.flows.servers import (
    PrefectServer,
    ReferenceRun,
    all_rows,
    catalog_files,
    content_rows,
    copy_samples,
    file_digests,
    kill_group,
    lake_files,
    last_snapshot,
    one_article_warehouse,
    orphan_files,
    pipeline_versions,
    prefect_server,
    presslake_env,
    reference_run,
    row_counts,
    run_json,
    start_paused_run,
)

__all__ = ["one_article_warehouse", "prefect_server", "reference_run"]

pytestmark = pytest.mark.slow

KILL_POINTS = ("nlp", "parquet", "merge")
#: Parts the runs stage: the 41 samples but the one already committed, in parts of 5.
ARTICLE_PARTS = math.ceil((41 - 1) / 5)
POINT_TIMEOUT = 150.0


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _table_parts(run_dir: Path) -> dict[str, int]:
    return {
        d.name: len(_parts(d))
        for d in sorted(run_dir.iterdir())
        if d.is_dir() and d.name != "_articles" and _parts(d)
    }


@dataclass
class Kill:
    """What a killed run left, seen right after the SIGKILL."""

    point: str
    run_id: str
    articles_parts: int
    table_parts: dict[str, int]
    load_started: bool
    snapshot_same: bool
    rows_same: bool
    committed_files_same: bool
    uncommitted_files: int
    cleaned_by_next_run: bool = False
    rows_after: dict[str, int] = field(default_factory=dict)


def _load_started(wh: Path, before: set[Path]) -> bool:
    """Whether a load is writing data files (files under ``lake/`` not there before)."""
    return bool(lake_files(wh) - before)


def _kill_at(
    point: str, *, workdir: Path, env: dict[str, str], old_runs: set[str], committed: set[Path]
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start a run paused at ``point`` and SIGKILL it (and its process group) there."""
    wh = workdir / "wh"
    log = workdir / f"killed-{point}.log"
    marker = workdir / f"paused-{point}"
    marker.unlink(missing_ok=True)
    proc = start_paused_run(workdir, point, env, marker=marker, log=log, timeout=POINT_TIMEOUT)
    kill_group(proc)
    staging = wh / "staging"
    (run_dir,) = [d for d in staging.iterdir() if d.name not in old_runs]
    return run_dir.name, proc


@dataclass
class Chain:
    """Observations of the chain of killed runs and the final run."""

    base_rows: dict[str, list[tuple[Any, ...]]]
    kills: list[Kill]
    final: dict[str, Any]
    workdir: Path


@pytest.fixture(scope="module")
def chain(
    prefect_server: PrefectServer,
    one_article_warehouse: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Chain:
    """Commit one article, then kill three runs of all 41 at three stages, then run to the end."""
    workdir = tmp_path_factory.mktemp("faults")
    wh = workdir / "wh"
    shutil.copytree(one_article_warehouse, wh)
    copy_samples(workdir / "in")  # the committed article and 40 more
    env = presslake_env(prefect_server)

    base_snapshot = last_snapshot(wh)
    base_files = catalog_files(wh)
    base_lake = lake_files(wh)
    base_digests = {p: file_digests(p.parent)[p.name] for p in base_files}
    base_rows = all_rows(wh)

    kills: list[Kill] = []
    killed_runs: set[str] = set()
    for point in KILL_POINTS:
        run_id, _ = _kill_at(
            point, workdir=workdir, env=env, old_runs=killed_runs, committed=base_lake
        )
        if kills:
            # the run just killed started by removing what the previous killed run left
            kills[-1].cleaned_by_next_run = not (wh / "staging" / kills[-1].run_id).exists()
        run_dir = wh / "staging" / run_id
        kills.append(
            Kill(
                point=point,
                run_id=run_id,
                articles_parts=len(_parts(run_dir / "_articles")),
                table_parts=_table_parts(run_dir),
                load_started=_load_started(wh, base_lake),
                snapshot_same=last_snapshot(wh) == base_snapshot,
                rows_same=all_rows(wh) == base_rows,
                committed_files_same=catalog_files(wh) == base_files
                and all(file_digests(p.parent)[p.name] == d for p, d in base_digests.items()),
                uncommitted_files=len(orphan_files(wh)),
                rows_after=row_counts(all_rows(wh)),
            )
        )
        killed_runs.add(run_id)

    final = run_json(workdir, "in", "--warehouse", "wh", "--processes", "1", env=env)
    kills[-1].cleaned_by_next_run = not (wh / "staging" / kills[-1].run_id).exists()
    # what each kill left, for whoever reads a failure
    (workdir / "kills.json").write_text(json.dumps([asdict(k) for k in kills], indent=2))
    return Chain(base_rows=base_rows, kills=kills, final=final, workdir=workdir)


@pytest.mark.parametrize("index", range(len(KILL_POINTS)), ids=KILL_POINTS)
def test_kill_leaves_committed_warehouse_unchanged(chain: Chain, index: int) -> None:
    kill = chain.kills[index]
    n_parts = math.ceil(chain.final["n_new"] / 5)  # PRESSLAKE_TASK_BATCH_SIZE=5
    # the kill landed where it was meant to
    if kill.point == "nlp":
        # ingest goes on while the worker waits: some or all parts are staged
        assert 1 <= kill.articles_parts <= n_parts
        assert kill.table_parts == {} and not kill.load_started
    elif kill.point == "parquet":
        assert kill.table_parts["documents"] == 2 and not kill.load_started
        assert 2 <= kill.articles_parts <= n_parts and n_parts > 2, "killed mid-way"
    else:
        assert kill.articles_parts == n_parts, "ingest had staged every article"
        assert kill.load_started and kill.uncommitted_files > 0
        assert kill.table_parts["documents"] == kill.articles_parts, "every part was staged"
    assert kill.snapshot_same, "a snapshot was committed"
    assert kill.rows_same, "a committed table changed"
    assert kill.committed_files_same, "a file of the last snapshot changed"
    assert kill.rows_after["documents"] == 1
    assert kill.rows_after["runs"] == 1


@pytest.mark.parametrize("index", range(len(KILL_POINTS)), ids=KILL_POINTS)
def test_next_run_removes_what_the_killed_run_left(chain: Chain, index: int) -> None:
    assert chain.kills[index].cleaned_by_next_run


def test_run_after_kills_converges_to_a_clean_run(
    chain: Chain, reference_run: ReferenceRun
) -> None:
    final = chain.final
    assert final["status"] == "completed"
    assert final["n_new"] == reference_run.summary["n_new"] - 1
    # the base article: unchanged (or replaced, had the pipeline's code changed meanwhile)
    assert final["n_unchanged"] + final["n_replaced"] == 1
    wh = chain.workdir / "wh"
    assert pipeline_versions(wh) == pipeline_versions(reference_run.warehouse), (
        "transforms changed between the reference run and this one; rerun the tests"
    )
    rows = content_rows(wh)
    assert row_counts(rows) == row_counts(reference_run.rows)
    assert rows == reference_run.rows


def test_no_leftovers_after_recovery(chain: Chain) -> None:
    wh = chain.workdir / "wh"
    staging = wh / "staging"
    assert not staging.exists() or not any(staging.iterdir())
    # the data files of the killed load are gone: the data path holds what the catalog knows
    assert orphan_files(wh) == set()
    assert catalog_files(wh) <= lake_files(wh)
    committed = {
        r[0]
        for r in all_rows(wh)["runs"]
        if r[3] == "completed"  # status
    }
    assert len(committed) == 2, "the base run and the final run; killed runs left no ledger row"
    assert not {k.run_id for k in chain.kills} & {r[0] for r in all_rows(wh)["runs"]}
