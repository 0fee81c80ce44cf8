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

import pyarrow.parquet as pq
from spacy.language import Language

from schemas.convert import records_to_table
from transforms.nlp import build_pipeline
from transforms.pipeline import analyze
from transforms.types import Article, Note
from warehouse.faults import pause_at
from warehouse.store import write_parquet


@dataclass(frozen=True, slots=True)
class AnalyzeJob:
    """One NLP task: a part file of articles and where its rows go."""

    articles_path: str
    staging_dir: str
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


def read_articles(path: Path) -> list[Article]:
    """Articles of one staged part file."""
    table = pq.read_table(path)
    out = []
    for row in table.to_pylist():
        out.append(
            Article(
                doc_id=row["doc_id"],
                source_id=row["source_id"],
                source_uri=row["source_uri"],
                title=row["title"],
                published_at=row["published_at"],
                text=row["text"],
                metadata=json.loads(row["metadata"]) if row["metadata"] else {},
                notes=tuple(Note(*n) for n in json.loads(row.get("notes") or "[]")),
            )
        )
    return out


def run_job(job: AnalyzeJob) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Analyse one part; return rows written per table (and ``words``) and the rejects."""
    nlp = pipeline_for(job.model, job.fast_ops, job.config_path)
    pause_at("nlp")  # test hook: waits here when PRESSLAKE_FAULT_PAUSE names it
    articles = read_articles(Path(job.articles_path))
    rows = analyze(
        nlp,
        articles,
        run_id=job.run_id,
        ingested_at=job.ingested_at,
        pipeline_version=job.pipeline_version,
        batch_size=job.batch_size,
    )
    counts: dict[str, int] = {}
    staging = Path(job.staging_dir)
    for table, records in rows.rows.items():
        counts[table] = len(records)
        if records:
            write_parquet(records_to_table(table, records), staging / table / f"{job.part}.parquet")
    if job.part != "part-00000":
        pause_at("parquet")  # test hook: a second part's tables are staged
    counts["words"] = sum(r.n_words for r in rows.rows["documents"])
    rejects = [
        {"source_uri": f.source_uri, "reason": f.reason, "detail": f.detail} for f in rows.failures
    ]
    return counts, rejects


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
    return context


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
