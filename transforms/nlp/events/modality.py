"""Modality of an event: FactBank-style cues (Saurí & Pustejovsky 2009): negation, "has yet
to", future auxiliaries and commitment verbs, conditionals and modals, complements of
request verbs."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.nlp.events.scope import (
    OBJECT_DEPS,
    PASSIVE_SUBJECT_DEPS,
    SUBJECT_DEPS,
    EventScope,
)

_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})

_HYPOTHETICAL_AUX = frozenset({"could", "would", "might", "may", "should", "'d"})

CONDITION_MARKS = frozenset({"if", "unless"})

_NEGATIONS = frozenset({"not", "n't", "never", "no"})


def modality_of(ev: EventScope, token: Token) -> str:
    """asserted, negated, future, hypothetical or requested, from the clause's cues."""
    clause = token
    # Conjuncts without their own subject share the first conjunct's auxiliaries.
    while (
        clause.dep_ == "conj"
        and not ev.ctx.children(clause, SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS | {"aux", "mark"})
        and clause.head != clause
    ):
        clause = clause.head
    aux = {c.lower_ for c in ev.ctx.kids(clause) if c.dep_ in {"aux", "auxpass", "neg"}}
    aux |= {c.lower_ for c in ev.ctx.kids(token) if c.dep_ in {"aux", "auxpass", "neg"}}
    head = clause.head
    if token.pos_ == "NOUN":
        if any(c.dep_ == "det" and c.lower_ == "no" for c in ev.ctx.kids(token)):
            return "negated"
        governor = token.head
        if governor.dep_ == "prep" and governor.lower_ == "for":
            governor = governor.head
        lemma = governor.lemma_.lower()
        if governor != token and lemma in ev.lex.request:
            return "requested"
        if governor != token and token.dep_ in OBJECT_DEPS and lemma in ev.lex.negative:
            return "negated"
        if governor.pos_ in {"VERB", "AUX"} and token.dep_ in OBJECT_DEPS:
            return modality_of(ev, governor)
        return "asserted"
    if aux & _NEGATIONS:
        return "negated"
    if clause.dep_ == "xcomp" and head != clause:
        head_lemma = head.lemma_.lower()
        if any(c.lower_ == "yet" for c in ev.ctx.kids(head)) or head_lemma in ev.lex.negative:
            return "negated"
        if {c.lower_ for c in ev.ctx.kids(head) if c.dep_ == "neg"}:
            return "negated"
        if head_lemma in ev.lex.request:
            return "requested"
    if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in ev.ctx.kids(clause)):
        return "hypothetical"
    if aux & _HYPOTHETICAL_AUX or any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS
                                  for m in ev.ctx.kids(c))
        for c in ev.ctx.kids(token)
    ):  # fmt: skip
        return "hypothetical"
    if aux & _FUTURE_AUX or any(c.lower_ == "going" for c in ev.ctx.kids(clause)):
        return "future"
    if clause.dep_ == "xcomp" and head != clause:
        if head.lemma_.lower() in ev.lex.commit:
            return "future"
        if head.lemma_.lower() in ev.lex.request:
            return "requested"
    if clause.dep_ == "ccomp" and head.lemma_.lower() in ev.lex.request:
        return "requested"
    return "asserted"
