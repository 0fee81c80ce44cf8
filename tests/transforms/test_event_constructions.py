"""Event arguments, types and dates construction by construction, on sentences written for
these tests (real model)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from transforms.nlp.events import event_mentions, extract_event_participants, extract_events
from transforms.nlp.events.triggers import nominal_verbs

PUBLISHED = datetime(2024, 3, 12)


def _event(nlp, text: str, trigger: str):
    doc = nlp(text)
    found = [m for m in event_mentions(doc) if m.trigger_text == trigger]
    assert found, f"no event on {trigger!r}: {[m.trigger_text for m in event_mentions(doc)]}"
    return found[0]


def _role(mention, role: str) -> list[str]:
    return [a.text for a in mention.arguments if a.role == role]


@pytest.mark.parametrize(
    ("text", "trigger", "actor", "target_or_theme"),
    [
        # passive with a by-agent: the agent acts, the subject undergoes
        ("The convoy was ambushed by militants near the pass.", "ambushed", "militants",
         "convoy"),
        # passive without an agent: nobody is made up
        ("Two reporters were detained at the airport.", "detained", None, "Two reporters"),
        # control: the subject of "threatened" is the one who would attack
        ("The junta threatened to bomb the rebel stronghold.", "bomb", "junta",
         "rebel stronghold"),
        # raising through an adjective: "is likely to" keeps the copula's subject
        ("The ministry is likely to approve the merger.", "approve", "ministry", "merger"),
        # coordination: each conjunct is an actor, the first is listed first
        ("Egypt and Qatar hosted the negotiators in Cairo.", "hosted", "Egypt", "negotiators"),
        # relative clause: the antecedent acts, its pronoun stays in the span
        ("The farmers, who blocked the highway, left on Sunday.", "blocked", "farmers",
         "highway"),
        # apposition: the name, not the description
        ("The carmaker, Daewoo, shut its plant in Gunsan.", "shut", "Daewoo", "plant"),
        # nominal trigger with a possessive and an of-phrase
        ("Iraq's annexation of the border villages was condemned.", "annexation", "Iraq",
         "border villages"),
        # nominal trigger with a by-phrase
        ("The blockade by the navy lasted three weeks.", "blockade", "navy", None),
        # support verb: the subject of "carried out" is the raid's agent
        ("Commandos carried out a raid on the compound.", "raid", "Commandos", "compound"),
        # unaccusative: the subject undergoes the change (also the theme)
        ("Grain exports collapsed after the drought.", "collapsed", None, "Grain exports"),
        # a noun counted by a collective noun: the support verb's subject acts
        ("The guerrillas launched a wave of raids on police posts.", "raids", "guerrillas",
         None),
        # a participle reporting the event, with its agent
        ("Officials said the bombings were a reprisal for arrests carried out by the police.",
         "arrests", "police", None),
        # "between X and Y": both sides act
        ("A gun battle between smugglers and border guards lasted an hour.", "battle",
         "smugglers", None),
        # a raised passive with a by-agent: the agent acts
        ("The arson is thought to have been carried out by disgruntled workers.", "carried",
         "workers", None),
        # a raised passive without one: the raised subject is no actor
        ("The pipeline deal is expected to be ratified before winter.", "ratified", None,
         None),
        # a claim of responsibility names the agent
        ("A little-known faction claimed responsibility for the bombing.", "bombing", "faction",
         None),
    ],
)  # fmt: skip
def test_arguments(nlp, text, trigger, actor, target_or_theme) -> None:
    mention = _event(nlp, text, trigger)
    actors = _role(mention, "actor")
    if actor is None:
        assert not actors or trigger == "collapsed"
    else:
        assert actors and actor in actors[0]
    if target_or_theme is not None:
        arg1 = _role(mention, "target") or _role(mention, "theme")
        assert arg1 and target_or_theme in arg1[0]


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # CAMEO patterns: the object decides ("rushed aid" is AID)
        ("Norway rushed aid to the flooded districts.", "rushed", "AID"),
        # codebook additions: sanctions are SANCTION, talks are CONSULT
        ("The bloc imposed new sanctions on the regime.", "sanctions", "SANCTION"),
        ("Delegates from both parties held talks in Oslo.", "talks", "CONSULT"),
        # nominalisation of a lexicon verb: "deportation" is typed like "deport"
        ("The deportation of the activists drew protests.", "deportation", "COERCE"),
        # intent to use force is a threat (CAMEO WANT + ATTACK -> 138)
        ("The warlord vowed to attack the capital.", "vowed", "THREATEN"),
        # announced future retreat is CONCEDE (codebook RETREAT ambiguities)
        ("The general announced that his troops would withdraw from the valley.", "withdraw",
         "CONCEDE"),
        # one-sided violence on civilians is ASSAULT, not FIGHT
        ("Soldiers shot at unarmed villagers.", "shot", "ASSAULT"),
        # sports and entertainment (Phoenix discards) are not political events
        ("The striker helped his side attack the goal in the World Cup semifinal.", "attack",
         "OTHER"),
        # negation keeps the type and marks the modality
        ("The militia did not release the hostages.", "release", "RETREAT"),
    ],
)  # fmt: skip
def test_types(nlp, text, trigger, expected) -> None:
    assert _event(nlp, text, trigger).event_type == expected


def test_nominal_verbs() -> None:
    assert "invade" in nominal_verbs("invasion")
    assert "negotiate" in nominal_verbs("negotiation")
    assert "kidnap" in nominal_verbs("kidnapping")
    assert "withdraw" in nominal_verbs("withdrawal")
    assert nominal_verbs("table") == []


def test_generic_agent_sector_and_owner(nlp) -> None:
    doc = nlp("Turkish police arrested the mayor of the town.")
    (arrested,) = [m for m in event_mentions(doc) if m.trigger_text == "arrested"]
    (actor,) = [a for a in arrested.arguments if a.role == "actor"]
    assert actor.text == "Turkish police" and actor.sector == "police"
    assert actor.owner is not None and doc.text[actor.owner[0] : actor.owner[1]] == "Turkish"
    rows = [p for p in extract_event_participants(doc, doc_id="d") if p.role == "actor"]
    assert rows and rows[0].sector == "police"


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # a day the syntax attaches to the trigger is the event's date
        ("The envoys met on Friday in Vienna.", "met", (date(2024, 3, 8), "day")),
        # no attached expression: the document's date, marked as such
        ("The envoys met in Vienna.", "met", (date(2024, 3, 12), "published")),
        # a period around the publication is not a day: the document's date
        ("The envoys met twice this month.", "met", (date(2024, 3, 12), "published")),
        # a distant period keeps its own date
        ("The envoys met in 2015.", "met", (date(2015, 1, 1), "year")),
    ],
)
def test_event_dates(nlp, text, trigger, expected) -> None:
    rows = [e for e in extract_events(nlp(text), doc_id="d", published_at=PUBLISHED)
            if e.trigger_text == trigger]  # fmt: skip
    assert rows and (rows[0].event_date, rows[0].date_precision) == expected
