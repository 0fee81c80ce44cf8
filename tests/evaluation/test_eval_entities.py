"""Entity evaluation: scoring helpers on toy data, and small runs on the dev gold sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from evaluation.entities import (
    PRF,
    GoldFormatError,
    bcubed,
    detect_format,
    evaluate,
    format_report,
    prf,
    run,
)

CONLL = Path("ner/conll2003/conll2003_dev_testa.jsonl")
NEWS_FAIR = Path("ner/news_fair_v2/news_fair_v2_dev.jsonl")


@pytest.mark.parametrize(
    ("pairs", "precision", "recall"),
    [
        ([("a", "x"), ("a", "x"), ("b", "y")], 1.0, 1.0),
        ([("a", "x"), ("a", "y")], 1.0, 0.5),  # one gold entity split in two
        ([("a", "x"), ("b", "x")], 0.5, 1.0),  # two gold entities merged
    ],
)
def test_bcubed(pairs: list[tuple[str, str]], precision: float, recall: float) -> None:
    score = bcubed(pairs)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.n == len(pairs)


def test_bcubed_empty() -> None:
    assert bcubed([]).f1 == 0.0


def test_prf() -> None:
    score = prf({(0, 3, "PER"), (5, 9, "LOC")}, {(0, 3, "PER"), (5, 9, "ORG")})
    assert score == PRF(1, 2, 2)
    assert score.f1 == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "a", "text": "", "tokens": [], "entities": []}, "conll"),
        ({"id": "b", "text": "", "labels": [], "evaluation_span": [0, 0]}, "news_fair"),
    ],
)
def test_detect_format(record: dict[str, object], expected: str) -> None:
    assert detect_format(record) == expected


def test_detect_format_rejects_other_files() -> None:
    with pytest.raises(GoldFormatError, match="neither"):
        detect_format({"id": "q", "text": "x", "annotations": []})


def test_empty_gold_file(tmp_path: Path, nlp: Language) -> None:
    gold = tmp_path / "empty.jsonl"
    gold.write_text("", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="no records"):
        evaluate(gold, nlp=nlp)


def test_toy_conll_record(tmp_path: Path, nlp: Language) -> None:
    text = "Kim Jong Un met Donald Trump in Singapore .\nKim praised Trump ."
    entities = [
        ("Kim Jong Un", "PER", "Q56226"),
        ("Donald Trump", "PER", "Q22686"),
        ("Singapore", "LOC", "Q334"),
        ("Kim", "PER", "Q56226"),
        ("Trump", "PER", "Q22686"),
    ]
    spans, pos = [], 0
    for surface, label, qid in entities:
        start = text.index(surface, pos)
        pos = start + len(surface)
        spans.append({"start": start, "end": pos, "text": surface, "type": label, "wikidata": qid})
    gold = tmp_path / "toy.jsonl"
    gold.write_text(
        json.dumps({"id": "toy", "text": text, "tokens": [], "entities": spans}) + "\n",
        encoding="utf-8",
    )
    result = evaluate(gold, nlp=nlp)
    assert result.ner is not None and result.ner.f1 == pytest.approx(1.0)
    assert result.bcubed is not None and result.bcubed.f1 == pytest.approx(1.0)


def test_conll_dev_small(shared_data: Path, nlp: Language) -> None:
    result = evaluate(shared_data / CONLL, nlp=nlp, limit=12)
    assert result.gold_format == "conll"
    assert result.ner is not None and result.ner_bare is not None
    assert result.ner.f1 > result.ner_bare.f1
    assert result.ner.f1 >= 0.55  # the first dev docs are sports tables; full dev: 0.72
    assert result.bcubed is not None and result.bcubed.f1 >= 0.9


def test_news_fair_dev_small(shared_data: Path, nlp: Language) -> None:
    report = run(shared_data / NEWS_FAIR, nlp=nlp, limit=5)
    assert "news_fair, 5 docs" in report
    assert "share one entity_id" in report
    assert "B-cubed" in report


def test_train_format_without_entity_links(tmp_path: Path, nlp: Language) -> None:
    text = "Maria Okafor joined Brookmoor Holdings in Lagos last spring ."
    spans = []
    for surface, label in (("Maria Okafor", "PER"), ("Lagos", "LOC")):
        start = text.index(surface)
        spans.append(
            {
                "start": start,
                "end": start + len(surface),
                "text": surface,
                "type": label,
                "wikidata": None,
            }
        )
    gold = tmp_path / "train_like.jsonl"
    gold.write_text(
        json.dumps({"id": "t", "text": text, "tokens": [], "entities": spans}) + "\n",
        encoding="utf-8",
    )
    result = evaluate(gold, nlp=nlp)
    assert result.ner is not None and result.ner.n_gold == 2
    assert result.bcubed is None
    assert "no entity links" in format_report(result)
