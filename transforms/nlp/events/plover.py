"""PLOVER types: the lexicon type of a trigger and PLOVER's coding conventions over it
(future commitments are AGREE, conditional hostile acts are THREATEN; Schrodt, *PLOVER
Manual* 0.5)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.nlp.events.frames import agent_of
from transforms.nlp.events.lexicon import Constraint, LexiconEntry
from transforms.nlp.events.modality import CONDITION_MARKS
from transforms.nlp.events.scope import OBJECT_DEPS, EventScope, lemma_of
from transforms.nlp.events.triggers import derived_verb, eventive_object, particle

_HOSTILE = frozenset({"ASSAULT", "FIGHT", "COERCE", "SANCTION", "REJECT", "THREATEN"})


_COOPERATIVE = frozenset({"AID", "SUPPORT", "COOPERATE", "CONSULT", "CONCEDE", "RETREAT", "AGREE"})


_DEMAND_AUX = frozenset({"must"})
#: The material conflict types (the codebook's quad categories) other than PROTEST.
_MATERIAL_CONFLICT = frozenset({"COERCE", "SANCTION", "MOBILIZE", "ASSAULT", "FIGHT"})
_FORCE = frozenset({"ASSAULT", "FIGHT"})


def discarded(ev: EventScope, token: Token) -> bool:
    """Whether the trigger's sentence names sports or entertainment (the Phoenix discards:
    "World Cup", "quarterfinal", "box office"): its "attacks" and "wins" are not events."""
    pattern = ev.lex.discard_pattern
    if pattern is None:
        return False
    sent = token.sent
    hit = ev.discarded.get(sent.start)
    if hit is None:
        hit = pattern.search(sent.text.lower()) is not None
        ev.discarded[sent.start] = hit
    return hit


class _Slots:
    """What a trigger's patterns test, gathered once per trigger: its particle, prepositions
    with their objects, object heads, complements and modifiers (lower-case words and
    lemmas)."""

    def __init__(self, ev: EventScope, token: Token) -> None:
        kids = ev.ctx.kids(token)
        self.particle = particle(ev, token)
        self.preps: set[str] = set()
        self.pp: set[str] = set()
        timex = ev.ctx.timex_by_token
        for child in kids:
            if child.dep_ in {"prep", "agent"}:
                if any(p.i in timex for p in ev.ctx.children(child, {"pobj"})):
                    # "on Sunday" is a time, not the phrase of a pattern ("call on X")
                    continue
                prep = child.lower_
                self.preps.add(prep)
                self.pp.add(prep + ":*")
                for pobj in ev.ctx.children(child, {"pobj"}):
                    self.pp.add(f"{prep}:{pobj.lower_}")
                    self.pp.add(f"{prep}:{pobj.lemma_.lower()}")
                # "out of the talks": the inner preposition's phrase is on the verb too
                for inner in ev.ctx.children(child, {"prep"}):
                    self.preps.add(inner.lower_)
                    self.pp.add(inner.lower_ + ":*")
                    for pobj in ev.ctx.children(inner, {"pobj"}):
                        self.pp.add(f"{inner.lower_}:{pobj.lower_}")
                        self.pp.add(f"{inner.lower_}:{pobj.lemma_.lower()}")
        if token.pos_ == "NOUN":
            heads = [
                p for c in ev.ctx.children(token, {"prep"}) for p in ev.ctx.children(c, {"pobj"})
            ]
        else:
            heads = [c for c in kids if c.dep_ in OBJECT_DEPS | {"nsubjpass"}]
            # "allowed aid convoys to enter": the subject the parser gives the infinitive
            # is the verb's object in the dictionary's patterns ("ALLOW * AID")
            heads.extend(
                subj
                for c in kids
                if c.dep_ in {"ccomp", "xcomp"}
                and any(a.lower_ == "to" for a in ev.ctx.children(c, {"aux"}))
                for subj in ev.ctx.children(c, {"nsubj"})
            )
        heads.extend(
            p for h in list(heads) for c in ev.ctx.children(h, {"prep"})
            if c.lower_ == "of" for p in ev.ctx.children(c, {"pobj"})
        )  # fmt: skip
        # the head and its compounds ("relief supplies" matches a RELIEF pattern)
        heads.extend(c for h in list(heads) for c in ev.ctx.children(h, {"compound"}))
        self.objects = {h.lemma_.lower() for h in heads} | {h.lower_ for h in heads}
        # an infinitive the parser attached as an adverbial clause is a "TO VERB" complement
        # too ("mobilized supporters to demonstrate")
        self.xcomps = {
            c.lemma_.lower()
            for c in kids
            if c.dep_ == "xcomp"
            or (c.dep_ == "advcl" and any(a.lower_ == "to" for a in ev.ctx.children(c, {"aux"})))
        }
        self.mods = {c.lemma_.lower() for c in kids if c.dep_ in {"compound", "amod"}}

    def matches(self, constraints: tuple[Constraint, ...]) -> bool:
        """Whether every constraint holds."""
        for kind, values in constraints:
            if kind == "prt":
                ok = self.particle in values
            elif kind == "prep":
                ok = bool(self.preps & values)
            elif kind == "obj":
                ok = bool(self.objects & values)
            elif kind == "pp":
                ok = bool(self.pp & values)
            elif kind == "xcomp":
                ok = bool(self.xcomps) and ("*" in values or bool(self.xcomps & values))
            elif kind == "mod":
                ok = bool(self.mods & values)
            else:
                ok = False
            if not ok:
                return False
        return True


def _first_match(
    ev: EventScope, token: Token, entries: tuple[LexiconEntry, ...], pos: str
) -> str | None:
    slots: _Slots | None = None
    for entry in entries:
        if entry.pos not in {pos, "*"}:
            continue
        if entry.constraints:
            if slots is None:
                slots = _Slots(ev, token)
            if not slots.matches(entry.constraints):
                continue
        return entry.event_type
    return None


def base_type(ev: EventScope, token: Token) -> str:
    """PLOVER type of ``token`` from the lexicon alone (``OTHER`` when not listed): the
    first row of its lemma whose pattern holds (rows with more constraints first). A noun
    the lexicon does not list takes the type of the verb it nominalises."""
    known = ev.types.get(token.i)
    if known is not None and token.doc is ev.ctx.doc:
        return known
    lemma = token.lemma_.lower()
    pos = "NOUN" if token.pos_ in {"NOUN", "PROPN"} else "VERB"
    if pos == "VERB" and lemma in ev.lex.speech:
        # a statement is CAMEO 01, which the codebook's translation table drops: untyped
        return "OTHER"
    if pos == "VERB" and lemma in ev.lex.words("support_verb") and eventive_object(ev, token):
        # "escalated its attacks", "led a protest": the object's event carries the type
        return "OTHER"
    entries = ev.lex.entries.get(lemma) or ev.lex.entries.get(token.lower_, ())
    found = _first_match(ev, token, entries, pos)
    if found is None and pos == "NOUN":
        verb = derived_verb(ev, token)
        if verb is not None:
            found = _first_match(ev, token, ev.lex.entries[verb], "VERB")
    if token.doc is ev.ctx.doc:
        ev.types[token.i] = found or "OTHER"
    return found or "OTHER"


def context_type(ev: EventScope, token: Token, base: str, modality: str) -> str:
    """Apply PLOVER coding conventions to the lexicon type.

    A promised or planned cooperative act is AGREE, a conditional or announced hostile
    act is THREATEN (PLOVER 0.5 AGREE/THREATEN definitions); "X said Y must ..." is
    DEMAND.
    """
    if base != "OTHER" and discarded(ev, token):
        return "OTHER"
    if (
        token.pos_ == "VERB"
        and (base in _MATERIAL_CONFLICT or base == "CONSULT")
        and any(
            lemma_of(c) in ev.lex.words("protest_verb")
            and any(a.lower_ == "to" for a in ev.ctx.children(c, {"aux"}))
            for c in ev.ctx.children(token, {"advcl", "xcomp"})
        )
    ):
        # "occupied the library to protest the fees", "gathered to protest": "collective
        # actions carried out as protests against the recipient", "rally, gather to protest
        # a policy" are PROTEST; a verbal act done to protest ("summoned
        # the envoy to protest") stays verbal: "Diplomatic protests ... are coded as ACCUSE"
        # (codebook, PROTEST)
        return "PROTEST"
    head = token.head
    if (
        base in _FORCE
        and token.dep_ == "xcomp"
        and head.pos_ == "ADJ"
        and head.lemma_.lower() in ev.lex.commit
    ):
        # "ready to strike": an intent to use force is a threat (as "vowed to attack"; the
        # dictionary's "a (_ b ATTACK) WANT = a b 138")
        return "THREATEN"
    if (
        token.pos_ == "NOUN"
        and base in _FORCE | {"MOBILIZE"}
        and any(
            c.dep_ in {"amod", "compound"} and c.lemma_.lower() in {"joint", "combined"}
            for c in ev.ctx.kids(token)
        )
    ):
        # "a joint operation": "Joint military operations are coded as COOPERATE"
        return "COOPERATE"
    if lemma_of(token) in ev.lex.words("appeal_verb") and _calls_for_an_end(ev, token):
        # "When one or more parties to a conflict call for ending the conflict, that is taken
        # to be an expression of intent on the part of the actor and is thus coded as AGREE"
        return "AGREE"
    if base == "PROTEST" and token.pos_ == "NOUN":
        light = token.head
        if token.dep_ in OBJECT_DEPS and light.lemma_.lower() in ev.lex.words("note_verb"):
            # "lodged a protest with the ministry": "Diplomatic protests ... are coded as
            # ACCUSE 'disapprove'" (codebook, PROTEST)
            return "DISAPPROVE"
    if (
        base == "RETREAT"
        and token.pos_ == "NOUN"
        and token.dep_ in OBJECT_DEPS
        and token.head.lemma_.lower() in ev.lex.speech
    ):
        # "declared a ceasefire": CONCEDE covers "declarations (but not implementations) of
        # ceasefires and withdrawals from territory" (codebook, CONCEDE)
        return "CONCEDE"
    if (
        base == "AGREE"
        and lemma_of(token) in ev.lex.words("want_verb")
        and _wants_another(ev, token)
    ):
        # "want the government to resign": what one wants another to do is a request
        # (REQUEST: "All requests, demands, and orders")
        return "DEMAND"
    if base == "AGREE":
        for comp in ev.ctx.children(token, {"xcomp"}):
            inner = base_type(ev, comp)
            obj = eventive_object(ev, comp) if lemma_of(comp) in ev.lex.light else None
            if obj is not None:
                # "voted to impose an embargo": the light verb's object is the act
                inner = base_type(ev, obj)
            if inner in _FORCE:
                # An intent to use force is a threat: the CAMEO dictionary's transformation
                # "a (_ b ATTACK) WANT = a b 138" (PETRARCH2 CAMEO.2.0.txt).
                return "THREATEN"
            if inner in _HOSTILE:
                # "decided to expel": the intent is not cooperation; the act is coded.
                return inner
    aux = {c.lower_ for c in ev.ctx.kids(token) if c.dep_ == "aux"}
    if aux & _DEMAND_AUX or ("should" in aux and token.head.lemma_.lower() in ev.lex.speech):
        return "DEMAND"
    reported = token.dep_ == "ccomp" and token.head.lemma_.lower() in ev.lex.speech
    if modality == "hypothetical" and reported and "would" in aux:
        modality = "future"  # "announced that troops would withdraw": future in the past
    if base == "OTHER" or modality not in {"future", "hypothetical"}:
        return base
    in_condition = any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in ev.ctx.kids(token))
    # an event governed by a typed one ("threatened to attack") keeps its type; a grammatical
    # or light verb over it ("ready to resume talks") governs nothing
    head_lemma = token.head.lemma_.lower()
    governed = (
        token.dep_ in {"xcomp", "conj", "pcomp", "pobj", "dobj"}
        and head_lemma not in ev.lex.grammatical
        and not (token.pos_ == "NOUN" and head_lemma in ev.lex.light)
        and (base_type(ev, token.head) != "OTHER" or token.pos_ == "NOUN")
    )
    if in_condition or governed:
        return base
    conditional = any(
        c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in ev.ctx.kids(c))
        for c in ev.ctx.kids(token)
    )
    if base in _HOSTILE and base != "THREATEN" and (conditional or reported):
        return "THREATEN"
    if base == "RETREAT" and conditional:
        return "THREATEN"
    if base in {"RETREAT", "CONCEDE"} and modality == "future":
        # "Announcements of future retreats should be coded as CONCEDE"; future CONCEDE
        # does not reduce to AGREE (codebook, CONCEDE and AGREE ambiguities).
        return "CONCEDE"
    if base in _COOPERATIVE and modality == "future":
        return "AGREE"
    return base


def _wants_another(ev: EventScope, token: Token) -> bool:
    """Whether the complement of a verb of wanting has a doer other than its subject ("want
    the government to resign": an object before the infinitive, or the infinitive's own
    subject)."""
    for comp in ev.ctx.children(token, {"xcomp", "ccomp"}):
        if not any(a.lower_ == "to" for a in ev.ctx.children(comp, {"aux"})):
            continue
        if ev.ctx.children(comp, {"nsubj"}) or ev.ctx.children(token, OBJECT_DEPS):
            return True
    return False


def _calls_for_an_end(ev: EventScope, token: Token) -> bool:
    """Whether ``token`` calls for a ceasefire or for the end of fighting ("called for an end
    to the fighting", "urged a truce")."""
    asked = [
        p for prep in ev.ctx.children(token, {"prep"}) if prep.lower_ == "for"
        for p in ev.ctx.children(prep, {"pobj"})
    ] + list(ev.ctx.children(token, OBJECT_DEPS))  # fmt: skip
    for noun in asked:
        lemma = noun.lemma_.lower()
        if lemma in ev.lex.words("truce_noun"):
            return True
        if lemma in {"end", "halt", "cessation"}:
            for prep in ev.ctx.children(noun, {"prep"}):
                for fought in ev.ctx.children(prep, {"pobj"}):
                    if base_type(ev, fought) in _FORCE or (
                        fought.lemma_.lower() in ev.lex.words("truce_noun")
                    ):
                        return True
    return False


def actor_context(ev: EventScope, token: Token, base: str, actors: list[Token]) -> str:
    """Types the actor decides: an explosive that strikes is ASSAULT (mode explosives: "Any
    explosive not incorporated in a heavy weapon: mines, IEDS, car bombs"); armed forces that
    leave a place retreat (RETREAT mode withdraw: "Retreat from territory or withdraw forces
    from an area"), they do not visit."""
    heads = [a.lemma_.lower() for a in actors]
    if base == "FIGHT" and any(h in ev.lex.words("explosive_noun") for h in heads):
        return "ASSAULT"
    if base == "CONSULT" and lemma_of(token) in ev.lex.words("leave_verb"):
        for actor in actors:
            agent = agent_of(ev, actor)
            if agent is not None and agent.sector in ev.lex.words("armed_sector"):
                return "RETREAT"
    return base


def one_sided(ev: EventScope, token: Token, base: str, targets: list[Token]) -> str:
    """FIGHT against people who do not fight back is ASSAULT: the codebook's one-sided
    violence ("In one-sided violence, the perpetrator is coded as the actor and the victim
    as the recipient"; mode targeted: "Targeted killings ... deliberate mass killings of
    defenseless actors"). The victim is a named person or a civilian agent (civilians,
    refugees, students, journalists, worshippers ...)."""
    if base != "FIGHT":
        return base
    for target in targets:
        if target.ent_type_ == "PERSON" or target.lemma_.lower() in ev.lex.words("defenseless"):
            return "ASSAULT"
        agent = agent_of(ev, target)
        if agent is not None and agent.sector in ev.lex.words("civilian_sector"):
            return "ASSAULT"
    return base
