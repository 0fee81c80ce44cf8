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


# -- one failing extractor costs only its own rows ------------------------------------------
LIBRARY = (
    "The mayor said on Tuesday that the new library would open next month. "
    '"We are ready," said Maria Lopez, the head librarian, in Springfield.'
)


@pytest.mark.parametrize(
    ("published_at", "failing"),
    [
        # date arithmetic overflows in time resolution and in event dating
        (datetime(1, 1, 1), {"events", "time_expressions"}),
        (datetime(9999, 12, 31), {"events", "time_expressions"}),
    ],
)
def test_failing_extractor_keeps_the_document_with_a_warning(
    nlp: Language, published_at: datetime, failing: set[str]
) -> None:
    # ingest drops such dates; a date that slips through must still cost only the rows
    # that need it
    article = make_article(
        LIBRARY, source_id="lib", source_uri="library.txt", published_at=published_at
    )
    out = analyze(nlp, [article], run_id="r", ingested_at=T0, pipeline_version="p")
    assert out.failures == []
    assert len(out.rows["documents"]) == 1
    assert out.rows["entity_mentions"] and out.rows["quotes"], "the other extractors' rows"
    warned = {w.stage for w in out.rows["warnings"]}
    assert warned == failing
    assert all(w.code == "extractor_failed" for w in out.rows["warnings"])
    assert all(w.doc_id == article.doc_id for w in out.rows["warnings"])
    for table in failing:
        assert out.rows[table] == []


def test_ingest_notes_become_warning_rows(nlp: Language) -> None:
    import dataclasses

    from transforms.types import Note

    article = make_article(LIBRARY, source_id="lib", source_uri="library.txt", published_at=T0)
    note = Note("ingest", "implausible_date", "library.txt: publication date dropped.")
    article = dataclasses.replace(article, notes=(note,))
    out = analyze(nlp, [article], run_id="r", ingested_at=T0, pipeline_version="p")
    (row,) = out.rows["warnings"]
    assert (row.stage, row.code, row.detail) == tuple(note)
    again = analyze(nlp, [article], run_id="r2", ingested_at=T0, pipeline_version="p")
    assert again.rows["warnings"][0].warning_id == row.warning_id, "same input, same ids"


# --- paragraph breaks -------------------------------------------------------------------------

HEADLINE_TEXT = (
    "Harbour fees row in Kettleby\n\n"
    "The harbour master said on Monday that mooring fees would double next spring."
)


def test_a_paragraph_without_final_punctuation_ends_its_sentence(nlp: Language) -> None:
    doc = nlp(HEADLINE_TEXT)
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences[0] == "Harbour fees row in Kettleby"
    assert sentences[1].startswith("The harbour master said")
    said = next(t for t in doc if t.text == "said")
    assert [c.text for c in said.children if c.dep_ == "nsubj"] == ["master"]


def test_a_headline_quote_is_its_own_attribution(nlp: Language) -> None:
    text = "Mayor says ferry fares will rise\n\nThe council met on Monday to discuss the port."
    doc = nlp(text)
    (headline, *_) = doc.sents
    assert headline.text.strip() == "Mayor says ferry fares will rise"
    quotes = [q for q in doc._.pl_quotes if q.start_char < len("Mayor says ferry fares will rise")]
    assert quotes, "the headline's reported speech is extracted"
    assert text[quotes[0].speaker_start : quotes[0].speaker_end] == "Mayor"
