"""The cue lexicon and quote word classes, and the settings the quote rules read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.tokens import Token

from transforms.nlp.lexicons import (
    LexiconError,
    LexiconSource,
    Table,
    WordClasses,
    file_stamp,
    lexicon_path,
    packaged,
    parse_table,
    read_table,
    read_word_classes,
    register_lexicon,
)

_CUE_POS = frozenset({"VERB", "NOUN", "ADJ"})


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue of the lexicon.

    Attributes:
        lemma: Lemma of the cue word.
        pos: ``VERB``, ``NOUN`` or ``ADJ``.
        frames: Complement frames: ``c`` clausal, ``x`` infinitival, ``o`` object and rest.
        confidence: Base confidence of an attribution through this cue.
    """

    lemma: str
    pos: str
    frames: str
    confidence: float


#: Word classes of the quote words file (``transforms/data/quotes/words.tsv``).
WORD_CLASSES = ("source_noun", "non_attribution", "line_label", "speech", "turn", "evidence_noun")

#: The registered function that reads the quote lexicon (``@misc`` in the pipeline config).
LEXICON_FUNCTION = "presslake.quote_lexicon.v1"

#: The one error type of lexicon files (kept under its former name for callers).
CueLexiconError = LexiconError

_CUE_COLUMNS = ("lemma", "pos", "frames", "confidence")


class QuoteLexicon:
    """The cue lexicon, looked up by ``(lemma, pos)`` like a dict, with the quote word
    classes.

    Attributes:
        cues: The cues by ``(lemma, pos)``.
        source_nouns, non_attribution, line_labels, speech, turn, evidence_nouns: The word
            classes of the words file (``turn`` includes ``speech``).
        sources: The files read, for ``pipeline_version``.
    """

    __slots__ = (
        "cues",
        "evidence_nouns",
        "line_labels",
        "non_attribution",
        "source_nouns",
        "sources",
        "speech",
        "turn",
    )

    def __init__(
        self,
        cues: dict[tuple[str, str], Cue],
        *,
        words: WordClasses | None = None,
        sources: tuple[LexiconSource, ...] = (),
    ) -> None:
        self.cues = dict(cues)
        words = words if words is not None else _packaged_words()
        self.source_nouns = words.words("source_noun")
        self.non_attribution = words.words("non_attribution")
        self.line_labels = words.words("line_label")
        self.speech = words.words("speech")
        self.turn = self.speech | words.words("turn")
        self.evidence_nouns = words.words("evidence_noun")
        self.sources = (*sources, words.source)

    def get(self, key: tuple[str, str]) -> Cue | None:
        """The cue of ``(lemma, pos)``, if the lexicon lists it."""
        return self.cues.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.cues

    def __getitem__(self, key: tuple[str, str]) -> Cue:
        return self.cues[key]

    def __len__(self) -> int:
        return len(self.cues)


@cache
def _packaged_words() -> WordClasses:
    return read_word_classes(packaged(_WORDS_FILE), known=WORD_CLASSES)


_CUES_FILE = "quotes/cues.tsv"

_WORDS_FILE = "quotes/words.tsv"


def _parse_cues(table: Table) -> dict[tuple[str, str], Cue]:
    cues: dict[tuple[str, str], Cue] = {}
    for row in table.rows:
        lemma, pos, frames, confidence = row.cells
        if pos not in _CUE_POS or not set(frames) <= set("cxo"):
            raise table.error(
                row,
                f"cue row {row.cells!r} must be 'lemma<TAB>VERB|NOUN|ADJ<TAB>frames(c/x/o)"
                "<TAB>confidence'",
            )
        try:
            value = float(confidence)
        except ValueError:
            raise table.error(row, f"confidence {confidence!r} is not a number") from None
        cues[(lemma, pos)] = Cue(lemma, pos, frames, value)
    return cues


def load_cues(
    text: str | None = None, *, path: str | Path | None = None, words: str | Path | None = None
) -> QuoteLexicon:
    """Read the cue lexicon and the quote word classes.

    Args:
        text: Cue rows (``lemma, pos, frames, confidence``, tab-separated; a header line is
            optional here) instead of a file; for tests.
        path: The cue file (header ``lemma<TAB>pos<TAB>frames<TAB>confidence``); the
            packaged ``transforms/data/quotes/cues.tsv`` by default.
        words: The quote words file (header ``word<TAB>class``); the packaged one by default.

    Raises:
        LexiconError: naming the file and line of a row with the wrong number of fields or a
            bad value, or of an unknown word class.
    """
    if text is not None:
        if not text.lstrip().startswith("lemma\t"):
            text = "\t".join(_CUE_COLUMNS) + "\n" + text
        table = parse_table(text, source="<cue text>", columns=_CUE_COLUMNS)
        return QuoteLexicon(_parse_cues(table))
    cues_path, words_path = lexicon_path(path, _CUES_FILE), lexicon_path(words, _WORDS_FILE)
    stamp = (file_stamp(cues_path), file_stamp(words_path))
    return _load_lexicon(str(cues_path), str(words_path), stamp)


@cache
def _load_lexicon(path: str, words: str, stamp: object) -> QuoteLexicon:
    table = read_table(path, columns=_CUE_COLUMNS)
    word_classes = read_word_classes(words, known=WORD_CLASSES)
    return QuoteLexicon(_parse_cues(table), words=word_classes, sources=(table.source,))


@register_lexicon(LEXICON_FUNCTION)
def quote_lexicon_v1(cues: str = "", words: str = "") -> QuoteLexicon:
    """The quote lexicon: cue file ``cues`` and word classes ``words`` (empty: the packaged
    files under ``transforms/data/quotes/``)."""
    return load_cues(path=cues or None, words=words or None)


#: The cue of a verb outside the lexicon read as an attribution by its frame alone.
GENERAL_CUE = Cue("*", "VERB", "c", 0.5)

#: Frames tried when a cue's own frames find no content (see ``reported._reported``).
FALLBACK_FRAMES = Cue("*", "VERB", "ox", 1.0)


def cue_of(token: Token, cues: QuoteLexicon) -> Cue | None:
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        return cues.get((token.lemma_.lower(), "VERB"))
    if token.pos_ in {"NOUN", "ADJ"}:
        return cues.get((token.lemma_.lower(), token.pos_))
    return None


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """What the quote rules read besides the Doc: the lexicon and the settings.

    Attributes:
        lexicon: Cue lexicon and quote word classes, as returned by :func:`load_cues`.
        max_partial_words: Longest quoted fragment treated as a partial quote (a scare or
            embedded quote) rather than a direct quotation.
        min_partial_words: A governed partial quote of this many words or fewer is the
            writer's label, not a quote.
        inherit_speaker: Give a cueless direct quote the speaker of the direct quote just
            before it (same or previous paragraph).
        general_frames: Also read a verb outside the lexicon as a cue when it takes a
            clausal complement and has a source-like subject (``syntax._attribution_frame``).
    """

    lexicon: QuoteLexicon
    max_partial_words: int = 6
    min_partial_words: int = 2
    inherit_speaker: bool = True
    general_frames: bool = True
