"""What the learned quote span model costs: the pipeline with ``presslake_quotes_v2`` (rules
and model) against the same pipeline with ``presslake_quotes_v1`` (rules only), in one run.

Usage::

    nice -n 10 .venv/bin/python bench/quote_model.py --data ../shared/data [--limit 400]
        [--repeats 3]

Both pipelines parse the same Reuters-21578 sample articles (``raw_news/``) in alternating
repeats (v1, v2, v1, v2, ...), so machine load hits both alike; the figure is the best CPU time
of each. It prints words/s of each pipeline and their ratio (v2 / v1): the flow spends most of
its time in the pipeline, so the flow keeps at least that share of its words per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.jsonl import read_jsonl  # noqa: E402
from transforms.nlp.pipeline import DEFAULT_MODEL, load_config, use_fast_ops  # noqa: E402


def pipelines() -> dict[str, Language]:
    """The packaged pipeline, and the same with the rules-only quote component."""
    use_fast_ops()
    rules_only = load_config(DEFAULT_MODEL)
    block = rules_only["components"]["presslake_quotes"]
    block["factory"] = "presslake_quotes_v1"
    for key in ("strategy", "model"):
        block.pop(key, None)
    return {
        "v1 (rules)": spacy.util.load_model_from_config(rules_only, auto_fill=True),
        "v2 (rules + model)": spacy.util.load_model_from_config(
            load_config(DEFAULT_MODEL), auto_fill=True
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=400, help="articles of the sample")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sample = args.data / "raw_news" / "reuters21578_sample.jsonl"
    texts = [r["text"] for r in read_jsonl(sample)][: args.limit]
    words = sum(len(t.split()) for t in texts)
    nlps = pipelines()
    best = dict.fromkeys(nlps, float("inf"))
    quotes = dict.fromkeys(nlps, 0)
    for _ in range(args.repeats):
        for name, nlp in nlps.items():
            started = time.process_time()
            docs = list(nlp.pipe(texts, batch_size=64))
            best[name] = min(best[name], time.process_time() - started)
            quotes[name] = sum(len(d._.pl_quotes) for d in docs)
    print(f"{len(texts)} articles, {words} words, best of {args.repeats} (CPU seconds)")
    for name in nlps:
        print(f"  {name:20s} {words / best[name]:8.0f} words/s  {quotes[name]:5d} quotes")
    v1, v2 = (words / best[name] for name in nlps)
    print(f"  ratio v2 / v1: {v2 / v1:.3f} (target >= 0.85)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
