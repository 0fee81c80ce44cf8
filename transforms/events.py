"""presslake_events_v1 component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("pl_events"):
    Doc.set_extension("pl_events", default=None)


@Language.factory("presslake_events_v1", assigns=["doc._.pl_events"])
def make_events(nlp: Language, name: str):  # type: ignore[no-untyped-def]
    def component(doc: Doc) -> Doc:
        doc._.pl_events = []
        return doc

    return component
