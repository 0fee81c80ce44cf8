"""The analysis step: rows for every table, and one bad document never costs the others."""

from __future__ import annotations

from datetime import datetime

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from transforms.nlp.analysis import analyze
from transforms.text.ingest import make_article

T0 = datetime(2024, 11, 18)


@Language.component("presslake_test_explode")
def _explode(doc: Doc) -> Doc:
    if "EXPLODE" in doc.text:
        raise ValueError("boom")
    return doc


def _articles() -> list:  # type: ignore[type-arg]
    texts = [
        "Germany's chancellor met French officials in Paris on Friday, officials said.",
        "This EXPLODE article breaks a component.",
        "Japan criticized China over its military drills near Taiwan.",
    ]
    return [
        make_article(t, source_id=f"s{i}", source_uri=f"file{i}.txt", published_at=T0)
        for i, t in enumerate(texts)
    ]


def test_rows_for_every_table(nlp: Language) -> None:
    arts = _articles()
    rows = analyze(nlp, [arts[0], arts[2]], run_id="r", ingested_at=T0, pipeline_version="p")
    assert len(rows.rows["documents"]) == 2
    assert rows.rows["entity_mentions"], "entities found"
    assert not rows.failures


@pytest.mark.parametrize("batch_size", [1, 64])
def test_failing_document_is_rejected_and_others_kept(nlp: Language, batch_size: int) -> None:
    arts = _articles()
    nlp.add_pipe("presslake_test_explode", after="presslake_entities")
    try:
        rows = analyze(
            nlp, arts, run_id="r", ingested_at=T0, pipeline_version="p", batch_size=batch_size
        )
    finally:
        nlp.remove_pipe("presslake_test_explode")
    kept = {r.source_id for r in rows.rows["documents"]}
    assert kept == {"s0", "s2"}
    assert all(m.doc_id != arts[1].doc_id for m in rows.rows["entity_mentions"])
    assert [(f.source_uri, f.reason) for f in rows.failures] == [("file1.txt", "analysis_failed")]
    assert "presslake_test_explode" in rows.failures[0].detail
    assert "boom" in rows.failures[0].detail
