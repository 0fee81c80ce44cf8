"""The text of a Doc, built once.

spaCy's ``Doc.text`` joins every token's text on each access (O(n)), so components that
slice it per mention would rebuild it thousands of times per article; this caches it.
"""

from __future__ import annotations

from spacy.tokens import Doc

if not Doc.has_extension("pl_text"):
    Doc.set_extension("pl_text", default=None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on first use and cached on the Doc."""
    text: str | None = doc._.pl_text
    if text is None:
        text = doc.text
        doc._.pl_text = text
    return text
