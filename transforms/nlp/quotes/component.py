"""``presslake_quotes_v1``: the quote component, and the ``quotes`` rows."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from spacy.attrs import LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import ADJ, AUX, NOUN, VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.util import minibatch

from transforms.ids import row_id
from transforms.nlp.context import (
    doc_text,
    mention_at,
    sentence_index_at,
    token_ids,
)
from transforms.nlp.quotes.assemble import STRATEGIES, combine
from transforms.nlp.quotes.cues import (
    LEXICON_FUNCTION,
    QuoteLexicon,
    QuoteRules,
    cue_of,
    load_cues,
)
from transforms.nlp.quotes.direct import merge_marks, transcript_drafts
from transforms.nlp.quotes.learned import MODEL_FUNCTION, QuoteSpanModel
from transforms.nlp.quotes.marks import find_quote_spans, find_single_quote_spans
from transforms.nlp.quotes.records import Draft, Quote, QuoteRecord
from transforms.nlp.quotes.reported import according_draft, evidence_draft, reported_draft
from transforms.nlp.quotes.syntax import attribution_frame

_NOMINAL_POS = frozenset({NOUN, ADJ})

#: Ids of tags and words as ``doc.to_array`` holds them (see ``DocContext.ids``).
_VERB_TAGS = frozenset(get_string_id(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"))

_OPENER_WORDS = frozenset(get_string_id(w) for w in ("in", "according"))


def find_quotes(rules: QuoteRules, doc: Doc) -> list[Quote]:
    """All attributions of ``doc``, sorted by content start."""
    text = doc_text(doc)
    transcript = transcript_drafts(rules, doc)
    line_starts = sorted(d.cue[0] for d in transcript if d.cue is not None)
    # A quotation mark left open before a transcript line ("\"PENCE: ...") is the
    # publisher's block quote, not a quotation of the whole exchange.
    double = [
        span
        for span in find_quote_spans(text)
        if bisect.bisect_left(line_starts, span[0]) == bisect.bisect_left(line_starts, span[1])
    ]
    single = find_single_quote_spans(text, double)
    marks = sorted(double + single)
    mark_starts = [s for s, _ in marks]

    def quoted(char: int) -> bool:
        k = bisect.bisect_right(mark_starts, char) - 1
        return k >= 0 and marks[k][0] < char < marks[k][1] - 1

    drafts: list[Draft] = []
    cue_tokens: list[Token] = []
    for i in _candidates(rules, doc):
        token = doc[i]
        if token.lower_ == "in" and not quoted(token.idx):
            draft = evidence_draft(rules, token)
            if draft is not None:
                drafts.append(draft)
                continue
        if token.lower_ == "according" and not quoted(token.idx):
            draft = according_draft(rules, token)
            if draft is not None:
                drafts.append(draft)
            continue
        entry = cue_of(token, rules.lexicon)
        if quoted(token.idx):
            continue
        if entry is None:
            general = attribution_frame(token, rules.lexicon) if rules.general_frames else None
            if general is not None:
                draft = reported_draft(rules, token, general)
                if draft is not None:
                    drafts.append(draft)
            continue
        if entry.pos == "VERB":
            cue_tokens.append(token)
        draft = reported_draft(rules, token, entry)
        if draft is not None:
            drafts.append(draft)
    drafts = merge_marks(rules, doc, drafts, marks, double, cue_tokens)
    return _finish(rules, doc, transcript + drafts)


def _candidates(rules: QuoteRules, doc: Doc) -> list[int]:
    """Indices of the tokens that can open an attribution: verbs, cue nouns and
    adjectives of the lexicon, "in" and "according". Read from the Doc's arrays, so
    the other tokens never become ``Token`` objects."""
    lemma_lower: dict[int, str] = {}
    strings = doc.vocab.strings
    out: list[int] = []
    columns = (token_ids(doc, a) for a in (POS, TAG, LEMMA, LOWER))
    for i, (pos, tag, lemma, lower) in enumerate(zip(*columns, strict=True)):
        if pos == VERB or lower in _OPENER_WORDS:
            out.append(i)
            continue
        if pos in _NOMINAL_POS:
            key_pos = "NOUN" if pos == NOUN else "ADJ"
        elif pos == AUX or tag in _VERB_TAGS:
            key_pos = "VERB"
        else:
            continue
        word = lemma_lower.get(lemma)
        if word is None:
            word = lemma_lower[lemma] = strings[lemma].lower()
        if (word, key_pos) in rules.lexicon:
            out.append(i)
    return out


def _finish(rules: QuoteRules, doc: Doc, drafts: list[Draft]) -> list[Quote]:
    best: dict[tuple[int, int], Draft] = {}
    for d in drafts:
        key = (d.start, d.end)
        if key not in best or d.confidence > best[key].confidence:
            best[key] = d
    quotes: list[Quote] = []
    for (start, end), d in _drop_nested(doc, sorted(best.items()), rules.lexicon):
        anchor = d.cue[0] if d.cue is not None else start
        quotes.append(
            Quote(
                start_char=start,
                end_char=end,
                kind=d.kind,
                speaker_start=d.speaker[0] if d.speaker else None,
                speaker_end=d.speaker[1] if d.speaker else None,
                cue_start=d.cue[0] if d.cue else None,
                cue_end=d.cue[1] if d.cue else None,
                sentence_index=sentence_index_at(doc, anchor),
                confidence=round(d.confidence, 3),
            )
        )
    return quotes


class QuoteExtractor:
    """Pipeline component: find quotes and reported speech, store them on
    ``doc._.pl_quotes``. It holds the rules' settings and lexicon, nothing of a document.

    Args:
        cues: Cue lexicon, as returned by :func:`load_cues`.
        max_partial_words, min_partial_words, inherit_speaker, general_frames,
            min_orphan_words, max_title_words: See :class:`QuoteRules`.
    """

    def __init__(
        self,
        cues: QuoteLexicon,
        *,
        max_partial_words: int = 6,
        min_partial_words: int = 2,
        inherit_speaker: bool = True,
        general_frames: bool = True,
        min_orphan_words: int = 13,
        max_title_words: int = 3,
    ) -> None:
        self.rules = QuoteRules(
            cues,
            max_partial_words=max_partial_words,
            min_partial_words=min_partial_words,
            inherit_speaker=inherit_speaker,
            general_frames=general_frames,
            min_orphan_words=min_orphan_words,
            max_title_words=max_title_words,
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_quotes = find_quotes(self.rules, doc)
        return doc

    def find(self, doc: Doc) -> list[Quote]:
        """All attributions of ``doc``, sorted by content start."""
        return find_quotes(self.rules, doc)


def _drop_nested(
    doc: Doc, drafts: Sequence[tuple[tuple[int, int], Draft]], lex: QuoteLexicon
) -> Iterator[tuple[tuple[int, int], Draft]]:
    """``drafts`` (sorted by content bounds) without reported speech whose cue and content
    both lie inside the content of another attribution, unless its cue is a verb of saying
    proper ("Hwang said that she thinks it should be released"; "wants to" inside a
    transcript line).

    In the PolNeAR dev gold (Newell et al. 2018) a nested attitude or plan ("thinks",
    "wants", "expects") is mostly left inside the outer content rather than annotated on
    its own, while nested speech ("X said Kim insisted ...") is annotated.
    """
    outer: tuple[int, int] | None = None
    for (start, end), d in drafts:
        lo = min(start, d.cue[0]) if d.cue is not None else start
        hi = max(end, d.cue[1]) if d.cue is not None else end
        if (
            d.kind != "direct"
            and not (d.cue_token is not None and doc[d.cue_token].lemma_ in lex.speech)
            and outer is not None
            and outer[0] <= lo
            and hi <= outer[1]
            and (outer[0], outer[1]) != (start, end)
        ):
            continue
        yield (start, end), d
        if outer is None or end > outer[1]:
            outer = (start, end)


#: The rules' settings and lexicon, as both quote components default them.
_RULES_CONFIG = {
    "max_partial_words": 6,
    "inherit_speaker": True,
    "general_frames": True,
    "min_orphan_words": 13,
    "max_title_words": 3,
    "lexicon": {"@misc": LEXICON_FUNCTION, "cues": "", "words": "", "mined": ""},
}


#: What both quote factories read from the Doc.
_REQUIRES = ["token.dep", "token.lemma", "token.tag", "doc.sents", "doc.ents"]


@Language.factory(
    "presslake_quotes_v1",
    default_config=_RULES_CONFIG,
    requires=_REQUIRES,
    assigns=["doc._.pl_quotes"],
)
def make_quotes(
    nlp: Language,
    name: str,
    *,
    max_partial_words: int,
    inherit_speaker: bool,
    general_frames: bool,
    min_orphan_words: int,
    max_title_words: int,
    lexicon: QuoteLexicon,
) -> QuoteExtractor:
    """Create the ``presslake_quotes_v1`` component.

    Args:
        lexicon: Cues and word classes (``[components.presslake_quotes.lexicon]`` in
            ``config.cfg``: the paths of the cue and word files).
    """
    return QuoteExtractor(
        lexicon,
        max_partial_words=max_partial_words,
        inherit_speaker=inherit_speaker,
        general_frames=general_frames,
        min_orphan_words=min_orphan_words,
        max_title_words=max_title_words,
    )


class LearnedQuoteExtractor(QuoteExtractor):
    """Pipeline component: the rules' attributions joined with those of the learned span
    model (:mod:`.learned`, trained on PolNeAR train by ``make train``), which reads the
    rules' attributions as a feature and finds the ones they miss.

    Args:
        cues: Cue lexicon, as returned by :func:`load_cues`.
        model: The span model (``presslake.quote_model.v1``).
        strategy: How the two are joined (:data:`.assemble.STRATEGIES`).
        batch_size: Docs per call of the model in :meth:`pipe`.
        **settings: The rules' settings (see :class:`QuoteExtractor`).
    """

    def __init__(
        self,
        cues: QuoteLexicon,
        *,
        model: QuoteSpanModel,
        strategy: str = "union",
        batch_size: int = 32,
        **settings: Any,
    ) -> None:
        super().__init__(cues, **settings)
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown quote strategy {strategy!r}; expected one of {STRATEGIES}")
        self.model = model
        self.strategy = strategy
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def find(self, doc: Doc) -> list[Quote]:
        """All attributions of ``doc``, sorted by content start."""
        return list(self(doc)._.pl_quotes)

    def pipe(self, docs: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            found = [(doc, find_quotes(self.rules, doc)) for doc in batch]
            for (doc, rules), spans in zip(found, self.model.spans(found), strict=True):
                doc._.pl_quotes = combine(
                    doc, rules, spans, strategy=self.strategy, lexicon=self.rules.lexicon
                )
                yield doc


@Language.factory(
    "presslake_quotes_v2",
    default_config={
        **_RULES_CONFIG,
        "strategy": "union",
        "model": {"@misc": MODEL_FUNCTION, "path": ""},
    },
    requires=_REQUIRES,
    assigns=["doc._.pl_quotes"],
)
def make_learned_quotes(
    nlp: Language,
    name: str,
    *,
    max_partial_words: int,
    inherit_speaker: bool,
    general_frames: bool,
    min_orphan_words: int,
    max_title_words: int,
    strategy: str,
    lexicon: QuoteLexicon,
    model: QuoteSpanModel,
) -> LearnedQuoteExtractor:
    """Create the ``presslake_quotes_v2`` component: ``presslake_quotes_v1``'s rules and
    the learned span model (``[components.presslake_quotes.model]`` in ``config.cfg``: the
    model directory)."""
    return LearnedQuoteExtractor(
        lexicon,
        model=model,
        strategy=strategy,
        max_partial_words=max_partial_words,
        inherit_speaker=inherit_speaker,
        general_frames=general_frames,
        min_orphan_words=min_orphan_words,
        max_title_words=max_title_words,
    )


def quotes_of(doc: Doc, *, cues: QuoteLexicon | None = None) -> list[Quote]:
    """The quotes of ``doc``: those the component stored, or found now if it did not run."""
    stored: list[Quote] | None = doc._.pl_quotes
    if stored is not None:
        return list(stored)
    return QuoteExtractor(cues if cues is not None else load_cues()).find(doc)


def extract_quotes(doc: Doc, *, doc_id: str) -> Iterator[QuoteRecord]:
    """Yield one ``quotes`` row per quote or piece of reported speech in ``doc``.

    Args:
        doc: A Doc that went through the pipeline (``presslake_quotes_v1`` and
            ``presslake_entities_v1``).
        doc_id: Id of the document the Doc was made from.
    """
    text = doc_text(doc)
    for q in quotes_of(doc):
        entity_id: str | None = None
        speaker_text: str | None = None
        if q.speaker_start is not None and q.speaker_end is not None:
            speaker_text = text[q.speaker_start : q.speaker_end]
            mention = mention_at(doc, q.speaker_start, q.speaker_end)
            entity_id = mention.entity_id if mention is not None else None
        cue_text = (
            text[q.cue_start : q.cue_end]
            if q.cue_start is not None and q.cue_end is not None
            else None
        )
        yield QuoteRecord(
            quote_id=row_id("q", doc_id, q.start_char, q.end_char),
            doc_id=doc_id,
            text=text[q.start_char : q.end_char],
            kind=q.kind,
            start_char=q.start_char,
            end_char=q.end_char,
            speaker_text=speaker_text,
            speaker_start=q.speaker_start,
            speaker_end=q.speaker_end,
            speaker_entity_id=entity_id,
            cue_text=cue_text,
            cue_start=q.cue_start,
            cue_end=q.cue_end,
            sentence_index=q.sentence_index,
            confidence=q.confidence,
        )
