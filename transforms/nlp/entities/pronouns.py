"""Pronoun mentions resolved to people, countries and organisations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from spacy.attrs import TAG
from spacy.strings import get_string_id
from spacy.tokens import Token

from transforms.nlp.context import DocContext
from transforms.nlp.entities.names import Cluster, Name, make_mention
from transforms.nlp.entities.records import Mention

_MALE = frozenset({"he", "him", "his", "himself"})

_FEMALE = frozenset({"she", "her", "hers", "herself"})

_NEUTER = frozenset({"it", "its", "itself"})

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})

_PLURAL_TAGS = frozenset({get_string_id("NNS"), get_string_id("NNPS")})

_PRONOUN_TAGS = frozenset({get_string_id("PRP"), get_string_id("PRP$")})


def pronouns(
    ctx: DocContext, names: list[Name], clusters: list[Cluster], sent_of: list[int]
) -> Iterator[Mention]:
    """Personal pronouns resolved to people, "its" to countries and organisations.

    he/she: the closest preceding person that is a subject in the same sentence, else the
    subject of the previous sentence, else the only person in that window (gender must not
    conflict). it/its: the head of the closest preceding singular noun phrase in the same
    sentence, when that is a country or organisation. A simplified take on the salience
    heuristics of Lappin & Leass (1994), "An algorithm for pronominal anaphora resolution".
    """
    doc = ctx.doc
    by_sent: dict[int, list[tuple[Name, Cluster]]] = defaultdict(list)
    owner: dict[int, tuple[Name, Cluster]] = {}
    for name, cluster in zip(names, clusters, strict=True):
        by_sent[name.sent].append((name, cluster))
        for i in range(name.span.start, name.span.end):
            owner[i] = (name, cluster)
    tags = ctx.ids(TAG)
    # Heads of singular noun chunks, as token indices (tags read from the array).
    chunk_roots = [root for _, _, root in ctx.noun_chunks if tags[root] not in _PLURAL_TAGS]
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
                yield make_mention(ctx, i, i + 1, "PERSON", "pronoun", found)
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
                yield make_mention(ctx, i, i + 1, hit[1].type, "pronoun", hit[1])


def _person_antecedent(
    token: Token,
    gender: str,
    by_sent: dict[int, list[tuple[Name, Cluster]]],
    sent_of: list[int],
) -> Cluster | None:
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
