"""Triggers: content verbs that are not grammatical verbs, eventive nouns and
nominalisations, and the light verbs that hand their event to a noun ("held talks", "renewed
his call").

The light-verb treatment follows PropBank/NomBank (Meyers et al. 2004)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.nlp.events.scope import OBJECT_DEPS, EventScope, lemma_of

#: Nominalising suffixes and the verb endings they replace, longest first ("invasion" ->
#: "invade", "negotiation" -> "negotiate", "deployment" -> "deploy", "withdrawal" ->
#: "withdraw", "bombing" -> "bomb"; Quirk et al. 1985, App. I.30-36).
_NOMINAL_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ication", ("y",)),
    ("ization", ("ize",)),
    ("isation", ("ise", "ize")),
    ("ention", ("ain", "ene")),
    ("ation", ("ate", "e", "")),
    ("ition", ("ite", "ish", "")),
    ("ution", ("ute", "ve")),
    ("ction", ("ct",)),
    ("ssion", ("ss", "t")),
    ("lsion", ("l",)),
    ("sion", ("de", "d", "t")),
    ("tion", ("te", "t")),
    ("ment", ("",)),
    ("ance", ("", "e")),
    ("ence", ("e", "")),
    ("ure", ("e",)),
    ("val", ("ve",)),
    ("sal", ("se",)),
    ("al", ("",)),
    ("ing", ("", "e")),
)


def nominal_verbs(word: str) -> list[str]:
    """Verbs a noun may nominalise, by its suffix (most likely first)."""
    out: list[str] = []
    for suffix, endings in _NOMINAL_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            for ending in endings:
                out.append(stem + ending)
            if suffix == "ing" and len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # "kidnapping" -> "kidnap"
            break
    return out


def derived_verb(ev: EventScope, token: Token) -> str | None:
    """The lexicon verb a noun nominalises ("invasion" -> "invade"), if any; nouns that name
    participants ("government", "settlement" as a place name) are not nominalisations."""
    word = token.lemma_.lower()
    if token.ent_type_ or word in ev.lex.participant_nouns or word in ev.lex.agents:
        return None
    for verb in nominal_verbs(word):
        if any(e.pos in {"VERB", "*"} for e in ev.lex.entries.get(verb, ())):
            return verb
    return None


#: Adverbs that are the particle of a phrasal verb when the parser labels them ``advmod`` or
#: ``prep`` ("pushed back the crowd", "pulled out of the talks").
_PARTICLES = frozenset({"back", "out", "off", "down", "up", "away", "over"})


def particle(ev: EventScope, token: Token) -> str:
    """The verb's particle: a ``prt`` child, else a particle word the parser attached as an
    adverb, or as a preposition without an object of its own ("out" in "pulled out of")."""
    for child in ev.ctx.kids(token):
        if child.dep_ == "prt":
            return child.lower_
    for child in ev.ctx.kids(token):
        if child.lower_ not in _PARTICLES or child.i < token.i:
            continue
        if child.dep_ == "advmod" or (
            child.dep_ == "prep" and not ev.ctx.children(child, {"pobj", "pcomp"})
        ):
            return child.lower_
    return ""


def is_verb_trigger(ev: EventScope, token: Token) -> bool:
    """Whether verb ``token`` names an event (not a grammatical verb; statements are events
    without a PLOVER type)."""
    if token.pos_ != "VERB" or token.dep_ in {"amod", "aux", "auxpass", "compound"}:
        return False
    lemma = lemma_of(token)
    if lemma in ev.lex.grammatical:
        return False
    if lemma in ev.lex.light and eventive_object(ev, token) is not None:
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
    if lemma in ev.lex.participant_nouns or (
        lemma not in ev.lex.eventive_nouns and lemma in ev.lex.agents
    ):
        return False  # "forces", "troops", "police": who acts, not what happens
    return (
        lemma in ev.lex.eventive_nouns
        or lemma in ev.lex.typed_nouns
        or (token.lower_ in ev.lex.eventive_nouns)
        or derived_verb(ev, token) is not None
    )


def eventive_object(ev: EventScope, verb: Token) -> Token | None:
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
