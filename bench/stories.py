"""Story grouping on the edited Reuters set: precision and recall per threshold and per edit.

    .venv/bin/python bench/stories.py --data ../shared/data

Prints a markdown table (the README's figures) and the time to sign and group the set.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from evaluation.stories import build_set, group, read_articles, score
from transforms.stories import BANDS, NUM_PERM, ROWS, SHINGLE_WORDS, THRESHOLD

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    articles = read_articles(
        args.data / "raw_news" / "reuters21578_sample.jsonl",
        extra=[ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"],
    )
    items = build_set(articles, seed=args.seed)
    print(
        f"{len(items)} documents: {sum(1 for i in items if i.edits)} edited copies of "
        f"{len({i.story for i in items if i.edits})} originals; {SHINGLE_WORDS}-word shingles, "
        f"{NUM_PERM} permutations, {BANDS} bands x {ROWS} rows; chosen threshold {THRESHOLD}"
    )
    print()
    print("| threshold | precision | recall | predicted pairs | true pairs | same-topic merges |")
    print("|---:|---:|---:|---:|---:|---:|")
    chosen: dict[str, str] = {}
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        started = time.perf_counter()
        predicted = group(items, threshold=threshold)
        seconds = time.perf_counter() - started
        if threshold == THRESHOLD:
            chosen, chosen_seconds = predicted, seconds
        s = score(items, predicted)
        print(
            f"| {threshold} | {s.precision:.4f} | {s.recall:.4f} | {s.predicted_pairs} "
            f"| {s.true_pairs} | {s.same_topic_false_pairs} |"
        )
    print()
    originals = {i.story: i.doc_id for i in items if not i.edits}
    found: dict[str, list[bool]] = defaultdict(list)
    for item in items:
        for edit in item.edits:
            found[edit].append(chosen[item.doc_id] == chosen[originals[item.story]])
    print(f"| edit (threshold {THRESHOLD}) | copies | joined their original |")
    print("|---|---:|---:|")
    for edit, hits in sorted(found.items()):
        print(f"| {edit} | {len(hits)} | {sum(hits) / len(hits):.3f} |")
    print()
    print(f"signing and grouping {len(items)} documents in 4 loads: {chosen_seconds:.2f}s")


if __name__ == "__main__":
    main()
