"""Events: lexicon, rule logic on hand-built Docs, and frames on real sentences."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from spacy.tokens import Doc

from schemas.tables import EVENT_PARTICIPANTS, EVENTS
from transforms.nlp.events import (
    PLOVER_TYPES,
    EventExtractor,
    EventRecord,
    ParticipantRecord,
    event_mentions,
    extract_event_participants,
    extract_events,
    load_lexicon,
)

PUBLISHED = datetime(2024, 11, 18)


def _events(doc: Doc, *, published_at: datetime | None = PUBLISHED) -> list[dict[str, object]]:
    """Events of ``doc`` as dicts with their arguments' texts by role."""
    args: dict[str, dict[str, list[str]]] = {}
    for p in extract_event_participants(doc, doc_id="d1"):
        args.setdefault(p.event_id, {}).setdefault(p.role, []).append(p.text)
    return [
        {**dataclasses.asdict(e), **args.get(e.event_id, {})}
        for e in extract_events(doc, doc_id="d1", published_at=published_at)
    ]


def _find(events: list[dict[str, object]], trigger: str) -> dict[str, object]:
    found = [e for e in events if e["trigger_text"] == trigger]
    assert found, f"no event on {trigger!r}: {[e['trigger_text'] for e in events]}"
    return found[0]


def _has(event: dict[str, object], role: str, text: str) -> bool:
    return any(text in value for value in event.get(role, []))  # type: ignore[attr-defined]


def test_records_match_schema() -> None:
    assert [f.name for f in dataclasses.fields(EventRecord)] == EVENTS.names
    assert [f.name for f in dataclasses.fields(ParticipantRecord)] == EVENT_PARTICIPANTS.names


def test_lexicon_loads_with_known_types() -> None:
    lexicon = load_lexicon()
    types = {row.event_type for rows in lexicon.entries.values() for row in rows}
    assert types <= PLOVER_TYPES
    assert "say" in lexicon.words("speech")
    assert "invasion" in lexicon.entries


# ---- rule logic on hand-built Docs (no model)


def _doc(nlp, words, heads, deps, pos, lemmas, tags=None) -> Doc:
    return Doc(
        nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas,
        tags=tags or ["" for _ in words],
    )  # fmt: skip


def test_negated_verb_hand_built(nlp) -> None:
    doc = _doc(
        nlp,
        ["Kim", "did", "not", "attack", "Seoul", "."],
        [3, 3, 3, 3, 3, 3],
        ["nsubj", "aux", "neg", "ROOT", "dobj", "punct"],
        ["PROPN", "AUX", "PART", "VERB", "PROPN", "PUNCT"],
        ["Kim", "do", "not", "attack", "Seoul", "."],
    )
    (event,) = EventExtractor()(doc)._.pl_events
    assert (event.event_type, event.modality) == ("ASSAULT", "negated")
    assert [(a.role, a.text) for a in event.arguments] == [("actor", "Kim"), ("target", "Seoul")]


def test_passive_agent_is_actor_hand_built(nlp) -> None:
    doc = _doc(
        nlp,
        ["The", "camp", "was", "attacked", "by", "militiamen", "."],
        [1, 3, 3, 3, 3, 4, 3],
        ["det", "nsubjpass", "auxpass", "ROOT", "agent", "pobj", "punct"],
        ["DET", "NOUN", "AUX", "VERB", "ADP", "NOUN", "PUNCT"],
        ["the", "camp", "be", "attack", "by", "militiaman", "."],
        ["DT", "NN", "VBD", "VBN", "IN", "NNS", "."],
    )
    (event,) = EventExtractor()(doc)._.pl_events
    roles = {a.role: a.text for a in event.arguments}
    assert roles["actor"] == "militiamen"
    assert event.event_type == "ASSAULT"


def test_statement_verb_is_not_an_event_hand_built(nlp) -> None:
    doc = _doc(
        nlp,
        ["Officials", "said", "so", "."],
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "advmod", "punct"],
        ["NOUN", "VERB", "ADV", "PUNCT"],
        ["official", "say", "so", "."],
    )
    assert EventExtractor()(doc)._.pl_events == []


def test_lexicon_object_pattern_hand_built(nlp) -> None:
    doc = _doc(
        nlp,
        ["Pyongyang", "launched", "balloons", "."],
        [1, 1, 1, 1],
        ["nsubj", "ROOT", "dobj", "punct"],
        ["PROPN", "VERB", "NOUN", "PUNCT"],
        ["Pyongyang", "launch", "balloon", "."],
    )
    extractor = EventExtractor()
    assert extractor.base_type(doc[1]) == "COERCE"


# ---- real sentences, real model

CASES = [
    # text, trigger, type, modality, actor, target
    ("Kim condemned the United States on Friday.", "condemned", "DISAPPROVE", "asserted",
     "Kim", "United States"),
    ("Russia invaded Ukraine in February 2022.", "invaded", "ASSAULT", "asserted", "Russia",
     "Ukraine"),
    ("The rebels did not attack the convoy.", "attack", "ASSAULT", "negated", "rebels", None),
    ("Iran threatened to attack Israel if provoked.", "threatened", "THREATEN", "hypothetical",
     "Iran", "Israel"),
    ("North Korea has suspended talks with Washington and Seoul.", "suspended", "REJECT",
     "asserted", "North Korea", "Washington"),
    ("The United States imposed sanctions on Iran.", "sanctions", "SANCTION", "asserted",
     "United States", "Iran"),
    ("Finland will provide aid to Tanzania.", "provide", "AGREE", "future", "Finland",
     "Tanzania"),
    ("Israeli soldiers beat up Palestinian detainees.", "beat", "ASSAULT", "asserted",
     "soldiers", "detainees"),
    ("The president met Putin in Moscow.", "met", "CONSULT", "asserted", "president", "Putin"),
    ("Kim has yet to acknowledge the shipments.", "acknowledge", None, "negated", "Kim", None),
    ("Russia said Sudan must return the helicopter.", "return", "DEMAND", "requested", "Russia",
     "Sudan"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "trigger", "type_", "modality", "actor", "target"), CASES)
def test_event_frames(nlp, text, trigger, type_, modality, actor, target) -> None:
    events = _events(nlp(text))
    if type_ is None:
        assert all(e["trigger_text"] != trigger for e in events)
        return
    event = _find(events, trigger)
    assert (event["event_type"], event["modality"]) == (type_, modality)
    assert _has(event, "actor", actor)
    if target:
        assert _has(event, "target", target)


def test_said_is_not_an_event(nlp) -> None:
    events = _events(nlp("The ministry said the talks went well."))
    assert "said" not in {e["trigger_text"] for e in events}


def test_count_and_since_date(nlp) -> None:
    event = _find(
        _events(nlp("The North has launched about 7,000 balloons toward the South since May.")),
        "launched",
    )
    assert event["event_type"] == "COERCE"
    assert event["count"] == ["about 7,000"]
    assert _has(event, "target", "South")
    assert (event["event_date"], event["date_text"], event["date_precision"]) == (
        date(2024, 5, 1), "since May", "month"
    )  # fmt: skip


def test_ids_consistent_and_dates_need_published_at(nlp) -> None:
    doc = nlp("At a conference on Friday, Kim condemned the United States.")
    events = list(extract_events(doc, doc_id="d1", published_at=None))
    ids = {e.event_id for e in events}
    assert {p.event_id for p in extract_event_participants(doc, doc_id="d1")} <= ids
    condemned = next(e for e in events if e.trigger_text == "condemned")
    assert (condemned.event_date, condemned.date_text) == (None, "Friday")


def _seed_body(seed_text: str) -> str:
    """The article body: paragraphs that end like sentences, the repeated standfirst once."""
    paragraphs = [p.strip() for p in seed_text.split("\n\n")]
    body = [p for p in paragraphs if p.endswith((".", '"', '."', '"'))]
    return "\n\n".join(dict.fromkeys(body))


def test_reference_article(nlp, seed_text: str) -> None:
    doc = nlp(_seed_body(seed_text))
    events = _events(doc)
    assert not any(e["trigger_lemma"] in {"say", "write"} for e in events)

    call = _find(events, "call")
    assert call["event_type"] in {"REQUEST", "MOBILIZE"} and _has(call, "actor", "Kim")
    expansion = _find(events, "expansion")
    assert expansion["modality"] == "requested" and _has(expansion, "actor", "Kim")

    condemned = _find(events, "condemned")
    assert condemned["event_type"] in {"DISAPPROVE", "ACCUSE"}
    assert _has(condemned, "actor", "Kim") and _has(condemned, "target", "United States")
    assert condemned["event_date"] == date(2024, 11, 15)

    criticized = _find(events, "criticized")
    assert criticized["event_type"] == "DISAPPROVE" and _has(criticized, "target", "United States")

    invasion = _find(events, "invasion")
    assert invasion["event_type"] == "ASSAULT" and _has(invasion, "actor", "Russian")

    providing = _find(events, "providing")
    assert providing["event_type"] in {"AID", "SUPPORT"} and _has(providing, "target", "Russia")

    met = _find(events, "met")
    assert met["event_type"] == "CONSULT" and _has(met, "target", "Trump")
    assert (met["date_text"], met["event_date"], met["date_precision"]) == (
        "2018 and 2019", date(2018, 1, 1), "year"
    )  # fmt: skip

    suspended = _find(events, "suspended")
    assert suspended["event_type"] == "REJECT" and _has(suspended, "actor", "North Korea")
    assert _has(suspended, "target", "Washington") and _has(suspended, "target", "Seoul")

    threatening = _find(events, "threatening")
    assert threatening["event_type"] == "THREATEN" and threatening["modality"] == "hypothetical"
    assert _has(threatening, "actor", "Kim") and _has(threatening, "target", "South")

    flew = _find(events, "flew")
    assert flew["event_type"] == "COERCE" and _has(flew, "actor", "North Korea")
    assert _has(flew, "target", "South") and flew["event_date"] == date(2024, 11, 18)

    launched = _find(events, "launched")
    assert launched["count"] == ["about 7,000"] and launched["date_text"] == "since May"

    disrupting = _find(events, "disrupting")
    assert disrupting["event_type"] == "COERCE"

    warning = _find(events, "warning")
    assert warning["event_type"] in {"THREATEN", "DISAPPROVE"}
    assert _has(warning, "actor", "Joint Chiefs of Staff") and _has(warning, "target", "North")

    tariffs = [e for e in events if e["trigger_lemma"] in {"spike", "war", "tariff"}
               and e["event_type"] == "SANCTION"]  # fmt: skip
    assert tariffs and all(e["modality"] == "hypothetical" for e in tariffs)
    assert any(_has(e, "actor", "Trump") and _has(e, "target", "China") for e in tariffs)


def test_event_mentions_without_component(nlp) -> None:
    with nlp.select_pipes(disable=["presslake_events"]):
        doc = nlp("Kim condemned the United States.")
    assert [m.trigger_text for m in event_mentions(doc)] == ["condemned"]
