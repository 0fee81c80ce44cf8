"""presslake_timex_v1 component (being written)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("pl_timex"):
    Doc.set_extension("pl_timex", default=None)


@Language.factory("presslake_timex_v1", assigns=["doc._.pl_timex"])
def make_timex(nlp: Language, name: str):  # type: ignore[no-untyped-def]
    def component(doc: Doc) -> Doc:
        doc._.pl_timex = []
        return doc

    return component
