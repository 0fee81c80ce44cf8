"""evaluation.quotes: the report of ``presslake eval quotes`` on a few PolNeAR dev docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from evaluation.quotes import (
    Counts,
    GoldFormatError,
    agreement,
    as_predictions,
    evaluate,
    format_agreement,
    gold_kind,
    quoted_mask,
    read_annotators,
    read_gold,
    run,
    score_doc,
)

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


# --- agreement between annotators (records written for these tests)

_FERRY = (
    "Mayor Ana Ruiz said the ferry service would resume in spring. "
    "Critics doubt the budget allows it."
)


def _role(text: str, part: str) -> dict[str, object]:
    start = text.index(part)
    return {"spans": [[start, start + len(part)]], "text": part}


def _attribution(text: str, source: str, cue: str, content: str) -> dict[str, object]:
    return {
        "source": _role(text, source),
        "cue": _role(text, cue),
        "content": _role(text, content),
    }


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def annotated(tmp_path: Path) -> Path:
    ferry = _attribution(
        _FERRY, "Mayor Ana Ruiz", "said", "the ferry service would resume in spring"
    )
    budget = _attribution(_FERRY, "Critics", "doubt", "the budget allows it")
    single = "The harbour master said nothing."
    return _write(
        tmp_path / "gold.jsonl",
        [
            {"id": "ferry", "text": _FERRY, "annotations": [
                {"annotator": "a", "attributions": [ferry]},
                {"annotator": "b", "attributions": [ferry, budget]},
            ]},
            {"id": "single", "text": single, "annotations": [
                {"annotator": "a", "attributions": [
                    _attribution(single, "The harbour master", "said", "nothing")]},
            ]},
        ],
    )  # fmt: skip


def test_read_annotators_keeps_records_several_people_annotated(annotated: Path) -> None:
    (record,) = list(read_annotators(annotated))
    assert [d.doc_id for d in record] == ["ferry", "ferry"]
    assert [len(d.quotes) for d in record] == [1, 2]


def test_annotators_are_scored_against_one_another(nlp: Language, annotated: Path) -> None:
    result = agreement([annotated], nlp=nlp)
    assert (result.n_docs, result.n_pairs) == (1, 2)
    people = result.annotators
    # a as gold, b read as predictions: 1 of 2 predictions right; b as gold: 1 of 2 found
    assert (people.tp, people.n_pred, people.n_gold) == (2, 3, 3)
    assert people.speaker_accuracy == 1.0
    # presslake is scored against each annotator: 1 + 2 gold attributions
    assert result.presslake.n_gold == 3
    assert result.presslake.tp >= 2  # "said the ferry service ..." against both annotators
    report = format_agreement(result)
    assert "2 ordered pairs of annotators" in report
    assert "content F1 (overlap>=0.5)" in report


def test_a_content_in_pieces_is_compared_piece_by_piece(tmp_path: Path) -> None:
    text = "\u201cThe ferry will run,\u201d the mayor said, \u201cand the fares stay low.\u201d"
    first, second = "The ferry will run,", "and the fares stay low."
    pieces = {
        "spans": [
            [text.index(first), text.index(first) + len(first)],
            [text.index(second), text.index(second) + len(second)],
        ],
        "text": "",
    }
    att = {"source": _role(text, "the mayor"), "cue": _role(text, "said"), "content": pieces}
    both = [{"annotator": a, "attributions": [att]} for a in ("a", "b")]
    path = _write(tmp_path / "pieces.jsonl", [{"id": "p", "text": text, "annotations": both}])
    gold, other = next(read_annotators(path))
    quotes, content = as_predictions(other)
    by_pieces, by_span = Counts(), Counts()
    score_doc(gold, quotes, by_pieces, pieces=content)
    score_doc(gold, quotes, by_span)
    assert by_pieces.tp_exact == 1
    # one span from the first piece to the last takes in "the mayor said"
    assert by_span.tp_exact == 0
