"""PLOVER types: the lexicon type of a trigger and PLOVER's coding conventions over it
(future commitments are AGREE, conditional hostile acts are THREATEN; Schrodt, *PLOVER
Manual* 0.5)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.nlp.events.lexicon import LexiconEntry
from transforms.nlp.events.modality import CONDITION_MARKS
from transforms.nlp.events.scope import OBJECT_DEPS, EventScope
from transforms.nlp.events.triggers import particle

_HOSTILE = frozenset({"ASSAULT", "FIGHT", "COERCE", "SANCTION", "REJECT", "THREATEN"})

_COOPERATIVE = frozenset({"AID", "SUPPORT", "COOPERATE", "CONSULT", "CONCEDE", "RETREAT", "AGREE"})

_DEMAND_AUX = frozenset({"must"})


def _pattern_matches(ev: EventScope, entry: LexiconEntry, token: Token) -> bool:
    if not entry.kind:
        return True
    if entry.kind == "prt":
        return particle(ev, token) in entry.values
    if entry.kind == "prep":
        return any(c.dep_ == "prep" and c.lower_ in entry.values for c in ev.ctx.kids(token))
    if entry.kind == "obj":
        heads = [c for c in ev.ctx.kids(token) if c.dep_ in OBJECT_DEPS | {"nsubjpass"}]
        if token.pos_ == "NOUN":
            heads = [
                p for c in ev.ctx.children(token, {"prep"}) for p in ev.ctx.children(c, {"pobj"})
            ]
        heads.extend(
            p for h in list(heads) for c in ev.ctx.children(h, {"prep"})
            if c.lower_ == "of" for p in ev.ctx.children(c, {"pobj"})
        )  # fmt: skip
        return any(h.lemma_.lower() in entry.values or h.lower_ in entry.values for h in heads)
    if entry.kind == "mod":
        return any(
            c.dep_ in {"compound", "amod"} and c.lemma_.lower() in entry.values
            for c in ev.ctx.kids(token)
        )
    if entry.kind == "xcomp":
        comps = ev.ctx.children(token, {"xcomp"})
        return bool(comps) and (
            "*" in entry.values or any(c.lemma_.lower() in entry.values for c in comps)
        )
    return False


def base_type(ev: EventScope, token: Token) -> str:
    """PLOVER type of ``token`` from the lexicon alone (``OTHER`` when not listed)."""
    lemma = token.lemma_.lower()
    pos = "NOUN" if token.pos_ in {"NOUN", "PROPN"} else "VERB"
    for entry in ev.lex.entries.get(lemma, ()):
        if entry.pos not in {pos, "*"}:
            continue
        if _pattern_matches(ev, entry, token):
            return entry.event_type
    return "OTHER"


def context_type(ev: EventScope, token: Token, base: str, modality: str) -> str:
    """Apply PLOVER coding conventions to the lexicon type.

    A promised or planned cooperative act is AGREE, a conditional or announced hostile
    act is THREATEN (PLOVER 0.5 AGREE/THREATEN definitions); "X said Y must ..." is
    DEMAND.
    """
    aux = {c.lower_ for c in ev.ctx.kids(token) if c.dep_ == "aux"}
    if aux & _DEMAND_AUX or ("should" in aux and token.head.lemma_.lower() in ev.lex.speech):
        return "DEMAND"
    if base == "OTHER" or modality not in {"future", "hypothetical"}:
        return base
    in_condition = any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in ev.ctx.kids(token))
    governed = token.dep_ in {"xcomp", "conj", "pcomp", "pobj", "dobj"} and (
        base_type(ev, token.head) != "OTHER" or token.pos_ == "NOUN"
    )
    if in_condition or governed:
        return base
    conditional = any(
        c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in ev.ctx.kids(c))
        for c in ev.ctx.kids(token)
    )
    reported = token.dep_ == "ccomp" and token.head.lemma_.lower() in ev.lex.speech
    if base in _HOSTILE and base != "THREATEN" and (conditional or reported):
        return "THREATEN"
    if base == "RETREAT" and conditional:
        return "THREATEN"
    if base in _COOPERATIVE and modality == "future":
        return "AGREE"
    return base
