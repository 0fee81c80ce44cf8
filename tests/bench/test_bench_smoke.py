"""The throughput benchmark's functions run on a handful of articles (no timing asserted)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from evaluation.jsonl import read_jsonl

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "throughput.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """``bench/throughput.py`` imported as a module (``bench/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("presslake_bench_throughput", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ARTICLES = [
    "BankAmerica Corp is not under pressure to act quickly on its proposed equity offering, "
    "banking analysts said on Thursday.",
    "The Commerce Department said U.S. retail sales rose 0.7 pct in January, after a revised "
    "0.4 pct fall in December.",
    '"We expect the merger to close by June," said John Smith, chief executive of Acme Inc.',
    "Shares of General Motors fell two dlrs in heavy trading in New York after the company "
    "cut its dividend.",
    "Japan's finance minister Kiichi Miyazawa met U.S. Treasury Secretary James Baker in "
    "Paris last week.",
]


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five short Reuters-like articles as JSONL records (``id``, ``title``, ``date``, ``text``)."""
    path = tmp_path_factory.mktemp("bench") / "five.jsonl"
    records = [
        {"id": f"bench-{i}", "title": f"Story {i}", "date": "1987-02-26T15:07:13", "text": text}
        for i, text in enumerate(ARTICLES)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_words_are_whitespace_tokens(bench: ModuleType) -> None:
    assert bench.count_words(["a  b\nc", "", " d "]) == 4


def test_scaled_copies_have_new_ids_and_texts(
    bench: ModuleType, sample_file: Path, tmp_path: Path
) -> None:
    records = read_jsonl(sample_file)
    assert len(records) == len(ARTICLES)
    n, words = bench.write_jsonl(bench.scaled_records(records, 3), tmp_path / "x3.jsonl")
    copies = read_jsonl(tmp_path / "x3.jsonl")
    assert n == len(copies) == 3 * len(ARTICLES)
    assert len({c["id"] for c in copies}) == len({c["text"] for c in copies}) == n
    assert words == bench.count_words([c["text"] for c in copies])


def test_rss_sampler_sees_this_process(bench: ModuleType) -> None:
    with bench.RssSampler(interval=0.01) as rss:
        sum(range(100_000))
    figures = rss.as_dict()
    assert figures["peak_rss_mib"] > 0
    assert figures["cpu_seconds"] >= 0


def test_bare_pipe_counts_every_text(bench: ModuleType, sample_file: Path) -> None:
    texts = [r["text"] for r in read_jsonl(sample_file)]
    result = bench.bare_pipe(texts, fast_ops=True, batch_size=2, n_process=1, warmup=1)
    assert result["texts"] == len(ARTICLES)
    assert result["words"] == bench.count_words(texts)
    assert result["components"] == list(bench.NEEDED)


def test_stage_breakdown_covers_every_component(
    bench: ModuleType, nlp: Any, sample_file: Path
) -> None:
    articles = bench.ingest_articles(sample_file, limit=None)
    assert len(articles) == len(ARTICLES)
    stages = bench.stage_breakdown(nlp, articles, batch_size=4)
    assert set(nlp.pipe_names) <= set(stages)
    assert {"tokenizer", "extract_rows", "to_arrow"} <= set(stages)


def test_ratios_and_table_render(bench: ModuleType) -> None:
    rss = {"peak_rss_mib": 100.0, "cpu_seconds": 1.0}
    result: dict[str, Any] = {
        "input": {"file": "x.jsonl", "articles": 5, "words": 1000},
        "scale": 10,
        "reference": {
            "batch_size": 256,
            "seconds": 1.0,
            "words_per_s": 1000.0,
            "cpu_seconds": 1.0,
            "peak_rss_mib": 90.0,
        },
        "limit": {
            "1": {
                "batch_size": 64,
                "seconds": 0.5,
                "words_per_s": 2000.0,
                "cpu_seconds": 0.5,
                "peak_rss_mib": 90.0,
            }
        },
        "prefect_startup_s": 10.0,
        "flow_batch_size": 64,
        "flow": {"1": {"seconds": 0.8, "words_per_s": 1250.0, "timings": {}, "rss": rss}},
        "noop": {"1": {"seconds": 0.05, "words_per_s": 0.0, "timings": {}, "rss": rss}},
        "scaled": {
            "n_process": 1,
            "words": 10_000,
            "seconds": 8.0,
            "words_per_s": 1250.0,
            "timings": {},
            "rss": dict(rss, peak_rss_mib=110.0),
        },
    }
    result["ratios"] = bench.compute_ratios(result)
    assert result["ratios"]["flow_1p_over_reference"] == 1.25
    assert result["ratios"]["rss_scaled_over_1x"] == 1.1
    table = bench.render_table(result)
    assert "reference" in table and "MISSED" in table
    json.dumps(result)


@pytest.mark.slow
def test_timed_flow_runs_and_reruns(
    bench: ModuleType, prefect_harness: None, sample_file: Path, tmp_path: Path
) -> None:
    words = bench.count_words([r["text"] for r in read_jsonl(sample_file)])
    kwargs = {"warehouse": tmp_path / "wh", "n_process": 1, "words": words}
    full = bench.timed_flow("full", [str(sample_file)], **kwargs)
    noop = bench.timed_flow("noop", [str(sample_file)], **kwargs)
    assert full.n_new == len(ARTICLES)
    assert noop.n_new == 0 and noop.n_unchanged == len(ARTICLES)


@pytest.mark.slow
def test_flow_child_times_a_cold_run_and_a_noop(
    bench: ModuleType, prefect_harness: None, sample_file: Path, tmp_path: Path
) -> None:
    words = bench.count_words([r["text"] for r in read_jsonl(sample_file)])
    got = bench.flows_in_child(
        {
            "n_process": 1,
            "overrides": {},
            "source": str(sample_file),
            "words": words,
            "warehouse": str(tmp_path / "wh"),
        }
    )
    assert got["full"]["n_new"] == len(ARTICLES) and got["full"]["words"] == words
    assert got["noop"]["n_new"] == 0 and got["noop"]["n_unchanged"] == len(ARTICLES)
    assert got["full"]["rss"]["cpu_workers_seconds"] > 0
    assert got["prefect_startup_s"] >= 0
