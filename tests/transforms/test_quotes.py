"""presslake_quotes_v1: direct, indirect and mixed quotes with their speakers."""

from __future__ import annotations

import dataclasses

import pytest
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from schemas.tables import QUOTES
from transforms.nlp.quotes import (
    CueLexiconError,
    QuoteRecord,
    extract_quotes,
    find_quote_spans,
    find_single_quote_spans,
    load_cues,
)


def _quotes(nlp: Language, text: str) -> list[QuoteRecord]:
    return list(extract_quotes(nlp(text), doc_id="dtest"))


def _find(records: list[QuoteRecord], needle: str) -> QuoteRecord:
    hits = [r for r in records if needle in r.text]
    assert hits, f"no quote contains {needle!r}: {[r.text for r in records]}"
    return min(hits, key=lambda r: len(r.text))


# --- pure text: quotation marks --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “we will win” today.", ["“we will win”"]),
        ('He said "we will win" today.', ['"we will win"']),
        ("Mr. King said, ''It was fine,'' and left.", ["''It was fine,''"]),
        ('A "limitless" and "new" plan.', ['"limitless"', '"new"']),
        # A paragraph that opens a quote without closing it continues in the next one.
        ("“First part.\n\n“Second part,” she said.", ["“First part.\n\n“Second part,”"]),
        # An unclosed quote does not run into a paragraph that does not open with a mark.
        ("“Never closed.\n\nPlain text “here” now.", ["“here”"]),
        ("No quotes at all, it's fine.", []),
    ],
)
def test_find_quote_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in find_quote_spans(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("using Ukraine as its 'shock troops' in the war", ["'shock troops'"]),
        ("a ‘limitless’ expansion", ["‘limitless’"]),
        ("it didn't and the students' books weren't", []),
        ("“He said ‘no’ twice”", []),
    ],
)
def test_find_single_quote_spans(text: str, expected: list[str]) -> None:
    spans = find_single_quote_spans(text, find_quote_spans(text))
    assert [text[s:e] for s, e in spans] == expected


def test_cue_lexicon_loads_and_rejects_bad_rows() -> None:
    cues = load_cues()
    assert cues[("say", "VERB")].frames == "c"
    assert ("statement", "NOUN") in cues
    assert cues[("sure", "ADJ")].frames == "c"
    with pytest.raises(CueLexiconError, match="frames"):
        load_cues("say\tVERB\tz\t0.9\n")
    with pytest.raises(CueLexiconError, match="not a number"):
        load_cues("say\tVERB\tc\thigh\n")


def test_record_fields_match_the_quotes_schema() -> None:
    assert [f.name for f in dataclasses.fields(QuoteRecord)] == QUOTES.names


def test_no_quotes_without_a_parse() -> None:
    doc = Doc(Vocab(), words=["Nothing", "to", "see", "here", "."])
    doc._.pl_quotes = []
    assert list(extract_quotes(doc, doc_id="d")) == []


# --- real sentences, real model --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue", "kind"),
    [
        # X said (that) ...
        (
            "The minister said that the talks would resume next week.",
            "that the talks would resume next week",
            "The minister",
            "said",
            "indirect",
        ),
        # ..., X said.
        (
            "The economy is recovering faster than expected, officials said.",
            "The economy is recovering faster than expected",
            "officials",
            "said",
            "indirect",
        ),
        # according to X, ...
        (
            "According to the report, the company lost $2 billion last year.",
            "the company lost $2 billion last year",
            "the report",
            "According to",
            "indirect",
        ),
        # X insisted / warned / told ...
        (
            "The mayor insisted the budget was balanced.",
            "the budget was balanced",
            "The mayor",
            "insisted",
            "indirect",
        ),
        (
            "Police warned residents to stay indoors during the storm.",
            "to stay indoors during the storm",
            "Police",
            "warned",
            "indirect",
        ),
        (
            "She told reporters that she would not resign.",
            "that she would not resign",
            "She",
            "told",
            "indirect",
        ),
        # the speaker after the content, with a description
        (
            "Inflation will stay high for years, Jane Smith, an economist at the bank, wrote.",
            "Inflation will stay high for years",
            "Jane Smith",
            "wrote",
            "indirect",
        ),
        # direct quotes, curly and straight, cue after or before
        (
            "“We are losing so many great people,” he said.",
            "“We are losing so many great people,”",
            "he",
            "said",
            "direct",
        ),
        (
            'The senator added: "This bill will not pass the House."',
            '"This bill will not pass the House."',
            "The senator",
            "added",
            "direct",
        ),
        # a quotation signed with a dash
        (
            "“The candidate scares me and my family.” ― Carla Sanchez\n\nMore letters follow.",
            "“The candidate scares me and my family.”",
            "Carla Sanchez",
            "―",
            "direct",
        ),
        # mixed: reported speech embedding a quoted fragment
        (
            "Kim insisted Washington was using Ukraine as its 'shock troops' against Moscow.",
            "Washington was using Ukraine as its 'shock troops' against Moscow",
            "Kim",
            "insisted",
            "mixed",
        ),
    ],
)
def test_constructions(
    nlp: Language, text: str, content: str, speaker: str, cue: str, kind: str
) -> None:
    record = _find(_quotes(nlp, text), content)
    assert record.text == content
    assert record.speaker_text == speaker
    assert record.cue_text == cue
    assert record.kind == kind
    assert text[record.start_char : record.end_char] == record.text
    assert 0.0 < record.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue", "kind"),
    [
        # a verb outside the lexicon with a clausal complement and a source-like subject
        (
            "Aides suspect that the leak came from the campaign.",
            "that the leak came from the campaign",
            "Aides",
            "suspect",
            "indirect",
        ),
        (
            "Many voters feel that the economy is rigged against them.",
            "that the economy is rigged against them",
            "Many voters",
            "feel",
            "indirect",
        ),
        # transcript lines: "NAME: ..."
        (
            "The host pressed him.\n\nWALLACE: Do you really see those two as equivalent, "
            "Mark Cuban and Gennifer Flowers?\n\nPENCE: Well, look, Mark Cuban has been "
            "saying some tough stuff.",
            "Do you really see those two as equivalent, Mark Cuban and Gennifer Flowers?",
            "WALLACE",
            ":",
            "direct",
        ),
        (
            "The host pressed him.\n\nWALLACE: Do you really see those two as equivalent, "
            "Mark Cuban and Gennifer Flowers?\n\nPENCE: Well, look, Mark Cuban has been "
            "saying some tough stuff.",
            "Well, look, Mark Cuban has been saying some tough stuff",
            "PENCE",
            ":",
            "direct",
        ),
        # a quotation opened with a closing mark and signed with a dash
        (
            "Letters from readers.\n\n”Fear. I am truly afraid that he will win.” ― Edwin "
            "Monroy\n\nMore letters follow.",
            "”Fear. I am truly afraid that he will win.”",
            "Edwin Monroy",
            "―",
            "direct",
        ),
    ],
)
def test_general_constructions(
    nlp: Language, text: str, content: str, speaker: str, cue: str, kind: str
) -> None:
    record = _find(_quotes(nlp, text), content)
    assert record.text == content
    assert record.speaker_text == speaker
    assert record.cue_text == cue
    assert record.kind == kind


REFERENCE_SENTENCE = (
    "South Korea's Joint Chiefs of Staff said North Korea again flew trash-laden balloons "
    'toward the South early Monday and issued a statement warning the North "not to test '
    "our military's patience any further.\""
)


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue", "kind"),
    [
        # a cue noun with an appositive "that" clause and a possessor source
        (
            "Republicans dismissed Clinton's claim that the emails were never classified.",
            "that the emails were never classified",
            "Clinton's",
            "claim",
            "indirect",
        ),
        # a cue noun with a prepositional content, the speaker the subject of its verb
        (
            "The senator voiced concern about the cost of the program.",
            "the cost of the program",
            "The senator",
            "concern",
            "indirect",
        ),
        (
            "Trump's disdain for super PACs is well known.",
            "super PACs",
            "Trump's",
            "disdain",
            "indirect",
        ),
        # stance adjectives: a source-like subject, or an expletive "it" with no source
        (
            "Officials were confident that the vote would pass.",
            "that the vote would pass",
            "Officials",
            "confident",
            "indirect",
        ),
        (
            "It is clear that the deal will not survive the election.",
            "that the deal will not survive the election",
            None,
            "clear",
            "indirect",
        ),
        # an object-frame cue whose content is a single named object
        (
            "Obama endorsed Clinton at a rally in Philadelphia.",
            "Clinton",
            "Obama",
            "endorsed",
            "indirect",
        ),
        # a comma-set relative clause closing the content is the writer's aside
        (
            "Aides said the plan would pass, which surprised few.",
            "the plan would pass",
            "Aides",
            "said",
            "indirect",
        ),
        # an object-frame content stops at a comma-set participle of the writer
        (
            "The spokesman criticized the ruling, saying it ignored the evidence.",
            "the ruling",
            "The spokesman",
            "criticized",
            "indirect",
        ),
        # the reference article: the reported clause ends before the conjoined statement,
        # whose quotation is a direct quote of the same speaker
        (
            REFERENCE_SENTENCE,
            "North Korea again flew trash-laden balloons toward the South early Monday",
            "South Korea's Joint Chiefs of Staff",
            "said",
            "indirect",
        ),
        (
            REFERENCE_SENTENCE,
            '"not to test our military\'s patience any further."',
            "South Korea's Joint Chiefs of Staff",
            "warning",
            "direct",
        ),
    ],
)
def test_nominal_and_stance_constructions(
    nlp: Language, text: str, content: str, speaker: str | None, cue: str, kind: str
) -> None:
    record = _find(_quotes(nlp, text), content)
    assert record.text == content
    assert record.speaker_text == speaker
    assert record.cue_text == cue
    assert record.kind == kind


def test_reference_sentence_gives_two_attributions(nlp: Language) -> None:
    records = _quotes(nlp, REFERENCE_SENTENCE)
    assert sorted(r.kind for r in records) == ["direct", "indirect"]


def test_long_attribution_between_quotes_splits_them(nlp: Language) -> None:
    text = (
        "“These are strange days,” said Peter Morgan, a lawyer for the Sierra Club, who has "
        "been challenging the coal industry over water pollution issues for many years. "
        "“I am skeptical.”"
    )
    records = _quotes(nlp, text)
    first = _find(records, "strange days")
    assert first.text == "“These are strange days,”"
    assert first.speaker_text == "Peter Morgan"
    second = _find(records, "skeptical")
    assert second.text == "“I am skeptical.”"
    assert second.speaker_text == "Peter Morgan"


def test_multi_sentence_direct_quote(nlp: Language) -> None:
    text = "“We will rebuild. We will not leave. This is our home,” the mayor said on Sunday."
    record = _find(_quotes(nlp, text), "We will rebuild")
    assert record.text == "“We will rebuild. We will not leave. This is our home,”"
    assert record.speaker_text == "the mayor"
    assert record.kind == "direct"


def test_multi_paragraph_direct_quote(nlp: Language) -> None:
    text = (
        "The governor spoke after the vote.\n\n"
        "“This is a great day for the state,” she said. “We fought for years.\n\n"
        "“Now the work begins.”"
    )
    records = _quotes(nlp, text)
    last = _find(records, "Now the work begins")
    assert "We fought for years" in last.text
    assert last.speaker_text == "she"


def test_partial_quote_governed_by_cue_noun(nlp: Language) -> None:
    text = "The president renewed his call for a “limitless” expansion of the navy."
    record = _find(_quotes(nlp, text), "limitless")
    assert record.kind == "mixed"
    assert record.speaker_text == "The president"
    assert record.cue_text == "call"


def test_anonymous_group_keeps_text_without_entity(nlp: Language) -> None:
    record = _find(
        _quotes(nlp, "But some experts say a quick return to the talks is highly unlikely."),
        "a quick return",
    )
    assert record.speaker_text == "some experts"
    assert record.speaker_entity_id is None


def test_named_speaker_resolves_to_entity(nlp: Language) -> None:
    doc = nlp("Angela Merkel said the talks in Berlin had failed.")
    record = _find(list(extract_quotes(doc, doc_id="d")), "the talks")
    assert record.speaker_text == "Angela Merkel"
    names = {m.entity_id: m.entity_name for m in doc._.pl_mentions}
    assert names.get(record.speaker_entity_id) == "Angela Merkel"


def test_ids_are_deterministic(nlp: Language) -> None:
    text = "Officials said the bridge would reopen in May."
    first = [r.quote_id for r in _quotes(nlp, text)]
    assert first == [r.quote_id for r in _quotes(nlp, text)]
    assert len(set(first)) == len(first)


# --- the reference article -------------------------------------------------------------------

SEED_QUOTES = [
    # (text inside the content, speaker text, cue text, entity name or None)
    ("limitless", "North Korean leader Kim Jong Un", "call", "Kim Jong Un"),
    ("Asian NATO", "he", "portrayed", None),
    ("shock troops", "He", "insisted", None),
    (
        "He insisted that Washington",
        "the North's official Korean Central News Agency",
        "said",
        None,
    ),
    ("gangster-like U.S. threats", "he", "portrayed", None),
    ("bromance", "critics", "described", None),
    ("a quick return to 2018 is highly unlikely", "some experts", "say", None),
    ("relatively an independent issue", "Hwang Ildo", "wrote", "Hwang Ildo"),
    ("could also gain strength if Trump spikes tariffs", "Hwang", "said", "Hwang Ildo"),
    ("flew trash-laden balloons", "South Korea's Joint Chiefs of Staff", "said", None),
    ("not to test our military's patience", "South Korea's Joint Chiefs of Staff", None, None),
]


@pytest.fixture(scope="module")
def seed_records(nlp: Language, seed_text: str) -> tuple[Doc, list[QuoteRecord]]:
    doc = nlp(seed_text)
    return doc, list(extract_quotes(doc, doc_id="dseed"))


@pytest.mark.parametrize(("needle", "speaker", "cue", "entity"), SEED_QUOTES)
def test_reference_article_quotes(
    seed_records: tuple[Doc, list[QuoteRecord]],
    needle: str,
    speaker: str,
    cue: str | None,
    entity: str | None,
) -> None:
    doc, records = seed_records
    record = _find(records, needle)
    assert record.speaker_text == speaker
    if cue is not None:
        assert record.cue_text == cue
    if entity is not None:
        names = {m.entity_id: m.entity_name for m in doc._.pl_mentions}
        assert names.get(record.speaker_entity_id) == entity


# --- precision filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # an attitude verb inside reported content is part of the content, not a new report
        ("The mayor said that she thinks the video should be released soon.", "thinks"),
        # "spoke to X" names the addressee and "spoke for X" the time, neither the content
        (
            "Clinton communications director Jennifer Palmieri spoke to reporters on Friday.",
            "spoke",
        ),
        ("The two women spoke for about five minutes.", "spoke"),
        # a scare-quoted word with no complement around it is the writer's label
        ("I’d rather live in what he calls “hell” than live in a world like that.", "calls"),
    ],
)
def test_cue_gives_no_attribution(nlp: Language, text: str, absent: str) -> None:
    assert [r for r in _quotes(nlp, text) if r.cue_text == absent] == []


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue"),
    [
        # the outer attribution keeps the nested attitude in its content
        (
            "The mayor said that she thinks the video should be released soon.",
            "that she thinks the video should be released soon",
            "The mayor",
            "said",
        ),
        # "spoke about X": the object of the preposition is the content
        (
            "She spoke about her deep ties to black churches.",
            "about her deep ties to black churches",
            "She",
            "spoke",
        ),
        # a nested verb of saying is an attribution of its own (PolNeAR nests them)
        (
            "The agency said Kim insisted Washington was using Ukraine as its “shock troops.”",
            "Washington was using Ukraine as its “shock troops.”",
            "Kim",
            "insisted",
        ),
    ],
)
def test_nested_and_prepositional_attributions(
    nlp: Language, text: str, content: str, speaker: str, cue: str
) -> None:
    record = _find([r for r in _quotes(nlp, text) if r.cue_text == cue], content)
    assert record.text == content
    assert record.speaker_text == speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # the parser runs the sentence across the paragraph break before the quotation
        (
            "Both Mr. King and Mr. Schultz say RT's management has never told them what to "
            "say or not say.\n\n''I have never -- never -- been edited or had a show of mine "
            "not run,'' Mr. King, 82, told me.",
            "''I have never -- never -- been edited or had a show of mine not run,''",
            "Mr. King",
        ),
        (
            "That would prevent the kind of needless speculation that Mr. Trump has generated "
            "from ever again being an issue in a national election.\n\n''I think Trump and all "
            "candidates should do so,'' Douglas Holtz-Eakin, an economist and tax expert, told "
            "me this week.",
            "''I think Trump and all candidates should do so,''",
            "Douglas Holtz-Eakin",
        ),
    ],
)
def test_content_stays_in_the_paragraph_of_its_cue(
    nlp: Language, text: str, content: str, speaker: str
) -> None:
    records = _quotes(nlp, text)
    assert not [r for r in records if "\n\n" in r.text]
    record = _find(records, content)
    assert record.text == content
    assert record.speaker_text == speaker


@pytest.mark.parametrize(
    ("text", "first", "second", "speaker"),
    [
        # same cue, long attribution between the quotations: two contents, not one span
        (
            "''This isn't tax reform,'' said Douglas Holtz-Eakin, an economist who served as "
            "director of the Congressional Budget Office and is now president of the American "
            "Action Forum, a conservative, pro-growth advocacy group. ''It's anti-reform.''",
            "''This isn't tax reform,''",
            "''It's anti-reform.''",
            "Douglas Holtz-Eakin",
        ),
    ],
)
def test_same_cue_quotes_split_by_a_long_attribution(
    nlp: Language, text: str, first: str, second: str, speaker: str
) -> None:
    records = _quotes(nlp, text)
    assert _find(records, first).text == first
    assert _find(records, second).text == second
    assert _find(records, second).speaker_text == speaker


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # a cueless quotation after a reported clause that closes on a quote
        (
            "DuVernay said she felt the amendment was worth examining because “most people "
            "don’t know about that loop-hole,” she said. “We have no context for the current "
            "moment if we don’t know where we came from.”",
            "“We have no context for the current moment if we don’t know where we came from.”",
            "she",
        ),
        (
            "Sen. Claire McCaskill scolded him: “The scientific community is almost monolithic "
            "against you,” she said. “I don’t understand why you need to go there.”",
            "“I don’t understand why you need to go there.”",
            "she",
        ),
    ],
)
def test_cueless_quote_after_mixed_quote_inherits_speaker(
    nlp: Language, text: str, content: str, speaker: str
) -> None:
    record = _find(_quotes(nlp, text), content)
    assert record.text == content
    assert record.speaker_text == speaker
    assert record.kind == "direct"


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue", "kind"),
    [
        # a cue of the lexicon with an object or infinitive instead of its usual complement
        (
            "Republicans agreed to a third debate in Las Vegas.",
            "to a third debate in Las Vegas",
            "Republicans",
            "agreed",
            "indirect",
        ),
        # "called X Y" with the predicate noun past a phrase that closes the object
        (
            "At the forum, Clinton called her vote in favor of the Iraq War a mistake.",
            "her vote in favor of the Iraq War a mistake",
            "Clinton",
            "called",
            "indirect",
        ),
        # intention and evidence verbs and nouns
        (
            "The senator sought to delay the vote until after the election.",
            "to delay the vote until after the election",
            "The senator",
            "sought",
            "indirect",
        ),
        (
            "Lynch's decision to meet with Bill Clinton drew sharp criticism.",
            "to meet with Bill Clinton",
            "Lynch's",
            "decision",
            "indirect",
        ),
        # a headline that names its source before a colon
        (
            "Poll: Wealthy voters abandon the Republican Party for Hillary Clinton.\n\n"
            "A Bloomberg poll shows a shift.",
            "Wealthy voters abandon the Republican Party for Hillary Clinton",
            "Poll",
            ":",
            "direct",
        ),
        # the findings of a poll or study framed by an opening "in ..." phrase
        (
            "In the latest Washington Post poll, Clinton led Trump by five points among "
            "likely voters.",
            "Clinton led Trump by five points among likely voters",
            "the latest Washington Post poll",
            "In",
            "indirect",
        ),
        # "A, according to X, B": the clause before the phrase is the content
        (
            "The top 1 percent would see their incomes rise by as much as 19.9 percent, "
            "according to the Tax Foundation, more than twice what it projected for the "
            "middle class.",
            "The top 1 percent would see their incomes rise by as much as 19.9 percent",
            "the Tax Foundation",
            "according to",
            "indirect",
        ),
        # a clause before a semicolon or colon is the writer's, not the cue's complement
        (
            "It's an extremely unlikely scenario; Clinton's team says she'll continue her "
            "march toward Election Day later this week.",
            "she'll continue her march toward Election Day later this week",
            "Clinton's team",
            "says",
            "indirect",
        ),
        # a paragraph that ends "He said:" introduces the quotation after it
        (
            'Trump spoke about crime in Chicago.\n\nHe said:\n\n"We have to stop the '
            'violence. We have to bring back law and order."\n\nCritics disagreed.',
            '"We have to stop the violence. We have to bring back law and order."',
            "He",
            "said",
            "direct",
        ),
        # a conjoined turn of speech closes the reported clause before it
        (
            "She said fathers and parents who adopt would not be eligible for the paid "
            "leave, and when pressed on why the plan leaves out dads, the mother of three "
            "replied that it was meant for mothers.",
            "fathers and parents who adopt would not be eligible for the paid leave",
            "She",
            "said",
            "indirect",
        ),
        # "“A,” X said, “B”" is one attribution even when the parse reads B as the
        # complement of the cue
        (
            "“Every time you say that,” Tester said, referring to the excuse, “you give "
            "ammunition to the people who want to break up the big banks.”",
            "“Every time you say that,” Tester said, referring to the excuse, “you give "
            "ammunition to the people who want to break up the big banks.”",
            "Tester",
            "said",
            "direct",
        ),
    ],
)
def test_fallback_frames_and_framed_findings(
    nlp: Language, text: str, content: str, speaker: str, cue: str, kind: str
) -> None:
    record = _find(_quotes(nlp, text), content)
    assert record.text == content
    assert record.speaker_text == speaker
    assert record.cue_text == cue
    assert record.kind == kind


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # page furniture that opens a line with a colon is not a speaker
        (
            "Correction: An earlier version of this article misstated the date of the bill.",
            ":",
        ),
        # the object of a verb of telling is the addressee, not the content
        ("The general warned the North in a statement on Monday.", "warned"),
        # a clause before a verb outside the lexicon is not reported through it
        ("A big question remains, however, Mexico would retaliate.", "retaliate"),
        # an infinitive cue is part of another attribution's content, not one of its own
        (
            'North Korean leader Kim Jong Un renewed his call for a "limitless" expansion of '
            "his military nuclear program to counter U.S.-led threats in comments reported "
            "Monday.",
            "counter",
        ),
    ],
)
def test_furniture_addressees_and_opening_clauses_give_no_attribution(
    nlp: Language, text: str, absent: str
) -> None:
    assert [r for r in _quotes(nlp, text) if r.cue_text == absent] == []
