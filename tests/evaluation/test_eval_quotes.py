"""evaluation.quotes: the report of ``presslake eval quotes`` on a few PolNeAR dev docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from evaluation.quotes import GoldFormatError, evaluate, gold_kind, quoted_mask, read_gold, run

LIMIT = 4


@pytest.fixture(scope="module")
def gold(shared_data: Path) -> Path:
    return shared_data / "quotes" / "polnear" / "polnear_dev.jsonl"


def test_read_gold_uses_first_annotator(gold: Path) -> None:
    docs = list(read_gold(gold, limit=2))
    assert len(docs) == 2
    first = docs[0]
    assert first.quotes
    for quote in first.quotes:
        s, e = quote.content[0]
        assert 0 <= s < e <= len(first.text)


def test_read_gold_rejects_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "hello"}) + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="annotations"):
        list(read_gold(path))


def test_report_fields_and_sane_scores(nlp: Language, gold: Path) -> None:
    result = evaluate(gold, nlp=nlp, limit=LIMIT)
    ours, base = result.presslake.as_dict(), result.baseline.as_dict()
    assert result.n_docs == LIMIT
    assert ours["n_gold"] == base["n_gold"] > 0
    for scores in (ours, base):
        for key in ("precision", "recall", "f1", "exact_f1", "speaker_accuracy", "cue_accuracy"):
            assert 0.0 <= scores[key] <= 1.0
    # presslake reads indirect speech; the direct-quotes-only baseline cannot.
    assert ours["f1"] > base["f1"]
    assert ours["recall"] > 0.3
    assert ours["speaker_accuracy"] > 0.6
    assert ours["recall_indirect"] > base["recall_indirect"]
    assert ours["n_gold_direct"] + ours["n_gold_mixed"] + ours["n_gold_indirect"] == ours["n_gold"]


def test_run_returns_the_printed_report(nlp: Language, gold: Path) -> None:
    report = run(gold, nlp=nlp, limit=2)
    for label in (
        "content F1 (overlap>=0.5)",
        "content F1 (exact)",
        "speaker accuracy (matched)",
        "cue accuracy (matched)",
        "recall, direct",
        "recall, mixed",
        "recall, indirect",
        "direct-quote f1",
        "presslake",
        "baseline",
    ):
        assert label in report


TEXT = (
    'The mayor said: "We will open the bridge in May." She called the delay "a scandal" '
    "and said the builders were to blame.\n\n"
    '"Nobody told us about the cracks, she added.\n\nThe council met on Friday.'
)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ('"We will open the bridge in May."', "direct"),
        ("We will open the bridge in May", "direct"),  # marks just outside the span
        ('the delay "a scandal"', "mixed"),
        ("the builders were to blame", "indirect"),
        # a mark left open runs to the end of its paragraph, not into the next one
        ('"Nobody told us about the cracks', "direct"),
        ("The council met on Friday", "indirect"),
    ],
)
def test_gold_kind_from_quotation_marks(content: str, kind: str) -> None:
    start = TEXT.index(content)
    assert gold_kind(TEXT, quoted_mask(TEXT), [(start, start + len(content))]) == kind
