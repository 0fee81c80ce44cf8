"""Quotations and reported speech: who said what.

The ``presslake_quotes_v1`` component finds three kinds of attribution in a parsed Doc:

* **direct** quotes: text between quotation marks (curly or straight) attributed to a
  speaker through a speech cue near it ("“...,” he said", "He said: “...”"). A paragraph that
  opens a quote without closing it continues into the next paragraph, and a quote with no cue
  of its own that follows the same speaker's quote inherits that speaker.
* **indirect** (reported) speech, read off the dependency parse: "X said (that) ...",
  "..., X said.", "according to X, ...", "X warned/insisted/wrote/told ...", "X described Y
  as ...". The cue lexicon (``data/quote_cues.tsv``) follows the speech, report and attitude
  verbs of Krestel, Bergler & Witte (2008), "Minding the Source: Automatic Tagging of Reported
  Speech in Newspaper Articles", and the cue inventory of PolNeAR (Newell, Margolin & Ruths,
  LREC 2018).
* **framed findings**: a headline that names its source before a colon ("Sanders: Clinton
  needs to ...") and a clause opened by the poll or study it reports ("In the latest poll,
  Clinton led ...").
* **mixed** quotes: reported speech that embeds a quoted fragment ("Kim insisted Washington
  was using Ukraine as its 'shock troops'"), and partial quotes governed by a cue ("his call
  for a 'limitless' expansion").

The results are stored on ``doc._.pl_quotes`` as :class:`Quote` values;
:func:`extract_quotes` turns them into ``quotes`` rows, with the speaker resolved to an
entity through :func:`transforms.entities.mention_at`.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from spacy.attrs import LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import ADJ, AUX, NOUN, VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from transforms.doctext import doc_text, sentence_token_starts, token_ids
from transforms.entities import mention_at, sentence_index_at
from transforms.ids import row_id

if not Doc.has_extension("pl_quotes"):
    Doc.set_extension("pl_quotes", default=None)

KINDS = ("direct", "indirect", "mixed")

_NOMINAL_POS = frozenset({NOUN, ADJ})
#: Ids of tags and words as ``doc.to_array`` holds them (see ``doctext.token_ids``).
_VERB_TAGS = frozenset(get_string_id(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"))
_OPENER_WORDS = frozenset(get_string_id(w) for w in ("in", "according"))

#: Opening and closing marks that are unambiguous.
_OPEN_DOUBLE = frozenset("“„«")
_CLOSE_DOUBLE = frozenset("”»")
_QUOTE_DOUBLE = _OPEN_DOUBLE | _CLOSE_DOUBLE | {'"'}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
#: Every double quotation mark, typewriter pairs included (see ``_mark_at``).
_DOUBLE_MARK = re.compile(r"[“„«”»\"]|``|''")
_WORD = re.compile(r"\w+")
#: A quotation signed with a dash: "“...” ― Sonya Herridge".
_DASH_BYLINE = re.compile(
    r"[ \t\xa0]*(―|—|–)[ \t\xa0]*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})(?=[ \t\xa0]*(?:[.\n]|$))"
)

#: Nouns of studies whose findings an opening "in ..." phrase attributes (``_evidence``).
_EVIDENCE_NOUNS = frozenset({"poll", "survey", "study", "report", "analysis", "estimate"})
#: Labels of page furniture that open a line with a colon ("Correction: ...", "Photo: ...").
_LINE_LABELS = frozenset(
    {
        "advertisement",
        "analysis",
        "breaking",
        "caption",
        "clarification",
        "correction",
        "editorial",
        "editor's note",
        "exclusive",
        "image",
        "note",
        "opinion",
        "photo",
        "photos",
        "read more",
        "related",
        "source",
        "sources",
        "update",
        "updated",
        "video",
        "watch",
    }
)
#: A line opened by a speaker's name and a colon: "WALLACE: ...", "Pat Caddell: ...".
_TRANSCRIPT_LINE = re.compile(
    r"(?m)^[ \t\"“]*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):[ \t]+(\S[^\n]*)$"
)
#: Dependencies along which a cue with no subject of its own inherits one from its head
#: ("..., adding that", "vowed to ... and said", "issued a statement warning ...").
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "acl", "dobj", "pobj", "prep", "pcomp"})
#: Right-hand children that end a speaker noun phrase ("Hwang Ildo, a professor at ...").
_NP_STOP_DEPS = frozenset({"relcl", "appos", "punct", "acl", "advcl", "parataxis"})
#: Complements that carry the content of an object-frame cue ("described X as Y").
_OBJECT_DEPS = frozenset({"dobj", "oprd", "prep", "dative", "xcomp", "ccomp", "attr", "advcl"})
#: Prepositions that open a second complement of an object-frame cue ("described X as Y",
#: "blamed X for Y", "urged X to Y"); others ("in a ruling", "on Thursday") are adjuncts.
_OBJECT_PREPS = frozenset({"as", "for", "of", "to", "about", "into", "with"})
#: Prepositions that introduce the content of a cue noun ("criticism of", "concern about").
#: Entity types of a prepositional object that dates or measures rather than reports.
_TIME_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY"})
_NOUN_PREPS = frozenset({"about", "of", "on", "for", "against", "over"})
#: Verbs of saying proper, whose conjunct is a new attribution rather than more content.
_SPEECH_LEMMAS = frozenset({"say", "add", "tell", "warn", "insist", "claim", "write", "state"})
#: Dependencies of a comma-set aside at the end of a content ("..., which ...").
#: Verbs that open a new speaker turn when conjoined to a reported clause.
_TURN_LEMMAS = _SPEECH_LEMMAS | {"reply", "respond", "ask", "answer"}
_ASIDE_DEPS = frozenset({"relcl", "appos", "advcl", "acl"})
_RELATIVE_TAGS = frozenset({"WDT", "WP"})
_PRONOUN_TAGS = frozenset({"PRP", "PRP$"})
_EDGE_PUNCT = " \t\n\r,.;:—–-"
_QUOTE_CHARS = "\"'“”‘’„«»"


#: Pronouns that can stand for a source ("he argued that"); "it", "this", "there" cannot.
_SOURCE_PRONOUNS = frozenset({"i", "he", "she", "we", "they", "who"})
#: Named-entity types of a source (people, organisations, nationalities, governments).
_SOURCE_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Common nouns that name people, bodies or documents that can hold or voice a view: the
#: "human" and "organisation" heads of the source role in PolNeAR (Newell et al. 2018) and
#: the ``communication`` and ``person`` noun classes of WordNet, cut to those frequent in news.
_SOURCE_NOUNS = frozenset(
    [
        "official",
        "aide",
        "critic",
        "voter",
        "expert",
        "analyst",
        "people",
        "person",
        "man",
        "woman",
        "supporter",
        "opponent",
        "lawmaker",
        "legislator",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "source",
        "resident",
        "reporter",
        "investigator",
        "prosecutor",
        "lawyer",
        "attorney",
        "economist",
        "scientist",
        "researcher",
        "advocate",
        "activist",
        "observer",
        "member",
        "executive",
        "adviser",
        "advisor",
        "president",
        "senator",
        "governor",
        "candidate",
        "campaign",
        "administration",
        "government",
        "democrat",
        "republican",
        "conservative",
        "liberal",
        "poll",
        "survey",
        "report",
        "study",
        "document",
        "group",
        "committee",
        "agency",
        "department",
        "court",
        "judge",
        "police",
        "officer",
        "witness",
        "friend",
        "family",
        "parent",
        "student",
        "teacher",
        "worker",
        "employee",
        "staff",
        "organizer",
        "protester",
        "author",
        "writer",
        "editor",
        "newspaper",
        "party",
        "ministry",
        "military",
        "diplomat",
        "minister",
        "secretary",
        "mayor",
        "chief",
        "director",
        "manager",
        "chairman",
        "founder",
        "owner",
        "pundit",
        "commentator",
        "strategist",
        "operative",
        "insider",
        "user",
        "nominee",
        "rival",
        "ally",
        "allies",
        "union",
        "company",
        "firm",
        "bank",
        "figure",
        "data",
        "analysis",
        "poll",
        "pollster",
        "statement",
        "letter",
        "memo",
        "complaint",
        "lawsuit",
        "filing",
        "record",
    ]
)
#: Verbs that take a clausal complement without reporting anything ("made sure that",
#: "is that", "helped ... ").
_NON_ATTRIBUTION = frozenset(
    [
        "be",
        "have",
        "do",
        "make",
        "get",
        "let",
        "go",
        "come",
        "take",
        "give",
        "put",
        "keep",
        "help",
        "ensure",
        "need",
        "seem",
        "appear",
    ]
)


_CUE_POS = frozenset({"VERB", "NOUN", "ADJ"})


class CueLexiconError(ValueError):
    """The cue lexicon file is malformed."""


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


def load_cues(text: str | None = None, *, mined: str | None = None) -> dict[tuple[str, str], Cue]:
    """Read the cue lexicon: the base lexicon (``data/quote_cues.tsv`` unless ``text`` is
    given) and the cues mined from PolNeAR train (``data/quote_cues_mined.tsv``, written by
    ``scripts/mine_quote_cues.py``; only when ``text`` is not given, or from ``mined``).

    A lemma of the base lexicon keeps its base row; the mined rows add the lemmas it lacks.

    Args:
        text: TSV text with the columns ``lemma, pos, frames, confidence``; lines starting
            with ``#`` are comments.
        mined: TSV text of mined cues in the same columns.

    Raises:
        CueLexiconError: when a row has the wrong number of fields or a bad value.
    """
    if text is None:
        data = resources.files("transforms") / "data"
        text = (data / "quote_cues.tsv").read_text("utf-8")
        if mined is None:
            mined = (data / "quote_cues_mined.tsv").read_text("utf-8")
    cues = _read_cues(text)
    if mined is not None:
        for key, cue in _read_cues(mined).items():
            cues.setdefault(key, cue)
    return cues


def _read_cues(text: str) -> dict[tuple[str, str], Cue]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    cues: dict[tuple[str, str], Cue] = {}
    for n, row in enumerate(csv.reader(io.StringIO("\n".join(lines)), delimiter="\t")):
        if n == 0 and row and row[0] == "lemma":
            continue
        if len(row) != 4 or row[1] not in _CUE_POS or not set(row[2]) <= set("cxo"):
            raise CueLexiconError(
                f"quote cue row {row!r} must be 'lemma<TAB>VERB|NOUN|ADJ<TAB>frames(c/x/o)"
                "<TAB>confidence'"
            )
        try:
            confidence = float(row[3])
        except ValueError as err:
            raise CueLexiconError(f"quote cue row {row!r}: confidence is not a number") from err
        cues[(row[0], row[1])] = Cue(row[0], row[1], row[2], confidence)
    return cues


#: The cue of a verb outside the lexicon read as an attribution by its frame alone.
_GENERAL_CUE = Cue("*", "VERB", "c", 0.5)
#: Frames tried when a cue's own frames find no content (see ``QuoteExtractor._reported``).
_FALLBACK_FRAMES = Cue("*", "VERB", "ox", 1.0)


@dataclass(frozen=True, slots=True)
class Quote:
    """An attribution found in one Doc (character offsets into ``doc.text``).

    Attributes:
        start_char: Content start.
        end_char: Content end (exclusive).
        kind: ``direct``, ``indirect`` or ``mixed``.
        speaker_start: Speaker start, or None when no speaker was found.
        speaker_end: Speaker end, or None.
        cue_start: Cue start, or None when no cue was found.
        cue_end: Cue end, or None.
        sentence_index: Sentence of the cue (or of the content start).
        confidence: 0..1 confidence of the extractor.
    """

    start_char: int
    end_char: int
    kind: str
    speaker_start: int | None
    speaker_end: int | None
    cue_start: int | None
    cue_end: int | None
    sentence_index: int
    confidence: float


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """One row of ``quotes`` (fields are the columns of ``schemas.tables.QUOTES``)."""

    quote_id: str
    doc_id: str
    text: str
    kind: str
    start_char: int
    end_char: int
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_entity_id: str | None
    cue_text: str | None
    cue_start: int | None
    cue_end: int | None
    sentence_index: int
    confidence: float


# ---------------------------------------------------------------------------------------------
# Quotation marks (pure text)


def _is_opening_straight(text: str, i: int, width: int = 1) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if before.isspace() or before in "([{—–-/":
        return not after.isspace()
    return False


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of double-quoted passages, marks included.

    Curly marks pair by direction; a straight mark opens after a space or an opening bracket
    and closes otherwise. A paragraph (blank-line separated) that opens a quote without
    closing it continues in the next paragraph when that one opens with a quotation mark, the
    style books' convention for multi-paragraph quotes; otherwise the unclosed mark is
    dropped.

    Args:
        text: The document text.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for para_start, para_end in _paragraphs(text):
        skip = -1
        if open_at is not None:
            first = para_start
            while first < para_end and text[first].isspace():
                first += 1
            if first < para_end and _mark_at(text, first)[0] in {"open", "straight"}:
                skip = first
            else:
                open_at = None
        for match in _DOUBLE_MARK.finditer(text, para_start, para_end):
            i = match.start()
            kind, width = _mark_at(text, i)
            if kind is None or i == skip:
                continue
            if kind == "open" or (
                kind == "close" and open_at is None and _is_opening_straight(text, i, width)
            ):
                # A closing mark typed where an opening one belongs ("\n”Fear. ...").
                open_at = i
            elif kind == "close" or open_at is not None:
                if open_at is not None:
                    spans.append((open_at, i + width))
                open_at = None
            elif _is_opening_straight(text, i, width):
                open_at = i
    return [span for span in spans if _WORD.search(text, span[0], span[1])]


def _mark_at(text: str, i: int) -> tuple[str | None, int]:
    """What kind of double quotation mark starts at ``i`` (``open``, ``close``, ``straight``
    or None) and its width; ``''`` and ``\u0060\u0060`` are the typewriter forms of the marks."""
    char = text[i]
    if char in _OPEN_DOUBLE:
        return "open", 1
    if char in _CLOSE_DOUBLE:
        return "close", 1
    if char == '"':
        return "straight", 1
    pair = text[i : i + 2]
    if pair == "``":
        return "open", 2
    if pair == "''":
        return "straight", 2
    return None, 1


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def find_single_quote_spans(
    text: str, double: Sequence[tuple[int, int]], *, max_chars: int = 200
) -> list[tuple[int, int]]:
    """Single-quoted passages (``‘...’`` or ``'...'``) outside double-quoted ones.

    An opening mark follows a space or an opening bracket and precedes a letter; the closing
    mark follows a non-space and precedes a non-letter, so apostrophes inside words ("didn't")
    never pair. Spans are kept within one paragraph and ``max_chars``.

    Args:
        text: The document text.
        double: Double-quoted spans, inside which single marks are nested quotes.
        max_chars: Longest single-quoted span to accept.
    """
    spans: list[tuple[int, int]] = []
    starts = [s for s, _ in double]
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char in "‘'" and _is_opening_straight(text, i) and i + 1 < n and text[i + 1].isalpha():
            k = bisect.bisect_right(starts, i) - 1
            if k >= 0 and double[k][0] <= i < double[k][1]:
                i = double[k][1]
                continue
            end = _single_close(text, i + 1, min(n, i + max_chars))
            if end is not None:
                spans.append((i, end + 1))
                i = end + 1
                continue
        i += 1
    return spans


def _single_close(text: str, start: int, stop: int) -> int | None:
    for j in range(start, stop):
        char = text[j]
        if char == "\n" and j + 1 < stop and text[j + 1] == "\n":
            return None
        if char in "’'" and not text[j - 1].isspace():
            after = text[j + 1] if j + 1 < len(text) else " "
            if not after.isalnum():
                return j
    return None


# ---------------------------------------------------------------------------------------------
# Syntax helpers


def _subject(token: Token) -> Token | None:
    """The speaker-like subject of ``token``: ``nsubj``, or the agent of a passive."""
    for child in token.children:
        if child.dep_ == "nsubj":
            return child
    for child in token.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _speaker_token(cue: Token, cues: dict[tuple[str, str], Cue]) -> Token | None:
    """Find who speaks through ``cue``, climbing from a subjectless cue to its governor.

    A relative pronoun subject ("officials who said") stands for the noun it modifies; a
    pronoun possessor of a cue noun ("his call") defers to the subject of the governing verb
    when there is one. A conjunct whose head is the complement of another cue ("X said A flew
    balloons and issued a statement warning ...") belongs to that cue's speaker, a frequent
    attachment error of the parser.
    """
    token = cue
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ == "poss" and child.tag_ not in _PRONOUN_TAGS:
                return child
    for _ in range(6):
        subject = _subject(token)
        if subject is not None and token.pos_ != "NOUN":
            return subject
        if token.dep_ not in _CLIMB_DEPS or token.head.i == token.i:
            break
        if token.dep_ == "conj":
            head = token.head
            if head.dep_ == "ccomp" and _cue_of(head.head, cues) is not None:
                return _subject(head.head)
        token = token.head
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ == "poss":
                return child
    return None


def _np_bounds(token: Token) -> tuple[int, int]:
    """Token bounds ``[start, end)`` of the noun phrase headed by ``token``, without
    appositions, relative clauses and trailing punctuation."""
    antecedent = _antecedent(token)
    if antecedent is not None:
        # "officials who said ...": PolNeAR marks the relative pronoun as the source; the
        # speaker runs from the noun it stands for to the pronoun ("Weaver, who")
        return _np_bounds(antecedent)[0], token.i + 1
    start = token.left_edge.i
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in _NP_STOP_DEPS:
            break
        end = child.right_edge.i + 1
    doc = token.doc
    for i in range(token.i - 1, start - 1, -1):
        if "\n" in doc[i].text_with_ws:
            start = i + 1
            break
    while start < token.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > token.i and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc"):
        end -= 1
    return start, end


def _antecedent(token: Token) -> Token | None:
    """The noun a relative pronoun subject stands for ("officials" of "officials who said")."""
    if token.tag_ in _RELATIVE_TAGS and token.dep_ in {"nsubj", "nsubjpass"}:
        clause = token.head
        if clause.dep_ == "relcl" and clause.head.i < token.i:
            return clause.head
    return None


def _source_like(token: Token) -> bool:
    """Whether ``token`` can head the source of an attribution: a personal pronoun, a name
    (an entity of a source type or a proper noun), or a common noun that names people, bodies
    or documents; a relative pronoun is read as the noun it stands for."""
    antecedent = _antecedent(token)
    if antecedent is not None:
        return _source_like(antecedent)
    if token.tag_ in _PRONOUN_TAGS or token.tag_ in _RELATIVE_TAGS:
        return token.lower_ in _SOURCE_PRONOUNS
    if token.ent_type_ in _SOURCE_ENTS or token.pos_ == "PROPN":
        return True
    return token.pos_ == "NOUN" and token.lemma_.lower() in _SOURCE_NOUNS


def _attribution_frame(token: Token) -> Cue | None:
    """A verb outside the lexicon that attributes its clausal complement to a source.

    After the "attribution relation" of Pareti (2016, "PARC 3.0") and the verb classes of
    VerbNet ``say``/``conjecture``/``want``: a verb with a finite clausal complement after
    it (a ``ccomp`` with a subject, or one opened by "that") whose own subject is source-like
    ("Trump has pooh-poohed that ...", "critics contend ...").
    """
    if token.pos_ != "VERB" or token.lemma_.lower() in _NON_ATTRIBUTION:
        return None
    subject = _subject(token)
    if subject is None or not _source_like(subject):
        return None
    # a complement before the verb ("A big question remains, Mexico could retaliate") is
    # mostly the parser's reading of an opening clause, not a report through the verb
    complement = next((c for c in token.rights if c.dep_ == "ccomp"), None)
    if (
        complement is not None
        and complement.pos_ in {"VERB", "AUX"}
        and any(c.dep_ in {"nsubj", "nsubjpass", "expl", "mark"} for c in complement.children)
    ):
        return _GENERAL_CUE
    return None


def _cue_of(token: Token, cues: dict[tuple[str, str], Cue]) -> Cue | None:
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        return cues.get((token.lemma_.lower(), "VERB"))
    if token.pos_ in {"NOUN", "ADJ"}:
        return cues.get((token.lemma_.lower(), token.pos_))
    return None


def _light_verb(verb: Token, cues: dict[tuple[str, str], Cue]) -> bool:
    """Whether ``verb`` only carries a cue noun that is its object and has no clause of its
    own ("voiced concern about ...", "issued a statement warning ..."): the noun is the cue,
    and its complement the content (see ``QuoteExtractor._noun_reported``)."""
    obj = next((c for c in verb.rights if c.dep_ == "dobj"), None)
    return (
        obj is not None
        and obj.pos_ == "NOUN"
        and (obj.lemma_.lower(), "NOUN") in cues
        and not any(c.dep_ == "ccomp" for c in verb.children)
    )


def _cue_bounds(token: Token) -> tuple[int, int]:
    """Cue token bounds: the verb with an adjacent particle ("pointed out", "called for")."""
    start, end = token.i, token.i + 1
    for child in token.rights:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    return start, end


def _content_bounds(
    cue: Token, entry: Cue, cues: dict[tuple[str, str], Cue] | None = None
) -> tuple[int, int] | None:
    """Token bounds of the content governed by ``cue`` under the frames of ``entry``."""
    children = list(cue.children)
    if "c" in entry.frames:
        clauses = [child for child in children if child.dep_ == "ccomp"]
        if len(clauses) > 1 and _broken_off(clauses[0], cue):
            # "It's unlikely; Clinton's team says she'll continue": the clause before the
            # colon or semicolon is the writer's, the one after the cue is reported
            clauses = clauses[1:]
        if clauses:
            return clauses[0].left_edge.i, _clause_end(clauses[0], cue, cues)
        if cue.dep_ == "parataxis":
            head = cue.head
            return _minus(head.left_edge.i, head.right_edge.i + 1, cue)
    if "x" in entry.frames:
        for child in children:
            if child.dep_ == "xcomp" and child.i > cue.i:
                return child.left_edge.i, child.right_edge.i + 1
    if "o" in entry.frames:
        rights: list[Token] = []
        for child in cue.rights:
            if child.dep_ in _OBJECT_DEPS and not (
                child.dep_ == "prep" and not _content_prep(child)
            ):
                rights.append(child)
            elif rights and child.dep_ not in {"prt", "advmod"}:
                break
        if rights:
            return rights[0].left_edge.i, _predicate_end(cue, rights[-1])
    return None


def _broken_off(clause: Token, cue: Token) -> bool:
    """Whether a colon or semicolon stands between ``clause`` (before ``cue``) and the
    cue's own clause."""
    if clause.i > cue.i:
        return False
    doc = cue.doc
    return any(doc[i].text in {":", ";"} for i in range(clause.right_edge.i + 1, cue.i))


def _predicate_end(cue: Token, last: Token) -> int:
    """Token end of an object-frame content whose last token is ``last``, carried on to the
    object's predicate ("called her vote in favor of the war a mistake", "called the
    citation and the demand for X a ploy"): the parser hangs the predicate noun on the verb,
    past a phrase or a conjunct that closes the object."""
    end = last.right_edge.i + 1
    rights = [c for c in cue.rights if c.i >= end]
    oprd = next((k for k, c in enumerate(rights) if c.dep_ == "oprd"), None)
    if oprd is None or any(c.dep_ not in {"prep", "cc", "conj"} for c in rights[:oprd]):
        return end
    return rights[oprd].right_edge.i + 1


def _addressee(cue: Token, bounds: tuple[int, int]) -> bool:
    """Whether the tokens ``bounds`` are just a source-like direct object of ``cue``."""
    obj = next((c for c in cue.rights if c.dep_ in {"dobj", "dative"}), None)
    return (
        obj is not None
        and _source_like(obj)
        and obj.left_edge.i == bounds[0]
        and obj.right_edge.i + 1 >= bounds[1]
    )


def _content_prep(prep: Token) -> bool:
    """Whether the prepositional phrase ``prep`` can carry the content of an object-frame
    cue ("spoke about X", "blamed X for Y") rather than name the addressee ("spoke to
    reporters") or the time ("spoke for about five minutes")."""
    if prep.lower_ not in _OBJECT_PREPS:
        return False
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return True
    if obj.ent_type_ in _TIME_ENTS:
        return False
    return not (prep.lower_ in {"to", "with"} and _source_like(obj))


def _clause_end(clause: Token, cue: Token, cues: dict[tuple[str, str], Cue] | None = None) -> int:
    """Token end of a clausal complement, cut before a conjoined report verb of the same
    speaker that the parser attached inside it ("said that A and suggested that B", "said
    A and issued a statement warning ...") or before a conjoined turn of speech ("said A,
    and when pressed, she replied ...")."""
    end = clause.right_edge.i + 1
    for child in clause.rights:
        if (
            child.dep_ == "conj"
            and child.i > cue.i
            and (
                (
                    _subject(child) is None
                    and (
                        any(c.dep_ == "ccomp" for c in child.children)
                        or (cues is not None and _reports(child, cues))
                    )
                )
                # "..., and when pressed, the mother of three replied ...": a new report
                or child.lemma_.lower() in _TURN_LEMMAS
            )
        ):
            start = child.left_edge.i
            doc = clause.doc
            while start > clause.i + 1 and (doc[start - 1].dep_ == "cc" or doc[start - 1].is_punct):
                start -= 1
            return start
    return end


def _drop_aside(doc: Doc, bounds: tuple[int, int]) -> tuple[int, int]:
    """``bounds`` without a comma-set aside that closes them: a non-restrictive relative
    clause or apposition ("..., which forced her to leave", "NATO, the existing alliance")
    or a participial adjunct ("..., encouraging his supporters to ...").

    Such asides are the writer's, not the source's; PolNeAR's annotators mostly leave them
    out of the content span (Newell et al. 2018).
    """
    start, end = bounds
    for i in range(start + 2, end - 1):
        if doc[i - 1].text != ",":
            continue
        node = doc[i]
        while node.head.i != node.i and node.head.left_edge.i == i:
            node = node.head
        if node.left_edge.i != i or node.right_edge.i + 1 < end:
            continue
        if node.dep_ in _ASIDE_DEPS and start <= node.head.i < i - 1:
            return start, i - 1
    return start, end


def _reports(verb: Token, cues: dict[tuple[str, str], Cue]) -> bool:
    """Whether ``verb`` is itself a speech verb of the lexicon or takes a cue noun that
    carries a speech verb as its object ("issued a statement warning ...")."""
    if verb.lemma_.lower() in _SPEECH_LEMMAS:
        return True
    for child in verb.children:
        if child.dep_ == "dobj" and _cue_of(child, cues) is not None:
            return any(c.dep_ == "acl" and _cue_of(c, cues) is not None for c in child.children)
    return False


def _minus(start: int, end: int, cue: Token) -> tuple[int, int]:
    """``[start, end)`` without the cue's own subtree when it sits at either edge."""
    left, right = cue.left_edge.i, cue.right_edge.i + 1
    if right >= end:
        return start, left
    if left <= start:
        return right, end
    return start, end


def _strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop an unpaired quotation mark at either edge of ``[start, end)``."""
    if start < end and text[start] in _QUOTE_CHARS and text[end - 1] not in _QUOTE_CHARS:
        start += 1
    elif start < end and text[end - 1] in '"”' and text[start] not in _QUOTE_CHARS:
        end -= 1
    return start, end


def _trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and edge punctuation, keeping quotation marks that belong to the span."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------
# The extractor


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    kind: str
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    cue_token: int | None
    confidence: float


class QuoteExtractor:
    """Pipeline component: find quotes and reported speech, store them on
    ``doc._.pl_quotes``.

    Args:
        cues: Cue lexicon, as returned by :func:`load_cues`.
        max_partial_words: Longest quoted fragment treated as a partial quote (a scare or
            embedded quote) rather than a direct quotation.
        inherit_speaker: Give a cueless direct quote the speaker of the direct quote just
            before it (same or previous paragraph).
        general_frames: Also read a verb outside the lexicon as a cue when it takes a
            clausal complement and has a source-like subject (:func:`_attribution_frame`).
        min_orphan_words: Shortest quotation with no cue near it that is still a direct
            quote (with no speaker unless a sentence ending in a colon introduces it).
        max_title_words: Longest quotation inside a sentence that is read as a partial
            quote (a title, a label) even when it closes on a full stop ("“Meet the Press.”").
    """

    def __init__(
        self,
        cues: dict[tuple[str, str], Cue],
        *,
        max_partial_words: int = 6,
        min_partial_words: int = 2,
        inherit_speaker: bool = True,
        general_frames: bool = True,
        min_orphan_words: int = 13,
        max_title_words: int = 3,
    ) -> None:
        self.cues = cues
        self._lemma_lower: dict[int, str] = {}
        self.max_partial_words = max_partial_words
        self.min_partial_words = min_partial_words
        self.inherit_speaker = inherit_speaker
        self.general_frames = general_frames
        self.min_orphan_words = min_orphan_words
        self.max_title_words = max_title_words

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_quotes = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[Quote]:
        """All attributions of ``doc``, sorted by content start."""
        text = doc_text(doc)
        transcript = self._transcript(doc)
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

        drafts: list[_Draft] = []
        cue_tokens: list[Token] = []
        for i in self._candidates(doc):
            token = doc[i]
            if token.lower_ == "in" and not quoted(token.idx):
                draft = self._evidence(token)
                if draft is not None:
                    drafts.append(draft)
                    continue
            if token.lower_ == "according" and not quoted(token.idx):
                draft = self._according(token)
                if draft is not None:
                    drafts.append(draft)
                continue
            entry = _cue_of(token, self.cues)
            if quoted(token.idx):
                continue
            if entry is None:
                general = _attribution_frame(token) if self.general_frames else None
                if general is not None:
                    draft = self._reported(token, general)
                    if draft is not None:
                        drafts.append(draft)
                continue
            if entry.pos == "VERB":
                cue_tokens.append(token)
            draft = self._reported(token, entry)
            if draft is not None:
                drafts.append(draft)
        drafts = self._merge_marks(doc, drafts, marks, double, cue_tokens)
        return self._finish(doc, transcript + drafts)

    def _candidates(self, doc: Doc) -> list[int]:
        """Indices of the tokens that can open an attribution: verbs, cue nouns and
        adjectives of the lexicon, "in" and "according". Read from the Doc's arrays, so
        the other tokens never become ``Token`` objects."""
        lemma_lower = self._lemma_lower
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
            if (word, key_pos) in self.cues:
                out.append(i)
        return out

    def _transcript(self, doc: Doc) -> list[_Draft]:
        """Lines of a transcript or a headline that name their speaker before a colon
        ("PENCE: Gennifer Flowers will not be attending ...", "Pat Caddell: Democrat voters
        ..."): the rest of the line is what the speaker said.

        The name is one to four capitalised words that the tagger reads as proper nouns, or
        written in capitals; the interview convention of the AP and NYT style books.
        """
        text = doc_text(doc)
        out: list[_Draft] = []
        for match in _TRANSCRIPT_LINE.finditer(text):
            name = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
            if name is None or not len(name):
                continue
            label = match.group(1)
            if label.lower() in _LINE_LABELS:
                continue
            shouted = label.isupper() and len(label) > 2
            headline = match.start() == 0 or text[: match.start()].isspace()
            if not (shouted or headline) and not all(t.pos_ == "PROPN" for t in name):
                continue
            start, end = _trim_chars(text, match.start(2), match.end(2))
            start, end = _strip_marks(text, start, end)
            if len(_WORD.findall(text, start, end)) < 3:
                continue
            out.append(
                _Draft(
                    start=start,
                    end=end,
                    kind="direct",
                    speaker=(match.start(1), match.end(1)),
                    cue=(match.end(1), match.end(1) + 1),
                    cue_token=None,
                    confidence=0.6,
                )
            )
        return out

    # -- reported speech from the parse -------------------------------------------------------

    def _reported(self, token: Token, entry: Cue) -> _Draft | None:
        if entry.pos == "NOUN":
            return self._noun_reported(token, entry)
        if entry.pos == "ADJ":
            return self._stance(token, entry)
        if entry.pos != "VERB":
            return None
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        if "c" not in entry.frames and infinitive:
            # "vowed to attack ...": an infinitive of a non-speech cue is the content of
            # another attribution, not one of its own.
            return None
        if _light_verb(token, self.cues):
            return None
        bounds = _content_bounds(token, entry, self.cues)
        doc = token.doc
        speaker = _speaker_token(token, self.cues)
        if bounds is None and speaker is None and "c" in entry.frames:
            postposed = _postposed_speaker(token)
            if postposed is not None:
                speaker, content_end = postposed
                bounds = (_sent_bounds(token)[0], content_end)
        confidence = entry.confidence
        if bounds is None and speaker is not None and not infinitive and _source_like(speaker):
            # "Trump rejected the plan", "Clinton agreed to debate": a cue of the lexicon
            # used with an object or an infinitive instead of its usual complement still
            # attributes that complement to its named or pronoun subject (not when the cue
            # is itself an infinitive: "called for ... to counter U.S. threats").
            bounds = _content_bounds(token, _FALLBACK_FRAMES, self.cues)
            if bounds is not None and "x" in entry.frames and _addressee(token, bounds):
                # "warned the North not to ...": the object of a verb of telling is whom
                # the speaker addresses, not what is said
                bounds = None
            confidence *= 0.8
        if bounds is None:
            return None
        bounds = _drop_aside(doc, bounds)
        words = [t for t in doc[bounds[0] : bounds[1]] if not t.is_punct]
        if len(words) < 2 and not (
            # a named object is a content of its own ("endorsed Clinton", "attacked Machado")
            len(words) == 1 and words[0].dep_ == "dobj" and words[0].ent_type_ in _SOURCE_ENTS
        ):
            return None
        if speaker is None:
            confidence *= 0.6
        return _indirect_draft(
            doc,
            bounds,
            token,
            speaker=_char_bounds(doc, _np_bounds(speaker)) if speaker is not None else None,
            cue=_char_bounds(doc, _cue_bounds(token)),
            confidence=confidence,
        )

    def _noun_reported(self, token: Token, entry: Cue) -> _Draft | None:
        """A cue noun with its content: "X's claim that ...", "his disdain for ...",
        "critics voiced concern about ...".

        The content is an appositive "that" clause (frame ``c``) or the object of a
        preposition (frame ``o``); the speaker is a source-like possessor or the subject of
        the verb the noun is the object of. After the nominal attributions of PARC 3.0
        (Pareti 2016) and the noun cues of PolNeAR.
        """
        bounds: tuple[int, int] | None = None
        for child in token.rights:
            if (
                "c" in entry.frames
                and child.dep_ in {"acl", "ccomp"}
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
            ):
                bounds = child.left_edge.i, _clause_end(child, token)
                break
            if (
                "x" in entry.frames
                and child.dep_ == "acl"
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
            ):
                # "his decision to meet with ...", "an agreement to curb emissions"
                bounds = child.left_edge.i, child.right_edge.i + 1
                break
            if "o" in entry.frames and child.dep_ == "prep" and child.lower_ in _NOUN_PREPS:
                obj = next((c for c in child.children if c.dep_ in {"pobj", "pcomp"}), None)
                if obj is not None:
                    bounds = obj.left_edge.i, obj.right_edge.i + 1
                    break
        if bounds is None:
            return None
        speaker = _speaker_token(token, self.cues)
        if speaker is None or not _source_like(speaker):
            return None
        doc = token.doc
        bounds = _drop_aside(doc, bounds)
        if bounds[1] - bounds[0] < 1 or doc[bounds[0] : bounds[1]].root.is_punct:
            return None
        return _indirect_draft(
            doc,
            bounds,
            token,
            speaker=_char_bounds(doc, _np_bounds(speaker)),
            cue=_char_bounds(doc, (token.i, token.i + 1)),
            confidence=entry.confidence * 0.8,
        )

    def _stance(self, token: Token, entry: Cue) -> _Draft | None:
        """An adjective of stance with a clausal complement: "X is sure that ...", "was
        confident (that) ...", "it is clear that ...".

        The adjective is the predicate (``acomp``) of a copula; the clause hangs from the
        adjective or from the copula after it. The speaker is the copula's source-like
        subject; an expletive "it" gives a sourceless attribution. After the stance
        adjectives of Biber et al. (1999, "Longman Grammar", 9.4.5) that PolNeAR marks as
        cues.
        """
        if token.dep_ != "acomp":
            return None
        head = token.head
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if clause is None:
            clause = next((c for c in head.rights if c.dep_ == "ccomp" and c.i > token.i), None)
        if clause is None or clause.pos_ not in {"VERB", "AUX"}:
            return None
        subject = _subject(head)
        if subject is None:
            return None
        if subject.dep_ == "nsubj" and subject.lower_ == "it":
            speaker: Token | None = None
        elif _source_like(subject):
            speaker = subject
        else:
            return None
        doc = token.doc
        bounds = _drop_aside(doc, (clause.left_edge.i, _clause_end(clause, token)))
        if sum(1 for t in doc[bounds[0] : bounds[1]] if not t.is_punct) < 3:
            return None
        return _indirect_draft(
            doc,
            bounds,
            token,
            speaker=_char_bounds(doc, _np_bounds(speaker)) if speaker is not None else None,
            cue=_char_bounds(doc, (token.i, token.i + 1)),
            confidence=entry.confidence * (0.8 if speaker is not None else 0.6),
        )

    def _according(self, token: Token) -> _Draft | None:
        to = next((c for c in token.children if c.lower_ == "to"), None)
        if to is None:
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            to = nxt if nxt is not None and nxt.lower_ == "to" else None
        if to is None:
            return None
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            return None
        doc = token.doc
        head = token.head
        if head.i != token.i and head.pos_ in {"VERB", "AUX"}:
            span_start, span_end = head.left_edge.i, head.right_edge.i + 1
        else:
            span_start, span_end = _sent_bounds(token)
        phrase = (token.i, max(source.right_edge.i, to.i) + 1)
        if phrase[0] <= span_start:
            span_start = phrase[1]
        elif phrase[1] >= span_end - 1:
            span_end = phrase[0]
        elif phrase[0] - span_start >= 4:
            # "A, according to X, B": the clause before the phrase is what X reports; B is
            # mostly the writer's comparison or aside ("..., more than twice what ...")
            span_end = phrase[0]
        if span_end - span_start < 2:
            return None
        return _indirect_draft(
            doc,
            (span_start, span_end),
            token,
            speaker=_char_bounds(doc, _np_bounds(source)),
            cue=(token.idx, to.idx + len(to.text)),
            confidence=0.8,
        )

    def _evidence(self, token: Token) -> _Draft | None:
        """A clause framed by the study it reports: "In the latest poll, Clinton led Trump by
        five points", "In its report, the agency found ...". The preposition heads a phrase
        that opens the clause, and its object is a poll, survey, study or report."""
        head = token.head
        if token.dep_ != "prep" or head.pos_ not in {"VERB", "AUX"} or token.i > head.i:
            return None
        source = next((c for c in token.children if c.dep_ == "pobj"), None)
        if source is None or source.lemma_.lower() not in _EVIDENCE_NOUNS:
            return None
        if token.i != head.left_edge.i or _cue_of(head, self.cues) is not None:
            return None
        start, end = token.right_edge.i + 1, head.right_edge.i + 1
        if end - start < 3:
            return None
        doc = token.doc
        return _indirect_draft(
            doc,
            (start, end),
            token,
            speaker=_char_bounds(doc, _np_bounds(source)),
            cue=(token.idx, token.idx + len(token.text)),
            confidence=0.6,
        )

    # -- quotation marks ------------------------------------------------------------------------

    def _merge_marks(
        self,
        doc: Doc,
        drafts: list[_Draft],
        marks: list[tuple[int, int]],
        double: list[tuple[int, int]],
        cue_tokens: list[Token],
    ) -> list[_Draft]:
        text = doc_text(doc)
        double_set = set(double)
        by_cue: dict[int, _Draft] = {d.cue_token: d for d in drafts if d.cue_token is not None}
        previous: _Draft | None = None
        out = list(drafts)
        for q_start, q_end in marks:
            covering = [d for d in drafts if d.start < q_end and q_start < d.end]
            inside = [d for d in covering if d.start >= q_start - 1 and d.end <= q_end + 1]
            if inside or any(_covers_most(d, q_start, q_end) for d in covering):
                for d in covering:
                    if (d.start >= q_start - 1 and d.end <= q_end + 1) or _covers_most(
                        d, q_start, q_end
                    ):
                        d.start, d.end = min(d.start, q_start), max(d.end, q_end)
                        d.kind = "direct"
                        previous = d
                continue
            if covering:
                for d in covering:
                    if d.start <= q_start and d.end >= q_end:
                        d.kind = "mixed"
                    else:
                        d.start, d.end = min(d.start, q_start), max(d.end, q_end)
                        d.kind = "mixed"
                    if d.end <= q_end + 1 and d.speaker is not None:
                        # A reported clause that closes on a quotation ("she said she felt
                        # ... because “...,”"): a cueless quotation after it is the same
                        # speaker's.
                        previous = d
                continue
            n_words = len(_WORD.findall(text, q_start, q_end))
            partial = (
                (
                    n_words <= self.max_title_words
                    or not re.search(r"[.?!]", text[q_start:q_end].rstrip(_QUOTE_CHARS + ",")[-1:])
                )
                and n_words <= self.max_partial_words
                and not _starts_sentence(doc, q_start)
            ) or (q_start, q_end) not in double_set
            if partial:
                draft = self._governed(doc, q_start, q_end)
                if draft is not None:
                    out.append(draft)
                continue
            draft = self._direct(doc, q_start, q_end, cue_tokens, marks, by_cue, previous)
            if draft is not None:
                if draft not in out:
                    out.append(draft)
                if draft.cue_token is not None:
                    by_cue.setdefault(draft.cue_token, draft)
                previous = draft
        return _join_pieces(out)

    def _governed(self, doc: Doc, q_start: int, q_end: int) -> _Draft | None:
        """A partial quote: attribute it to the cue that governs it in the parse."""
        span = doc.char_span(q_start, q_end, alignment_mode="expand")
        if span is None:
            return None
        token: Token = span.root
        for _ in range(8):
            if token.head.i == token.i:
                return None
            token = token.head
            if span.start <= token.i < span.end:
                continue
            entry = _cue_of(token, self.cues)
            if entry is not None:
                speaker = _speaker_token(token, self.cues)
                if speaker is None:
                    return None
                start, end = _governed_content(token, span.start, span.end)
                start, end = _trim_chars(doc_text(doc), doc[start].idx, _end_char(doc, end))
                start, end = min(start, q_start), max(end, q_end)
                if len(_WORD.findall(doc_text(doc), start, end)) <= self.min_partial_words:
                    # A scare-quoted word or two ("what he calls “hell”") is mostly the
                    # writer's label, unannotated in PolNeAR unless a wider clause is content.
                    return None
                return _Draft(
                    start=start,
                    end=end,
                    kind="mixed",
                    speaker=_char_bounds(doc, _np_bounds(speaker)),
                    cue=_char_bounds(doc, _cue_bounds(token)),
                    cue_token=token.i,
                    confidence=entry.confidence * 0.75,
                )
        return None

    def _direct(
        self,
        doc: Doc,
        q_start: int,
        q_end: int,
        cue_tokens: list[Token],
        marks: list[tuple[int, int]],
        by_cue: dict[int, _Draft],
        previous: _Draft | None,
    ) -> _Draft | None:
        """A full quotation: attribute it to the nearest cue in its sentences or paragraph."""
        dash = _DASH_BYLINE.match(doc_text(doc), q_end)
        if dash is not None:
            name = doc.char_span(dash.start(2), dash.end(2), alignment_mode="contract")
            if name is not None and len(name) and all(t.pos_ == "PROPN" for t in name):
                return _Draft(
                    start=q_start,
                    end=q_end,
                    kind="direct",
                    speaker=(name.start_char, name.end_char),
                    cue=(dash.start(1), dash.end(1)),
                    cue_token=None,
                    confidence=0.7,
                )
        cue = _nearest_cue(doc, q_start, q_end, cue_tokens, marks)
        if cue is not None:
            existing = by_cue.get(cue.i)
            if (
                existing is not None
                and existing.kind == "direct"
                and _joinable(existing.start, existing.end, q_start, q_end)
            ):
                existing.start, existing.end = (
                    min(existing.start, q_start),
                    max(existing.end, q_end),
                )
                return existing
            speaker = _speaker_token(cue, self.cues)
            if speaker is not None and q_start <= speaker.idx < q_end:
                # "“Every single amendment,” said Cruz": the parser takes a phrase of the
                # quotation for the subject of an inverted cue; the speaker follows the cue
                speaker = _inverted_speaker(cue) or speaker
            if speaker is not None:
                entry = _cue_of(cue, self.cues)
                confidence = entry.confidence if entry is not None else 0.5
                return _Draft(
                    start=q_start,
                    end=q_end,
                    kind="direct",
                    speaker=_char_bounds(doc, _np_bounds(speaker)),
                    cue=_char_bounds(doc, _cue_bounds(cue)),
                    cue_token=cue.i,
                    confidence=confidence,
                )
        if (
            previous is not None
            and previous.kind == "direct"
            and previous.cue is not None
            and previous.end <= previous.cue[0] < q_start
            and _paragraphs_apart(doc_text(doc), previous.end, q_start) == 0
        ):
            # "“A,” she said. “B.”": one attribution whose content is both quotations, as
            # long as the words between them do not outweigh the quoted ones.
            gap = q_start - previous.cue[1]
            if gap + (previous.cue[0] - previous.end) < (q_end - q_start) + (
                previous.end - previous.start
            ):
                previous.end = q_end
                return previous
        if (
            self.inherit_speaker
            and previous is not None
            and previous.speaker is not None
            and previous.kind in {"direct", "mixed"}
            and _paragraphs_apart(doc_text(doc), previous.end, q_start) <= 1
        ):
            return _Draft(
                start=q_start,
                end=q_end,
                kind="direct",
                speaker=previous.speaker,
                cue=None,
                cue_token=None,
                confidence=0.5,
            )
        if len(_WORD.findall(doc_text(doc), q_start, q_end)) >= self.min_orphan_words:
            # A long quotation with no cue near it is still quoted speech: on PolNeAR train,
            # three in four cueless passages of 13 words or more are annotated attributions
            # (block quotes after "X wrote:", tweets, statements). Its speaker, when the
            # sentence before it ends with a colon, is the subject of that sentence's verb.
            return self._introduced(doc, q_start, q_end)
        return None

    def _introduced(self, doc: Doc, q_start: int, q_end: int) -> _Draft:
        """A cueless quotation, attributed to the subject of a sentence before it that ends
        with a colon ("Cruz called them on it: “...”"), else to no one."""
        text = doc_text(doc)
        k = q_start - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k >= 0 and text[k] == ":":
            colon = doc.char_span(k, k + 1, alignment_mode="expand")
            if colon is not None:
                verb = colon[0].head
                speaker = _speaker_token(verb, self.cues) if verb.pos_ in {"VERB", "AUX"} else None
                if speaker is not None and _source_like(speaker):
                    return _Draft(
                        start=q_start,
                        end=q_end,
                        kind="direct",
                        speaker=_char_bounds(doc, _np_bounds(speaker)),
                        cue=_char_bounds(doc, _cue_bounds(verb)),
                        cue_token=verb.i,
                        confidence=0.5,
                    )
        return _Draft(
            start=q_start,
            end=q_end,
            kind="direct",
            speaker=None,
            cue=None,
            cue_token=None,
            confidence=0.3,
        )

    def _finish(self, doc: Doc, drafts: list[_Draft]) -> list[Quote]:
        best: dict[tuple[int, int], _Draft] = {}
        for d in drafts:
            key = (d.start, d.end)
            if key not in best or d.confidence > best[key].confidence:
                best[key] = d
        quotes: list[Quote] = []
        for (start, end), d in _drop_nested(doc, sorted(best.items())):
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


def _drop_nested(
    doc: Doc, drafts: list[tuple[tuple[int, int], _Draft]]
) -> Iterator[tuple[tuple[int, int], _Draft]]:
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
            and not (d.cue_token is not None and doc[d.cue_token].lemma_ in _SPEECH_LEMMAS)
            and outer is not None
            and outer[0] <= lo
            and hi <= outer[1]
            and (outer[0], outer[1]) != (start, end)
        ):
            continue
        yield (start, end), d
        if outer is None or end > outer[1]:
            outer = (start, end)


def _governed_content(cue: Token, q_start: int, q_end: int) -> tuple[int, int]:
    """Token bounds of the complement of ``cue`` that holds the quoted tokens
    ``[q_start, q_end)`` ("his call for a 'limitless' expansion of ..."), or the quote."""
    for child in cue.rights:
        if child.dep_ in {"punct", "cc", "conj", "appos", "relcl"}:
            continue
        left, right = child.left_edge.i, child.right_edge.i + 1
        if left <= q_start and q_end <= right and right - left <= 40:
            return left, right
    return q_start, q_end


def _inverted_speaker(cue: Token) -> Token | None:
    """The source-like noun phrase right after a cue verb ("..., said Cruz, who ...")."""
    doc = cue.doc
    if cue.i + 1 >= len(doc):
        return None
    token = doc[cue.i + 1]
    while token.head.i != cue.i and cue.i < token.head.i <= cue.i + 6:
        token = token.head
    if token.head.i != cue.i or token.pos_ not in {"PROPN", "NOUN", "PRON"}:
        return None
    return token if _source_like(token) else None


def _postposed_speaker(cue: Token) -> tuple[Token, int] | None:
    """A speaker named after the content and before a subjectless cue, as in "...,
    Hwang Ildo, a professor at the academy, wrote in a study": returns the head of the
    speaker phrase and the token where the content ends.

    The parser often folds such a speaker into the content as a conjunct; reading the comma
    segments before the cue recovers it (a proper name, or a name followed by its
    description).
    """
    doc = cue.doc
    sent_start = _sent_bounds(cue)[0]
    segments: list[tuple[int, int]] = []
    end = cue.i
    if end - 1 <= sent_start or doc[end - 1].text != ",":
        return None
    end -= 1
    for _ in range(2):
        start = end
        while start > sent_start and doc[start - 1].text not in {",", ";", ":"}:
            start -= 1
        if start == end or end - start > 10 or start <= sent_start:
            break
        segments.append((start, end))
        end = start - 1
    if not segments:
        return None

    def is_name(seg: tuple[int, int]) -> bool:
        return all(doc[i].pos_ == "PROPN" or doc[i].tag_ == "POS" for i in range(*seg))

    nearest = segments[0]
    if is_name(nearest):
        speaker = nearest
    elif len(segments) == 2 and is_name(segments[1]) and doc[nearest[0]].pos_ == "DET":
        speaker = segments[1]
    else:
        return None
    head = max(
        range(*speaker),
        key=lambda i: (doc[i].head.i < speaker[0] or doc[i].head.i >= speaker[1], i),
    )
    return doc[head], speaker[0] - 1


def _join_pieces(drafts: list[_Draft]) -> list[_Draft]:
    """``drafts`` with the direct quotations of one cue joined into one attribution.

    "“A,” Tester said, “B.”": when the parse reads B as the cue's complement, B becomes a
    direct draft of the reported-speech path and A one of the quotation path; both carry
    the same cue token and make one attribution, as when they are found in order.
    """
    by_cue: dict[int, list[_Draft]] = {}
    for d in drafts:
        if d.kind == "direct" and d.cue_token is not None:
            by_cue.setdefault(d.cue_token, []).append(d)
    dropped: set[int] = set()
    for pieces in by_cue.values():
        if len(pieces) < 2:
            continue
        pieces.sort(key=lambda d: d.start)
        head = pieces[0]
        for piece in pieces[1:]:
            around_cue = (
                head.cue is not None and head.end <= head.cue[0] and piece.start >= head.cue[1]
            )
            if around_cue and _joinable(head.start, head.end, piece.start, piece.end):
                head.end = max(head.end, piece.end)
                head.confidence = max(head.confidence, piece.confidence)
                dropped.add(id(piece))
                continue
            head = piece
    return [d for d in drafts if id(d) not in dropped]


def _joinable(start: int, end: int, q_start: int, q_end: int) -> bool:
    """Whether a quotation ``[q_start, q_end)`` and a content ``[start, end)`` of the same
    cue make one content: the words between them (the attribution, "“A,” she said. “B.”")
    must not outweigh the quoted ones, or the joined span is mostly the writer's."""
    gap = max(q_start - end, start - q_end, 0)
    return gap < (q_end - q_start) + (end - start)


def _covers_most(draft: _Draft, q_start: int, q_end: int) -> bool:
    """The draft's content is the quotation plus at most a complementiser or a few
    characters of punctuation ("that “...”")."""
    if draft.start > q_start or draft.end < q_end:
        return False
    outside = (draft.end - draft.start) - (q_end - q_start)
    return outside <= 6


def _starts_sentence(doc: Doc, char: int) -> bool:
    token = doc.char_span(char, char + 1, alignment_mode="expand")
    if token is None:
        return False
    first = token[0]
    sent_start = _sent_bounds(first)[0]
    return all(t.is_punct for t in doc[sent_start : first.i]) or doc[first.i - 1].text == ":"


def _nearest_cue(
    doc: Doc,
    q_start: int,
    q_end: int,
    cue_tokens: list[Token],
    marks: list[tuple[int, int]],
) -> Token | None:
    """The speech verb closest to a quotation, outside quotation marks, in the sentences the
    quotation starts and ends in (or the sentence right after it)."""
    if not cue_tokens:
        return None
    first = doc.char_span(q_start, q_end, alignment_mode="expand")
    if first is None:
        return None
    lo, hi = _sent_bounds(first[0])[0], _sent_bounds(first[-1])[1]
    if hi < len(doc) and _sent_bounds(doc[hi])[1] - hi <= 8:
        hi = _sent_bounds(doc[hi])[1]
    text = doc_text(doc)
    best: tuple[int, Token] | None = None
    positions = [t.i for t in cue_tokens]
    k = bisect.bisect_left(positions, lo)
    while k < len(cue_tokens) and cue_tokens[k].i < hi:
        token = cue_tokens[k]
        k += 1
        if q_start <= token.idx < q_end:
            continue
        between = (token.idx, q_start) if token.idx < q_start else (q_end, token.idx)
        if _PARAGRAPH_BREAK.search(text, between[0], between[1]):
            continue
        if any(s >= between[0] and e <= between[1] for s, e in marks):
            continue
        distance = between[1] - between[0]
        if best is None or distance < best[0]:
            best = (distance, token)
    if best is None:
        return _introducing_cue(doc, q_start, cue_tokens)
    return best[1]


def _introducing_cue(doc: Doc, q_start: int, cue_tokens: list[Token]) -> Token | None:
    """A cue that closes the paragraph before a quotation with a colon ("He said:" then the
    quotation as its own paragraph, the block-quote layout of transcripts and op-eds)."""
    text = doc_text(doc)
    colon = len(text[:q_start].rstrip()) - 1
    if colon < 0 or text[colon] != ":" or not _PARAGRAPH_BREAK.search(text, colon, q_start):
        return None
    for token in reversed(cue_tokens):
        if token.idx < colon:
            word_end = token.idx + len(token.text)
            return token if not text[word_end:colon].strip() else None
    return None


def _indirect_draft(
    doc: Doc,
    bounds: tuple[int, int],
    cue_token: Token,
    *,
    speaker: tuple[int, int] | None,
    cue: tuple[int, int],
    confidence: float,
) -> _Draft | None:
    """An indirect attribution whose content is the tokens ``bounds``, kept to the cue's
    paragraph and trimmed; None when nothing is left."""
    text = doc_text(doc)
    start, end = _clip_paragraph(text, doc[bounds[0]].idx, _end_char(doc, bounds[1]), cue_token)
    start, end = _trim_chars(text, start, end)
    if end <= start:
        return None
    return _Draft(
        start=start,
        end=end,
        kind="indirect",
        speaker=speaker,
        cue=cue,
        cue_token=cue_token.i,
        confidence=confidence,
    )


def _sent_bounds(token: Token) -> tuple[int, int]:
    """Token bounds of the sentence holding ``token``.

    ``Token.sent`` walks the Doc on every call; the sentence starts are computed once per Doc.
    """
    doc = token.doc
    starts = sentence_token_starts(doc)
    k = bisect.bisect_right(starts, token.i) - 1
    end = starts[k + 1] if k + 1 < len(starts) else len(doc)
    return starts[k], end


def _clip_paragraph(text: str, start: int, end: int, cue: Token) -> tuple[int, int]:
    """``[start, end)`` cut to the paragraph of ``cue``.

    The parser sometimes runs a sentence across a paragraph break (a paragraph that opens
    with a quotation mark: "... not say.\n\n''I have never ...,'' Mr. King told me."), and
    a clausal complement read off it then swallows the paragraph before. Reported speech
    does not cross paragraphs; quotations that do are joined by :meth:`_merge_marks`.
    """
    breaks = [match.end() for match in _PARAGRAPH_BREAK.finditer(text, start, cue.idx)]
    if breaks:
        start = breaks[-1]
    after = _PARAGRAPH_BREAK.search(text, cue.idx, end)
    if after is not None:
        end = after.start()
    return start, end


def _paragraphs_apart(text: str, start: int, end: int) -> int:
    return len(_PARAGRAPH_BREAK.findall(text, start, end)) if end > start else 0


def _end_char(doc: Doc, token_end: int) -> int:
    last = doc[token_end - 1]
    return last.idx + len(last.text)


def _char_bounds(doc: Doc, bounds: tuple[int, int]) -> tuple[int, int]:
    return doc[bounds[0]].idx, _end_char(doc, bounds[1])


@Language.factory(
    "presslake_quotes_v1",
    default_config={"max_partial_words": 6, "inherit_speaker": True, "general_frames": True},
    requires=["token.dep", "token.lemma", "doc.sents"],
    assigns=["doc._.pl_quotes"],
)
def make_quotes(
    nlp: Language,
    name: str,
    *,
    max_partial_words: int,
    inherit_speaker: bool,
    general_frames: bool,
) -> QuoteExtractor:
    """Create the ``presslake_quotes_v1`` component."""
    return QuoteExtractor(
        load_cues(),
        max_partial_words=max_partial_words,
        inherit_speaker=inherit_speaker,
        general_frames=general_frames,
    )


def quotes_of(doc: Doc, *, cues: dict[tuple[str, str], Cue] | None = None) -> list[Quote]:
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


__all__ = [
    "KINDS",
    "Cue",
    "CueLexiconError",
    "Quote",
    "QuoteExtractor",
    "QuoteRecord",
    "extract_quotes",
    "find_quote_spans",
    "find_single_quote_spans",
    "load_cues",
    "quotes_of",
]
