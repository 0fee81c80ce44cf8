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

from transforms.nlp.events.lexicon import Agent
from transforms.nlp.events.scope import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    SUBJECT_DEPS,
    EventScope,
    lemma_of,
)
from transforms.nlp.events.triggers import light_governor

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
    if token.lemma_.lower() in ev.lex.participant_nouns or agent_of(ev, token) is not None:
        return True
    # "Palestinian detainees", "Sierra Leonean refugees": people named by their nation.
    return token.pos_ == "NOUN" and any(
        child.dep_ in {"amod", "compound"} and child.ent_type_ in {"NORP", "GPE"}
        for child in ev.ctx.kids(token)
    )


def agent_of(ev: EventScope, token: Token) -> Agent | None:
    """The generic agent a noun phrase head names ("riot police", "the defence ministry",
    "protesters"), from the Phoenix agents dictionary: the longest phrase of the head and the
    compounds and adjectives right before it."""
    if token.pos_ not in {"NOUN", "PROPN"} or not ev.lex.agents:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start - 1].head == token and doc[start - 1].dep_ in {
            "compound", "amod"} and token.i - start < 3:  # fmt: skip
        start -= 1
    for first in range(start, token.i + 1):
        words = [t.lower_ for t in doc[first : token.i]]
        for last in (token.lower_, token.lemma_.lower()):
            agent = ev.lex.agents.get(" ".join([*words, last]))
            if agent is not None:
                return agent
    return None


def owner_of(ev: EventScope, token: Token) -> Token | None:
    """Whose a generic agent is, where the phrase says so: "Israeli police", "Russia's
    defence ministry", "the police of Israel" (a nationality, country or organisation)."""
    for child in ev.ctx.kids(token):
        if child.dep_ in {"amod", "compound", "poss"} and child.ent_type_ in {"NORP", "GPE",
                                                                             "ORG"}:  # fmt: skip
            return child
    for child in ev.ctx.children(token, {"prep"}):
        if child.lower_ in {"of", "from"}:
            for pobj in ev.ctx.children(child, {"pobj"}):
                if pobj.ent_type_ in {"GPE", "ORG", "NORP"}:
                    return pobj
    return None


def _named_apposition(ev: EventScope, token: Token) -> Token:
    """The name a description is in apposition with: "the carmaker, General Motors, said":
    General Motors (a name identifies the actor better than a description)."""
    if token.pos_ != "NOUN":
        return token
    for child in ev.ctx.children(token, {"appos"}):
        if child.pos_ == "PROPN" or child.ent_type_ in _ENTITY_LABELS:
            return child
    return token


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
    #: Antecedent index -> the relative pronoun that stands for it in the trigger's clause
    #: ("Apple, which makes the iPod": the actor span runs from "Apple" to "which").
    relatives: dict[int, Token] = field(default_factory=dict)


def actor_heads(ev: EventScope, verb: Token, *, seen: int = 0) -> list[Token]:
    """Actor heads of ``verb``: its subject, else the subject it inherits."""
    if seen > 6:
        return []
    agents = [
        pobj
        for agent in ev.ctx.children(verb, {"agent"})
        for pobj in ev.ctx.children(agent, {"pobj"})
    ]
    if agents:
        # the by-agent of a passive acts, also where the subject was raised away ("the attack
        # is believed to have been carried out by X")
        return [_relative_antecedent(a) for a in agents]
    if ev.ctx.children(verb, PASSIVE_SUBJECT_DEPS | {"auxpass"}):
        # a passive without an agent: nobody is made up, and a raised subject ("the merger
        # is expected to be approved") is what the event acts on, not its actor
        return []
    subjects = ev.ctx.children(verb, SUBJECT_DEPS)
    if subjects:
        return [_relative_antecedent(s) for s in subjects if s.pos_ != "SCONJ"]
    if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN", "PRON"}:
        head = verb.head
        if verb.tag_ == "VBN":
            # "the deal announced by Apple": the agent of the participle.
            return [
                pobj
                for agent in ev.ctx.children(verb, {"agent"})
                for pobj in ev.ctx.children(agent, {"pobj"})
            ]
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
    if verb.dep_ == "xcomp" and head.pos_ == "VERB" and not ev.ctx.children(head, {"agent"}):
        raised = ev.ctx.children(head, PASSIVE_SUBJECT_DEPS)
        if raised:
            # "Apple is expected to launch ...": the passive subject of the raising verb
            # is the complement's subject.
            return [_relative_antecedent(r) for r in raised]
    if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.head != head:
        # "X is likely to buy", "X was able to close": the subject of the copula.
        return actor_heads(ev, head.head, seen=seen + 1)
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
    frame.actors = [_named_apposition(ev, a) for a in frame.actors if a.lower_ not in
                    _RELATIVE_PRONOUNS]  # fmt: skip
    for pronoun in ev.ctx.children(verb, SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS | {"agent"}):
        if pronoun.lower_ in _RELATIVE_PRONOUNS:
            antecedent = _relative_antecedent(pronoun)
            if antecedent is not pronoun and 0 < pronoun.i - antecedent.i <= 4:
                frame.relatives[antecedent.i] = pronoun
    passive = ev.ctx.children(verb, PASSIVE_SUBJECT_DEPS)
    objects = [o for obj in ev.ctx.children(verb, OBJECT_DEPS) for o in conjuncts(obj)]
    if passive:
        objects = [o for p in passive for o in conjuncts(_relative_antecedent(p))]
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        objects = [verb.head]
    if not passive and verb.dep_ == "xcomp" and not objects:
        objects = []
    if (
        not objects
        and not passive
        and lemma_of(verb) in ev.lex.unaccusative
        and frame.actors
        and not ev.ctx.children(verb, {"agent"})
    ):
        # "Sales fell", "the talks collapsed": the subject undergoes the change (PropBank
        # Arg1 of unaccusative verbs; Levin 1993, 45.4-45.6). It stays the actor too: the
        # same verbs also take agents ("the company opened", "prices rose").
        frame.themes = list(frame.actors)
        return frame
    participants = [o for o in objects if _is_participant(o, ev)]
    frame.themes = [o for o in objects if not _is_participant(o, ev)]
    if not objects:
        # "plans to sell", "agreed that ...": the complement clause is what the verb is about.
        frame.themes = ev.ctx.children(verb, {"xcomp", "ccomp"})
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


#: "claimed responsibility for the bombing": the noun's agent is the claimant.
_RESPONSIBILITY_NOUNS = frozenset({"responsibility", "credit"})


def _collective_head(ev: EventScope, noun: Token) -> Token:
    """The collective noun a trigger is counted by ("a series of attacks" -> series), else the
    trigger itself."""
    head = noun.head
    if (
        noun.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.lemma_.lower() in ev.lex.words("collective_noun")
    ):
        return head.head
    return noun


def _nominal_actors(ev: EventScope, noun: Token) -> list[Token]:
    """Agents of a noun trigger that the phrase around it names.

    * a participle that reports the event, with its ``by`` agent: "attacks carried out by
      the militants" (the participle's agent is the noun's);
    * ``between X and Y``: "a battle between troops and rebels" (two-sided: both sides are
      actors, as the codebook codes all participants of reciprocal violence as actors);
    * a claim of responsibility: "X claimed responsibility for the bombing".
    """
    for acl in ev.ctx.children(noun, {"acl"}):
        if acl.tag_ == "VBN":
            agents = [
                p
                for agent in ev.ctx.children(acl, {"agent"})
                for p in ev.ctx.children(agent, {"pobj"})
            ]
            found = [a for p in agents for a in conjuncts(p) if _is_participant(a, ev)]
            if found:
                return found
    between = [
        a
        for p in _prep_objects(ev, noun, frozenset({"between"}))
        for a in conjuncts(p)
        if _is_participant(a, ev)
    ]
    if between:
        return list(dict.fromkeys(between))
    head = noun.head
    if (
        noun.dep_ == "pobj"
        and head.lower_ == "for"
        and head.head.lemma_.lower() in _RESPONSIBILITY_NOUNS
        and head.head.dep_ in OBJECT_DEPS
        and head.head.head.pos_ == "VERB"
    ):
        return [a for s in actor_heads(ev, head.head.head) for a in conjuncts(s)]
    return []


def noun_frame(ev: EventScope, noun: Token, light_verb: Token | None) -> Frame:
    frame = Frame()
    if light_verb is not None:
        for actor in actor_heads(ev, light_verb):
            frame.actors.extend(conjuncts(actor))
    owners = [
        c
        for c in ev.ctx.kids(noun)
        if c.dep_ == "poss" or (c.dep_ in {"amod", "compound"} and c.ent_type_ in {
            "NORP", "GPE", "ORG", "PERSON"})
    ]  # fmt: skip
    if not frame.actors and owners:
        frame.actors = [_relative_antecedent(o) for o in owners[:1]]
    if not frame.actors:
        frame.actors = [
            p for p in _prep_objects(ev, noun, frozenset({"by"})) if _is_participant(p, ev)
        ]
    if not frame.actors:
        frame.actors = _nominal_actors(ev, noun)
    anchor = _collective_head(ev, noun)
    if anchor is not noun and not frame.actors:
        # "launched a series of attacks": the collective noun stands where the event would
        noun_actors = noun_frame(ev, anchor, light_governor(ev, anchor)).actors
        frame.actors = [a for a in noun_actors if a.i != noun.i]
    verb = noun.head
    if verb.dep_ == "prep" and noun.dep_ == "pobj" and verb.lower_ in {
            "in", "into", "to", "on", "for", "after", "during", "through", "via"}:  # fmt: skip
        verb = verb.head  # "took part in the talks", "agreed to the sale", "paid for ..."
    if not frame.actors and noun.dep_ in OBJECT_DEPS | {"pobj"} and verb.pos_ == "VERB":
        # "Apple announced the acquisition", "GM began its restructuring": the subject of a
        # support, statement, aspectual or commitment verb is the noun's agent (NomBank
        # support chains; Meyers et al. 2004).
        lemma = lemma_of(verb)
        if (
            lemma in ev.lex.speech
            or lemma in ev.lex.grammatical
            or lemma in ev.lex.commit
            or lemma in ev.lex.light
            or (lemma not in ev.lex.request and lemma not in ev.lex.negative)
        ):  # fmt: skip
            frame.actors = [a for s in actor_heads(ev, verb) for a in conjuncts(s)]
    preps = _TARGET_PREPS | _TRANSFER_PREPS | frozenset({"of"})
    frame.targets = [t for t in _prep_objects(ev, noun, preps) if _is_participant(t, ev)]
    # "the launch of the iPod", "the sale of its stake": what the event acts on.
    frame.themes = [
        t
        for t in _prep_objects(ev, noun, frozenset({"of"}) | _TARGET_PREPS - {"with"})
        if not _is_participant(t, ev)
    ]
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
    text = ev.ctx.text
    actor_text = text[a_start:a_end].lower()
    return target.pos_ == "PROPN" and actor_text == text[t_start:t_end].lower()
