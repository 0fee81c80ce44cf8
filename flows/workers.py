"""Where the NLP stage runs: in-process, in a local process pool, or on a Dask worker.

Each call analyses one Parquet part of cleaned articles and writes one Parquet part per
document table into the run's staging folder. The model is loaded once per process.

The local pool forks its workers from a ``forkserver`` process that imported presslake and
loaded the pipeline once (see :mod:`flows.preload`): a worker starts with the model already
in memory instead of importing spaCy and loading the model itself, and the server is a fresh
single-threaded interpreter, so forking it is safe while the flow process runs Prefect's
threads.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from multiprocessing.context import BaseContext
from pathlib import Path

from spacy.language import Language

from transforms.classify import Label
from transforms.nlp.analysis import analyze
from transforms.nlp.pipeline import build_pipeline
from transforms.types import Reject
from warehouse.faults import pause_at
from warehouse.staging import Staging


@dataclass(frozen=True, slots=True)
class AnalyzeJob:
    """One NLP task: a staged part of labelled articles, and the run whose staging folder
    receives its rows."""

    articles_path: str
    staging_root: str
    part: str
    run_id: str
    ingested_at: datetime
    pipeline_version: str
    model: str
    fast_ops: bool
    batch_size: int
    config_path: str | None = None


@cache
def pipeline_for(model: str, fast_ops: bool, config_path: str | None = None) -> Language:
    """The pipeline, built once per process."""
    return build_pipeline(
        model, fast_ops=fast_ops, config_path=Path(config_path) if config_path else None
    )


@dataclass(frozen=True, slots=True)
class PartResult:
    """What one NLP task did.

    Attributes:
        rows: Rows staged per table.
        words: Words analysed.
        failures: Articles whose analysis failed, each with the label it had.
    """

    rows: dict[str, int]
    words: int
    failures: list[tuple[Reject, Label]]


def run_job(job: AnalyzeJob) -> PartResult:
    """Analyse one staged part and stage its rows."""
    nlp = pipeline_for(job.model, job.fast_ops, job.config_path)
    pause_at("nlp")  # test hook: waits here when PRESSLAKE_FAULT_PAUSE names it
    items = Staging.read_articles(job.articles_path)
    rows = analyze(
        nlp,
        [c.article for c in items],
        run_id=job.run_id,
        ingested_at=job.ingested_at,
        pipeline_version=job.pipeline_version,
        batch_size=job.batch_size,
    )
    staging = Staging(Path(job.staging_root), job.run_id)
    counts: dict[str, int] = {}
    for table, records in rows.rows.items():
        counts[table] = len(records)
        staging.write_rows(table, records, part=job.part)
    if job.part != "part-00000":
        pause_at("parquet")  # test hook: a second part's tables are staged
    label_of = {c.article.source_uri: c.label for c in items}
    return PartResult(
        rows=counts,
        words=sum(r.n_words for r in rows.rows["documents"]),
        failures=[(f, label_of.get(f.source_uri, Label.NEW)) for f in rows.failures],
    )


def _warm(model: str, fast_ops: bool, config_path: str | None) -> None:
    pipeline_for(model, fast_ops, config_path)


def _ready() -> bool:
    return True


_POOLS: dict[tuple[str, bool, str | None, int], ProcessPoolExecutor] = {}
#: What the forkserver loads when it starts (read by :mod:`flows.preload`).
PRELOAD_ENV = "PRESSLAKE_PRELOAD_PIPELINE"


def _forkserver(model: str, fast_ops: bool, config_path: str | None) -> BaseContext:
    """The ``forkserver`` context, told to preload this pipeline if its server has not
    started yet (a server already running keeps what it loaded; workers then load the
    pipeline they need in their initializer)."""
    context = multiprocessing.get_context("forkserver")
    os.environ[PRELOAD_ENV] = json.dumps(
        {"model": model, "fast_ops": fast_ops, "config_path": config_path}
    )
    context.set_forkserver_preload(["flows.preload"])
    _start_forkserver()
    return context


def _start_forkserver() -> None:
    """Start the forkserver (if it is not running) with PYTHONSAFEPATH set.

    The forkserver runs ``python -c ...``, which puts the working directory first on
    sys.path (and Python 3.11's forkserver ignores the parent's sys.path): started from a
    folder holding a ``flows/`` or ``transforms/`` of its own, a Prefect project say, it
    imported those, and the workers forked from it, instead of presslake's. The variable is
    set for that start only, so other subprocesses of this process keep Python's default.
    """
    from multiprocessing import forkserver

    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = saved


def process_pool(
    *, model: str, fast_ops: bool, n_process: int, config_path: str | None = None
) -> ProcessPoolExecutor:
    """A long-lived pool of ``n_process`` workers, each holding the pipeline."""
    key = (model, fast_ops, config_path, n_process)
    pool = _POOLS.get(key)
    if pool is None:
        pool = ProcessPoolExecutor(
            max_workers=n_process,
            mp_context=_forkserver(model, fast_ops, config_path),
            initializer=_warm,
            initargs=(model, fast_ops, config_path),
        )
        _POOLS[key] = pool
    return pool


def warm_pool(
    *, model: str, fast_ops: bool, n_process: int, config_path: str | None = None
) -> None:
    """Start the workers now (each loads the model) without waiting for them, so the
    loading overlaps the rest of the ingest instead of delaying the first NLP task."""
    pool = process_pool(
        model=model, fast_ops=fast_ops, n_process=n_process, config_path=config_path
    )
    for _ in range(n_process):
        pool.submit(_ready)


@atexit.register
def shutdown_pools() -> None:
    """Stop every worker pool."""
    for pool in _POOLS.values():
        pool.shutdown(wait=False, cancel_futures=True)
    _POOLS.clear()
