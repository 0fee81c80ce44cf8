"""Story grouping measured on the set built from the Reuters sample (fixed seed)."""

from __future__ import annotations

from pathlib import Path

from evaluation.stories import build_set, read_articles, resent_articles, run
from transforms.stories import THRESHOLD

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"


def test_set_is_deterministic_and_mixes_copies_with_same_topic_articles(
    shared_data: Path,
) -> None:
    articles = read_articles(shared_data / "raw_news" / "reuters21578_sample.jsonl", extra=[SEED])
    one = build_set(articles, seed=16)
    two = build_set(articles, seed=16)
    assert [(i.doc_id, i.text) for i in one] == [(i.doc_id, i.text) for i in two]
    copies = [i for i in one if i.edits]
    assert len(copies) >= 300
    edits = {e for i in copies for e in i.edits}
    assert edits == {"headline", "dateline", "reorder", "trim", "words"}
    resent = resent_articles(articles)
    assert not any(i.doc_id in resent for i in one)


def test_story_grouping_precision_and_recall(shared_data: Path) -> None:
    scores = run(shared_data / "raw_news" / "reuters21578_sample.jsonl", extra=[SEED], seed=16)
    print(
        f"stories at threshold {THRESHOLD}: {scores.documents} documents, "
        f"{scores.copies} copies of {scores.originals} originals, "
        f"precision {scores.precision:.4f}, recall {scores.recall:.4f}, "
        f"same-topic false pairs {scores.same_topic_false_pairs}"
    )
    assert scores.precision >= 0.98
    assert scores.recall >= 0.90
