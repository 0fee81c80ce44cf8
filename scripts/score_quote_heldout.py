"""Score the quote joins on the PolNeAR train articles the span model never saw.

Run from the repository root (parses the held-out articles, about a minute)::

    .venv/bin/python scripts/score_quote_heldout.py \
        --gold ../shared/data/train/quotes/polnear/polnear_train.jsonl

The held-out articles are the ones ``scripts/build_quote_corpus.py`` keeps out of training (one
in ten, by a hash of the id). Each is parsed with the presslake pipeline, its rule attributions
and model spans are joined by every strategy of ``transforms.nlp.quotes.assemble`` (``rules``:
``presslake_quotes_v1``; ``model``: the model alone; ``union``: ``presslake_quotes_v2``), and
each strategy is scored by ``evaluation.quotes`` (the judged scorer's definitions): content F1
at overlap >= 0.5, indirect recall, direct-quote F1, speaker accuracy.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.quotes import Counts, read_gold, score_doc  # noqa: E402
from transforms.nlp.pipeline import build_pipeline  # noqa: E402
from transforms.nlp.quotes import QuoteExtractor, load_cues  # noqa: E402
from transforms.nlp.quotes.assemble import STRATEGIES, combine  # noqa: E402
from transforms.nlp.quotes.learned import quote_model_v1  # noqa: E402


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="PolNeAR train JSONL")
    parser.add_argument("--heldout", type=int, default=10, help="as build_quote_corpus.py")
    args = parser.parse_args(argv)

    corpus = _module(ROOT / "scripts" / "build_quote_corpus.py")
    gold = [g for g in read_gold(args.gold) if corpus.in_heldout(g.doc_id, args.heldout)]
    nlp = build_pipeline(exclude=("presslake_quotes", "presslake_timex", "presslake_events"))
    docs = list(nlp.pipe(g.text for g in gold))
    lexicon = load_cues()
    rules = [QuoteExtractor(lexicon).find(doc) for doc in docs]
    spans = list(quote_model_v1().spans(zip(docs, rules, strict=True)))
    sys.stdout.write(f"{len(gold)} held-out articles of {args.gold}\n")
    for strategy in STRATEGIES:
        counts = Counts()
        for record, doc, found, learned in zip(gold, docs, rules, spans, strict=True):
            score_doc(
                record, combine(doc, found, learned, strategy=strategy, lexicon=lexicon), counts
            )
        figures = {
            "content F1": counts.f1,
            "indirect recall": counts.recall_of("indirect"),
            "direct-quote F1": counts.direct_scores()[2],
            "speaker accuracy": counts.speaker_accuracy,
        }
        line = "  ".join(f"{k} {v:.3f}" for k, v in figures.items())
        sys.stdout.write(f"  {strategy:6s} {line}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
