"""What a small run costs as the warehouse grows: 40 new articles into 1x, 50x and 200x.

Usage::

    nice -n 10 .venv/bin/python bench/scale.py --data ../shared/data [--scales 1 50 200]
        [--new 40] [--repeats 1] [--work DIR] [--json out.json]

1. The Reuters sample (``raw_news/reuters21578_sample.jsonl``, 1,500 articles) is loaded
   through the pipeline once (``presslake run``) into a base warehouse: the 1x warehouse.
2. For each scale ``S`` the base warehouse is copied and grown to ``S`` times its size by
   copying every document's rows with new ids, in SQL, inside DuckLake
   (:func:`warehouse.synthetic.grow`): the same entities, ``S`` times the documents and
   mentions.
3. The same ``--new`` articles (the first ones of the sample with new ids and one changed
   sentence, so they are new documents) are run into each grown warehouse (a fresh copy per
   repeat) by the flow in a fresh interpreter, as ``presslake run`` would: the one-time start
   of the temporary Prefect API is timed apart, the whole run (model load and NLP workers
   included) is the figure, with the flow's own stage times (``ingest``: reading, cleaning and
   the known-document lookup; ``nlp``: from the start of ingest to the end of the NLP stage;
   ``load``: the DuckLake commit with its checks).
4. Disk used is the catalog plus the data path (every file under the warehouse directory but
   staging), before and after the run.

Targets (issue 14): the whole run into the largest warehouse at most 1.3x the run into 1x,
its load stage at most 2x. The figures are printed as they are; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PREFECT_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
for _key, _value in PREFECT_ENV.items():
    os.environ.setdefault(_key, _value)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.jsonl import read_jsonl  # noqa: E402

SAMPLE = Path("raw_news") / "reuters21578_sample.jsonl"
TARGETS = {"run_over_1x": 1.3, "load_over_1x": 2.0}


def new_articles(records: Sequence[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    """The first ``n`` records as new articles: a new id and one added sentence each."""
    for record in records[:n]:
        yield dict(
            record,
            id=f"{record['id']}-new",
            text=f"{record['text']}\nThe story was filed again later.",
        )


def write_jsonl(records: Iterator[dict[str, Any]], path: Path) -> int:
    """Write ``records`` as JSONL; the number written."""
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def disk_bytes(warehouse: Path) -> int:
    """Bytes of the catalog and the data files (staging and state left out)."""
    skip = {"staging", "state"}
    total = 0
    for path in warehouse.rglob("*"):
        parts = path.relative_to(warehouse).parts
        if parts and parts[0] in skip:
            continue
        if path.is_file():
            total += path.stat().st_size
    return total


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of warehouse directory ``source`` at ``target`` (replaced if present)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def grow_warehouse(warehouse: Path, factor: int) -> dict[str, int]:
    """Grow ``warehouse`` in place to ``factor`` times its size; rows per document table."""
    from flows.settings import Settings
    from warehouse.lake import connect_writer
    from warehouse.lock import writer_lock
    from warehouse.synthetic import grow

    layout = Settings(warehouse=warehouse).open_warehouse().layout
    with writer_lock(layout.lock):
        con = connect_writer(layout)
        try:
            return grow(con, factor=factor)
        finally:
            con.close()


@dataclass
class ScaleRun:
    """One timed run of the new articles into a warehouse of one scale."""

    scale: int
    documents: int
    mentions: int
    disk_before: int
    disk_after: int
    grow_seconds: float
    seconds: float
    timings: dict[str, float]
    n_new: int
    trials: list[dict[str, Any]] = field(default_factory=list)


def run_in_child(source: Path, warehouse: Path, *, n_process: int) -> dict[str, Any]:
    """The flow over ``source`` into ``warehouse`` in a fresh interpreter; its figures."""
    spec = {"source": str(source), "warehouse": str(warehouse), "n_process": n_process}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--run-child", json.dumps(spec)]
    with tempfile.TemporaryFile("w+") as out:
        code = subprocess.call(cmd, stdout=out, cwd=str(ROOT), env=dict(os.environ))
        out.seek(0)
        text = out.read()
    if code != 0:
        raise RuntimeError(f"run into {warehouse} failed with exit code {code}:\n{text[-3000:]}")
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return result


def _run_child_main(spec_json: str) -> None:
    from prefect import flow

    from flows.runner import run_flow
    from flows.settings import Settings

    spec = json.loads(spec_json)

    @flow(name="bench-prefect-startup")
    def _noop() -> int:
        return 1

    t0 = time.perf_counter()
    _noop()
    startup = time.perf_counter() - t0
    settings = Settings(warehouse=Path(spec["warehouse"]), n_process=spec["n_process"], lock_wait=0)
    t0 = time.perf_counter()
    summary = run_flow([spec["source"]], settings=settings)
    seconds = time.perf_counter() - t0
    if summary["status"] != "completed":
        raise RuntimeError(f"run ended {summary['status']}")
    print(
        json.dumps(
            {
                "prefect_startup_s": round(startup, 2),
                "seconds": round(seconds, 3),
                "timings": {k: round(v, 3) for k, v in summary["timings"].items()},
                "n_new": summary["n_new"],
                "table_counts": summary.get("table_counts", {}),
            }
        )
    )


def build_base(data: Path, work: Path, *, limit: int | None, n_process: int) -> Path:
    """Load the sample (its first ``limit`` records) through the pipeline: the 1x warehouse."""
    records = read_jsonl(data / SAMPLE, limit=limit)
    base_input = work / "base.jsonl"
    write_jsonl(iter(records), base_input)
    base = work / "base"
    if base.exists():
        shutil.rmtree(base)
    run_in_child(base_input, base, n_process=n_process)
    return base


def measure(
    base: Path,
    new_input: Path,
    work: Path,
    *,
    scales: Sequence[int],
    repeats: int,
    n_process: int,
    log: Any = None,
) -> list[ScaleRun]:
    """Grow a copy of ``base`` to each scale and time the run of ``new_input`` into it."""
    out: list[ScaleRun] = []
    for scale in scales:
        grown = copy_warehouse(base, work / f"x{scale}")
        t0 = time.perf_counter()
        counts = grow_warehouse(grown, scale)
        grow_seconds = time.perf_counter() - t0
        disk_before = disk_bytes(grown)
        trials = []
        for _ in range(repeats):
            trial = copy_warehouse(grown, work / f"x{scale}-run")
            result = run_in_child(new_input, trial, n_process=n_process)
            result["disk_after"] = disk_bytes(trial)
            trials.append(result)
            shutil.rmtree(trial)
        best = min(trials, key=lambda r: r["seconds"])
        run = ScaleRun(
            scale=scale,
            documents=counts["documents"],
            mentions=counts["entity_mentions"],
            disk_before=disk_before,
            disk_after=best["disk_after"],
            grow_seconds=round(grow_seconds, 2),
            seconds=best["seconds"],
            timings=best["timings"],
            n_new=best["n_new"],
            trials=trials,
        )
        out.append(run)
        shutil.rmtree(grown)
        if log is not None:
            print(f"  {scale}x: {run.seconds:.1f}s {run.timings}", file=log, flush=True)
    return out


def ratios(runs: Sequence[ScaleRun]) -> dict[str, float]:
    """Largest scale over the smallest: whole run and load stage."""
    if len(runs) < 2:
        return {}
    small, large = min(runs, key=lambda r: r.scale), max(runs, key=lambda r: r.scale)
    out = {"run_over_1x": round(large.seconds / small.seconds, 2)}
    if small.timings.get("load"):
        out["load_over_1x"] = round(large.timings["load"] / small.timings["load"], 2)
    return out


def render(runs: Sequence[ScaleRun], *, new: int) -> str:
    """The figures as a markdown table, then the ratios against the targets."""

    def mb(n: int) -> str:
        return f"{n / 1e6:,.0f} MB" if n >= 10e6 else f"{n / 1e6:,.1f} MB"

    lines = [
        f"{new} new articles into each warehouse (best of the repeats)",
        "",
        "| warehouse | documents | entity mentions | disk (catalog + lake) | ingest stage "
        "| nlp stage | load stage | whole run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        t = run.timings
        lines.append(
            f"| {run.scale}x | {run.documents:,} | {run.mentions:,} | {mb(run.disk_before)} "
            f"| {t.get('ingest', 0):.2f} s | {t.get('nlp', 0):.2f} s | {t.get('load', 0):.2f} s "
            f"| {run.seconds:.1f} s |"
        )
    lines.append("")
    for name, value in ratios(runs).items():
        target = TARGETS[name]
        verdict = "met" if value <= target else "MISSED"
        lines.append(f"{name}: {value:.2f} (target <= {target}) {verdict}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--new", type=int, default=40, help="New articles per run.")
    parser.add_argument("--limit", type=int, help="Only the first N sample articles (smoke).")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--processes", type=int, default=1, help="NLP worker processes.")
    parser.add_argument("--work", type=Path, help="Work folder (default: a temporary one).")
    parser.add_argument(
        "--base",
        type=Path,
        help="Use this 1x warehouse (from an earlier --work) instead of loading the sample again.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--run-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_child:
        _run_child_main(args.run_child)
        return 0
    sample = args.data / SAMPLE
    if not sample.exists():
        parser.error(f"no Reuters sample at {sample}; pass --data")
    work = args.work or Path(tempfile.mkdtemp(prefix="presslake-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        if args.base is not None:
            base = args.base
        else:
            base = build_base(args.data, work, limit=args.limit, n_process=args.processes)
        print(f"base warehouse in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        new_input = work / "new.jsonl"
        n_new = write_jsonl(new_articles(read_jsonl(sample, limit=args.new), args.new), new_input)
        runs = measure(
            base,
            new_input,
            work,
            scales=args.scales,
            repeats=args.repeats,
            n_process=args.processes,
            log=sys.stderr,
        )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(render(runs, new=n_new))
    if args.json:
        payload = {"new": n_new, "runs": [asdict(r) for r in runs], "ratios": ratios(runs)}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
