"""The one classification of an incoming article: new, replaced, unchanged or duplicate."""

from __future__ import annotations

from transforms.classify import KnownDocuments, Label, classify
from transforms.ingest import make_article

ARTICLE = make_article(
    "The ferry between the two islands resumed service after the storm.",
    source_id="feed:ferry",
    source_uri="in/ferry.txt",
)
REVISED = make_article(
    "The ferry between the two islands resumed service after the storm, with delays.",
    source_id="feed:ferry",
    source_uri="in/ferry.txt",
)


def _known(pipeline: str = "p1", doc_id: str = ARTICLE.doc_id) -> KnownDocuments:
    return KnownDocuments({doc_id: pipeline}, {"feed:ferry": doc_id})


def test_unknown_article_is_new() -> None:
    item = classify(ARTICLE, known=KnownDocuments({}, {}), seen=set(), pipeline="p1")
    assert (item.label, item.replaces) == (Label.NEW, None)


def test_same_text_same_pipeline_is_unchanged() -> None:
    assert classify(ARTICLE, known=_known(), seen=set(), pipeline="p1").label == Label.UNCHANGED


def test_same_text_other_pipeline_replaces_itself() -> None:
    item = classify(ARTICLE, known=_known("p0"), seen=set(), pipeline="p1")
    assert (item.label, item.replaces) == (Label.REPLACED, ARTICLE.doc_id)


def test_new_text_under_known_source_replaces_the_old_document() -> None:
    item = classify(REVISED, known=_known(), seen=set(), pipeline="p1")
    assert (item.label, item.replaces) == (Label.REPLACED, ARTICLE.doc_id)


def test_second_copy_in_a_run_is_a_duplicate_whatever_the_warehouse_holds() -> None:
    item = classify(ARTICLE, known=_known("p0"), seen={ARTICLE.doc_id}, pipeline="p1")
    assert item.label == Label.DUPLICATE
    assert [label.analysed for label in Label] == [True, True, False, False]
