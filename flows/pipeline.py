"""The presslake Prefect flow: ingest -> NLP (batched tasks) -> one transactional load.

Flows stay thin: they batch, retry, log and report. What a record is lives in
``transforms/``; where bytes go lives in ``warehouse/``.
"""

from __future__ import annotations

import json
import queue
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait

from flows import progress
from flows.fetch import FeedState, FetchSettings
from flows.lifecycle import tracked_run
from flows.report import render_report
from flows.settings import Settings
from flows.sources import iter_inputs
from flows.workers import AnalyzeJob, process_pool, run_job, warm_pool
from schemas import SCHEMA_VERSION
from schemas.staging import ARTICLES
from transforms.nlp import pipeline_version
from transforms.types import Article, Reject
from warehouse.lock import writer_lock
from warehouse.store import KnownDocuments, ReportFn, Warehouse, write_parquet

ARTICLES_DIR = "_articles"


@dataclass
class IngestOutcome:
    """What the ingest stage produced."""

    parts: list[str] = field(default_factory=list)
    n_seen: int = 0
    n_new: int = 0
    n_unchanged: int = 0
    n_replaced: int = 0
    n_duplicates: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunSummary:
    """What a run did; returned by the flow and shown by the CLI."""

    run_id: str
    status: str
    warehouse: str
    n_seen: int
    n_new: int
    n_unchanged: int
    n_replaced: int
    n_duplicates: int
    n_rejected: int
    rows: dict[str, int]
    words: int
    timings: dict[str, float]
    checks: list[str]
    rejects_by_reason: dict[str, int]
    table_counts: dict[str, int]
    report: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output)."""
        return asdict(self)


def _retry_on_io(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only on I/O errors (a failed data check or a bug does not get better)."""
    return isinstance(state.result(raise_on_failure=False), OSError)


def _articles_table(articles: Sequence[Article]) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "doc_id": [a.doc_id for a in articles],
            "source_id": [a.source_id for a in articles],
            "source_uri": [a.source_uri for a in articles],
            "title": [a.title for a in articles],
            "published_at": [a.published_at for a in articles],
            "text": [a.text for a in articles],
            "metadata": [
                json.dumps(a.metadata, sort_keys=True, default=str) if a.metadata else None
                for a in articles
            ],
            "notes": [
                json.dumps([list(n) for n in a.notes]) if a.notes else None for a in articles
            ],
        },
        schema=ARTICLES,
    )


@task(
    name="ingest",
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_retry_on_io,
    cache_policy=NO_CACHE,
)
def ingest_sources(
    sources: list[str],
    *,
    settings: Settings,
    staging_dir: str,
    published_at: datetime | None,
    known: KnownDocuments,
    pipeline: str,
    feed_state: FeedState | None = None,
    parts_queue: queue.Queue[str | None] | None = None,
) -> IngestOutcome:
    """Read, decode, clean and deduplicate every source; stage new articles as Parquet parts.

    Documents already in the warehouse with the same pipeline version are skipped here, so a
    no-op re-run never reaches the NLP stage. With ``parts_queue``, each part's path is put
    there as soon as it is written (then ``None`` at the end), so NLP starts during ingest.
    """
    logger = get_run_logger()
    out_dir = Path(staging_dir) / ARTICLES_DIR
    if out_dir.exists():
        shutil.rmtree(out_dir)
    outcome = IngestOutcome()
    seen_ids: set[str] = set()
    pending: list[Article] = []

    def flush() -> None:
        if pending:
            path = out_dir / f"part-{len(outcome.parts):05d}.parquet"
            write_parquet(_articles_table(pending), path)
            outcome.parts.append(str(path))
            pending.clear()
            if parts_queue is not None:
                parts_queue.put(str(path))

    for item in iter_inputs(
        sources,
        max_bytes=settings.max_bytes,
        published_at=published_at,
        feed_state=feed_state,
        fetch_settings=FetchSettings(deadline=settings.fetch_deadline),
    ):
        if isinstance(item, Reject):
            outcome.rejects.append(
                {"source_uri": item.source_uri, "reason": item.reason, "detail": item.detail}
            )
            logger.warning("rejected %s: %s (%s)", item.source_uri, item.reason, item.detail)
            progress.report("ingest", 1)
            continue
        outcome.n_seen += 1
        progress.report("ingest", 1)
        if item.doc_id in seen_ids:
            outcome.n_duplicates += 1
            continue
        seen_ids.add(item.doc_id)
        if known.pipeline_by_doc.get(item.doc_id) == pipeline:
            outcome.n_unchanged += 1
            continue
        old = known.doc_by_source.get(item.source_id)
        if item.doc_id in known.pipeline_by_doc or (old is not None and old != item.doc_id):
            outcome.n_replaced += 1
        else:
            outcome.n_new += 1
        if not pending and not outcome.parts and settings.task_runner == "threads":
            # the first document to analyse: start the worker processes (each loads the
            # model) while ingest goes on
            warm_pool(
                model=settings.model,
                fast_ops=settings.fast_ops,
                n_process=settings.n_process,
                config_path=str(settings.pipeline_config) if settings.pipeline_config else None,
            )
        pending.append(item)
        if len(pending) >= settings.task_batch_size:
            flush()
    flush()
    if parts_queue is not None:
        parts_queue.put(None)
    logger.info(
        "ingest: %d seen, %d to analyse, %d unchanged, %d rejected",
        outcome.n_seen,
        outcome.n_new + outcome.n_replaced,
        outcome.n_unchanged,
        len(outcome.rejects),
    )
    return outcome


@task(name="analyze", retries=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def analyze_part(
    job: AnalyzeJob, *, n_process: int, inline: bool
) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Run the NLP pipeline and every extractor over one part of articles."""
    # NLP runs in worker processes even with n_process=1, so ingest (in this process) and NLP
    # overlap without contending for one interpreter lock
    if inline:
        counts, rejects = run_job(job)
    else:
        pool = process_pool(
            model=job.model, fast_ops=job.fast_ops, n_process=n_process, config_path=job.config_path
        )
        counts, rejects = pool.submit(run_job, job).result()
    for reject in rejects:
        get_run_logger().warning("rejected %s: %s", reject["source_uri"], reject["detail"])
    progress.report("nlp", counts.get("documents", 0) + len(rejects))
    return counts, rejects


@task(
    name="load",
    retries=1,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_on_io,
    cache_policy=NO_CACHE,
)
def load_run(
    warehouse_dir: str,
    *,
    run_id: str,
    run_row: dict[str, Any],
    rejects: list[dict[str, Any]],
    fault: str | None = None,
    report: ReportFn | None = None,
) -> dict[str, Any]:
    """Merge the run's staged Parquet into the warehouse in one transaction, with checks."""
    result = Warehouse(warehouse_dir).load(
        run_id=run_id, run_row=run_row, rejects=rejects, fault=fault, report=report
    )
    return {"counts": result.counts, "checks": result.checks_passed, "seconds": result.seconds}


def _next_part(parts: queue.Queue[str | None], ingest: Any) -> str | None:
    """The next part ingest wrote, or ``None`` once ingest has finished (or failed)."""
    while True:
        try:
            return parts.get(timeout=0.2)
        except queue.Empty:
            if ingest.state.is_final():
                # ingest ended without its end marker (it failed): stop waiting for parts
                return None


def new_run_id(started_at: datetime) -> str:
    """A readable, unique run id."""
    return f"r{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@flow(name="presslake-run", log_prints=False)
def presslake_run(
    sources: list[str],
    settings: Settings | None = None,
    published_at: datetime | None = None,
    fault: str | None = None,
) -> dict[str, Any]:
    """Load ``sources`` into the warehouse: one run, one transaction, one ledger row.

    Args:
        sources: Files, folders, JSONL/CSV/HTML files, feed or page URLs.
        settings: Run settings (defaults from ``PRESSLAKE_*``).
        published_at: Publication date for inputs that carry none.
        fault: Test hook for fault injection (``before_commit``).

    Returns:
        The :class:`RunSummary` as a dict.
    """
    settings = settings or Settings()
    logger = get_run_logger()
    started_at = datetime.now(UTC).replace(tzinfo=None)
    run_id = new_run_id(started_at)
    wh = Warehouse(settings.warehouse)
    timings: dict[str, float] = {}
    config_path = settings.pipeline_config
    pipeline = pipeline_version(settings.model, config_path=config_path)
    with (
        writer_lock(wh.layout.lock, timeout=settings.lock_wait),
        tracked_run(
            wh,
            run_id=run_id,
            started_at=started_at,
            sources=list(sources),
            pipeline_version=pipeline,
            model=settings.model,
        ) as tracker,
    ):
        wh.cleanup_leftovers()
        staging = wh.layout.staging(run_id)
        staging.mkdir(parents=True, exist_ok=True)
        known = wh.known_documents()
        feed_state = _feed_state(wh)

        t0 = time.perf_counter()

        def job_for(part: str) -> AnalyzeJob:
            return AnalyzeJob(
                articles_path=part,
                staging_dir=str(staging),
                part=Path(part).stem,
                run_id=run_id,
                ingested_at=started_at,
                pipeline_version=pipeline,
                model=settings.model,
                fast_ops=settings.fast_ops,
                batch_size=settings.nlp_batch_size,
                config_path=str(config_path) if config_path else None,
            )

        ingest_args: dict[str, Any] = {
            "settings": settings,
            "staging_dir": str(staging),
            "published_at": published_at,
            "known": known,
            "pipeline": pipeline,
            "feed_state": feed_state,
        }
        futures: list[Any] = []
        if settings.task_runner == "threads":
            # NLP starts on each part as soon as ingest has written it
            parts: queue.Queue[str | None] = queue.Queue()
            # no task-level retry here: parts already handed to NLP must not be rewritten
            ingest_future = ingest_sources.with_options(retries=0).submit(
                sources, parts_queue=parts, **ingest_args
            )
            while (part := _next_part(parts, ingest_future)) is not None:
                futures.append(
                    analyze_part.submit(job_for(part), n_process=settings.n_process, inline=False)
                )
            outcome = ingest_future.result()
        else:
            outcome = ingest_sources(sources, **ingest_args)
            futures = [
                analyze_part.submit(job_for(part), n_process=settings.n_process, inline=True)
                for part in outcome.parts
            ]
        timings["ingest"] = time.perf_counter() - t0
        progress.report("nlp", 0, outcome.n_new + outcome.n_replaced)
        wait(futures)
        rows: Counter[str] = Counter()
        for future in futures:
            counts, failed = future.result()
            rows.update(counts)
            outcome.rejects.extend(failed)
            # a document that failed analysis was counted as new (or replaced) at ingest
            for _ in failed:
                if outcome.n_new:
                    outcome.n_new -= 1
                else:
                    outcome.n_replaced -= 1
        words = rows.pop("words", 0)
        timings["nlp"] = time.perf_counter() - t0

        run_row = {
            "run_id": run_id,
            "started_at": started_at,
            "finished_at": None,
            "status": "running",
            "n_seen": outcome.n_seen,
            "n_new": outcome.n_new,
            "n_unchanged": outcome.n_unchanged,
            "n_replaced": outcome.n_replaced,
            "n_rejected": len(outcome.rejects),
            "n_duplicates": outcome.n_duplicates,
            "pipeline_version": pipeline,
            "model": settings.model,
            "schema_version": SCHEMA_VERSION,
            "sources": [str(s) for s in sources],
            "report": None,
        }
        # one row per input and run (the ledger's key): the first reason wins
        unique = {r["source_uri"]: r for r in reversed(outcome.rejects)}
        rejects = [dict(r, run_id=run_id) for r in reversed(list(unique.values()))]
        summary = RunSummary(
            run_id=run_id,
            status="running",
            warehouse=str(settings.warehouse),
            n_seen=outcome.n_seen,
            n_new=outcome.n_new,
            n_unchanged=outcome.n_unchanged,
            n_replaced=outcome.n_replaced,
            n_duplicates=outcome.n_duplicates,
            n_rejected=len(rejects),
            rows=dict(rows),
            words=words,
            timings=timings,
            checks=[],
            rejects_by_reason=dict(Counter(r["reason"] for r in rejects)),
            table_counts={},
        )
        t0 = time.perf_counter()
        summary.status = "completed"
        run_row["finished_at"] = datetime.now(UTC).replace(tzinfo=None)
        run_row["report"] = render_report(summary)

        def final_report(checks: list[str], load_seconds: float, counts: dict[str, int]) -> str:
            # rendered inside the load transaction, so the ledger keeps the whole report
            summary.checks = checks
            summary.table_counts = counts
            timings["load"] = load_seconds
            return render_report(summary)

        try:
            loaded = load_run(
                str(settings.warehouse),
                run_id=run_id,
                run_row=run_row,
                rejects=rejects,
                fault=fault,
                report=final_report,
            )
        except Exception as err:
            summary.status = "failed"
            failure_report = render_report(summary, error=str(err))
            run_row["report"] = failure_report
            tracker.record_failure(run_row, error=" ".join(str(err).split()))
            _publish(summary, failure_report)
            raise
        timings["load"] = time.perf_counter() - t0
        summary.checks = loaded["checks"]
        if feed_state is not None:
            feed_state.save()
    # table_counts and checks were filled in by final_report, inside the load transaction
    summary.report = render_report(summary)
    _publish(summary, summary.report)
    logger.info("run %s: %d new, %d unchanged", run_id, summary.n_new, summary.n_unchanged)
    return summary.to_dict()


def _feed_state(wh: Warehouse) -> FeedState:
    """The per-feed fetch state of this warehouse (saved only after a successful load)."""
    return FeedState(wh.layout.state)


def _publish(summary: RunSummary, markdown: str) -> None:
    create_markdown_artifact(
        key="presslake-run-report",
        markdown=markdown,
        description=f"presslake run {summary.run_id} ({summary.status})",
    )
