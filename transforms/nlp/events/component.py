"""``presslake_events_v2`` (and v1): event mentions on ``doc._.pl_events``, built by pure rules over
the Doc's context."""

from __future__ import annotations

from spacy.attrs import POS
from spacy.language import Language
from spacy.symbols import NOUN, VERB
from spacy.tokens import Doc, Token

from transforms.nlp.context import DocContext, doc_context
from transforms.nlp.events.frames import (
    Frame,
    actor_heads,
    agent_of,
    arg_span,
    conjuncts,
    drop_self_targets,
    noun_frame,
    owner_of,
    verb_frame,
)
from transforms.nlp.events.lexicon import (
    LEXICON_FUNCTION,
    LEXICON_FUNCTION_V1,
    EventLexicon,
    load_lexicon,
)
from transforms.nlp.events.modality import CONDITION_MARKS, modality_of
from transforms.nlp.events.plover import actor_context, base_type, context_type, one_sided
from transforms.nlp.events.records import EventArgument, EventMention
from transforms.nlp.events.scope import EventScope, lemma_of
from transforms.nlp.events.triggers import is_noun_trigger, is_verb_trigger, light_governor
from transforms.nlp.time_values import TimexSpan


def _depth(ev: EventScope, token: Token) -> int:
    depth = 0
    current = token
    head = ev.ctx.head(current)
    while head != current and depth < 50:
        if not (head.lemma_.lower() in ev.lex.speech and current.dep_ == "ccomp"):
            depth += 1
        current = head
        head = ev.ctx.head(current)
    return depth


def _in_condition(ev: EventScope, token: Token) -> bool:
    """Whether ``token`` heads an "if" or "unless" clause."""
    return any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in ev.ctx.kids(token))


def _times(ev: EventScope, token: Token) -> tuple[TimexSpan, ...]:
    """Time expressions whose nearest governing verb is ``token`` (its own clause); a
    coordinated verb without one shares its first conjunct's ("cut prices and unveiled the
    phone on Tuesday")."""
    own = ev.governed.get(token.i)
    if own:
        return tuple(own)
    if token.dep_ == "conj" and token.pos_ == "VERB":
        first = token.head
        while first.dep_ == "conj" and first.head != first:
            first = first.head
        if first.pos_ == "VERB" and not ev.ctx.children(token, {"nsubj", "nsubjpass"}):
            return tuple(ev.governed.get(first.i, ()))
    return ()


def governed_times(ctx: DocContext, lex: EventLexicon) -> dict[int, list[TimexSpan]]:
    """Map each time expression to the triggers it modifies: the nearest verb above it, and an
    eventive noun it modifies directly on the way ("the meeting on Tuesday", "last week's
    talks"); one walk per timex."""
    doc = ctx.doc
    by_token = ctx.timex_by_token
    governed: dict[int, list[TimexSpan]] = {}
    scope = EventScope(ctx, lex)
    for timex in dict.fromkeys(by_token.values()):
        span = doc.char_span(timex.start_char, timex.end_char, alignment_mode="expand")
        if span is None:
            continue
        current = span.root
        for step in range(40):
            if current.head == current:
                break
            previous, current = current, current.head
            if current.i in by_token:
                continue
            if current.pos_ in {"VERB", "AUX"}:
                governed.setdefault(current.i, []).append(timex)
                break
            direct = step == 0 or (step == 1 and previous.dep_ == "prep")
            if current.pos_ == "NOUN" and direct and is_noun_trigger(scope, current):
                # the noun's own time; the clause's verb above keeps it too ("At a
                # conference on Friday, Kim condemned ...")
                governed.setdefault(current.i, []).append(timex)
    return governed


def find_events(ctx: DocContext, lex: EventLexicon) -> list[EventMention]:
    """All event mentions of the context's Doc, left to right."""
    doc = ctx.doc
    by_token = ctx.timex_by_token
    ev = EventScope(ctx, lex, governed_times(ctx, lex))
    mentions: list[EventMention] = []
    # Only verbs and nouns can be triggers: test the POS array, not a Token per word.
    for i, pos in enumerate(ctx.ids(POS)):
        if (pos != VERB and pos != NOUN) or i in by_token:
            continue
        token = doc[i]
        if is_verb_trigger(ev, token):
            mentions.append(_verb_event(ev, token))
        elif is_noun_trigger(ev, token):
            mention = _noun_event(ev, token)
            if mention is not None:
                mentions.append(mention)
    return mentions


def _verb_event(ev: EventScope, token: Token) -> EventMention:
    frame = verb_frame(ev, token)
    base = base_type(ev, token)
    modality = modality_of(ev, token)
    event_type = one_sided(
        ev, token, context_type(ev, token, base, modality), frame.targets + frame.themes
    )
    event_type = actor_context(ev, token, event_type, frame.actors)
    if modality == "negated" and lemma_of(token) in ev.lex.words("accept_verb"):
        # "would not accept mediation" is a refusal: REJECT, "All rejections and refusals"
        event_type, modality = "REJECT", "asserted"
    if event_type == "DEMAND" and base != "DEMAND":
        speaker = token.head
        if token.dep_ == "ccomp" and speaker.lemma_.lower() in ev.lex.speech:
            frame.targets = list(frame.actors)
            frame.actors = [a for s in actor_heads(ev, speaker) for a in conjuncts(s)]
        modality = "requested"
    if event_type == "THREATEN" and base == "THREATEN":
        comps = ev.ctx.children(token, {"xcomp"})
        for comp in comps:
            if modality_of(ev, comp) == "hypothetical":
                modality = "hypothetical"
            if not frame.targets:
                comp_frame = verb_frame(ev, comp)
                frame.targets = comp_frame.targets
    if not frame.targets and frame.themes and base in {"AGREE", "REJECT", "REQUEST"}:
        frame.targets = []
    drop_self_targets(ev, token, frame)
    return _mention(ev, token, event_type, modality, frame, base=base)


def _noun_event(ev: EventScope, token: Token) -> EventMention | None:
    light = light_governor(ev, token)
    frame = noun_frame(ev, token, light)
    base = base_type(ev, token)
    modality = modality_of(ev, token)
    if light is not None and modality == "asserted":
        modality = modality_of(ev, light)
    # A noun that names the requested content ("call for a limitless expansion").
    head = token.head
    if (
        head.dep_ == "prep"
        and head.lower_ == "for"
        and head.head.lemma_.lower() in (ev.lex.request)
    ):
        caller = head.head
        modality = "requested"
        if not frame.actors:
            caller_frame = noun_frame(ev, caller, light_governor(ev, caller))
            if caller.pos_ == "VERB":
                caller_frame = verb_frame(ev, caller)
            frame.actors = caller_frame.actors
    unlisted = token.lemma_.lower() not in ev.lex.eventive_nouns and (
        token.lower_ not in ev.lex.eventive_nouns
    )
    if not frame.actors and not frame.targets and base == "OTHER" and light is None and (unlisted):
        return None
    event_type = one_sided(
        ev, token, context_type(ev, token, base, modality), frame.targets + frame.themes
    )
    event_type = actor_context(ev, token, event_type, frame.actors)
    return _mention(ev, token, event_type, modality, frame, base=base,
                         governor=light)  # fmt: skip


def _mention(
    ev: EventScope,
    token: Token,
    event_type: str,
    modality: str,
    frame: Frame,
    *,
    base: str,
    governor: Token | None = None,
) -> EventMention:
    arguments: list[EventArgument] = []
    seen: set[tuple[str, int, int]] = set()
    text = ev.ctx.text

    def add(role: str, start: int, end: int, head: Token | None = None) -> None:
        key = (role, start, end)
        if key not in seen and start < end:
            seen.add(key)
            sector = owner = None
            if head is not None and role in {"actor", "target"}:
                agent = agent_of(ev, head)
                if agent is not None:
                    sector = agent.sector
                    whose = owner_of(ev, head)
                    if whose is not None:
                        owner = (whose.idx, whose.idx + len(whose))
            arguments.append(EventArgument(role, start, end, text[start:end], sector, owner))

    for role, heads in (
        ("actor", frame.actors),
        ("target", frame.targets),
        ("theme", frame.themes),
        ("location", frame.locations),
    ):
        for head in heads:
            start, end = arg_span(head, ev.ctx.kids)
            pronoun = frame.relatives.get(head.i) if role == "actor" else None
            if pronoun is not None:
                end = max(end, pronoun.idx + len(pronoun))
            add(role, start, end, head)
    for start, end in frame.counts:
        add("count", start, end)
    times = _times(ev, token)
    if not times and governor is not None:
        times = _times(ev, governor)
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
    # The main event of the sentence first (PLOVER codes the main event of a sentence: "X
    # promised to release Y" is AGREE, "X refused to meet Y" REJECT, "X threatened to attack
    # Y" THREATEN): each clause level below the main verb costs more than the participants
    # a nested event may add;
    # "Negated events can be excluded from the final event dataset" (codebook, auxiliary
    # modes): they come last.
    confidence -= 0.2 * min(_depth(ev, token), 4)
    if modality == "negated" or _in_condition(ev, token):
        # a condition ("if provoked") is no event of its own either
        confidence -= 0.3
    future = modality == "future" or any(t.future for t in times)
    return EventMention(
        trigger_start=token.idx,
        trigger_end=token.idx + len(token),
        trigger_text=token.text,
        trigger_lemma=token.lemma_.lower(),
        event_type=event_type,
        modality=modality,
        sentence_index=ev.ctx.sentence_index_at(token.idx),
        confidence=round(min(max(confidence, 0.05), 0.95), 2),
        depth=_depth(ev, token),
        arguments=tuple(arguments),
        times=times,
        future=future,
    )


class EventExtractor:
    """Pipeline component: attach event mentions to ``doc._.pl_events``.

    It holds the lexicon, nothing of a document: every call builds its own
    :class:`EventScope` from the Doc's context.
    """

    def __init__(self, lexicon: EventLexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        doc._.pl_events = find_events(doc_context(doc), self.lexicon)
        return doc

    def events(self, doc: Doc) -> list[EventMention]:
        """All event mentions of ``doc``, left to right."""
        return find_events(doc_context(doc), self.lexicon)

    def base_type(self, token: Token) -> str:
        """PLOVER type of ``token`` from the lexicon alone (``OTHER`` when not listed)."""
        return base_type(EventScope(doc_context(token.doc), self.lexicon), token)


_REQUIRES = [
    "token.dep",
    "token.lemma",
    "token.tag",
    "doc.ents",
    "doc._.pl_mentions",
    "doc._.pl_timex",
]


@Language.factory(
    "presslake_events_v1",
    requires=_REQUIRES,
    assigns=["doc._.pl_events"],
    default_config={"lexicon": {"@misc": LEXICON_FUNCTION_V1, "plover": "", "words": ""}},
)
def make_events(nlp: Language, name: str, lexicon: EventLexicon) -> EventExtractor:
    """Create the ``presslake_events_v1`` component (the hand-written v1 lexicon).

    Args:
        lexicon: PLOVER lexicon and event word classes.
    """
    return EventExtractor(lexicon)


@Language.factory(
    "presslake_events_v2",
    requires=_REQUIRES,
    assigns=["doc._.pl_events"],
    default_config={"lexicon": {"@misc": LEXICON_FUNCTION}},
)
def make_events_v2(nlp: Language, name: str, lexicon: EventLexicon) -> EventExtractor:
    """Create the ``presslake_events_v2`` component: types from the lexicon built from the
    field's dictionaries, generic agents typed with their sector, sports and entertainment
    discards.

    Args:
        lexicon: ``[components.presslake_events.lexicon]`` in ``config.cfg``: the paths of
            the generated CAMEO lexicon, its word sets, the additions, the word classes, the
            agents and the discards.
    """
    return EventExtractor(lexicon)


def event_mentions(doc: Doc) -> list[EventMention]:
    """The Doc's event mentions (computed now if the component did not run)."""
    mentions: list[EventMention] | None = doc._.pl_events
    if mentions is None:
        mentions = EventExtractor()(doc)._.pl_events
    return list(mentions or [])
