"""Facts of a Doc that spaCy recomputes on every access, computed once per Doc.

spaCy's ``Doc.text`` joins every token's text on each access (O(n)), and ``Doc.sents``
walks every token; components that need them per mention would redo that thousands of times
per article.
"""

from __future__ import annotations

from spacy.tokens import Doc

if not Doc.has_extension("pl_text"):
    Doc.set_extension("pl_text", default=None)

_SENT_KEY = "presslake.sentence_token_starts"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on first use and cached on the Doc."""
    text: str | None = doc._.pl_text
    if text is None:
        text = doc.text
        doc._.pl_text = text
    return text


def sentence_token_starts(doc: Doc) -> list[int]:
    """Index of the first token of every sentence (``[0]`` without sentence boundaries),
    computed on first use and kept in ``doc.user_data``."""
    starts: list[int] | None = doc.user_data.get(_SENT_KEY)
    if starts is None:
        starts = [sent.start for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
        doc.user_data[_SENT_KEY] = starts
    return starts
