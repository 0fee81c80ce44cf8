"""Train the quote span model (``make train``): ``spacy train`` on the corpus that
``scripts/build_quote_corpus.py`` wrote, with presslake's parsed-Doc reader registered.

    .venv/bin/python scripts/train_quote_model.py --corpus build/quotes --output build/quote-model

The best model (by the held-out train articles' span F1) is copied to
``transforms/data/quotes/model/`` unless ``--no-install`` is given.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.cli.train import train  # noqa: E402

from transforms.nlp.quotes.learned import LABELS  # noqa: E402  (registers the reader)

CONFIG = ROOT / "training" / "quote_spans.cfg"
INSTALLED = ROOT / "transforms" / "data" / "quotes" / "model"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "build" / "quotes")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "quote-model")
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    train(
        args.config,
        args.output,
        overrides={
            "paths.train": str(args.corpus / "train.spacy"),
            "paths.dev": str(args.corpus / "heldout.spacy"),
        },
    )
    best = args.output / "model-best"
    sys.stderr.write(f"trained in {time.perf_counter() - started:.0f} s -> {best}\n")
    if not args.no_install:
        install(best, INSTALLED)
        sys.stderr.write(f"installed {INSTALLED.relative_to(ROOT)}\n")
    return 0


def install(trained: Path, target: Path) -> None:
    """Copy the trained pipeline to ``target`` without the train articles' words: spaCy
    saves every string it met in ``vocab/strings.json``, and the model needs none of them
    (its embeddings hash the words; its labels are kept)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(trained, target)
    (target / "vocab" / "strings.json").write_text(
        json.dumps(sorted(LABELS)) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    raise SystemExit(main())
