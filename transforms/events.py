"""Event mentions: who did what to whom, when, typed with PLOVER categories.

The ``presslake_events_v1`` component reads the dependency parse: every content verb that is
not a statement ("said") or a grammatical verb ("be", "begin"), and every eventive noun
("invasion", "talks", "sanctions"), is a trigger. Its frame gives the participants:

* actor: the subject, the ``by`` agent of a passive, the controller of an infinitive
  ("Kim threatened to attack": Kim attacks; "warned the North not to test": the North), the
  possessor or nationality adjective of a noun ("Russia's war", "a Russian invasion");
* target: the direct object when it names a participant, else the object of
  ``against/on/toward/with/at/into/to`` on the trigger or on its eventive object
  ("dialing up pressure on South Korea"); other direct objects are the ``theme``;
* location, count ("about 7,000 balloons") and time (a time expression in the clause).

Light-verb constructions hand the event to their noun ("renewed his call for ...": the
event is *call*, with the verb's subject as actor), following the light-verb treatment of
PropBank/NomBank (Meyers et al. 2004). Types come from the versioned lexicon
``data/plover_lexicon.tsv`` (lemma, optional particle/preposition/object/complement pattern);
context rules apply PLOVER's coding conventions (future commitments are AGREE, conditional
hostile acts are THREATEN; Schrodt, *PLOVER Manual* 0.5). Modality follows FactBank-style
cues (Saurí & Pustejovsky 2009): negation, "has yet to", future auxiliaries and commitment
verbs, conditionals and modals, complements of request verbs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from spacy.attrs import POS
from spacy.language import Language
from spacy.symbols import NOUN, VERB
from spacy.tokens import Doc, Token

from transforms.doctext import doc_text, token_ids
from transforms.entities import mention_at, sentence_index_at
from transforms.ids import row_id
from transforms.timex import TimexSpan, resolve_time, time_spans

PLOVER_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
     "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
     "FIGHT", "DEMAND", "DISAPPROVE", "INVESTIGATE", "OTHER"}
)  # fmt: skip
MODALITIES = ("asserted", "negated", "future", "hypothetical", "requested")

_HOSTILE = frozenset({"ASSAULT", "FIGHT", "COERCE", "SANCTION", "REJECT", "THREATEN"})
_COOPERATIVE = frozenset({"AID", "SUPPORT", "COOPERATE", "CONSULT", "CONCEDE", "RETREAT", "AGREE"})
_TARGET_PREPS = frozenset({"against", "on", "toward", "towards", "with", "at", "into", "upon"})
_TRANSFER_PREPS = frozenset({"to"})
_LOCATION_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "from"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
_OBJECT_DEPS = frozenset({"dobj", "obj", "dative"})
_ARG_EXCLUDED_DEPS = frozenset({"conj", "cc", "appos", "relcl", "acl", "punct", "advcl", "prep"})
_ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC"})
_PARTICIPANT_NOUNS = frozenset(
    {"official", "leader", "government", "minister", "president", "army", "force", "troop",
     "police", "rebel", "militant", "soldier", "country", "nation", "state", "people",
     "protester", "demonstrator", "group", "party", "company", "authority", "military",
     "regime", "ally", "critic", "expert", "side", "neighbor", "neighbour", "administration",
     "court", "union", "worker", "employee", "student", "activist", "refugee", "civilian",
     "member", "diplomat", "ambassador", "prime", "chief", "firm", "bank",
     "investor", "customer", "user"}
)  # fmt: skip
_TIME_LABELS = frozenset({"DATE", "TIME"})
_TRANSFER_LEMMAS = frozenset(
    {"provide", "send", "give", "deliver", "supply", "sell", "hand", "extradite", "transfer",
     "export", "ship", "donate", "grant", "offer", "lend", "pay"}
)  # fmt: skip
_RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_HYPOTHETICAL_AUX = frozenset({"could", "would", "might", "may", "should", "'d"})
_DEMAND_AUX = frozenset({"must"})
_CONDITION_MARKS = frozenset({"if", "unless"})
_NEGATIONS = frozenset({"not", "n't", "never", "no"})


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon row: ``lemma`` (``pos``) with an optional ``pattern`` means ``type``."""

    lemma: str
    pos: str
    kind: str
    values: frozenset[str]
    event_type: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The PLOVER lexicon and the event word classes, read once from package data."""

    entries: dict[str, tuple[LexiconEntry, ...]]
    classes: dict[str, frozenset[str]]

    def words(self, name: str) -> frozenset[str]:
        """Words of the class ``name`` (``speech``, ``light``, ``eventive_noun``, ...)."""
        return self.classes.get(name, frozenset())


class LexiconError(ValueError):
    """A lexicon data file is malformed."""


def _data_rows(name: str) -> Iterator[list[str]]:
    text = (resources.files("transforms") / "data" / name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    yield from csv.reader(lines[1:], delimiter="\t")


@cache
def load_lexicon() -> Lexicon:
    """Read ``plover_lexicon.tsv`` and ``events_words.tsv`` (cached).

    Raises:
        LexiconError: when a row has the wrong number of columns or an unknown type.
    """
    entries: dict[str, list[LexiconEntry]] = {}
    for number, row in enumerate(_data_rows("plover_lexicon.tsv"), start=2):
        if len(row) != 4:
            raise LexiconError(f"plover_lexicon.tsv row {number}: expected 4 columns, got {row}")
        lemma, pos, pattern, event_type = (cell.strip() for cell in row)
        if event_type not in PLOVER_TYPES:
            raise LexiconError(f"plover_lexicon.tsv row {number}: unknown type {event_type!r}")
        kind, _, values = pattern.partition("=")
        entry = LexiconEntry(lemma, pos, kind, frozenset(values.split("|")) if values else
                             frozenset(), event_type)  # fmt: skip
        entries.setdefault(lemma, []).append(entry)
    classes: dict[str, set[str]] = {}
    for number, row in enumerate(_data_rows("events_words.tsv"), start=2):
        if len(row) != 2:
            raise LexiconError(f"events_words.tsv row {number}: expected 2 columns, got {row}")
        classes.setdefault(row[1].strip(), set()).add(row[0].strip().replace("_", " "))
    # Patterned rows first, so they win over the bare lemma.
    ordered = {
        lemma: tuple(sorted(rows, key=lambda e: (e.kind == "", e.pos == "*")))
        for lemma, rows in entries.items()
    }
    return Lexicon(ordered, {name: frozenset(words) for name, words in classes.items()})


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class EventArgument:
    """An argument of an event mention (character offsets into ``doc.text``)."""

    role: str
    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True, slots=True)
class EventMention:
    """An event found in a Doc, before its date is resolved against ``published_at``."""

    trigger_start: int
    trigger_end: int
    trigger_text: str
    trigger_lemma: str
    event_type: str
    modality: str
    sentence_index: int
    confidence: float
    depth: int
    arguments: tuple[EventArgument, ...] = ()
    times: tuple[TimexSpan, ...] = ()
    future: bool = False


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of ``events``."""

    event_id: str
    doc_id: str
    event_type: str
    trigger_text: str
    trigger_lemma: str
    trigger_start: int
    trigger_end: int
    sentence_index: int
    event_date: date | None
    date_text: str | None
    modality: str
    confidence: float
    date_precision: str | None


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    """One row of ``event_participants``."""

    event_id: str
    role: str
    entity_id: str | None
    text: str
    start_char: int
    end_char: int
    doc_id: str


# --------------------------------------------------------------------------- frames


#: Children of a token: ``token.children``, or the cached ones of ``EventExtractor._kids``.
Kids = Callable[[Token], Sequence[Token]]


def _conjuncts(token: Token) -> list[Token]:
    """``token`` and the tokens coordinated with it ("Washington and Seoul")."""
    return [token, *token.conjuncts] if token.dep_ != "conj" else [token]


def _arg_span(token: Token, kids: Kids) -> tuple[int, int]:
    """Character range of the phrase headed by ``token``, without clauses or conjuncts."""
    lo, hi = token.i, token.i
    stack = [token]
    while stack:
        current = stack.pop()
        for child in kids(current):
            if child.dep_ in _ARG_EXCLUDED_DEPS and not (
                child.dep_ == "prep" and child.lower_ == "of" and current == token
            ):
                continue
            if child.dep_ == "punct":
                continue
            lo, hi = min(lo, child.i), max(hi, child.i)
            stack.append(child)
    doc = token.doc
    first, last = doc[lo], doc[hi]
    while lo < hi and (first.is_punct or first.lower_ in {"the", "a", "an"}):
        lo += 1
        first = doc[lo]
    while hi > lo and (last.is_punct or last.tag_ == "POS"):
        hi -= 1
        last = doc[hi]
    return first.idx, last.idx + len(last)


def _is_participant(token: Token, kids: Kids) -> bool:
    """Whether a noun phrase head names an actor/target rather than a thing."""
    if token.ent_type_ in _ENTITY_LABELS or token.pos_ in {"PROPN", "PRON"}:
        return token.lower_ not in {"it", "this", "that", "which", "what"} or bool(token.ent_type_)
    if token.lemma_.lower() in _PARTICIPANT_NOUNS:
        return True
    # "Palestinian detainees", "Sierra Leonean refugees": people named by their nation.
    return token.pos_ == "NOUN" and any(
        child.dep_ in {"amod", "compound"} and child.ent_type_ in {"NORP", "GPE"}
        for child in kids(token)
    )


def _relative_antecedent(token: Token) -> Token:
    """The noun a relative pronoun stands for ("systems ... that can reach")."""
    if token.lower_ in _RELATIVE_PRONOUNS:
        clause = token.head
        while clause.dep_ == "conj" and clause.head != clause:
            clause = clause.head
        if clause.dep_ == "relcl":
            return clause.head
    return token


@dataclass
class _Frame:
    actors: list[Token] = field(default_factory=list)
    targets: list[Token] = field(default_factory=list)
    themes: list[Token] = field(default_factory=list)
    locations: list[Token] = field(default_factory=list)
    counts: list[tuple[int, int]] = field(default_factory=list)


class EventExtractor:
    """Pipeline component: attach event mentions to ``doc._.pl_events``."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        # spaCy makes new ``Token`` objects on every ``token.children`` and ``token.head``,
        # and the frames below walk the same few tokens many times per trigger: while
        # :meth:`events` runs on ``_doc``, each token's children and head are made once.
        self._doc: Doc | None = None
        self._kid_cache: dict[int, tuple[Token, ...]] = {}
        self._head_cache: dict[int, Token] = {}
        words = self.lexicon.words
        self.speech = words("speech")
        self.grammatical = words("grammatical")
        self.light = words("light")
        self.negative = words("negative")
        self.request = words("request")
        self.commit = words("commit")
        self.object_control = words("object_control")
        self.eventive_nouns = words("eventive_noun")
        self.typed_nouns = frozenset(
            lemma
            for lemma, rows in self.lexicon.entries.items()
            if any(row.pos in {"NOUN", "*"} for row in rows)
        )

    # ---- parse access

    def _kids(self, token: Token) -> Sequence[Token]:
        """``token.children`` (same tokens, same order)."""
        if token.doc is not self._doc:
            return tuple(token.children)
        kids = self._kid_cache.get(token.i)
        if kids is None:
            kids = tuple(token.children)
            self._kid_cache[token.i] = kids
        return kids

    def _head(self, token: Token) -> Token:
        """``token.head``."""
        if token.doc is not self._doc:
            return token.head
        head = self._head_cache.get(token.i)
        if head is None:
            head = token.head
            self._head_cache[token.i] = head
        return head

    def _children(self, token: Token, deps: Iterable[str]) -> list[Token]:
        wanted = set(deps)
        return [child for child in self._kids(token) if child.dep_ in wanted]

    # ---- triggers

    def _verb_lemma(self, token: Token) -> str:
        return token.lemma_.lower()

    def _particle(self, token: Token) -> str:
        for child in self._kids(token):
            if child.dep_ == "prt":
                return child.lower_
        return ""

    def is_verb_trigger(self, token: Token) -> bool:
        """Whether verb ``token`` names an event (not a statement or grammatical verb)."""
        if token.pos_ != "VERB" or token.dep_ in {"amod", "aux", "auxpass", "compound"}:
            return False
        lemma = self._verb_lemma(token)
        if lemma in self.speech or lemma in self.grammatical:
            return False
        if lemma in self.light and self._eventive_object(token) is not None:
            return False
        return bool(token.is_alpha or "-" in token.text)

    def is_noun_trigger(self, token: Token) -> bool:
        """Whether noun ``token`` names an event ("invasion", "talks", "sanctions")."""
        if token.pos_ != "NOUN" or (
            token.dep_ == "compound"
            and token.head.pos_ == "NOUN"
            and (token.lemma_.lower() not in self.typed_nouns)
        ):
            return False
        lemma = token.lemma_.lower()
        return (
            lemma in self.eventive_nouns
            or lemma in self.typed_nouns
            or (token.lower_ in self.eventive_nouns)
        )

    def _eventive_object(self, verb: Token) -> Token | None:
        """The eventive noun a light verb governs ("held talks", "engaged in warfare")."""
        for child in self._kids(verb):
            if child.dep_ in _OBJECT_DEPS and self.is_noun_trigger(child):
                return child
            if child.dep_ == "prep" and child.lower_ in {"in", "into"}:
                for pobj in self._children(child, {"pobj"}):
                    if self.is_noun_trigger(pobj):
                        return pobj
        return None

    # ---- frames

    def _subject(self, verb: Token, *, seen: int = 0) -> list[Token]:
        """Actor heads of ``verb``: its subject, else the subject it inherits."""
        if seen > 6:
            return []
        passive = self._children(verb, _PASSIVE_SUBJECT_DEPS)
        if passive:
            agents = [
                pobj
                for agent in self._children(verb, {"agent"})
                for pobj in self._children(agent, {"pobj"})
            ]
            return [_relative_antecedent(a) for a in agents]
        subjects = self._children(verb, _SUBJECT_DEPS)
        if subjects:
            return [_relative_antecedent(s) for s in subjects if s.pos_ != "SCONJ"]
        if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            head = verb.head
            if verb.tag_ == "VBN":
                return []
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in self._kids(verb)) and (
                not _is_participant(head, self._kids)
            ):
                clause = head.head
                if head.dep_ == "pobj":
                    clause = clause.head
                if clause.pos_ in {"VERB", "AUX"} and clause != head:
                    return self._subject(clause, seen=seen + 1)
                return []
            # "a statement warning the North": the one who issued the statement.
            if (
                head.dep_ in _OBJECT_DEPS
                and head.head.pos_ == "VERB"
                and not _is_participant(head, self._kids)
            ):
                return self._subject(head.head, seen=seen + 1)
            return [head]
        head = verb.head
        if head == verb:
            return []
        if verb.dep_ == "xcomp" and self._verb_lemma(head) in self.object_control:
            objects = self._children(head, _OBJECT_DEPS)
            if objects:
                return objects
        if verb.dep_ in {"xcomp", "conj", "advcl", "pcomp", "ccomp"} and head.pos_ in {
            "VERB",
            "AUX",
        }:
            if verb.dep_ == "ccomp":
                return []
            return self._subject(head, seen=seen + 1)
        if verb.dep_ == "pcomp":
            for ancestor in head.ancestors:
                if ancestor.pos_ in {"VERB", "AUX"}:
                    return self._subject(ancestor, seen=seen + 1)
        return []

    def _prep_objects(self, token: Token, preps: frozenset[str]) -> list[Token]:
        found: list[Token] = []
        for child in self._kids(token):
            if child.dep_ == "prep" and child.lower_ in preps:
                for pobj in self._children(child, {"pobj"}):
                    found.extend(p for p in _conjuncts(pobj) if p.ent_type_ not in _TIME_LABELS)
        return found

    def _verb_frame(self, verb: Token) -> _Frame:
        frame = _Frame()
        for actor in self._subject(verb):
            frame.actors.extend(_conjuncts(actor))
        frame.actors = [a for a in frame.actors if a.lower_ not in _RELATIVE_PRONOUNS]
        passive = self._children(verb, _PASSIVE_SUBJECT_DEPS)
        objects = [o for obj in self._children(verb, _OBJECT_DEPS) for o in _conjuncts(obj)]
        if passive:
            objects = [o for p in passive for o in _conjuncts(_relative_antecedent(p))]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            objects = [verb.head]
        if not passive and verb.dep_ == "xcomp" and not objects:
            objects = []
        participants = [o for o in objects if _is_participant(o, self._kids)]
        frame.themes = [o for o in objects if not _is_participant(o, self._kids)]
        recipients = [
            r for r in self._prep_objects(verb, _TRANSFER_PREPS) if _is_participant(r, self._kids)
        ]
        if recipients and self._verb_lemma(verb) in _TRANSFER_LEMMAS:
            frame.themes = objects
            participants = []
        frame.targets = participants
        if not frame.targets:
            frame.targets = self._prep_objects(verb, _TARGET_PREPS | _TRANSFER_PREPS)
            for theme in frame.themes:
                if not frame.targets:
                    frame.targets = self._prep_objects(theme, _TARGET_PREPS)
        frame.targets = [t for t in frame.targets if _is_participant(t, self._kids)]
        for loc in self._prep_objects(verb, _LOCATION_PREPS):
            if loc.ent_type_ in {"GPE", "LOC", "FAC"}:
                frame.locations.append(loc)
        for theme in frame.themes[:1]:
            count = self._count(theme)
            if count:
                frame.counts.append(count)
        return frame

    def _count(self, noun: Token) -> tuple[int, int] | None:
        numbers = [c for c in self._kids(noun) if c.dep_ == "nummod" and c.like_num]
        if not numbers:
            if noun.dep_ in _OBJECT_DEPS and noun.ent_type_ == "CARDINAL":
                return noun.idx, noun.idx + len(noun)
            return None
        number = numbers[0]
        lo = min(t.i for t in number.subtree)
        hi = max(t.i for t in number.subtree)
        doc = noun.doc
        return doc[lo].idx, doc[hi].idx + len(doc[hi])

    def _noun_frame(self, noun: Token, light_verb: Token | None) -> _Frame:
        frame = _Frame()
        if light_verb is not None:
            for actor in self._subject(light_verb):
                frame.actors.extend(_conjuncts(actor))
        owners = [
            c
            for c in self._kids(noun)
            if c.dep_ == "poss" or (c.dep_ in {"amod", "compound"} and c.ent_type_ in {
                "NORP", "GPE"})
        ]  # fmt: skip
        if not frame.actors and owners:
            frame.actors = [_relative_antecedent(o) for o in owners[:1]]
        if not frame.actors:
            frame.actors = [
                p
                for p in self._prep_objects(noun, frozenset({"by"}))
                if _is_participant(p, self._kids)
            ]
        preps = _TARGET_PREPS | _TRANSFER_PREPS | frozenset({"of"})
        frame.targets = [
            t for t in self._prep_objects(noun, preps) if _is_participant(t, self._kids)
        ]
        if light_verb is not None and not frame.targets:
            frame.targets = [
                t
                for t in self._prep_objects(light_verb, _TARGET_PREPS)
                if _is_participant(t, self._kids)
            ]
        frame.actors = [a for a in frame.actors if a.i not in {t.i for t in frame.targets}]
        return frame

    # ---- typing and modality

    def _pattern_matches(self, entry: LexiconEntry, token: Token) -> bool:
        if not entry.kind:
            return True
        if entry.kind == "prt":
            return self._particle(token) in entry.values
        if entry.kind == "prep":
            return any(c.dep_ == "prep" and c.lower_ in entry.values for c in self._kids(token))
        if entry.kind == "obj":
            heads = [c for c in self._kids(token) if c.dep_ in _OBJECT_DEPS | {"nsubjpass"}]
            if token.pos_ == "NOUN":
                heads = [
                    p for c in self._children(token, {"prep"}) for p in self._children(c, {"pobj"})
                ]
            heads.extend(
                p for h in list(heads) for c in self._children(h, {"prep"})
                if c.lower_ == "of" for p in self._children(c, {"pobj"})
            )  # fmt: skip
            return any(h.lemma_.lower() in entry.values or h.lower_ in entry.values for h in heads)
        if entry.kind == "mod":
            return any(
                c.dep_ in {"compound", "amod"} and c.lemma_.lower() in entry.values
                for c in self._kids(token)
            )
        if entry.kind == "xcomp":
            comps = self._children(token, {"xcomp"})
            return bool(comps) and (
                "*" in entry.values or any(c.lemma_.lower() in entry.values for c in comps)
            )
        return False

    def base_type(self, token: Token) -> str:
        """PLOVER type of ``token`` from the lexicon alone (``OTHER`` when not listed)."""
        lemma = token.lemma_.lower()
        pos = "NOUN" if token.pos_ in {"NOUN", "PROPN"} else "VERB"
        for entry in self.lexicon.entries.get(lemma, ()):
            if entry.pos not in {pos, "*"}:
                continue
            if self._pattern_matches(entry, token):
                return entry.event_type
        return "OTHER"

    def modality(self, token: Token) -> str:
        """asserted, negated, future, hypothetical or requested, from the clause's cues."""
        clause = token
        # Conjuncts without their own subject share the first conjunct's auxiliaries.
        while (
            clause.dep_ == "conj"
            and not self._children(clause, _SUBJECT_DEPS | _PASSIVE_SUBJECT_DEPS | {"aux", "mark"})
            and clause.head != clause
        ):
            clause = clause.head
        aux = {c.lower_ for c in self._kids(clause) if c.dep_ in {"aux", "auxpass", "neg"}}
        aux |= {c.lower_ for c in self._kids(token) if c.dep_ in {"aux", "auxpass", "neg"}}
        head = clause.head
        if token.pos_ == "NOUN":
            if any(c.dep_ == "det" and c.lower_ == "no" for c in self._kids(token)):
                return "negated"
            governor = token.head
            if governor.dep_ == "prep" and governor.lower_ == "for":
                governor = governor.head
            lemma = governor.lemma_.lower()
            if governor != token and lemma in self.request:
                return "requested"
            if governor != token and token.dep_ in _OBJECT_DEPS and lemma in self.negative:
                return "negated"
            if governor.pos_ in {"VERB", "AUX"} and token.dep_ in _OBJECT_DEPS:
                return self.modality(governor)
            return "asserted"
        if aux & _NEGATIONS:
            return "negated"
        if clause.dep_ == "xcomp" and head != clause:
            head_lemma = head.lemma_.lower()
            if any(c.lower_ == "yet" for c in self._kids(head)) or head_lemma in self.negative:
                return "negated"
            if {c.lower_ for c in self._kids(head) if c.dep_ == "neg"}:
                return "negated"
            if head_lemma in self.request:
                return "requested"
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in self._kids(clause)):
            return "hypothetical"
        if aux & _HYPOTHETICAL_AUX or any(
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS
                                      for m in self._kids(c))
            for c in self._kids(token)
        ):  # fmt: skip
            return "hypothetical"
        if aux & _FUTURE_AUX or any(c.lower_ == "going" for c in self._kids(clause)):
            return "future"
        if clause.dep_ == "xcomp" and head != clause:
            if head.lemma_.lower() in self.commit:
                return "future"
            if head.lemma_.lower() in self.request:
                return "requested"
        if clause.dep_ == "ccomp" and head.lemma_.lower() in self.request:
            return "requested"
        return "asserted"

    def context_type(self, token: Token, base: str, modality: str) -> str:
        """Apply PLOVER coding conventions to the lexicon type.

        A promised or planned cooperative act is AGREE, a conditional or announced hostile
        act is THREATEN (PLOVER 0.5 AGREE/THREATEN definitions); "X said Y must ..." is
        DEMAND.
        """
        aux = {c.lower_ for c in self._kids(token) if c.dep_ == "aux"}
        if aux & _DEMAND_AUX or ("should" in aux and token.head.lemma_.lower() in self.speech):
            return "DEMAND"
        if base == "OTHER" or modality not in {"future", "hypothetical"}:
            return base
        in_condition = any(
            c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in self._kids(token)
        )
        governed = token.dep_ in {"xcomp", "conj", "pcomp", "pobj", "dobj"} and (
            self.base_type(token.head) != "OTHER" or token.pos_ == "NOUN"
        )
        if in_condition or governed:
            return base
        conditional = any(
            c.dep_ == "advcl"
            and any(m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS for m in self._kids(c))
            for c in self._kids(token)
        )
        reported = token.dep_ == "ccomp" and token.head.lemma_.lower() in self.speech
        if base in _HOSTILE and base != "THREATEN" and (conditional or reported):
            return "THREATEN"
        if base == "RETREAT" and conditional:
            return "THREATEN"
        if base in _COOPERATIVE and modality == "future":
            return "AGREE"
        return base

    # ---- assembly

    def _depth(self, token: Token) -> int:
        depth = 0
        current = token
        head = self._head(current)
        while head != current and depth < 50:
            if not (head.lemma_.lower() in self.speech and current.dep_ == "ccomp"):
                depth += 1
            current = head
            head = self._head(current)
        return depth

    def _times(self, token: Token, by_token: dict[int, TimexSpan]) -> tuple[TimexSpan, ...]:
        """Time expressions whose nearest governing verb is ``token`` (its own clause)."""
        return tuple(self._governed.get(token.i, ()))

    def _govern_times(self, doc: Doc, by_token: dict[int, TimexSpan]) -> None:
        """Map each time expression to the nearest verb above it (one walk per timex)."""
        self._governed = {}
        for timex in dict.fromkeys(by_token.values()):
            span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
            if span is None:
                continue
            current = span.root
            for _ in range(40):
                if current.head == current:
                    break
                current = current.head
                if current.pos_ in {"VERB", "AUX"} and current.i not in by_token:
                    self._governed.setdefault(current.i, []).append(timex)
                    break

    _governed: dict[int, list[TimexSpan]] = {}  # noqa: RUF012

    def events(self, doc: Doc) -> list[EventMention]:
        """All event mentions of ``doc``, left to right."""
        by_token: dict[int, TimexSpan] = {}
        for timex in time_spans(doc):
            span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    by_token[i] = timex
        mentions: list[EventMention] = []
        self._text = doc_text(doc)
        self._doc, self._kid_cache, self._head_cache = doc, {}, {}
        try:
            self._govern_times(doc, by_token)
            # Only verbs and nouns can be triggers: test the POS array, not a Token per word.
            for i, pos in enumerate(token_ids(doc, POS)):
                if (pos != VERB and pos != NOUN) or i in by_token:
                    continue
                token = doc[i]
                if self.is_verb_trigger(token):
                    mentions.append(self._verb_event(token, by_token))
                elif self.is_noun_trigger(token):
                    mention = self._noun_event(token, by_token)
                    if mention is not None:
                        mentions.append(mention)
        finally:
            self._text = None
            self._doc, self._kid_cache, self._head_cache = None, {}, {}
        return mentions

    def _light_governor(self, noun: Token) -> Token | None:
        head = noun.head
        if head.dep_ == "prep" and head.lower_ in {"in", "into"}:
            head = head.head
        if (
            head.pos_ == "VERB"
            and head.lemma_.lower() in self.light
            and (noun.dep_ in _OBJECT_DEPS or noun.dep_ == "pobj")
        ):
            return head
        return None

    def _verb_event(self, token: Token, by_token: dict[int, TimexSpan]) -> EventMention:
        frame = self._verb_frame(token)
        base = self.base_type(token)
        modality = self.modality(token)
        event_type = self.context_type(token, base, modality)
        if event_type == "DEMAND" and base != "DEMAND":
            speaker = token.head
            if token.dep_ == "ccomp" and speaker.lemma_.lower() in self.speech:
                frame.targets = list(frame.actors)
                frame.actors = [a for s in self._subject(speaker) for a in _conjuncts(s)]
            modality = "requested"
        if event_type == "THREATEN" and base == "THREATEN":
            comps = self._children(token, {"xcomp"})
            for comp in comps:
                if self.modality(comp) == "hypothetical":
                    modality = "hypothetical"
                if not frame.targets:
                    comp_frame = self._verb_frame(comp)
                    frame.targets = comp_frame.targets
        if not frame.targets and frame.themes and base in {"AGREE", "REJECT", "REQUEST"}:
            frame.targets = []
        self._drop_self_targets(token, frame)
        return self._mention(token, event_type, modality, frame, by_token, base=base)

    def _drop_self_targets(self, token: Token, frame: _Frame) -> None:
        """An actor that is its own target comes from a misattached subject: climb once.

        In "X said North Korea flew balloons ... and issued a statement warning the North",
        the parser often hangs "issued" under "flew"; the statement is X's.
        """
        if not frame.actors or not frame.targets:
            return
        target_words = {t.lower_ for t in frame.targets}
        doc = token.doc
        if not any(
            _same_referent(doc, actor, target, target_words, self._kids)
            for actor in frame.actors
            for target in frame.targets
        ):
            return
        clause = token
        while clause.head != clause:
            clause = clause.head
            if clause.pos_ == "VERB" and clause.lemma_.lower() in self.speech:
                frame.actors = [a for s in self._subject(clause) for a in _conjuncts(s)]
                return
        frame.actors = []

    def _noun_event(self, token: Token, by_token: dict[int, TimexSpan]) -> EventMention | None:
        light = self._light_governor(token)
        frame = self._noun_frame(token, light)
        base = self.base_type(token)
        modality = self.modality(token)
        if light is not None and modality == "asserted":
            modality = self.modality(light)
        # A noun that names the requested content ("call for a limitless expansion").
        head = token.head
        if (
            head.dep_ == "prep"
            and head.lower_ == "for"
            and head.head.lemma_.lower() in (self.request)
        ):
            caller = head.head
            modality = "requested"
            if not frame.actors:
                caller_frame = self._noun_frame(caller, self._light_governor(caller))
                if caller.pos_ == "VERB":
                    caller_frame = self._verb_frame(caller)
                frame.actors = caller_frame.actors
        unlisted = token.lemma_.lower() not in self.eventive_nouns and (
            token.lower_ not in self.eventive_nouns
        )
        if (
            not frame.actors
            and not frame.targets
            and base == "OTHER"
            and light is None
            and (unlisted)
        ):
            return None
        event_type = self.context_type(token, base, modality)
        return self._mention(token, event_type, modality, frame, by_token, base=base,
                             governor=light)  # fmt: skip

    def _mention(
        self,
        token: Token,
        event_type: str,
        modality: str,
        frame: _Frame,
        by_token: dict[int, TimexSpan],
        *,
        base: str,
        governor: Token | None = None,
    ) -> EventMention:
        arguments: list[EventArgument] = []
        seen: set[tuple[str, int, int]] = set()
        doc = token.doc
        text = self._text if self._text is not None else doc_text(doc)

        def add(role: str, start: int, end: int) -> None:
            key = (role, start, end)
            if key not in seen and start < end:
                seen.add(key)
                arguments.append(EventArgument(role, start, end, text[start:end]))

        for role, heads in (
            ("actor", frame.actors),
            ("target", frame.targets),
            ("theme", frame.themes),
            ("location", frame.locations),
        ):
            for head in heads:
                add(role, *_arg_span(head, self._kids))
        for start, end in frame.counts:
            add("count", start, end)
        times = self._times(token, by_token)
        if not times and governor is not None:
            times = self._times(governor, by_token)
        for timex in times:
            add("time", timex.start_char, timex.end_char)
        confidence = 0.5
        if base != "OTHER":
            confidence += 0.2
        if frame.actors:
            confidence += 0.15
        if frame.targets:
            confidence += 0.1
        if token.pos_ == "NOUN":
            confidence -= 0.1
        future = modality == "future" or any(t.future for t in times)
        return EventMention(
            trigger_start=token.idx,
            trigger_end=token.idx + len(token),
            trigger_text=token.text,
            trigger_lemma=token.lemma_.lower(),
            event_type=event_type,
            modality=modality,
            sentence_index=sentence_index_at(doc, token.idx),
            confidence=round(min(confidence, 0.95), 2),
            depth=self._depth(token),
            arguments=tuple(arguments),
            times=times,
            future=future,
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_events = self.events(doc)
        return doc

    _text: str | None = None


def _same_referent(
    doc: Doc, actor: Token, target: Token, target_words: set[str], kids: Kids
) -> bool:
    """Whether two argument heads name the same entity (same mention key or head word)."""
    a_start, a_end = _arg_span(actor, kids)
    t_start, t_end = _arg_span(target, kids)
    a_mention = mention_at(doc, a_start, a_end)
    t_mention = mention_at(doc, t_start, t_end)
    if (
        a_mention is not None
        and t_mention is not None
        and a_mention.entity_key == t_mention.entity_key
    ):
        return True
    actor_words = {t.lower_ for t in doc[actor.left_edge.i : actor.i + 1] if t.pos_ == "PROPN"}
    return bool(actor_words & target_words) and target.pos_ == "PROPN"


if not Doc.has_extension("pl_events"):
    Doc.set_extension("pl_events", default=None)


@Language.factory(
    "presslake_events_v1",
    requires=["token.dep", "token.lemma", "doc.ents"],
    assigns=["doc._.pl_events"],
)
def make_events(nlp: Language, name: str) -> EventExtractor:
    """Create the ``presslake_events_v1`` component."""
    return EventExtractor()


# --------------------------------------------------------------------------- extraction


def event_mentions(doc: Doc) -> list[EventMention]:
    """The Doc's event mentions (computed now if the component did not run)."""
    mentions: list[EventMention] | None = doc._.pl_events
    if mentions is None:
        mentions = EventExtractor()(doc)._.pl_events
    return list(mentions or [])


def _event_id(doc_id: str, mention: EventMention) -> str:
    return row_id("v", doc_id, mention.trigger_start, mention.trigger_end)


def event_date(
    doc: Doc, mention: EventMention, anchor: date | None, *, text: str | None = None
) -> tuple[date | None, str | None, str | None]:
    """``(event_date, date_text, date_precision)`` of ``mention`` resolved against ``anchor``.

    The first attached expression that names a date (not a duration or a vague "recently")
    gives the date; coordinated ones ("in 2018 and 2019") share one ``date_text``, and a
    preposition that changes the meaning ("since May") stays in it.
    """
    probe = anchor or date(2000, 6, 15)
    dated = [
        t
        for t in mention.times
        if (value := resolve_time(t.text, probe, future=t.future)) is not None
        and value.date is not None
    ]
    if not dated:
        return None, None, None
    text = doc_text(doc) if text is None else text
    first = dated[0]
    start, end = first.start_char, first.end_char
    for other in dated[1:]:
        gap = text[end : other.start_char]
        if other.start_char >= end and gap.strip(" ,").lower() in {"and", "or", "to", "-", ""}:
            end = other.end_char
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and span.start > 0:
        before = doc[span.start - 1]
        if before.lower_ in {"since", "until", "till", "before", "after", "by", "from"}:
            start = before.idx
    resolved = resolve_time(first.text, anchor, future=first.future) if anchor else None
    date_text = text[start:end]
    if resolved is None or resolved.date is None:
        return None, date_text, None
    return resolved.date, date_text, resolved.precision


def extract_events(
    doc: Doc, *, doc_id: str, published_at: datetime | date | None
) -> Iterator[EventRecord]:
    """Yield one ``events`` row per event mention of ``doc``.

    Args:
        doc: A Doc processed by the presslake pipeline.
        doc_id: Id of the document.
        published_at: Publication time; relative dates resolve against it. Without it,
            relative dates stay ``None`` and ``date_text`` keeps the words.
    """
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    text = doc_text(doc)
    for mention in event_mentions(doc):
        yield _event_record(doc, mention, _event_id(doc_id, mention), doc_id, anchor, text)


def extract_event_participants(doc: Doc, *, doc_id: str) -> Iterator[ParticipantRecord]:
    """Yield one ``event_participants`` row per argument of each event of ``doc``.

    Actors, targets and locations resolve to canonical entities through
    :func:`transforms.entities.mention_at`; themes, counts and times keep only their text.
    """
    for mention in event_mentions(doc):
        yield from _participant_records(doc, mention, _event_id(doc_id, mention), doc_id)


def extract_event_rows(
    doc: Doc, *, doc_id: str, published_at: datetime | date | None
) -> tuple[list[EventRecord], list[ParticipantRecord]]:
    """The rows of :func:`extract_events` and :func:`extract_event_participants` in one pass
    over the events (each event id is hashed once)."""
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    text = doc_text(doc)
    events: list[EventRecord] = []
    participants: list[ParticipantRecord] = []
    for mention in event_mentions(doc):
        event_id = _event_id(doc_id, mention)
        events.append(_event_record(doc, mention, event_id, doc_id, anchor, text))
        participants.extend(_participant_records(doc, mention, event_id, doc_id))
    return events, participants


def _event_record(
    doc: Doc, mention: EventMention, event_id: str, doc_id: str, anchor: date | None, text: str
) -> EventRecord:
    when, date_text, precision = event_date(doc, mention, anchor, text=text)
    return EventRecord(
        event_id=event_id,
        doc_id=doc_id,
        event_type=mention.event_type,
        trigger_text=mention.trigger_text,
        trigger_lemma=mention.trigger_lemma,
        trigger_start=mention.trigger_start,
        trigger_end=mention.trigger_end,
        sentence_index=mention.sentence_index,
        event_date=when,
        date_text=date_text,
        modality=mention.modality,
        confidence=mention.confidence,
        date_precision=precision,
    )


def _participant_records(
    doc: Doc, mention: EventMention, event_id: str, doc_id: str
) -> Iterator[ParticipantRecord]:
    for arg in mention.arguments:
        entity_id = None
        if arg.role in {"actor", "target", "location"}:
            found = mention_at(doc, arg.start_char, arg.end_char)
            entity_id = found.entity_id if found is not None else None
        yield ParticipantRecord(
            event_id=event_id,
            role=arg.role,
            entity_id=entity_id,
            text=arg.text,
            start_char=arg.start_char,
            end_char=arg.end_char,
            doc_id=doc_id,
        )
