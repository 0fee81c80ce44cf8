"""Event mentions: who did what to whom, when, typed with PLOVER categories.

The ``presslake_events_v1`` component (:mod:`.component`) reads the dependency parse: every
content verb that is not a statement ("said") or a grammatical verb ("be", "begin"), and
every eventive noun ("invasion", "talks", "sanctions"), is a trigger (:mod:`.triggers`). Its
frame (:mod:`.frames`) gives the participants (actor, target, theme, location, count) and
the time expressions of its clause. Types come from the lexicon (:mod:`.lexicon`, by default
``transforms/data/events/plover.tsv``: lemma with an optional particle, preposition, object,
complement or modifier pattern) and PLOVER's coding conventions (:mod:`.plover`); modality
from FactBank-style cues (:mod:`.modality`). :mod:`.rows` turns the mentions into the
``events`` and ``event_participants`` rows.

Every rule is a function of an :class:`EventScope` (the Doc's context, the lexicon and the
time expressions each verb governs) made per call: the component holds only the lexicon.
"""

from transforms.nlp.events.component import EventExtractor, event_mentions, find_events
from transforms.nlp.events.lexicon import (
    PLOVER_TYPES,
    EventLexicon,
    Lexicon,
    LexiconEntry,
    load_lexicon,
)
from transforms.nlp.events.records import (
    MODALITIES,
    EventArgument,
    EventMention,
    EventRecord,
    ParticipantRecord,
)
from transforms.nlp.events.rows import (
    event_date,
    extract_event_participants,
    extract_event_rows,
    extract_events,
)
from transforms.nlp.events.scope import EventScope

__all__ = [
    "MODALITIES",
    "PLOVER_TYPES",
    "EventArgument",
    "EventExtractor",
    "EventLexicon",
    "EventMention",
    "EventRecord",
    "EventScope",
    "Lexicon",
    "LexiconEntry",
    "ParticipantRecord",
    "event_date",
    "event_mentions",
    "extract_event_participants",
    "extract_event_rows",
    "extract_events",
    "find_events",
    "load_lexicon",
]
