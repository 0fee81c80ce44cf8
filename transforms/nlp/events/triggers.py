"""Triggers: content verbs that are not statements or grammatical verbs, eventive nouns, and
the light verbs that hand their event to a noun ("held talks", "renewed his call").

The light-verb treatment follows PropBank/NomBank (Meyers et al. 2004)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.nlp.events.scope import OBJECT_DEPS, EventScope, lemma_of


def particle(ev: EventScope, token: Token) -> str:
    for child in ev.ctx.kids(token):
        if child.dep_ == "prt":
            return child.lower_
    return ""


def is_verb_trigger(ev: EventScope, token: Token) -> bool:
    """Whether verb ``token`` names an event (not a statement or grammatical verb)."""
    if token.pos_ != "VERB" or token.dep_ in {"amod", "aux", "auxpass", "compound"}:
        return False
    lemma = lemma_of(token)
    if lemma in ev.lex.speech or lemma in ev.lex.grammatical:
        return False
    if lemma in ev.lex.light and _eventive_object(ev, token) is not None:
        return False
    return bool(token.is_alpha or "-" in token.text)


def is_noun_trigger(ev: EventScope, token: Token) -> bool:
    """Whether noun ``token`` names an event ("invasion", "talks", "sanctions")."""
    if token.pos_ != "NOUN" or (
        token.dep_ == "compound"
        and token.head.pos_ == "NOUN"
        and (token.lemma_.lower() not in ev.lex.typed_nouns)
    ):
        return False
    lemma = token.lemma_.lower()
    return (
        lemma in ev.lex.eventive_nouns
        or lemma in ev.lex.typed_nouns
        or (token.lower_ in ev.lex.eventive_nouns)
    )


def _eventive_object(ev: EventScope, verb: Token) -> Token | None:
    """The eventive noun a light verb governs ("held talks", "engaged in warfare")."""
    for child in ev.ctx.kids(verb):
        if child.dep_ in OBJECT_DEPS and is_noun_trigger(ev, child):
            return child
        if child.dep_ == "prep" and child.lower_ in {"in", "into"}:
            for pobj in ev.ctx.children(child, {"pobj"}):
                if is_noun_trigger(ev, pobj):
                    return pobj
    return None


def light_governor(ev: EventScope, noun: Token) -> Token | None:
    head = noun.head
    if head.dep_ == "prep" and head.lower_ in {"in", "into"}:
        head = head.head
    if (
        head.pos_ == "VERB"
        and head.lemma_.lower() in ev.lex.light
        and (noun.dep_ in OBJECT_DEPS or noun.dep_ == "pobj")
    ):
        return head
    return None
