"""The per-document context, and components that keep nothing of a document between calls.

The two articles are written for these tests.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from transforms.nlp.analysis import AnalyzedRows, extract_rows
from transforms.nlp.context import doc_context
from transforms.text.ingest import make_article

FIRST = (
    "Officials in Lisbon said on Monday that the harbour would reopen within two weeks. "
    "The dockers' union rejected the plan, and its leader, Rui Matos, vowed to strike "
    "next month.\n\n“We will not be rushed,” Matos told reporters in Lisbon."
)
SECOND = (
    "Maria Costa, the mayor of Porto, accused the ministry of ignoring the floods. "
    "She said the city would ask Brussels for emergency aid on Friday, and her deputy "
    "met fishermen in Matosinhos yesterday."
)
PUBLISHED = datetime(2024, 11, 18)
COMPONENTS = [
    "presslake_entity_ruler",
    "presslake_entities",
    "presslake_quotes",
    "presslake_timex",
    "presslake_events",
]


def _up_to(nlp: Language, text: str, component: str) -> Doc:
    """``text`` through every pipeline component before ``component``."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == component:
            return doc
        doc = proc(doc)
    raise AssertionError(f"no component {component}")


def _rows(nlp: Language, doc: Doc, text: str) -> dict[str, list[Any]]:
    """Every table's rows of a Doc that went through the whole pipeline."""
    rows = AnalyzedRows.empty()
    article = make_article(
        text, source_id=text[:12], source_uri=f"mem://{text[:12]}", published_at=PUBLISHED
    )
    extract_rows(doc, article, run_id="r", ingested_at=PUBLISHED, pipeline_version="p", into=rows)
    return rows.rows


def _through(nlp: Language, doc: Doc, after: str) -> Doc:
    """``doc`` through the components after ``after``."""
    names = [name for name, _ in nlp.pipeline]
    for name in names[names.index(after) + 1 :]:
        doc = nlp.get_pipe(name)(doc)
    return doc


@pytest.mark.parametrize("component", COMPONENTS)
def test_one_instance_gives_the_same_rows_in_both_orders(nlp: Language, component: str) -> None:
    proc = nlp.get_pipe(component)
    state_before = dict(vars(proc)) if hasattr(proc, "__dict__") else None
    results: dict[str, list[dict[str, list[Any]]]] = {FIRST: [], SECOND: []}
    for order in ([FIRST, SECOND], [SECOND, FIRST]):
        docs = {text: _up_to(nlp, text, component) for text in order}
        for text in order:  # one instance, one document after the other
            docs[text] = proc(docs[text])
        for text in order:
            results[text].append(_rows(nlp, _through(nlp, docs[text], component), text))
    for text in (FIRST, SECOND):
        first_order, second_order = results[text]
        assert first_order == second_order
        assert any(first_order[table] for table in ("quotes", "events", "entity_mentions"))
    if state_before is not None:
        assert {k: v for k, v in vars(proc).items()} == state_before


def test_pipe_in_both_orders_gives_the_same_rows(nlp: Language) -> None:
    forward = dict(zip([FIRST, SECOND], nlp.pipe([FIRST, SECOND]), strict=True))
    backward = dict(zip([SECOND, FIRST], nlp.pipe([SECOND, FIRST]), strict=True))
    for text in (FIRST, SECOND):
        assert _rows(nlp, forward[text], text) == _rows(nlp, backward[text], text)


def test_context_is_built_once_per_doc(nlp: Language) -> None:
    doc = nlp(FIRST)
    context = doc_context(doc)
    assert doc_context(doc) is context
    assert doc_context(nlp(FIRST)) is not context
    assert context.text == doc.text
    starts = context.sentence_char_starts
    assert [doc[s.start].idx for s in doc.sents] == starts
    harbour = doc.text.index("harbour")
    assert context.sentence_index_at(harbour) == 0
    assert context.sentence_index_at(doc.text.index("We will")) == 2


def test_context_reads_the_mentions_of_the_entity_component(nlp: Language) -> None:
    doc = nlp(SECOND)
    context = doc_context(doc)
    start = SECOND.index("Maria Costa")
    found = context.mention_at(start, start + len("Maria Costa"))
    assert found is not None and found.entity_key == "PERSON|maria costa"
    she = SECOND.index("She")
    pronoun = context.mention_at(she, she + 3)
    assert pronoun is not None and pronoun.entity_key == "PERSON|maria costa"


def test_components_name_what_they_read(nlp: Language) -> None:
    analysis = nlp.analyze_pipes()
    problems = analysis["problems"]
    assert all(not problems[name] for name in COMPONENTS), problems
    requires = {name: set(nlp.get_pipe_meta(name).requires) for name in COMPONENTS}
    assert "doc._.pl_mentions" in requires["presslake_events"]
    assert "doc._.pl_timex" in requires["presslake_events"]
