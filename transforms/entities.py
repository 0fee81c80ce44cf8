"""Entity mentions and entity resolution within a document.

Two pipeline components live here:

* ``presslake_entity_ruler_v1`` (after ``ner``) corrects the model's entity spans with
  curated gazetteers (countries and capitals from pycountry, demonyms, organisations and news
  agencies, heads of state; files under ``transforms/data/entities/``): it trims titles,
  determiners, quote marks, trailing numbers and possessives, splits spans at line breaks and
  spaced dashes, adds gazetteer names the model missed and relabels exact gazetteer matches.
* ``presslake_entities_v1`` turns the entity spans into :class:`Mention` objects that carry a
  canonical entity key, and adds pronoun and description mentions resolved by rules over the
  parse (precision first). ``extract_entity_mentions`` yields the warehouse rows.

The key (``TYPE|normalised canonical name``) is what the entity id is hashed from, so it is
chosen to be the same in every document where possible: gazetteer names for known entities
("U.S." -> ``GPE|united states``), the longest full name in the document for people.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from spacy.attrs import LOWER, POS, TAG
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.symbols import NOUN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from transforms.doctext import doc_text, noun_chunk_bounds, sentence_token_starts, token_ids
from transforms.entity_stats import DROP, LearnedRules, apply_rules
from transforms.ids import entity_id_for, row_id

#: NER labels that name entities (numbers, dates and quantities are not entities).
ENTITY_LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
#: Labels whose spans never end or start with a bare number ("Durham 114" -> "Durham").
_NO_NUMBER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
#: When mentions of one surface form disagree on the label, ties go to the earlier label.
_LABEL_PREFERENCE = (
    "PERSON",
    "GPE",
    "ORG",
    "NORP",
    "LOC",
    "FAC",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)
_DETERMINERS = frozenset({"the", "a", "an"})
_QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»", "`", "``", "''"})
_DASHES = frozenset({"-", "--", "—", "–"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_NEUTER = frozenset({"it", "its", "itself"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: Ids of words and tags as ``doc.to_array`` holds them (see ``doctext.token_ids``).
_THE = get_string_id("the")
_NN = get_string_id("NN")
_PLURAL_TAGS = frozenset({get_string_id("NNS"), get_string_id("NNPS")})
_PRONOUN_TAGS = frozenset({get_string_id("PRP"), get_string_id("PRP$")})
#: Prepositions after which a capital is a place, not its government ("in Seoul").
_LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "around",
        "across",
        "throughout",
        "within",
        "into",
        "through",
        "via",
        "from",
        "to",
        "on",
        "over",
        "above",
        "beyond",
        "between",
    }
)
#: Courtesy titles: stripped from names but too thin to be descriptions of their own.
_HONORIFICS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "prof",
        "justice",
        "judge",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "adm",
        "sgt",
    }
)
_ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "&", "de", "on", "in"})
_MALE_WORDS = frozenset(
    {"mr.", "mr", "king", "prince", "sir", "lord", "spokesman", "chairman", "businessman", "actor"}
)
_FEMALE_WORDS = frozenset(
    {
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "miss",
        "queen",
        "princess",
        "dame",
        "lady",
        "spokeswoman",
        "chairwoman",
        "businesswoman",
        "actress",
    }
)


class GazetteerError(ValueError):
    """A gazetteer data file under ``transforms/data/entities/`` is malformed."""


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of an entity inside one Doc (offsets are characters into ``doc.text``).

    Attributes:
        kind: ``name``, ``pronoun`` or ``description``.
        entity_key: Canonical key ``TYPE|normalised name``; the entity id is its hash.
        entity_name: Canonical name of the entity.
        entity_type: OntoNotes type of the entity (a demonym mention has label NORP and the
            type of its country, GPE).
    """

    start_char: int
    end_char: int
    text: str
    label: str
    kind: str
    entity_key: str
    entity_name: str
    entity_type: str
    sentence_index: int

    @property
    def entity_id(self) -> str:
        """Canonical entity id."""
        return _entity_id(self.entity_key)


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """One row of ``entity_mentions``."""

    mention_id: str
    doc_id: str
    entity_id: str
    text: str
    label: str
    start_char: int
    end_char: int
    sentence_index: int
    mention_kind: str
    entity_name: str
    entity_type: str
    entity_key: str


@lru_cache(maxsize=16384)
def _entity_id(entity_key: str) -> str:
    """:func:`entity_id_for`, memoised: every row of a mention and of the events and quotes
    it takes part in asks for its id again."""
    return entity_id_for(entity_key)


if not Doc.has_extension("pl_mentions"):
    Doc.set_extension("pl_mentions", default=None)
if not Doc.has_extension("pl_sent_starts"):
    Doc.set_extension("pl_sent_starts", default=None)


def sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where each sentence starts (cached on the Doc)."""
    starts = doc._.pl_sent_starts
    if starts is None:
        starts = [doc[i].idx for i in sentence_token_starts(doc)] if len(doc) else [0]
        doc._.pl_sent_starts = starts
    return list(starts)


def sentence_index_at(doc: Doc, char: int) -> int:
    """0-based index of the sentence containing character ``char``."""
    starts = doc._.pl_sent_starts
    if starts is None:
        starts = sentence_starts(doc)
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid
    return lo


# ---------------------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A known entity: canonical name, type and (people) gender."""

    name: str
    type: str
    gender: str = ""

    @property
    def key(self) -> str:
        """Canonical key of the entity."""
        return make_key(self.type, self.name)


@dataclass(slots=True)
class Gazetteer:
    """Curated names, loaded once from ``transforms/data/entities/``.

    Keys of the dicts are normalised with :func:`norm`.
    """

    names: dict[str, Entry] = field(default_factory=dict)
    surnames: dict[str, Entry] = field(default_factory=dict)
    demonyms: dict[str, Entry] = field(default_factory=dict)
    capitals: dict[str, Entry] = field(default_factory=dict)
    cities: dict[str, Entry] = field(default_factory=dict)
    shorthands: dict[str, list[tuple[str, Entry]]] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()
    title_phrases: tuple[tuple[str, ...], ...] = ()
    descriptors: frozenset[str] = frozenset()
    ambiguous: frozenset[str] = frozenset()
    #: (surface form, label) pairs the entity ruler matches.
    patterns: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Normalised surface form: one space, straight apostrophes, lower case, no "the"/"'s".

    Memoised: the same names recur within and across articles.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.replace("’", "'").split()).lower()
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s"):
        text = text[:-2].rstrip()
    elif text.endswith("'"):
        text = text[:-1]
    return text


def make_key(entity_type: str, name: str) -> str:
    """Canonical entity key ``TYPE|normalised name``."""
    return f"{entity_type}|{norm(name)}"


def _data_lines(name: str) -> Iterator[list[str]]:
    path = resources.files("transforms") / "data" / "entities" / name
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [cell.strip() for cell in line.split("\t")]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _strip_the(alias: str) -> str:
    return alias[4:] if alias.lower().startswith("the ") else alias


@cache
def load_gazetteer() -> Gazetteer:
    """Read the gazetteer files once per process.

    Raises:
        GazetteerError: when a file has a malformed row.
    """
    gaz = Gazetteer()
    patterns: set[tuple[str, str]] = set()
    for cells in _data_lines("ambiguous.tsv"):
        gaz.ambiguous = gaz.ambiguous | {cells[0]}
    countries_path = resources.files("transforms") / "data" / "entities" / "countries.jsonl"
    for line in countries_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        country = Entry(row["name"], "GPE")
        for alias in [row["name"], *row["aliases"]]:
            gaz.names.setdefault(norm(alias), country)
            patterns.add((_strip_the(alias), "GPE"))
        for demonym in row["demonyms"]:
            gaz.demonyms.setdefault(norm(demonym), country)
            patterns.add((demonym, "NORP"))
        capitals = row["capitals"]
        for alias in capitals:
            gaz.capitals.setdefault(norm(alias), country)
            gaz.cities.setdefault(norm(alias), Entry(_strip_the(alias), "GPE"))
            if not alias.lower().startswith("the ") and "," not in alias:
                patterns.add((alias, "GPE"))
    for cells in _data_lines("organisations.tsv"):
        if len(cells) < 2:
            raise GazetteerError(f"organisations.tsv row {cells!r} needs a name and a type")
        org = Entry(cells[0], cells[1])
        for alias in [cells[0], *_split(cells[2] if len(cells) > 2 else "")]:
            gaz.names.setdefault(norm(alias), org)
            patterns.add((_strip_the(alias), org.type))
    for cells in _data_lines("people.tsv"):
        gender = cells[2] if len(cells) > 2 else ""
        person = Entry(cells[0], "PERSON", gender)
        for alias in [cells[0], *_split(cells[1] if len(cells) > 1 else "")]:
            if " " in alias:
                gaz.names.setdefault(norm(alias), person)
                patterns.add((alias, "PERSON"))
            else:
                gaz.surnames.setdefault(norm(alias), person)
    for cells in _data_lines("shorthands.tsv"):
        if len(cells) < 3:
            raise GazetteerError(f"shorthands.tsv row {cells!r} needs context, short, country")
        target = gaz.names.get(norm(cells[2]))
        if target is None:
            raise GazetteerError(f"shorthands.tsv names unknown country {cells[2]!r}")
        gaz.shorthands.setdefault(norm(cells[1]), []).append((cells[0].lower(), target))
    titles = [cells[0] for cells in _data_lines("titles.tsv")]
    gaz.titles = frozenset(word.lower() for t in titles for word in t.split())
    gaz.title_phrases = tuple(
        sorted({tuple(t.lower().split()) for t in titles}, key=len, reverse=True)
    )
    gaz.descriptors = frozenset(cells[0].lower() for cells in _data_lines("descriptors.tsv"))
    gaz.patterns = sorted(patterns)
    return gaz


@cache
def load_learned_rules() -> LearnedRules:
    """Read the tables ``scripts/learn_entity_rules.py`` wrote (``learned_*.tsv``) once.

    Raises:
        GazetteerError: when a file has a malformed row.
    """
    rules = LearnedRules()
    for cells in _data_lines("learned_names.tsv"):
        if len(cells) < 3 or not (cells[1] in {"text", "row"} or cells[1].startswith("text/")):
            raise GazetteerError(f"learned_names.tsv row {cells!r} needs surface, context, label")
        rules.names[(cells[0], cells[1])] = cells[2]
    for cells in _data_lines("learned_additions.tsv"):
        if len(cells) < 2:
            raise GazetteerError(f"learned_additions.tsv row {cells!r} needs surface, label")
        rules.additions[cells[0]] = cells[1]
    for cells in _data_lines("learned_rows.tsv"):
        if len(cells) < 4:
            raise GazetteerError(
                f"learned_rows.tsv row {cells!r} needs section, shape, position, label"
            )
        rules.rows[(cells[0], cells[1], cells[2])] = cells[3]
    rules.sections = frozenset(cells[0] for cells in _data_lines("learned_sections.tsv"))
    for label in [*rules.names.values(), *rules.additions.values(), *rules.rows.values()]:
        if label != DROP and label not in ENTITY_LABELS:
            raise GazetteerError(f"learned label {label!r} is not an entity label")
    return rules


# ---------------------------------------------------------------------------------------------
# presslake_entity_ruler_v1
# ---------------------------------------------------------------------------------------------


def _is_number(token: Token) -> bool:
    return not any(ch.isalpha() for ch in token.text)


def _title_length(doc: Doc, start: int, end: int, gaz: Gazetteer) -> int:
    """Number of tokens of a title phrase at ``doc[start:end]``'s start (0 if none)."""
    words = tuple(doc[i].lower_ for i in range(start, end))
    for phrase in gaz.title_phrases:
        n = len(phrase)
        if n < end - start and words[:n] == phrase:
            return n
    return 0


def _pieces(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split ``[start, end)`` at line breaks and at dashes with spaces on both sides."""
    piece_start = start
    for i in range(start, end):
        token = doc[i]
        breaks = (
            "\n" in token.text
            or "\n" in token.whitespace_
            or (
                token.text in _DASHES and i > start and doc[i - 1].whitespace_ and token.whitespace_
            )
        )
        if token.is_space or (token.text in _DASHES and breaks):
            if i > piece_start:
                yield piece_start, i
            piece_start = i + 1
        elif breaks:
            yield piece_start, i + 1
            piece_start = i + 1
    if piece_start < end:
        yield piece_start, end


def correct_span(doc: Doc, start: int, end: int, label: str, gaz: Gazetteer) -> list[Span]:
    """The corrected spans for a model entity ``doc[start:end]`` with ``label``.

    Drops leading determiners and quote marks, leading titles of people ("President"),
    trailing possessives and quote marks, and numbers at either end; splits at line breaks and
    spaced dashes (CoNLL-style "Romania - Cosmin Contra"); drops names written all in lower
    case.
    """
    spans: list[Span] = []
    for lo, hi in _pieces(doc, start, end):
        while lo < hi:
            if _drop_leading(doc[lo], label):
                lo += 1
            elif label == "PERSON" and (n := _title_length(doc, lo, hi, gaz)):
                lo += n
            else:
                break
        while hi > lo and _drop_trailing(doc[hi - 1], label):
            hi -= 1
        if hi > lo and not (label in _CASED_LABELS and doc[lo:hi].text.islower()):
            spans.append(Span(doc, lo, hi, label=label))
    return spans


#: Names are written with a capital: an all-lowercase span with one of these labels is a
#: model error on a common word or abbreviation (Reuters' "cts", "mln"), not an entity.
_CASED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT"})


def _drop_leading(token: Token, label: str) -> bool:
    """Determiners, punctuation and (for names) numbers do not start an entity."""
    if token.lower_ in _DETERMINERS or token.is_punct or token.is_space:
        return True
    return label in _NO_NUMBER_LABELS and _is_number(token)


def _drop_trailing(token: Token, label: str) -> bool:
    """Possessives, quote marks, punctuation but "." and ")", and numbers do not end one."""
    if token.tag_ == "POS" or token.text in _QUOTES or token.is_space:
        return True
    if token.is_punct:
        return token.text not in {".", ")"}
    return label in _NO_NUMBER_LABELS and _is_number(token)


class EntityRuler:
    """Pipeline component: gazetteer matches and span corrections on ``doc.ents``."""

    def __init__(
        self, nlp: Language, *, gazetteer: Gazetteer, rules: LearnedRules | None = None
    ) -> None:
        """Build the phrase matchers once.

        Args:
            nlp: The pipeline (its vocab and tokenizer make the patterns).
            gazetteer: Names to match.
            rules: Corrections learned from annotated news (none by default).
        """
        self.gaz = gazetteer
        self.rules = rules or LearnedRules()
        self.countries = frozenset(k for k, e in gazetteer.names.items() if e.type == "GPE")
        self.protected = frozenset(
            [*gazetteer.names, *gazetteer.demonyms, *gazetteer.capitals, *gazetteer.surnames]
        )
        self.build_additions(nlp)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.caps_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, label in gazetteer.patterns:
            by_label[label].append(text)
        for label, texts in sorted(by_label.items()):
            self.matcher.add(label, [nlp.make_doc(text) for text in texts])
            caps = [t for t in texts if len(t) > 3 and t not in gazetteer.ambiguous]
            self.caps_matcher.add(label, [nlp.make_doc(text) for text in caps])
        self.labels = {nlp.vocab.strings[label]: label for label in by_label}

    def build_additions(self, nlp: Language) -> None:
        """(Re)build the matcher of learned names the model tends to miss."""
        self.added_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for surface, label in sorted(self.rules.additions.items()):
            self.added_matcher.add(label, [nlp.make_doc(surface)])

    def _matches(self, doc: Doc) -> list[Span]:
        found: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            text = doc[start:end].text
            if text not in self.gaz.ambiguous:
                found.append(Span(doc, start, end, label=self.labels[match_id]))
        for match_id, start, end in self.caps_matcher(doc):
            span = doc[start:end]
            if span.text.isupper():
                found.append(Span(doc, start, end, label=self.labels[match_id]))
        return found

    def _relabel(self, span: Span) -> Span:
        """The label the gazetteer gives an exact model span, if it knows the name."""
        key = norm(span.text)
        entry = self.gaz.names.get(key)
        label = span.label_
        if key in self.gaz.demonyms and label in {"NORP", "GPE", "LOC", "ORG", "LANGUAGE"}:
            label = "NORP" if label != "LANGUAGE" else label
        elif entry is not None and entry.type == "PERSON":
            label = "PERSON"
        elif entry is not None and span.text not in self.gaz.ambiguous and label != "PERSON":
            label = entry.type
        elif key in self.gaz.surnames and label in {"ORG", "GPE", "NORP", "LOC"}:
            label = "PERSON"
        return span if label == span.label_ else Span(span.doc, span.start, span.end, label=label)

    def __call__(self, doc: Doc) -> Doc:
        """Correct ``doc.ents`` in place."""
        corrected: list[Span] = []
        for ent in doc.ents:
            for span in correct_span(doc, ent.start, ent.end, ent.label_, self.gaz):
                corrected.append(self._relabel(span))
        corrected = apply_rules(
            doc,
            corrected,
            self.rules,
            text=doc_text(doc),
            countries=self.countries,
            protected=self.protected,
        )
        owner = [-1] * len(doc)
        for i, span in enumerate(corrected):
            for t in range(span.start, span.end):
                owner[t] = i
        added: list[Span] = []
        for match in self._matches(doc):
            hits = {owner[t] for t in range(match.start, match.end)}
            if hits == {-1}:
                added.append(match)
            elif -1 not in hits or len(hits) > 1:
                inside = all(
                    match.start <= corrected[i].start and corrected[i].end <= match.end
                    for i in hits
                    if i >= 0
                )
                longer = all(len(match) > len(corrected[i]) for i in hits if i >= 0)
                if inside and longer:
                    added.append(match)
                    for i in hits:
                        if i >= 0:
                            corrected[i] = match
        spans = filter_spans([*corrected, *added])
        if self.rules.additions:
            taken = [False] * len(doc)
            for span in spans:
                taken[span.start : span.end] = [True] * len(span)
            for match_id, start, end in self.added_matcher(doc):
                if not any(taken[start:end]):
                    spans.append(Span(doc, start, end, label=doc.vocab.strings[match_id]))
                    taken[start:end] = [True] * (end - start)
            spans = filter_spans(spans)
        doc.ents = spans
        return doc


@Language.factory(
    "presslake_entity_ruler_v1",
    requires=["doc.ents"],
    assigns=["doc.ents"],
)
def make_entity_ruler(nlp: Language, name: str) -> EntityRuler:
    """Create the ``presslake_entity_ruler_v1`` component."""
    return EntityRuler(nlp, gazetteer=load_gazetteer(), rules=load_learned_rules())


# ---------------------------------------------------------------------------------------------
# presslake_entities_v1: resolution
# ---------------------------------------------------------------------------------------------


def _trim(span: Span) -> Span:
    """Drop a leading determiner and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    while start < end and span.doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and span.doc[end - 1].tag_ == "POS":
        end -= 1
    if end <= start or (start, end) == (span.start, span.end):
        return span
    return Span(span.doc, start, end, label=span.label_)


@dataclass(slots=True)
class _Name:
    """A name mention being resolved."""

    span: Span
    label: str
    norm: str
    words: tuple[str, ...]
    sent: int
    entry: Entry | None = None


def _vote_labels(names: list[_Name], gaz: Gazetteer) -> None:
    """Give every mention of one surface form the same label (majority, gazetteer first).

    A one-word ORG/GPE/NORP/LOC name that is the first or last word of a multi-word PERSON
    name of the document is that person ("Trump" ORG beside "Donald Trump").
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for name in names:
        votes[name.norm][name.label] += 1
    person_words: set[str] = set()
    for name in names:
        if name.label == "PERSON" and len(name.words) > 1:
            person_words.update((name.words[0], name.words[-1]))
    chosen: dict[str, str] = {}
    for key, counter in votes.items():
        best = max(counter.items(), key=lambda kv: (kv[1], -_LABEL_PREFERENCE.index(kv[0])))[0]
        if key in gaz.demonyms and "NORP" in counter:
            best = "NORP"
        elif key in gaz.names and gaz.names[key].type in counter:
            best = gaz.names[key].type
        elif (
            " " not in key
            and key in person_words
            and key not in gaz.names
            and key not in gaz.capitals
            and key not in gaz.demonyms
            and best in {"ORG", "GPE", "NORP", "LOC", "PERSON"}
        ):
            best = "PERSON"
        chosen[key] = best
    for name in names:
        name.label = chosen[name.norm]


def _appos_descriptor(span: Span, gaz: Gazetteer) -> Token | None:
    """The head noun of a describing apposition of ``span`` ("X, a professor at ...")."""
    for child in span.root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i >= span.end:
            return child
    return None


def _is_government_use(span: Span) -> bool:
    """Whether a capital's mention stands for its government, not the place.

    Government: subject or object of a clause, or object of a non-locative preposition
    ("talks with Seoul", "criticism toward Washington"); a conjunct takes its first
    conjunct's role. Place: datelines and headlines in capitals, "in Seoul", possessives
    ("Seoul's presidential compound"), compounds and anything else.
    """
    if span.text.isupper():
        return False
    root = span.root
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head
    if root.dep_ == "pobj":
        return root.head.lower_ not in _LOCATIVE_PREPS
    return root.dep_ in {"nsubj", "nsubjpass", "dobj", "dative"}


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w not in _ACRONYM_STOPWORDS and w[:1].isalpha())


@dataclass(slots=True)
class _Cluster:
    key: str
    name: str
    type: str
    gender: str = ""


def _resolve_names(doc: Doc, names: list[_Name], gaz: Gazetteer) -> list[_Cluster]:
    """The entity of every name mention."""
    context = " ".join(n.norm for n in names)
    persons_full = [n for n in names if n.label == "PERSON" and len(n.words) > 1]
    orgs_multi = {_acronym(n.words): n for n in names if n.label == "ORG" and len(n.words) > 2}
    surname_counts: Counter[str] = Counter()
    for full in {n.words for n in persons_full}:
        surname_counts.update(set(full))
    clusters: list[_Cluster] = []
    for name in names:
        clusters.append(
            _resolve_one(doc, name, gaz, context, persons_full, orgs_multi, surname_counts)
        )
    return clusters


def _resolve_one(
    doc: Doc,
    name: _Name,
    gaz: Gazetteer,
    context: str,
    persons_full: list[_Name],
    orgs_multi: dict[str, _Name],
    surname_counts: Counter[str],
) -> _Cluster:
    key = name.norm
    if name.label == "NORP" and key in gaz.demonyms:
        entry = gaz.demonyms[key]
        return _Cluster(entry.key, entry.name, entry.type)
    if name.label in {"GPE", "LOC", "ORG", "FAC"} and key in gaz.capitals:
        entry = gaz.capitals[key] if _is_government_use(name.span) else gaz.cities[key]
        return _Cluster(entry.key, entry.name, entry.type)
    start = name.span.start
    if (
        key in gaz.shorthands
        and name.label in {"GPE", "LOC", "NORP", "ORG"}
        and start > 0
        and doc[start - 1].lower_ == "the"
    ):
        for word, entry in gaz.shorthands[key]:
            if word in context:
                return _Cluster(entry.key, entry.name, entry.type)
    known = gaz.names.get(key)
    if known is not None and (known.type == name.label or name.label in {"GPE", "LOC", "ORG"}):
        return _Cluster(known.key, known.name, known.type, known.gender)
    if name.label == "PERSON":
        return _resolve_person(name, gaz, persons_full, surname_counts)
    if name.label == "ORG" and len(name.words) == 1 and key in orgs_multi:
        full = orgs_multi[key]
        full_entry = gaz.names.get(full.norm)
        if full_entry is not None:
            return _Cluster(full_entry.key, full_entry.name, full_entry.type)
        return _Cluster(make_key("ORG", full.span.text), full.span.text, "ORG")
    return _Cluster(make_key(name.label, name.span.text), _canonical_text(name.span), name.label)


def _canonical_text(span: Span) -> str:
    text = " ".join(span.text.replace("’", "'").split())
    return text[:-2] if text.endswith("'s") else text


def _resolve_person(
    name: _Name, gaz: Gazetteer, persons_full: list[_Name], surname_counts: Counter[str]
) -> _Cluster:
    """Join a person's short name to the full name it abbreviates ("Kim" -> "Kim Jong Un")."""
    words = name.words
    n = len(words)
    matches = [
        full
        for full in persons_full
        if len(full.words) > n and (full.words[:n] == words or full.words[-n:] == words)
    ]
    best: _Name | None = None
    if matches:
        longest = max(len(full.words) for full in matches)
        matches = [full for full in matches if len(full.words) == longest]
        before = [full for full in matches if full.span.start < name.span.start]
        # Among several full names, the closest one before this mention (else the first).
        best = before[-1] if before else matches[0]
    target = best if best is not None else name
    entry = gaz.names.get(target.norm)
    if entry is None and best is None and len(words) == 1 and surname_counts[words[0]] == 0:
        entry = gaz.surnames.get(words[0])
    if entry is not None and entry.type == "PERSON":
        return _Cluster(entry.key, entry.name, "PERSON", entry.gender)
    if best is not None and len(words) < len(best.words):
        # A longer name that itself abbreviates an even longer one resolves through it.
        return _resolve_person(best, gaz, persons_full, surname_counts)
    return _Cluster(make_key("PERSON", target.span.text), _canonical_text(target.span), "PERSON")


def _gender_hint(doc: Doc, span: Span, gaz: Gazetteer) -> str:
    start = span.start
    if start > 0 and doc[start - 1].lower_ in _MALE_WORDS:
        return "m"
    if start > 0 and doc[start - 1].lower_ in _FEMALE_WORDS:
        return "f"
    return ""


def _title_run(doc: Doc, span: Span, gaz: Gazetteer, ent_end: dict[int, Span]) -> Span | None:
    """The role words right before a person's name ("North Korean leader", "President")."""
    i = span.start
    while i > 0 and (doc[i - 1].lower_ in gaz.titles or doc[i - 1].lower_ in gaz.descriptors):
        i -= 1
    if all(doc[k].lower_.rstrip(".") in _HONORIFICS for k in range(i, span.start)):
        return None
    before = ent_end.get(i)
    if before is not None and before.label_ in {"NORP", "GPE", "ORG"}:
        i = before.start
    elif i > 0 and doc[i - 1].tag_ == "POS" and (owner := ent_end.get(i - 1)) is not None:
        i = owner.start
    return doc[i : span.start]


def _mention(doc: Doc, start: int, end: int, label: str, kind: str, c: _Cluster) -> Mention:
    start_char = doc[start].idx
    end_char = doc[end - 1].idx + len(doc[end - 1].text)
    return Mention(
        start_char=start_char,
        end_char=end_char,
        text=doc_text(doc)[start_char:end_char],
        label=label,
        kind=kind,
        entity_key=c.key,
        entity_name=c.name,
        entity_type=c.type,
        sentence_index=sentence_index_at(doc, start_char),
    )


def _resolve(doc: Doc, gaz: Gazetteer | None = None) -> list[Mention]:
    gaz = gaz or load_gazetteer()
    sentence_starts(doc)
    sent_of = _sentence_of_tokens(doc)
    names: list[_Name] = []
    ents = doc.ents
    for ent in ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        span = _trim(ent)
        key = norm(span.text)
        if not key:
            continue
        label = span.label_
        if label in {"GPE", "ORG", "LOC", "NORP"} and (
            (d := _appos_descriptor(span, gaz)) is not None and d.lemma_.lower() in gaz.descriptors
        ):
            label = "PERSON"
        names.append(_Name(span, label, key, tuple(key.split()), sent_of[span.start]))
    _vote_labels(names, gaz)
    clusters = _resolve_names(doc, names, gaz)
    mentions: list[Mention] = []
    for name, cluster in zip(names, clusters, strict=True):
        if not cluster.gender and name.label == "PERSON":
            cluster.gender = _gender_hint(doc, name.span, gaz)
        mentions.append(_mention(doc, name.span.start, name.span.end, name.label, "name", cluster))
    mentions.extend(_descriptions(doc, ents, names, clusters, gaz))
    if doc.has_annotation("DEP"):
        mentions.extend(_pronouns(doc, names, clusters, sent_of))
    unique = {(m.start_char, m.end_char): m for m in reversed(mentions)}
    return sorted(unique.values(), key=lambda m: (m.start_char, -m.end_char))


def _sentence_of_tokens(doc: Doc) -> list[int]:
    out = [0] * len(doc)
    starts = sentence_token_starts(doc)
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(doc)
        out[start:end] = [index] * (end - start)
    return out


def _descriptions(
    doc: Doc,
    ents: Sequence[Span],
    names: list[_Name],
    clusters: list[_Cluster],
    gaz: Gazetteer,
) -> Iterator[Mention]:
    """Description mentions: appositions, role titles, and "the <role>" referring back.

    Appositions follow the pattern "NAME, a/the NOUN ..." (the appositive NP describes the
    name); a later definite NP "the NOUN" links to the one entity described by that noun.
    """
    ent_end = {ent.end: ent for ent in ents}
    named_tokens: set[int] = set()
    for name in names:
        named_tokens.update(range(name.span.start, name.span.end))
    described: dict[str, set[str]] = defaultdict(set)
    by_key: dict[str, _Cluster] = {}
    first_seen: dict[str, int] = {}
    seen_spans: set[tuple[int, int]] = set()
    for name, cluster in zip(names, clusters, strict=True):
        by_key[cluster.key] = cluster
        first_seen.setdefault(cluster.key, name.span.start)
        if name.label == "ORG" and len(name.words) > 1:
            described[name.words[-1]].add(cluster.key)
        if name.label != "PERSON" or not doc.has_annotation("DEP"):
            continue
        title = _title_run(doc, name.span, gaz, ent_end)
        if title is not None and (title.start, title.end) not in seen_spans:
            seen_spans.add((title.start, title.end))
            described[title[-1].lower_].add(cluster.key)
            yield _mention(doc, title.start, title.end, name.label, "description", cluster)
        appos = _appos_descriptor(name.span, gaz)
        if appos is not None and appos.lemma_.lower() in gaz.descriptors:
            start, end = appos.left_edge.i, appos.right_edge.i + 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
                end -= 1
            if (start, end) not in seen_spans:
                seen_spans.add((start, end))
                described[appos.lemma_.lower()].add(cluster.key)
                yield _mention(doc, start, end, name.label, "description", cluster)
    if not doc.has_annotation("DEP"):
        return
    lowers = token_ids(doc, LOWER)
    pos = token_ids(doc, POS)
    tags = token_ids(doc, TAG)
    for start, _, root in noun_chunk_bounds(doc):
        if (
            lowers[start] != _THE
            or pos[root] != NOUN
            or tags[root] != _NN
            or root in named_tokens
            or (start, root + 1) in seen_spans
        ):
            continue
        lemma = doc[root].lemma_.lower()
        keys = {k for k in described.get(lemma, set()) if first_seen[k] < root}
        if len(keys) != 1:
            continue
        cluster = by_key[keys.pop()]
        label = "PERSON" if cluster.type == "PERSON" else cluster.type
        yield _mention(doc, start, root + 1, label, "description", cluster)


def _pronouns(
    doc: Doc, names: list[_Name], clusters: list[_Cluster], sent_of: list[int]
) -> Iterator[Mention]:
    """Personal pronouns resolved to people, "its" to countries and organisations.

    he/she: the closest preceding person that is a subject in the same sentence, else the
    subject of the previous sentence, else the only person in that window (gender must not
    conflict). it/its: the head of the closest preceding singular noun phrase in the same
    sentence, when that is a country or organisation. A simplified take on the salience
    heuristics of Lappin & Leass (1994), "An algorithm for pronominal anaphora resolution".
    """
    by_sent: dict[int, list[tuple[_Name, _Cluster]]] = defaultdict(list)
    owner: dict[int, tuple[_Name, _Cluster]] = {}
    for name, cluster in zip(names, clusters, strict=True):
        by_sent[name.sent].append((name, cluster))
        for i in range(name.span.start, name.span.end):
            owner[i] = (name, cluster)
    tags = token_ids(doc, TAG)
    # Heads of singular noun chunks, as token indices (tags read from the array).
    chunk_roots = [root for _, _, root in noun_chunk_bounds(doc) if tags[root] not in _PLURAL_TAGS]
    root_pos = 0
    for i, tag in enumerate(tags):
        if tag not in _PRONOUN_TAGS:
            continue
        token = doc[i]
        lower = token.lower_
        if lower in _MALE or lower in _FEMALE:
            gender = "m" if lower in _MALE else "f"
            found = _person_antecedent(token, gender, by_sent, sent_of)
            if found is not None:
                yield _mention(doc, i, i + 1, "PERSON", "pronoun", found)
        elif lower in _NEUTER:
            while root_pos < len(chunk_roots) and chunk_roots[root_pos] < i:
                root_pos += 1
            k = root_pos - 1
            while k >= 0 and tags[chunk_roots[k]] in _PRONOUN_TAGS:
                k -= 1
            if k < 0 or sent_of[chunk_roots[k]] != sent_of[i]:
                continue
            hit = owner.get(chunk_roots[k])
            if hit is not None and hit[1].type in {"GPE", "ORG"}:
                yield _mention(doc, i, i + 1, hit[1].type, "pronoun", hit[1])


def _person_antecedent(
    token: Token,
    gender: str,
    by_sent: dict[int, list[tuple[_Name, _Cluster]]],
    sent_of: list[int],
) -> _Cluster | None:
    sent = sent_of[token.i]
    for window, before in ((sent, token.i), (sent - 1, None)):
        people = [
            (name, cluster)
            for name, cluster in by_sent.get(window, [])
            if name.label == "PERSON"
            and (before is None or name.span.end <= before)
            and cluster.gender in {"", gender}
        ]
        if not people:
            continue
        subjects = [(pc, _subject_verb(pc[0].span.root)) for pc in people]
        subjects = [(pc, verb) for pc, verb in subjects if verb is not None]
        if subjects:
            verb = subjects[-1][1]
            # Conjoined subjects ("Trump and Biden debated") leave "he" ambiguous.
            keys = {pc[1].key for pc, v in subjects if v == verb}
            return subjects[-1][0][1] if len(keys) == 1 else None
        if len({c.key for _, c in people}) == 1:
            return people[-1][1]
        return None
    return None


def _subject_verb(token: Token) -> int | None:
    """Index of the verb ``token`` is the subject of (conjoined subjects included)."""
    while token.dep_ == "conj" and token.head.i < token.i:
        token = token.head
    return token.head.i if token.dep_ in _SUBJECT_DEPS else None


class EntityResolver:
    """Pipeline component: attach resolved mentions to ``doc._.pl_mentions``."""

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        """Args:
        gazetteer: Known names; the packaged one by default.
        """
        self.gaz = gazetteer or load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        """Resolve the Doc's entity mentions."""
        doc._.pl_mentions = _resolve(doc, self.gaz)
        return doc


@Language.factory(
    "presslake_entities_v1",
    requires=["doc.ents", "token.dep"],
    assigns=["doc._.pl_mentions"],
)
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    """Create the ``presslake_entities_v1`` component."""
    return EntityResolver(gazetteer=load_gazetteer())


_KIND_RANK = {"name": 0, "description": 1, "pronoun": 2}
_MENTION_AT_KEY = "presslake.mention_at"


def mention_at(doc: Doc, start_char: int, end_char: int) -> Mention | None:
    """The entity mention that best stands for the text span ``[start_char, end_char)``.

    Prefers a mention inside the span that covers the span's syntactic head (a name over a
    description over a pronoun, then the shortest), then the first name inside the span, then
    a mention that contains the span. Used to resolve speakers, actors and targets.
    """
    mentions: list[Mention] = doc._.pl_mentions or []
    # Quotes, events and their rows ask again for the same spans: memoised per Doc, for as
    # long as ``doc._.pl_mentions`` is the same list.
    memo: tuple[list[Mention], int, dict[tuple[int, int], Mention | None]] | None
    memo = doc.user_data.get(_MENTION_AT_KEY)
    if memo is None or memo[0] is not mentions or memo[1] != len(mentions):
        memo = (mentions, len(mentions), {})
        doc.user_data[_MENTION_AT_KEY] = memo
    found = memo[2]
    key = (start_char, end_char)
    if key not in found:
        found[key] = _mention_at(doc, mentions, start_char, end_char)
    return found[key]


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


def extract_entity_mentions(doc: Doc, *, doc_id: str) -> Iterator[MentionRecord]:
    """Yield one ``entity_mentions`` row per resolved mention of ``doc``."""
    for m in doc._.pl_mentions or []:
        yield MentionRecord(
            mention_id=row_id("m", doc_id, m.start_char, m.end_char),
            doc_id=doc_id,
            entity_id=m.entity_id,
            text=m.text,
            label=m.label,
            start_char=m.start_char,
            end_char=m.end_char,
            sentence_index=m.sentence_index,
            mention_kind=m.kind,
            entity_name=m.entity_name,
            entity_type=m.entity_type,
            entity_key=m.entity_key,
        )


def entity_keys(mentions: Iterable[Mention]) -> dict[str, list[str]]:
    """Surface forms per entity key (handy for tests and reports)."""
    forms: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        if m.text not in forms[m.entity_key]:
            forms[m.entity_key].append(m.text)
    return dict(forms)
