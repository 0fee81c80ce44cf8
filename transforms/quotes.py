"""presslake_quotes_v1 component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("pl_quotes"):
    Doc.set_extension("pl_quotes", default=None)


@Language.factory("presslake_quotes_v1", assigns=["doc._.pl_quotes"])
def make_quotes(nlp: Language, name: str):  # type: ignore[no-untyped-def]
    def component(doc: Doc) -> Doc:
        doc._.pl_quotes = []
        return doc

    return component
