"""Facts of a Doc that spaCy recomputes on every access, computed once per Doc.

spaCy's ``Doc.text`` joins every token's text on each access (O(n)), and ``Doc.sents``
walks every token; components that need them per mention would redo that thousands of times
per article. Likewise ``doc[i]``, ``for token in doc`` and ``doc.noun_chunks`` make a new
``Token`` object per position on every pass: :func:`token_ids` reads a few token attributes
as arrays once, so that a component makes ``Token`` objects only for the positions it needs,
and :func:`noun_chunk_bounds` keeps the noun chunks that several components walk.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.attrs import DEP, LEMMA, LOWER, POS, TAG
from spacy.lang.en.syntax_iterators import noun_chunks as english_noun_chunks
from spacy.strings import get_string_id
from spacy.symbols import NOUN, PRON, PROPN
from spacy.tokens import Doc, Span

if not Doc.has_extension("pl_text"):
    Doc.set_extension("pl_text", default=None)

_SENT_KEY = "presslake.sentence_token_starts"
_IDS_KEY = "presslake.token_ids"
_CHUNKS_KEY = "presslake.noun_chunk_bounds"
#: Token attributes that :func:`token_ids` caches per Doc: the model's components set them
#: and nothing after them changes them.
CACHED_ATTRS: tuple[int, ...] = (POS, TAG, DEP, LEMMA, LOWER)


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


def token_ids(doc: Doc, attr: int) -> list[int]:
    """Values of one token attribute for every token (``doc.to_array(attr)`` as a list of
    ints: symbol ids or string hashes, compared against ``spacy.strings.get_string_id``).

    The attributes of :data:`CACHED_ATTRS` are read together in one ``doc.to_array`` on
    first use (one call for several is much cheaper than one each) and kept in
    ``doc.user_data``. Reading arrays instead of creating a ``Token`` per position lets a
    component test every token cheaply and build ``Token`` objects only for the few that
    pass.

    Raises:
        ValueError: for another attribute; entity types in particular can change after the
            trained components (the entity ruler rewrites them), so read those with
            ``doc.to_array`` each time instead.
    """
    if attr not in CACHED_ATTRS:
        raise ValueError(
            f"attribute {attr} is not one of the cached token attributes {CACHED_ATTRS}; "
            "read it with doc.to_array instead"
        )
    cache: dict[int, list[int]] | None = doc.user_data.get(_IDS_KEY)
    if not isinstance(cache, dict):
        columns = doc.to_array(list(CACHED_ATTRS)).T.tolist() if len(doc) else None
        cache = {a: columns[k] if columns else [] for k, a in enumerate(CACHED_ATTRS)}
        doc.user_data[_IDS_KEY] = cache
    return cache[attr]


#: Dependency labels of a noun chunk's head in spaCy's English noun chunker
#: (``spacy/lang/en/syntax_iterators.py``), as the ids ``doc.to_array(DEP)`` holds.
_NP_DEPS = frozenset(
    get_string_id(label)
    for label in (
        "oprd",
        "nsubj",
        "dobj",
        "nsubjpass",
        "pcomp",
        "pobj",
        "dative",
        "appos",
        "attr",
        "ROOT",
    )
)
_CONJ = get_string_id("conj")
_NOMINALS = frozenset({NOUN, PROPN, PRON})


def noun_chunk_bounds(doc: Doc) -> list[tuple[int, int, int]]:
    """``(start, end, root)`` token indices of ``doc.noun_chunks``, computed on first use and
    kept in ``doc.user_data``.

    The Doc needs a dependency parse (as ``doc.noun_chunks`` does).
    """
    bounds: list[tuple[int, int, int]] | None = doc.user_data.get(_CHUNKS_KEY)
    if not isinstance(bounds, list):
        # (``noun_chunks_iterator`` is a public attribute missing from spaCy's type stubs.)
        if getattr(doc, "noun_chunks_iterator", None) is english_noun_chunks:
            spans = [Span(doc, start, end) for start, end in _english_chunks(doc)]
        else:
            spans = list(doc.noun_chunks)
        bounds = [(span.start, span.end, span.root.i) for span in spans]
        doc.user_data[_CHUNKS_KEY] = bounds
    return bounds


def _english_chunks(doc: Doc) -> Iterator[tuple[int, int]]:
    """spaCy's English noun chunker, reading POS and DEP as arrays so that a ``Token`` is
    made only for nominal heads of a noun-phrase relation; same chunks, same order."""
    if not doc.has_annotation("DEP"):
        # Let spaCy raise its own error for a Doc without a parse.
        yield from ((start, end) for start, end, _ in english_noun_chunks(doc))
        return
    deps = token_ids(doc, DEP)
    prev_end = -1
    for i, pos in enumerate(token_ids(doc, POS)):
        dep = deps[i]
        if pos not in _NOMINALS or (dep != _CONJ and dep not in _NP_DEPS):
            continue
        word = doc[i]
        # Prevent nested chunks from being produced.
        left = word.left_edge.i
        if left <= prev_end:
            continue
        if dep in _NP_DEPS:
            prev_end = i
            yield left, i + 1
        else:
            head = word.head
            while head.dep == _CONJ and head.head.i < head.i:
                head = head.head
            # If the head is an NP, and we're coordinated to it, we're an NP.
            if head.dep in _NP_DEPS:
                prev_end = i
                yield left, i + 1
