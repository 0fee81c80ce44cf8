"""Time expressions: find them in a Doc and resolve them against the publication date.

The ``presslake_timex_v1`` component collects date/time spans (spaCy ``DATE``/``TIME``
entities plus a few deictic words the model leaves out, such as "today" or "recently") and
stores them on ``doc._.pl_timex``. Resolution needs the article's ``published_at``, which the
Doc does not know, so it happens in :func:`extract_time_expressions` through the pure
function :func:`resolve_time`.

Values follow TimeML's TIMEX3 ``value`` conventions (Pustejovsky et al., *TimeML Annotation
Guidelines* 1.2.1; ISO-TimeML): ``2024-11-15`` (day), ``2024-W46`` (ISO week), ``2024-05``
(month), ``2024-Q3`` (quarter), ``2024-SU`` (season), ``2018`` (year), ``199`` (decade),
``P3Y`` (duration), ``PAST_REF``/``PRESENT_REF``/``FUTURE_REF`` (vague reference).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from transforms.ids import row_id
from transforms.nlp.context import doc_context
from transforms.nlp.lexicons import (
    LexiconSource,
    file_stamp,
    lexicon_path,
    read_word_classes,
    register_lexicon,
)
from transforms.nlp.time_values import MONTH_PATTERN, MONTHS, WEEKDAYS, TimexSpan, resolve_time
from transforms.nlp.timex.records import TimexRecord

#: Nouns that are time expressions after "the" ("the future", "the long term").
_DEICTIC_NOUNS = frozenset({"future", "past"})

_SEASON_NOUNS = frozenset({"spring", "summer", "autumn", "winter"})

#: A full calendar date ("April 4, 2009", "Sept. 18 , 2008", "4 April 2009"): the model's
#: DATE entity sometimes misses or cuts one (a dateline under a headline), and no reading of
#: it is anything but a date.
_MONTH_NAME = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
_RE_CALENDAR = re.compile(
    rf"\b(?:(?:{_MONTH_NAME})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAME})\.?,?\s+\d{{4}})\b"
)
_RE_CLOCK = re.compile(
    r"\b\d{1,2}:\d{2}(?:\s*(?:a\.m\.|p\.m\.|am|pm))?(?:\s*(?:UTC|GMT))?",
    re.IGNORECASE,
)

_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})

_PROBE_ANCHOR = date(2000, 6, 15)


def _parseable(text: str) -> bool:
    return resolve_time(text, _PROBE_ANCHOR) is not None


def split_coordinated(text: str) -> list[tuple[int, int]]:
    """Character ranges of the parts of a span that holds several time expressions.

    "2018 and 2019" gives two ranges (one per year); so does "June 17, two days" (an entity
    that ran two expressions together). A span that reads as one expression ("May 7, 2005",
    "the first quarter of 2009") stays whole. Trailing connectors ("the 70s and") are cut.
    """
    stripped = re.sub(r"[\s,]*\b(?:and|or|to)\s*$", "", text)
    text = stripped or text
    tokens = list(re.finditer(r"[^\s,]+", text))
    parts = [(m.start(), m.end()) for m in tokens if m.group(0).lower() not in {"and", "or", "&"}]
    simple = re.compile(rf"^(\d{{4}}|{MONTH_PATTERN}|{'|'.join(WEEKDAYS)})$")
    if 1 < len(parts) < len(tokens) and all(
        simple.match(text[s:e].lower().strip(".")) for s, e in parts
    ):
        return parts
    if _parseable(text):
        return [(0, len(text))]
    segments = [
        (m.start(), m.end())
        for m in re.finditer(r"[^,]+?(?=\s*(?:,|\band\b|\bor\b|\bbetween\b|$))", text)
    ]
    good: list[tuple[int, int]] = []
    for seg_start, seg_end in segments:
        piece = text[seg_start:seg_end]
        lead = len(piece) - len(re.sub(r"^[\s,]*(?:(?:and|or|between)\b\s*)?", "", piece))
        seg_start += lead
        if seg_start < seg_end and _parseable(text[seg_start:seg_end]):
            good.append((seg_start, seg_end))
    return good or [(0, len(text))]


#: Word classes of the timex words file.
WORD_CLASSES = ("deictic", "future_governor")
#: The registered function that reads the timex words (``@misc`` in the pipeline config).
WORDS_FUNCTION = "presslake.timex_words.v1"
_WORDS_FILE = "timex/words.tsv"


@dataclass(frozen=True, slots=True)
class TimexWords:
    """The word classes the timex component reads.

    Attributes:
        deictic: Words the NER often misses that are time expressions on their own.
        future_governors: Verbs whose complement is in the future.
        candidate_ids: Lower-case forms (as ids, see ``DocContext.ids``) of every word that
            can end a deictic expression; other tokens are skipped without a ``Token``.
        source: The file read, for ``pipeline_version``.
    """

    deictic: frozenset[str]
    future_governors: frozenset[str]
    candidate_ids: frozenset[int]
    source: LexiconSource

    @property
    def sources(self) -> tuple[LexiconSource, ...]:
        """The files read, for ``pipeline_version``."""
        return (self.source,)


def load_words(path: str | Path | None = None) -> TimexWords:
    """Read the timex word classes (the packaged ``transforms/data/timex/words.tsv`` by
    default), once per path.

    Raises:
        LexiconError: naming the file and line of a malformed row or an unknown class.
    """
    words = lexicon_path(path, _WORDS_FILE)
    return _load_words(str(words), file_stamp(words))


@cache
def _load_words(path: str, stamp: object) -> TimexWords:
    classes = read_word_classes(path, known=WORD_CLASSES)
    deictic = classes.words("deictic")
    candidates = (*_DEICTIC_NOUNS, "term", "run", *deictic, *WEEKDAYS, *_SEASON_NOUNS)
    return TimexWords(
        deictic=deictic,
        future_governors=classes.words("future_governor"),
        candidate_ids=frozenset(get_string_id(word) for word in candidates),
        source=classes.source,
    )


@register_lexicon(WORDS_FUNCTION)
def timex_words_v1(path: str = "") -> TimexWords:
    """The timex word classes of ``path`` (empty: the packaged file)."""
    return load_words(path or None)


def _is_headline_infinitive(verb: Token) -> bool:
    """A sentence whose only verb is a to-infinitive: headline grammar for the future
    ("Markets to stay closed until Friday"; the parse may hang it on the subject noun)."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    if verb.dep_ == "ROOT":
        return True
    head = verb.head
    return verb.dep_ in {"relcl", "acl"} and head.dep_ == "ROOT" and head.pos_ in {"NOUN", "PROPN"}


def _is_future(span: Span, words: TimexWords) -> bool:
    """Whether the clause governing ``span`` is future tense (will/plan to/scheduled)."""
    token: Token = span.root
    for _ in range(6):
        if token.pos_ in {"VERB", "AUX"}:
            break
        if token.head == token:
            return False
        token = token.head
    if token.pos_ not in {"VERB", "AUX"}:
        return False
    for child in token.children:
        if child.dep_ == "aux" and child.lower_ in _FUTURE_AUX:
            return True
    head = token.head
    if token.dep_ in {"xcomp", "ccomp"} and head.lemma_ in words.future_governors:
        return True
    if _is_headline_infinitive(token):
        return True
    return token.lemma_ in {"schedule", "plan", "due"} or (
        token.tag_ == "VB" and any(c.lower_ == "going" for c in head.children)
    )


def find_time_spans(doc: Doc, words: TimexWords | None = None) -> list[TimexSpan]:
    """Time expressions of ``doc``: DATE/TIME entities and deictic words, left to right."""
    words = words if words is not None else load_words()
    ctx = doc_context(doc)
    found: list[TimexSpan] = []
    covered: set[int] = set()
    calendar = [
        span
        for match in _RE_CALENDAR.finditer(ctx.text)
        if (span := doc.char_span(match.start(), match.end(), alignment_mode="expand"))
    ]
    entities = [ent for ent in doc.ents if ent.label_ in {"DATE", "TIME"}]
    for full in calendar:  # a full date no DATE entity covers whole
        cut = [e for e in entities if e.start < full.end and full.start < e.end]
        if not any(e.start <= full.start and full.end <= e.end for e in cut):
            start = min([full.start, *(e.start for e in cut)])
            end = max([full.end, *(e.end for e in cut)])
            entities = [e for e in entities if e not in cut]
            entities.append(doc[start:end])
    entities.sort(key=lambda e: e.start)
    for ent in entities:
        if ent.end < len(doc) and doc[ent.end].text in {"UTC", "GMT"}:
            ent = doc[ent.start : ent.end + 1]
        future = _is_future(ent, words)
        for start, end in split_coordinated(ent.text):
            text = ent.text[start:end]
            found.append(TimexSpan(ent.start_char + start, ent.start_char + end, text, future))
        covered.update(range(ent.start, ent.end))
    # Only a few words can end a deictic expression: test the array of lower-case forms and
    # make a Token only for those.
    for i, lower_id in enumerate(ctx.ids(LOWER)):
        if lower_id not in words.candidate_ids or i in covered:
            continue
        token = doc[i]
        if token.ent_type_:
            continue
        lower = token.lower_
        start = token.i
        if lower in _DEICTIC_NOUNS or (
            lower in {"term", "run"} and token.nbor(-1).lower_ == "long"
        ):
            if token.i < 1 or token.nbor(-1).lower_ not in {"the", "long"}:
                continue
            start = token.i - 1 if token.nbor(-1).lower_ == "the" else token.i - 2
            if start < 0 or doc[start].lower_ != "the":
                continue
        elif not (
            lower in words.deictic
            or (lower in WEEKDAYS and len(lower) > 3 and token.pos_ == "PROPN")
            or (lower in _SEASON_NOUNS and token.pos_ in {"NOUN", "PROPN"})
        ):
            continue
        if lower in {"later", "current", "recent"} and token.pos_ not in {"ADV", "ADJ"}:
            continue
        span = doc[start : token.i + 1]
        found.append(TimexSpan(span.start_char, span.end_char, span.text, _is_future(span, words)))
        covered.update(range(start, token.i + 1))
    for match in _RE_CLOCK.finditer(ctx.text):
        clock = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if clock is None or any(t.i in covered for t in clock):
            continue
        found.append(
            TimexSpan(match.start(), match.end(), match.group(0), _is_future(clock, words))
        )
    found.sort(key=lambda t: t.start_char)
    return found


class TimexFinder:
    """Pipeline component: store the Doc's time expressions on ``doc._.pl_timex``.

    Args:
        words: The word classes to read (the packaged ones by default).
    """

    def __init__(self, words: TimexWords | None = None) -> None:
        self.words = words if words is not None else load_words()

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_timex = find_time_spans(doc, self.words)
        return doc


@Language.factory(
    "presslake_timex_v1",
    requires=["doc.ents", "token.dep", "token.lemma"],
    assigns=["doc._.pl_timex"],
    default_config={"words": {"@misc": WORDS_FUNCTION, "path": ""}},
)
def make_timex(nlp: Language, name: str, words: TimexWords) -> TimexFinder:
    """Create the ``presslake_timex_v1`` component.

    Args:
        words: Deictic words and future governors (``[components.presslake_timex.words]``).
    """
    return TimexFinder(words)


def time_spans(doc: Doc) -> list[TimexSpan]:
    """The Doc's time expressions (computed now if the component did not run)."""
    spans: list[TimexSpan] | None = doc._.pl_timex
    if spans is None:
        spans = find_time_spans(doc)
        doc._.pl_timex = spans
    return list(spans)


def extract_time_expressions(
    doc: Doc, *, doc_id: str, published_at: datetime | date | None
) -> Iterator[TimexRecord]:
    """Yield one ``time_expressions`` row per time expression of ``doc``.

    Args:
        doc: A Doc processed by the presslake pipeline.
        doc_id: Id of the document.
        published_at: Publication time; relative expressions resolve against it and stay
            ``None`` without it.
    """
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    for span in time_spans(doc):
        resolved = resolve_time(span.text, anchor, future=span.future)
        yield TimexRecord(
            timex_id=row_id("t", doc_id, span.start_char, span.end_char),
            doc_id=doc_id,
            text=span.text,
            start_char=span.start_char,
            end_char=span.end_char,
            value=resolved.value if resolved else None,
            precision=resolved.precision if resolved else None,
        )
