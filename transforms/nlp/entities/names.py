"""Name mentions: one label per surface form and the entity each name stands for."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from transforms.nlp.context import DocContext
from transforms.nlp.entities.gazetteer import Entry, Gazetteer
from transforms.nlp.entities.records import Mention, make_key

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

_ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "&", "de", "on", "in"})


def trim(span: Span) -> Span:
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
class Name:
    """A name mention being resolved."""

    span: Span
    label: str
    norm: str
    words: tuple[str, ...]
    sent: int
    entry: Entry | None = None


def vote_labels(names: list[Name], gaz: Gazetteer) -> None:
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


def appos_descriptor(span: Span, gaz: Gazetteer) -> Token | None:
    """The head noun of a describing apposition of ``span`` ("X, a professor at ...")."""
    for child in span.root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i >= span.end:
            return child
    return None


def _is_government_use(span: Span, gaz: Gazetteer) -> bool:
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
        return root.head.lower_ not in gaz.word_class("locative_prep")
    return root.dep_ in {"nsubj", "nsubjpass", "dobj", "dative"}


def _acronym(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w not in _ACRONYM_STOPWORDS and w[:1].isalpha())


@dataclass(slots=True)
class Cluster:
    key: str
    name: str
    type: str
    gender: str = ""


def resolve_names(doc: Doc, names: list[Name], gaz: Gazetteer) -> list[Cluster]:
    """The entity of every name mention."""
    context = " ".join(n.norm for n in names)
    persons_full = [n for n in names if n.label == "PERSON" and len(n.words) > 1]
    orgs_multi = {_acronym(n.words): n for n in names if n.label == "ORG" and len(n.words) > 2}
    surname_counts: Counter[str] = Counter()
    for full in {n.words for n in persons_full}:
        surname_counts.update(set(full))
    clusters: list[Cluster] = []
    for name in names:
        clusters.append(
            _resolve_one(doc, name, gaz, context, persons_full, orgs_multi, surname_counts)
        )
    return clusters


def _resolve_one(
    doc: Doc,
    name: Name,
    gaz: Gazetteer,
    context: str,
    persons_full: list[Name],
    orgs_multi: dict[str, Name],
    surname_counts: Counter[str],
) -> Cluster:
    key = name.norm
    if name.label == "NORP" and key in gaz.demonyms:
        entry = gaz.demonyms[key]
        return Cluster(entry.key, entry.name, entry.type)
    if name.label in {"GPE", "LOC", "ORG", "FAC"} and key in gaz.capitals:
        entry = gaz.capitals[key] if _is_government_use(name.span, gaz) else gaz.cities[key]
        return Cluster(entry.key, entry.name, entry.type)
    start = name.span.start
    if (
        key in gaz.shorthands
        and name.label in {"GPE", "LOC", "NORP", "ORG"}
        and start > 0
        and doc[start - 1].lower_ == "the"
    ):
        for word, entry in gaz.shorthands[key]:
            if word in context:
                return Cluster(entry.key, entry.name, entry.type)
    known = gaz.names.get(key)
    if known is not None and (known.type == name.label or name.label in {"GPE", "LOC", "ORG"}):
        return Cluster(known.key, known.name, known.type, known.gender)
    if name.label == "PERSON":
        return _resolve_person(name, gaz, persons_full, surname_counts)
    if name.label == "ORG" and len(name.words) == 1 and key in orgs_multi:
        full = orgs_multi[key]
        full_entry = gaz.names.get(full.norm)
        if full_entry is not None:
            return Cluster(full_entry.key, full_entry.name, full_entry.type)
        return Cluster(make_key("ORG", full.span.text), full.span.text, "ORG")
    return Cluster(make_key(name.label, name.span.text), _canonical_text(name.span), name.label)


def _canonical_text(span: Span) -> str:
    text = " ".join(span.text.replace("’", "'").split())
    return text[:-2] if text.endswith("'s") else text


def _resolve_person(
    name: Name, gaz: Gazetteer, persons_full: list[Name], surname_counts: Counter[str]
) -> Cluster:
    """Join a person's short name to the full name it abbreviates ("Kim" -> "Kim Jong Un")."""
    words = name.words
    n = len(words)
    matches = [
        full
        for full in persons_full
        if len(full.words) > n and (full.words[:n] == words or full.words[-n:] == words)
    ]
    best: Name | None = None
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
        return Cluster(entry.key, entry.name, "PERSON", entry.gender)
    if best is not None and len(words) < len(best.words):
        # A longer name that itself abbreviates an even longer one resolves through it.
        return _resolve_person(best, gaz, persons_full, surname_counts)
    return Cluster(make_key("PERSON", target.span.text), _canonical_text(target.span), "PERSON")


def make_mention(
    ctx: DocContext, start: int, end: int, label: str, kind: str, c: Cluster
) -> Mention:
    """The mention of cluster ``c`` at tokens ``[start, end)``."""
    doc = ctx.doc
    start_char = doc[start].idx
    end_char = doc[end - 1].idx + len(doc[end - 1].text)
    return Mention(
        start_char=start_char,
        end_char=end_char,
        text=ctx.text[start_char:end_char],
        label=label,
        kind=kind,
        entity_key=c.key,
        entity_name=c.name,
        entity_type=c.type,
        sentence_index=ctx.sentence_index_at(start_char),
    )
