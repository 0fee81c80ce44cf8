"""What a run does with an article: the one place that decides new, replaced, unchanged or
duplicate (pure: no I/O; the caller looks up what the warehouse already holds)."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from transforms.types import Article


class Label(StrEnum):
    """What becomes of an article in a run."""

    NEW = "new"
    """Its text and its source are unknown to the warehouse: its rows are added."""
    REPLACED = "replaced"
    """It replaces a document: the same text analysed by another pipeline version, or a new
    text under a known ``source_id``. The old document's rows go, the new ones come."""
    UNCHANGED = "unchanged"
    """The warehouse holds this text, analysed by this pipeline version: nothing to do."""
    DUPLICATE = "duplicate"
    """Another input of the same run had this text: nothing more to do."""

    @property
    def analysed(self) -> bool:
        """Whether an article with this label goes through the NLP stage."""
        return self in (Label.NEW, Label.REPLACED)


@dataclass(frozen=True, slots=True)
class KnownDocuments:
    """What the committed warehouse holds about some ``doc_id``\\ s and ``source_id``\\ s.

    Attributes:
        pipeline_by_doc: ``doc_id -> pipeline_version`` of stored documents.
        doc_by_source: ``source_id -> doc_id`` of stored documents.
    """

    pipeline_by_doc: Mapping[str, str]
    doc_by_source: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Classified:
    """An article with its label; the label travels with it through staging and NLP.

    Attributes:
        article: The article.
        label: What the run does with it.
        replaces: For ``REPLACED``, the ``doc_id`` whose rows it replaces.
    """

    article: Article
    label: Label
    replaces: str | None = None


def classify(
    article: Article, *, known: KnownDocuments, seen: Set[str], pipeline: str
) -> Classified:
    """Label ``article`` for a run of pipeline version ``pipeline``.

    Args:
        article: The incoming article.
        known: What the warehouse holds about this article's ``doc_id`` and ``source_id``.
        seen: ``doc_id``\\ s of the articles this run has already labelled.
        pipeline: The run's pipeline version.
    """
    if article.doc_id in seen:
        return Classified(article, Label.DUPLICATE)
    stored = known.pipeline_by_doc.get(article.doc_id)
    if stored == pipeline:
        return Classified(article, Label.UNCHANGED)
    if stored is not None:
        return Classified(article, Label.REPLACED, replaces=article.doc_id)
    old = known.doc_by_source.get(article.source_id)
    if old is not None and old != article.doc_id:
        return Classified(article, Label.REPLACED, replaces=old)
    return Classified(article, Label.NEW)
