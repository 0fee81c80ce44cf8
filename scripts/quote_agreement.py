"""How close the quote figures can come to people: annotator against annotator, and presslake
against each annotator, on the PolNeAR articles that several people annotated.

Run from the repository root (parses those articles, under a minute)::

    .venv/bin/python scripts/quote_agreement.py \
        --gold ../shared/data/train/quotes/polnear/polnear_train.jsonl \
        --gold ../shared/data/quotes/polnear/polnear_dev.jsonl

Both columns use the judged scorer's definitions (``evaluation.quotes``): content F1 at
overlap >= 0.5, recall per gold kind, direct-quote F1, speaker accuracy. The annotators'
column reads every ordered pair of annotators of a record, one as gold and the other as
predictions, with its content pieces as written. The gold files of the judged figures keep
only each record's first annotator; this script reads them all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.quotes import agreement, format_agreement  # noqa: E402
from transforms.nlp.pipeline import build_pipeline  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold", type=Path, action="append", required=True, help="PolNeAR JSONL (repeatable)"
    )
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.gold if not p.is_file()]
    if missing:
        parser.error(f"no such gold file: {', '.join(missing)}")
    sys.stdout.write(format_agreement(agreement(args.gold, nlp=build_pipeline())) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
