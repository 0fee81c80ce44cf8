"""Event frames: actors, targets, themes, locations and counts of a trigger, from the parse.

Actor: the subject, the ``by`` agent of a passive, the controller of an infinitive
("Kim threatened to attack": Kim attacks; "warned the North not to test": the North), the
possessor or nationality adjective of a noun ("Russia's war", "a Russian invasion");
target: the direct object when it names a participant, else the object of
``against/on/toward/with/at/into/to`` on the trigger or on its eventive object."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from transforms.nlp.events.scope import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    SUBJECT_DEPS,
    EventScope,
    lemma_of,
)

_TARGET_PREPS = frozenset({"against", "on", "toward", "towards", "with", "at", "into", "upon"})

_TRANSFER_PREPS = frozenset({"to"})

_LOCATION_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "from"})

_ARG_EXCLUDED_DEPS = frozenset({"conj", "cc", "appos", "relcl", "acl", "punct", "advcl", "prep"})

_ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC"})

_TIME_LABELS = frozenset({"DATE", "TIME"})

_RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})


def conjuncts(token: Token) -> list[Token]:
    """``token`` and the tokens coordinated with it ("Washington and Seoul")."""
    return [token, *token.conjuncts] if token.dep_ != "conj" else [token]


def arg_span(token: Token, kids: Callable[[Token], Sequence[Token]]) -> tuple[int, int]:
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


def _is_participant(token: Token, ev: EventScope) -> bool:
    """Whether a noun phrase head names an actor/target rather than a thing."""
    if token.ent_type_ in _ENTITY_LABELS or token.pos_ in {"PROPN", "PRON"}:
        return token.lower_ not in {"it", "this", "that", "which", "what"} or bool(token.ent_type_)
    if token.lemma_.lower() in ev.lex.participant_nouns:
        return True
    # "Palestinian detainees", "Sierra Leonean refugees": people named by their nation.
    return token.pos_ == "NOUN" and any(
        child.dep_ in {"amod", "compound"} and child.ent_type_ in {"NORP", "GPE"}
        for child in ev.ctx.kids(token)
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
class Frame:
    actors: list[Token] = field(default_factory=list)
    targets: list[Token] = field(default_factory=list)
    themes: list[Token] = field(default_factory=list)
    locations: list[Token] = field(default_factory=list)
    counts: list[tuple[int, int]] = field(default_factory=list)


def actor_heads(ev: EventScope, verb: Token, *, seen: int = 0) -> list[Token]:
    """Actor heads of ``verb``: its subject, else the subject it inherits."""
    if seen > 6:
        return []
    passive = ev.ctx.children(verb, PASSIVE_SUBJECT_DEPS)
    if passive:
        agents = [
            pobj
            for agent in ev.ctx.children(verb, {"agent"})
            for pobj in ev.ctx.children(agent, {"pobj"})
        ]
        return [_relative_antecedent(a) for a in agents]
    subjects = ev.ctx.children(verb, SUBJECT_DEPS)
    if subjects:
        return [_relative_antecedent(s) for s in subjects if s.pos_ != "SCONJ"]
    if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        head = verb.head
        if verb.tag_ == "VBN":
            return []
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in ev.ctx.kids(verb)) and (
            not _is_participant(head, ev)
        ):
            clause = head.head
            if head.dep_ == "pobj":
                clause = clause.head
            if clause.pos_ in {"VERB", "AUX"} and clause != head:
                return actor_heads(ev, clause, seen=seen + 1)
            return []
        # "a statement warning the North": the one who issued the statement.
        if head.dep_ in OBJECT_DEPS and head.head.pos_ == "VERB" and not _is_participant(head, ev):
            return actor_heads(ev, head.head, seen=seen + 1)
        return [head]
    head = verb.head
    if head == verb:
        return []
    if verb.dep_ == "xcomp" and lemma_of(head) in ev.lex.object_control:
        objects = ev.ctx.children(head, OBJECT_DEPS)
        if objects:
            return objects
    if verb.dep_ in {"xcomp", "conj", "advcl", "pcomp", "ccomp"} and head.pos_ in {
        "VERB",
        "AUX",
    }:
        if verb.dep_ == "ccomp":
            return []
        return actor_heads(ev, head, seen=seen + 1)
    if verb.dep_ == "pcomp":
        for ancestor in head.ancestors:
            if ancestor.pos_ in {"VERB", "AUX"}:
                return actor_heads(ev, ancestor, seen=seen + 1)
    return []


def _prep_objects(ev: EventScope, token: Token, preps: frozenset[str]) -> list[Token]:
    found: list[Token] = []
    for child in ev.ctx.kids(token):
        if child.dep_ == "prep" and child.lower_ in preps:
            for pobj in ev.ctx.children(child, {"pobj"}):
                found.extend(p for p in conjuncts(pobj) if p.ent_type_ not in _TIME_LABELS)
    return found


def verb_frame(ev: EventScope, verb: Token) -> Frame:
    frame = Frame()
    for actor in actor_heads(ev, verb):
        frame.actors.extend(conjuncts(actor))
    frame.actors = [a for a in frame.actors if a.lower_ not in _RELATIVE_PRONOUNS]
    passive = ev.ctx.children(verb, PASSIVE_SUBJECT_DEPS)
    objects = [o for obj in ev.ctx.children(verb, OBJECT_DEPS) for o in conjuncts(obj)]
    if passive:
        objects = [o for p in passive for o in conjuncts(_relative_antecedent(p))]
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        objects = [verb.head]
    if not passive and verb.dep_ == "xcomp" and not objects:
        objects = []
    participants = [o for o in objects if _is_participant(o, ev)]
    frame.themes = [o for o in objects if not _is_participant(o, ev)]
    recipients = [r for r in _prep_objects(ev, verb, _TRANSFER_PREPS) if _is_participant(r, ev)]
    if recipients and lemma_of(verb) in ev.lex.transfer:
        frame.themes = objects
        participants = []
    frame.targets = participants
    if not frame.targets:
        frame.targets = _prep_objects(ev, verb, _TARGET_PREPS | _TRANSFER_PREPS)
        for theme in frame.themes:
            if not frame.targets:
                frame.targets = _prep_objects(ev, theme, _TARGET_PREPS)
    frame.targets = [t for t in frame.targets if _is_participant(t, ev)]
    for loc in _prep_objects(ev, verb, _LOCATION_PREPS):
        if loc.ent_type_ in {"GPE", "LOC", "FAC"}:
            frame.locations.append(loc)
    for theme in frame.themes[:1]:
        count = _count(ev, theme)
        if count:
            frame.counts.append(count)
    return frame


def _count(ev: EventScope, noun: Token) -> tuple[int, int] | None:
    numbers = [c for c in ev.ctx.kids(noun) if c.dep_ == "nummod" and c.like_num]
    if not numbers:
        if noun.dep_ in OBJECT_DEPS and noun.ent_type_ == "CARDINAL":
            return noun.idx, noun.idx + len(noun)
        return None
    number = numbers[0]
    lo = min(t.i for t in number.subtree)
    hi = max(t.i for t in number.subtree)
    doc = noun.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi])


def noun_frame(ev: EventScope, noun: Token, light_verb: Token | None) -> Frame:
    frame = Frame()
    if light_verb is not None:
        for actor in actor_heads(ev, light_verb):
            frame.actors.extend(conjuncts(actor))
    owners = [
        c
        for c in ev.ctx.kids(noun)
        if c.dep_ == "poss" or (c.dep_ in {"amod", "compound"} and c.ent_type_ in {
            "NORP", "GPE"})
    ]  # fmt: skip
    if not frame.actors and owners:
        frame.actors = [_relative_antecedent(o) for o in owners[:1]]
    if not frame.actors:
        frame.actors = [
            p for p in _prep_objects(ev, noun, frozenset({"by"})) if _is_participant(p, ev)
        ]
    preps = _TARGET_PREPS | _TRANSFER_PREPS | frozenset({"of"})
    frame.targets = [t for t in _prep_objects(ev, noun, preps) if _is_participant(t, ev)]
    if light_verb is not None and not frame.targets:
        frame.targets = [
            t for t in _prep_objects(ev, light_verb, _TARGET_PREPS) if _is_participant(t, ev)
        ]
    frame.actors = [a for a in frame.actors if a.i not in {t.i for t in frame.targets}]
    return frame


def drop_self_targets(ev: EventScope, token: Token, frame: Frame) -> None:
    """An actor that is its own target comes from a misattached subject: climb once.

    In "X said North Korea flew balloons ... and issued a statement warning the North",
    the parser often hangs "issued" under "flew"; the statement is X's.
    """
    if not frame.actors or not frame.targets:
        return
    target_words = {t.lower_ for t in frame.targets}
    if not any(
        _same_referent(ev, actor, target, target_words)
        for actor in frame.actors
        for target in frame.targets
    ):
        return
    clause = token
    while clause.head != clause:
        clause = clause.head
        if clause.pos_ == "VERB" and clause.lemma_.lower() in ev.lex.speech:
            frame.actors = [a for s in actor_heads(ev, clause) for a in conjuncts(s)]
            return
    frame.actors = []


def _same_referent(ev: EventScope, actor: Token, target: Token, target_words: set[str]) -> bool:
    """Whether two argument heads name the same entity (same mention key or head word)."""
    doc = ev.ctx.doc
    a_start, a_end = arg_span(actor, ev.ctx.kids)
    t_start, t_end = arg_span(target, ev.ctx.kids)
    a_mention = ev.ctx.mention_at(a_start, a_end)
    t_mention = ev.ctx.mention_at(t_start, t_end)
    if (
        a_mention is not None
        and t_mention is not None
        and a_mention.entity_key == t_mention.entity_key
    ):
        return True
    actor_words = {t.lower_ for t in doc[actor.left_edge.i : actor.i + 1] if t.pos_ == "PROPN"}
    return bool(actor_words & target_words) and target.pos_ == "PROPN"
