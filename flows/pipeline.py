"""The presslake Prefect flow, as the data-flow diagram reads:

sources -> ingest (read, clean, label, stage articles) -> NLP (one task per staged part,
rows staged) -> ledger row -> load (one DuckLake transaction, data checks) -> report.

Flows stay thin: they batch, retry, log and report. What a record is lives in
``transforms/`` and ``schemas/``; where bytes go lives in ``warehouse/``.
"""

from __future__ import annotations

import queue
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait

from flows import progress
from flows.fetch import FeedState, FetchSettings
from flows.lifecycle import tracked_run
from flows.logs import hide_explained_tracebacks
from flows.report import render_report
from flows.settings import Settings
from flows.sources import iter_inputs
from flows.workers import AnalyzeJob, PartResult, process_pool, run_job, warm_pool
from schemas import SCHEMA_VERSION
from schemas.ledger import RejectRecord, RunRecord
from transforms.classify import Classified, Label, classify
from transforms.nlp.pipeline import pipeline_version
from transforms.types import Article, Reject
from warehouse.lock import writer_lock
from warehouse.staging import Staging
from warehouse.store import LoadResult, Warehouse


@dataclass
class LabelCounts:
    """How many articles of a run got each label; an article whose analysis fails is taken
    off the count of its own label."""

    seen: int = 0
    by_label: Counter[Label] = field(default_factory=Counter)

    def add(self, label: Label) -> None:
        """Count one labelled article."""
        self.by_label[label] += 1

    def failed(self, label: Label) -> None:
        """One article with ``label`` failed analysis: it is a reject, not a document."""
        self.by_label[label] -= 1

    @property
    def to_analyse(self) -> int:
        """Articles that go through NLP."""
        return sum(n for label, n in self.by_label.items() if label.analysed)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An input whose text an earlier input of the same run had: it adds no document, and
    this says which input it repeated.

    Attributes:
        source_uri: The repeating input.
        same_as: The input of the run that had the text first.
        doc_id: The document both texts are.
    """

    source_uri: str
    same_as: str
    doc_id: str


@dataclass
class IngestOutcome:
    """What the ingest stage produced: staged parts, label counts, rejects, duplicates."""

    parts: list[str] = field(default_factory=list)
    counts: LabelCounts = field(default_factory=LabelCounts)
    rejects: list[Reject] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)


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
    duplicates: list[Duplicate] = field(default_factory=list)
    report: str = ""
    snapshot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON output)."""
        return asdict(self)


def _retry_on_io(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only on I/O errors (a failed data check or a bug does not get better)."""
    return isinstance(state.result(raise_on_failure=False), OSError)


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
    warehouse: Warehouse,
    staging: Staging,
    published_at: datetime | None,
    pipeline: str,
    feed_state: FeedState | None = None,
    parts_queue: queue.Queue[str | None] | None = None,
) -> IngestOutcome:
    """Read, decode and clean every source; label each article against what the warehouse
    holds about it; stage the articles to analyse as Parquet parts.

    The warehouse is asked only about the incoming ``doc_id``\\ s and ``source_id``\\ s, one
    batch at a time. Unchanged and duplicate articles are not staged, so a no-op re-run
    never reaches the NLP stage. With ``parts_queue``, each part's path is put there as soon
    as it is written (then ``None`` at the end), so NLP starts during ingest.
    """
    logger = get_run_logger()
    staging.reset()
    outcome = IngestOutcome()
    batch = settings.task_batch_size
    first_uri: dict[str, str] = {}  # doc_id -> the input of this run that had it first
    incoming: list[Article] = []
    to_stage: list[Classified] = []

    def write_part(items: list[Classified]) -> None:
        path = staging.write_articles(items, part=len(outcome.parts))
        outcome.parts.append(path)
        if parts_queue is not None:
            parts_queue.put(path)

    def label_incoming(index: Any) -> None:
        known = index.lookup(
            doc_ids=[a.doc_id for a in incoming], source_ids=[a.source_id for a in incoming]
        )
        for article in incoming:
            item = classify(article, known=known, seen=first_uri.keys(), pipeline=pipeline)
            first = first_uri.setdefault(article.doc_id, article.source_uri)
            outcome.counts.add(item.label)
            if item.label is Label.DUPLICATE:
                outcome.duplicates.append(Duplicate(article.source_uri, first, article.doc_id))
                logger.warning(
                    "duplicate %s: the same text as %s, loaded once", article.source_uri, first
                )
            if not item.label.analysed:
                continue
            if not to_stage and not outcome.parts and settings.task_runner == "threads":
                # the first document to analyse: start the worker processes (each loads the
                # model) while ingest goes on
                warm_pool(
                    model=settings.model,
                    fast_ops=settings.fast_ops,
                    n_process=settings.n_process,
                    config_path=str(settings.pipeline_config) if settings.pipeline_config else None,
                )
            to_stage.append(item)
            if len(to_stage) >= batch:
                write_part(to_stage[:batch])
                del to_stage[:batch]
        incoming.clear()

    with warehouse.document_index() as index:
        for item in iter_inputs(
            sources,
            max_bytes=settings.max_bytes,
            published_at=published_at,
            feed_state=feed_state,
            fetch_settings=FetchSettings(deadline=settings.fetch_deadline),
        ):
            progress.report("ingest", 1)
            if isinstance(item, Reject):
                outcome.rejects.append(item)
                logger.warning("rejected %s: %s (%s)", item.source_uri, item.reason, item.detail)
                continue
            outcome.counts.seen += 1
            incoming.append(item)
            if len(incoming) >= batch:
                label_incoming(index)
        label_incoming(index)
    if to_stage:
        write_part(to_stage)
    if parts_queue is not None:
        parts_queue.put(None)
    logger.info(
        "ingest: %d seen, %d to analyse, %d unchanged, %d rejected",
        outcome.counts.seen,
        outcome.counts.to_analyse,
        outcome.counts.by_label[Label.UNCHANGED],
        len(outcome.rejects),
    )
    return outcome


@task(name="analyze", retries=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def analyze_part(job: AnalyzeJob, *, n_process: int, inline: bool) -> PartResult:
    """Run the NLP pipeline and every extractor over one staged part of articles."""
    # NLP runs in worker processes even with n_process=1, so ingest (in this process) and NLP
    # overlap without contending for one interpreter lock
    if inline:
        result = run_job(job)
    else:
        pool = process_pool(
            model=job.model, fast_ops=job.fast_ops, n_process=n_process, config_path=job.config_path
        )
        result = pool.submit(run_job, job).result()
    for reject, _ in result.failures:
        get_run_logger().warning("rejected %s: %s", reject.source_uri, reject.detail)
    progress.report("nlp", result.rows.get("documents", 0) + len(result.failures))
    return result


@task(
    name="load",
    retries=1,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_on_io,
    cache_policy=NO_CACHE,
)
def load_run(
    warehouse: Warehouse,
    *,
    run: RunRecord,
    rejects: list[RejectRecord],
    fault: str | None = None,
) -> LoadResult:
    """Load the run's staged rows into the warehouse in one transaction, with checks."""
    return warehouse.load(run=run, rejects=rejects, fault=fault)


def collect_parts(
    outcome: IngestOutcome, parts: Sequence[PartResult]
) -> tuple[dict[str, int], int]:
    """Add up the NLP parts: rows per table and words; an article whose analysis failed
    becomes a reject and leaves the count of its own label."""
    rows: Counter[str] = Counter()
    words = 0
    for part in parts:
        rows.update(part.rows)
        words += part.words
        for reject, label in part.failures:
            outcome.rejects.append(reject)
            outcome.counts.failed(label)
    return dict(rows), words


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


def ledger_rejects(run_id: str, rejects: Sequence[Reject]) -> list[RejectRecord]:
    """One ``rejects`` row per input of the run (the ledger's key): the first reason wins."""
    first: dict[str, Reject] = {}
    for reject in rejects:
        first.setdefault(reject.source_uri, reject)
    return [RejectRecord(run_id, r.source_uri, r.reason, r.detail) for r in first.values()]


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
    hide_explained_tracebacks()  # also in a scheduled run's subprocess (serve, a worker)
    logger = get_run_logger()
    started_at = datetime.now(UTC).replace(tzinfo=None)
    run_id = new_run_id(started_at)
    wh = settings.open_warehouse()
    pipeline = pipeline_version(settings.model, config_path=settings.pipeline_config)
    timings: dict[str, float] = {}
    with (
        writer_lock(wh.layout.lock, timeout=settings.lock_wait),
        closing(wh),
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
        staging = wh.staging(run_id)
        feed_state = FeedState(wh.layout.state)

        # ingest -> NLP: each staged part becomes an NLP task as soon as it is written
        t0 = time.perf_counter()
        outcome, futures = _ingest_and_analyse(
            sources,
            settings=settings,
            warehouse=wh,
            staging=staging,
            published_at=published_at,
            pipeline=pipeline,
            feed_state=feed_state,
            started_at=started_at,
        )
        timings["ingest"] = time.perf_counter() - t0
        progress.report("nlp", 0, outcome.counts.to_analyse)
        wait(futures)
        rows, words = collect_parts(outcome, [future.result() for future in futures])
        timings["nlp"] = time.perf_counter() - t0

        # the ledger row, then the load: one transaction
        rejects = ledger_rejects(run_id, outcome.rejects)
        counts = outcome.counts.by_label
        run = RunRecord(
            run_id=run_id,
            started_at=started_at,
            finished_at=datetime.now(UTC).replace(tzinfo=None),
            status="running",
            n_seen=outcome.counts.seen,
            n_new=counts[Label.NEW],
            n_unchanged=counts[Label.UNCHANGED],
            n_replaced=counts[Label.REPLACED],
            n_rejected=len(rejects),
            n_duplicates=counts[Label.DUPLICATE],
            pipeline_version=pipeline,
            model=settings.model,
            schema_version=SCHEMA_VERSION,
            sources=[str(s) for s in sources],
        )
        summary = _summary(
            run, settings=settings, rows=rows, words=words, timings=timings, rejects=rejects
        )
        summary.duplicates = list(outcome.duplicates)
        run = _with_report(run, render_report(summary))
        tracker.run = run
        t0 = time.perf_counter()
        try:
            loaded = load_run(wh, run=run, rejects=rejects, fault=fault)
        except Exception as err:
            summary.status = "failed"
            failure_report = render_report(summary, error=str(err))
            tracker.record_failure(
                _with_report(run, failure_report), error=" ".join(str(err).split())
            )
            _publish(summary, failure_report)
            raise
        timings["load"] = time.perf_counter() - t0
        feed_state.save()

        # the report, rendered after the load returned, completes the ledger row
        summary.status = "completed"
        summary.checks = loaded.checks_passed
        summary.table_counts = loaded.table_counts
        summary.snapshot_id = loaded.snapshot_id
        summary.report = render_report(summary)
        wh.store_report(run_id, summary.report, snapshot_id=loaded.snapshot_id)
    _publish(summary, summary.report)
    logger.info("run %s: %d new, %d unchanged", run_id, summary.n_new, summary.n_unchanged)
    return summary.to_dict()


def _ingest_and_analyse(
    sources: list[str],
    *,
    settings: Settings,
    warehouse: Warehouse,
    staging: Staging,
    published_at: datetime | None,
    pipeline: str,
    feed_state: FeedState,
    started_at: datetime,
) -> tuple[IngestOutcome, list[Any]]:
    """Run ingest and submit one NLP task per staged part; return the outcome and futures."""
    config_path = settings.pipeline_config

    def job_for(part: str) -> AnalyzeJob:
        return AnalyzeJob(
            articles_path=part,
            staging_root=str(warehouse.layout.staging_root),
            part=part.rsplit("/", 1)[-1].removesuffix(".parquet"),
            run_id=staging.run_id,
            ingested_at=started_at,
            pipeline_version=pipeline,
            model=settings.model,
            fast_ops=settings.fast_ops,
            batch_size=settings.nlp_batch_size,
            config_path=str(config_path) if config_path else None,
        )

    ingest_args: dict[str, Any] = {
        "settings": settings,
        "warehouse": warehouse,
        "staging": staging,
        "published_at": published_at,
        "pipeline": pipeline,
        "feed_state": feed_state,
    }
    futures: list[Any] = []
    if settings.task_runner == "threads":
        parts: queue.Queue[str | None] = queue.Queue()
        # no task-level retry here: parts already handed to NLP must not be rewritten
        ingest_future = ingest_sources.with_options(retries=0).submit(
            sources, parts_queue=parts, **ingest_args
        )
        while (part := _next_part(parts, ingest_future)) is not None:
            futures.append(
                analyze_part.submit(job_for(part), n_process=settings.n_process, inline=False)
            )
        return ingest_future.result(), futures
    outcome = ingest_sources(sources, **ingest_args)
    futures = [
        analyze_part.submit(job_for(part), n_process=settings.n_process, inline=True)
        for part in outcome.parts
    ]
    return outcome, futures


def _with_report(run: RunRecord, report: str) -> RunRecord:
    return replace(run, report=report)


def _summary(
    run: RunRecord,
    *,
    settings: Settings,
    rows: dict[str, int],
    words: int,
    timings: dict[str, float],
    rejects: Sequence[RejectRecord],
) -> RunSummary:
    return RunSummary(
        run_id=run.run_id,
        status="running",
        warehouse=str(settings.warehouse),
        n_seen=run.n_seen,
        n_new=run.n_new,
        n_unchanged=run.n_unchanged,
        n_replaced=run.n_replaced,
        n_duplicates=run.n_duplicates,
        n_rejected=run.n_rejected,
        rows=rows,
        words=words,
        timings=timings,
        checks=[],
        rejects_by_reason=dict(Counter(r.reason for r in rejects)),
        table_counts={},
    )


def _publish(summary: RunSummary, markdown: str) -> None:
    create_markdown_artifact(
        key="presslake-run-report",
        markdown=markdown,
        description=f"presslake run {summary.run_id} ({summary.status})",
    )
