"""What every event rule reads: the per-document :class:`EventScope` and shared labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from transforms.nlp.context import DocContext
from transforms.nlp.events.lexicon import EventLexicon
from transforms.nlp.time_values import TimexSpan

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})

PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})

OBJECT_DEPS = frozenset({"dobj", "obj", "dative"})


@dataclass(frozen=True, slots=True)
class EventScope:
    """What the event rules read for one Doc: its context, the lexicon, and the time
    expressions each verb governs. Made per call; the component keeps none of it."""

    ctx: DocContext
    lex: EventLexicon
    governed: dict[int, list[TimexSpan]] = field(default_factory=dict)


def lemma_of(token: Token) -> str:
    return token.lemma_.lower()
