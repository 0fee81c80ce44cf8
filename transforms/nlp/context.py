"""The per-document context: facts of a Doc computed once and shared by every component.

spaCy's ``Doc.text`` joins every token's text on each access (O(n)), ``Doc.sents`` walks every
token, and ``doc[i]``, ``token.children`` and ``token.head`` make a new ``Token`` object on
every access. The components' rules ask for these many times per document, so
:func:`doc_context` builds one :class:`DocContext` per Doc (kept in ``doc.user_data``) that
holds, computed on first use:

* the text, and a few token attributes as arrays (:data:`CACHED_ATTRS`);
* every token's children and head;
* sentence starts (tokens and characters) and the sentence of each token;
* the noun chunks;
* the entity mentions (``doc._.pl_mentions``) and :meth:`DocContext.mention_at`;
* the time expressions (``doc._.pl_timex``) and the token -> time expression map.

Rule functions receive the context and return records; the components keep no per-document
state. The shared lookups (mention and sentence lookups) live here, so no component imports
another component's modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from spacy.attrs import DEP, LEMMA, LOWER, POS, TAG
from spacy.lang.en.syntax_iterators import noun_chunks as english_noun_chunks
from spacy.strings import get_string_id
from spacy.symbols import NOUN, PRON, PROPN
from spacy.tokens import Doc, Span, Token

if TYPE_CHECKING:
    from transforms.nlp.entities.records import Mention
    from transforms.nlp.time_values import TimexSpan

#: The extensions the presslake components assign; a component reads those of the components
#: before it and names them in its ``requires``.
EXTENSIONS = ("pl_mentions", "pl_quotes", "pl_timex", "pl_events")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

_CONTEXT_KEY = "presslake.context"
#: Token attributes kept as arrays: the model's components set them and nothing after them
#: changes them (entity types do change: the entity ruler rewrites them).
CACHED_ATTRS: tuple[int, ...] = (POS, TAG, DEP, LEMMA, LOWER)
_KIND_RANK = {"name": 0, "description": 1, "pronoun": 2}


class DocContext:
    """What the rules of every component read about one Doc, computed once.

    Build it with :func:`doc_context` (one per Doc); the attributes below are filled on
    first use.
    """

    __slots__ = (
        "_chunks",
        "_heads",
        "_ids",
        "_kids",
        "_mention_memo",
        "_sent_chars",
        "_sent_of",
        "_sent_tokens",
        "_text",
        "_timex_by_token",
        "doc",
    )

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._text: str | None = None
        self._ids: dict[int, list[int]] | None = None
        self._kids: dict[int, tuple[Token, ...]] = {}
        self._heads: dict[int, Token] = {}
        self._sent_tokens: list[int] | None = None
        self._sent_chars: list[int] | None = None
        self._sent_of: list[int] | None = None
        self._chunks: list[tuple[int, int, int]] | None = None
        self._mention_memo: tuple[Any, int, dict[tuple[int, int], Mention | None]] | None = None
        self._timex_by_token: tuple[Any, dict[int, TimexSpan]] | None = None

    # ---- text and token arrays

    @property
    def text(self) -> str:
        """``doc.text``."""
        if self._text is None:
            self._text = self.doc.text
        return self._text

    def ids(self, attr: int) -> list[int]:
        """Values of one token attribute for every token (``doc.to_array(attr)`` as ints:
        symbol ids or string hashes, compared against ``spacy.strings.get_string_id``).

        The attributes of :data:`CACHED_ATTRS` are read together in one ``doc.to_array``
        (one call for several is much cheaper than one each), so that a rule tests every
        token cheaply and makes ``Token`` objects only for the few that pass.

        Raises:
            ValueError: for another attribute; read entity types with ``doc.to_array``.
        """
        if attr not in CACHED_ATTRS:
            raise ValueError(
                f"attribute {attr} is not one of the cached token attributes {CACHED_ATTRS}; "
                "read it with doc.to_array instead"
            )
        if self._ids is None:
            doc = self.doc
            columns = doc.to_array(list(CACHED_ATTRS)).T.tolist() if len(doc) else None
            self._ids = {a: columns[k] if columns else [] for k, a in enumerate(CACHED_ATTRS)}
        return self._ids[attr]

    # ---- the parse

    def kids(self, token: Token) -> tuple[Token, ...]:
        """``token.children`` (same tokens, same order), made once per token."""
        kids = self._kids.get(token.i)
        if kids is None:
            kids = tuple(token.children)
            self._kids[token.i] = kids
        return kids

    def head(self, token: Token) -> Token:
        """``token.head``, made once per token."""
        head = self._heads.get(token.i)
        if head is None:
            head = token.head
            self._heads[token.i] = head
        return head

    def children(self, token: Token, deps: Iterable[str]) -> list[Token]:
        """Children of ``token`` with one of the dependency labels ``deps``."""
        wanted = set(deps)
        return [child for child in self.kids(token) if child.dep_ in wanted]

    # ---- sentences

    @property
    def sentence_token_starts(self) -> list[int]:
        """Index of the first token of every sentence (``[0]`` without boundaries)."""
        if self._sent_tokens is None:
            doc = self.doc
            has = doc.has_annotation("SENT_START")
            self._sent_tokens = [sent.start for sent in doc.sents] if has else [0]
        return self._sent_tokens

    @property
    def sentence_char_starts(self) -> list[int]:
        """Character offset where each sentence starts."""
        if self._sent_chars is None:
            doc = self.doc
            starts = self.sentence_token_starts
            self._sent_chars = [doc[i].idx for i in starts] if len(doc) else [0]
        return self._sent_chars

    @property
    def sentence_of_token(self) -> list[int]:
        """0-based sentence index of every token."""
        if self._sent_of is None:
            doc = self.doc
            out = [0] * len(doc)
            starts = self.sentence_token_starts
            for index, start in enumerate(starts):
                end = starts[index + 1] if index + 1 < len(starts) else len(doc)
                out[start:end] = [index] * (end - start)
            self._sent_of = out
        return self._sent_of

    def sentence_index_at(self, char: int) -> int:
        """0-based index of the sentence containing character ``char``."""
        starts = self.sentence_char_starts
        lo, hi = 0, len(starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= char:
                lo = mid
            else:
                hi = mid
        return lo

    # ---- noun chunks

    @property
    def noun_chunks(self) -> list[tuple[int, int, int]]:
        """``(start, end, root)`` token indices of ``doc.noun_chunks`` (needs a parse)."""
        if self._chunks is None:
            doc = self.doc
            # (``noun_chunks_iterator`` is a public attribute missing from spaCy's stubs.)
            if getattr(doc, "noun_chunks_iterator", None) is english_noun_chunks:
                spans = [Span(doc, start, end) for start, end in _english_chunks(self)]
            else:
                spans = list(doc.noun_chunks)
            self._chunks = [(span.start, span.end, span.root.i) for span in spans]
        return self._chunks

    # ---- entity mentions (doc._.pl_mentions, from presslake_entities_v1)

    @property
    def mentions(self) -> list[Mention]:
        """The resolved entity mentions (empty before ``presslake_entities_v1`` ran)."""
        mentions: list[Mention] | None = self.doc._.pl_mentions
        return mentions or []

    def mention_at(self, start_char: int, end_char: int) -> Mention | None:
        """The entity mention that best stands for the text span ``[start_char, end_char)``.

        Prefers a mention inside the span that covers the span's syntactic head (a name over
        a description over a pronoun, then the shortest), then the first name inside the
        span, then a mention that contains the span. Used to resolve speakers, actors and
        targets; memoised for as long as ``doc._.pl_mentions`` is the same list.
        """
        mentions = self.mentions
        memo = self._mention_memo
        if memo is None or memo[0] is not mentions or memo[1] != len(mentions):
            memo = (mentions, len(mentions), {})
            self._mention_memo = memo
        found = memo[2]
        key = (start_char, end_char)
        if key not in found:
            found[key] = _mention_at(self.doc, mentions, start_char, end_char)
        return found[key]

    # ---- time expressions (doc._.pl_timex, from presslake_timex_v1)

    @property
    def time_spans(self) -> list[TimexSpan]:
        """The time expressions (empty before ``presslake_timex_v1`` ran)."""
        spans: list[TimexSpan] | None = self.doc._.pl_timex
        return spans or []

    @property
    def timex_by_token(self) -> dict[int, TimexSpan]:
        """Token index -> the time expression that token is part of."""
        spans = self.time_spans
        if self._timex_by_token is None or self._timex_by_token[0] is not spans:
            by_token: dict[int, TimexSpan] = {}
            for timex in spans:
                span = self.doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
                if span is not None:
                    for i in range(span.start, span.end):
                        by_token[i] = timex
            self._timex_by_token = (spans, by_token)
        return self._timex_by_token[1]


def doc_context(doc: Doc) -> DocContext:
    """The Doc's :class:`DocContext`, made on first use and kept in ``doc.user_data``."""
    context = doc.user_data.get(_CONTEXT_KEY)
    if not isinstance(context, DocContext) or context.doc is not doc:
        context = DocContext(doc)
        doc.user_data[_CONTEXT_KEY] = context
    return context


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per Doc."""
    return doc_context(doc).text


def token_ids(doc: Doc, attr: int) -> list[int]:
    """:meth:`DocContext.ids` of the Doc's context."""
    return doc_context(doc).ids(attr)


def sentence_token_starts(doc: Doc) -> list[int]:
    """:attr:`DocContext.sentence_token_starts` of the Doc's context."""
    return doc_context(doc).sentence_token_starts


def noun_chunk_bounds(doc: Doc) -> list[tuple[int, int, int]]:
    """:attr:`DocContext.noun_chunks` of the Doc's context."""
    return doc_context(doc).noun_chunks


def mention_at(doc: Doc, start_char: int, end_char: int) -> Mention | None:
    """:meth:`DocContext.mention_at` of the Doc's context."""
    return doc_context(doc).mention_at(start_char, end_char)


def sentence_index_at(doc: Doc, char: int) -> int:
    """:meth:`DocContext.sentence_index_at` of the Doc's context."""
    return doc_context(doc).sentence_index_at(char)


def _mention_at(
    doc: Doc, mentions: list[Mention], start_char: int, end_char: int
) -> Mention | None:
    inside = [m for m in mentions if m.start_char >= start_char and m.end_char <= end_char]
    # The span is only needed with mentions inside it; an empty or reversed range still goes
    # to ``char_span``, which raises on some of them.
    span = (
        doc.char_span(start_char, end_char, alignment_mode="expand")
        if inside or start_char >= end_char
        else None
    )
    if span is not None and inside:
        head = span.root
        covering = [m for m in inside if m.start_char <= head.idx < m.end_char]
        if covering:
            return min(
                covering, key=lambda m: (_KIND_RANK.get(m.kind, 3), m.end_char - m.start_char)
            )
    if inside:
        return min(inside, key=lambda m: (_KIND_RANK.get(m.kind, 3), m.start_char))
    containing = [m for m in mentions if m.start_char <= start_char and m.end_char >= end_char]
    if containing:
        return min(containing, key=lambda m: (m.end_char - m.start_char, _KIND_RANK.get(m.kind, 3)))
    return None


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


def _english_chunks(context: DocContext) -> Iterator[tuple[int, int]]:
    """spaCy's English noun chunker, reading POS and DEP as arrays so that a ``Token`` is
    made only for nominal heads of a noun-phrase relation; same chunks, same order."""
    doc = context.doc
    if not doc.has_annotation("DEP"):
        # Let spaCy raise its own error for a Doc without a parse.
        yield from ((start, end) for start, end, _ in english_noun_chunks(doc))
        return
    deps = context.ids(DEP)
    prev_end = -1
    for i, pos in enumerate(context.ids(POS)):
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
