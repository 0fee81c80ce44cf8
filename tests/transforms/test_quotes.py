"""presslake_quotes_v1: direct, indirect and mixed quotes with their speakers."""

from __future__ import annotations

import dataclasses

import pytest
from spacy.language import Language
from spacy.tokens import Doc

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
            "“The new highway will split our village in two.” ― Tomas Lindqvist\n\nMore "
            "letters follow.",
            "“The new highway will split our village in two.”",
            "Tomas Lindqvist",
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
            "Investigators suspect that the fire started in the kitchen.",
            "that the fire started in the kitchen",
            "Investigators",
            "suspect",
            "indirect",
        ),
        (
            "Many residents feel that the new rules are stacked against them.",
            "that the new rules are stacked against them",
            "Many residents",
            "feel",
            "indirect",
        ),
        # transcript lines: "NAME: ..."
        (
            "The moderator turned to the challenger.\n\nHARRIS: Would you sign the water "
            "bill if it reached your desk next spring?\n\nDUNMORE: Well, frankly, the water "
            "bill has changed three times since March.",
            "Would you sign the water bill if it reached your desk next spring?",
            "HARRIS",
            ":",
            "direct",
        ),
        (
            "The moderator turned to the challenger.\n\nHARRIS: Would you sign the water "
            "bill if it reached your desk next spring?\n\nDUNMORE: Well, frankly, the water "
            "bill has changed three times since March.",
            "Well, frankly, the water bill has changed three times since March",
            "DUNMORE",
            ":",
            "direct",
        ),
        # a quotation opened with a closing mark and signed with a dash
        (
            "Letters from readers.\n\n”Shame. I am deeply ashamed of this council.” ― Agnes "
            "Whitcombe\n\nMore letters follow.",
            "”Shame. I am deeply ashamed of this council.”",
            "Agnes Whitcombe",
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
            "Regulators rejected the company's claim that the pipeline had never leaked.",
            "that the pipeline had never leaked",
            "the company's",
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
            "The minister's disdain for opinion polls is well known.",
            "opinion polls",
            "The minister's",
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
            "Merkel endorsed Scholz at a rally in Hamburg.",
            "Scholz",
            "Merkel",
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


def test_long_attribution_between_quotes_keeps_one_attribution(nlp: Language) -> None:
    # PolNeAR annotates the two quotations as one attribution (train: 25 of 28); too many
    # words of the writer between them to join them into one span: the longer one stays
    text = (
        "“The numbers do not add up,” said Laura Brennan, an accountant for the county "
        "auditor, who has been reviewing the transit agency's contracts since the spring of "
        "last year. “I have asked every office for the receipts.”"
    )
    records = _quotes(nlp, text)
    assert [(r.text, r.speaker_text, r.cue_text) for r in records if r.kind == "direct"] == [
        ("“I have asked every office for the receipts.”", "Laura Brennan", "said")
    ]


def test_short_attribution_between_quotes_joins_them(nlp: Language) -> None:
    text = "“The numbers do not add up,” Brennan said. “I have asked for the receipts.”"
    record = _find(_quotes(nlp, text), "receipts")
    assert record.text == text
    assert record.speaker_text == "Brennan"


def test_cue_between_quotations_in_the_first_cue_sentence_joins_them(nlp: Language) -> None:
    # "pointing" is the cue nearest the second quotation, but it belongs to the attribution
    # of "said": one attribution (here the first, longer quotation), not a second one
    text = (
        "“The old bridge will not survive another flood,” Ortega said, pointing to the "
        "cracked pillars along the eastern bank: “We have to close it before April.”"
    )
    records = [r for r in _quotes(nlp, text) if r.kind == "direct"]
    assert [(r.text, r.speaker_text, r.cue_text) for r in records] == [
        ("“The old bridge will not survive another flood,”", "Ortega", "said")
    ]


def test_quotation_inside_a_sentence_of_the_writer_inherits_no_speaker(nlp: Language) -> None:
    text = (
        "“We are not done with this city,” the coach said.\n\n"
        "For the fans in the stands, the last game of the year was "
        "“a season that makes every one of you proud again.”"
    )
    records = _quotes(nlp, text)
    assert [r.text for r in records if r.kind == "direct"] == ["“We are not done with this city,”"]


def test_content_with_words_of_the_writer_around_a_quotation_is_mixed(nlp: Language) -> None:
    text = "Later he praised the rookie goalkeeper, calling him a “true leader”, and left."
    record = _find(_quotes(nlp, text), "true leader")
    assert (record.text, record.kind, record.cue_text) == (
        "him a “true leader”",
        "mixed",
        "calling",
    )


def test_line_of_names_after_a_colon_is_no_turn_of_speech(nlp: Language) -> None:
    text = (
        "The panel met twice before the vote.\n\n"
        "Ohio: Ann Lee, Bo Park, Cy Diaz, Dee Fox, Ed Gray.\n\n"
        "Iowa: Fay Hill, Gus Ives, Hal Jones, Ida King."
    )
    assert [r.speaker_text for r in _quotes(nlp, text)] == []


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue"),
    [
        # a short exclamation or question is an utterance, not a scare-quoted label
        (
            "When the lights went out, a fan in the upper deck yelled: “Stay home!”",
            "“Stay home!”",
            "a fan in the upper deck",
            "yelled",
        ),
        (
            "The host listened to the answer and then asked, “Really?”",
            "“Really?”",
            "The host",
            "asked",
        ),
        # verbs of shouting and snapping are cues
        (
            "“You will pay for this,” the coach barked.",
            "“You will pay for this,”",
            "the coach",
            "barked",
        ),
    ],
)
def test_short_exclamations_and_manner_of_speaking_cues(
    nlp: Language, text: str, content: str, speaker: str, cue: str
) -> None:
    record = _find(_quotes(nlp, text), content.strip("“”,"))
    assert (record.text, record.speaker_text, record.cue_text, record.kind) == (
        content,
        speaker,
        cue,
        "direct",
    )


def test_cue_on_the_next_line_is_not_the_quotation_s(nlp: Language) -> None:
    # paragraphs separated by single line breaks: the cue of the next paragraph is not the
    # second quotation's, which continues the governor's attribution
    text = (
        "The governor spoke for an hour.\n"
        '"This is an illness," the governor said. "It is not a moral failing. We will pay '
        'for treatment in every county."\n'
        "Neither senator acknowledged the new clinics in their remarks."
    )
    record = _find(_quotes(nlp, text), "every county")
    assert record.speaker_text == "the governor"
    assert record.cue_text == "said"
    assert "This is an illness" in record.text


def test_long_fragment_inside_a_sentence_of_the_writer_is_no_direct_quote(nlp: Language) -> None:
    text = (
        "The new ad hits the mayor for taking “far more money from developers than from all "
        "the voters of this city” during the last campaign."
    )
    assert not any(r.kind == "direct" for r in _quotes(nlp, text))


def test_wire_series_label_before_a_colon_is_no_speaker(nlp: Language) -> None:
    text = (
        "The Latest: Farmers in two valleys vote on the new water plan\n\n"
        "Polls opened at seven in the morning in both valleys."
    )
    assert "The Latest" not in [r.speaker_text for r in _quotes(nlp, text)]


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
        ("The governor said that she thinks the audit should be published soon.", "thinks"),
        # "spoke to X" names the addressee and "spoke for X" the time, neither the content
        (
            "Campaign spokeswoman Maria Delgado spoke to reporters outside the court on Tuesday.",
            "spoke",
        ),
        ("The two ministers spoke for nearly an hour.", "spoke"),
        # a scare-quoted word with no complement around it is the writer's label
        pytest.param(
            "I’d rather keep farming what my neighbor calls “wasteland” than sell it.",
            "calls",
            marks=pytest.mark.xfail(
                strict=True,
                reason="the parse gives 'calls' a complement running past the scare quote",
            ),
        ),
    ],
)
def test_cue_gives_no_attribution(nlp: Language, text: str, absent: str) -> None:
    assert [r for r in _quotes(nlp, text) if r.cue_text == absent] == []


@pytest.mark.parametrize(
    ("text", "content", "speaker", "cue"),
    [
        # the outer attribution keeps the nested attitude in its content
        (
            "The governor said that she thinks the audit should be published soon.",
            "that she thinks the audit should be published soon",
            "The governor",
            "said",
        ),
        # "spoke about X": the object of the preposition is the content
        (
            "He spoke about his long friendship with the union leaders.",
            "about his long friendship with the union leaders",
            "He",
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
            "Both Ms. Ortiz and Mr. Berg say the station's owners have never pressured them "
            "over a story.\n\n''Nobody -- nobody -- has ever pulled one of my reports off the "
            "air,'' Ms. Ortiz, 64, told me.",
            "''Nobody -- nobody -- has ever pulled one of my reports off the air,''",
            "Ms. Ortiz",
        ),
        (
            "A disclosure rule would end the kind of guessing that the senator's silence has "
            "invited for months.\n\n''Every candidate should publish the full returns,'' "
            "Miriam Castellano, a tax lawyer and former auditor, told me this week.",
            "''Every candidate should publish the full returns,''",
            "Miriam Castellano",
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
        pytest.param(
            "''This is not a budget,'' said Harold Finch, an economist who ran the state "
            "revenue office for a decade and now leads the Center for Fiscal Clarity, a "
            "nonpartisan research group based in Denver. ''It is a wish list.''",
            "''This is not a budget,''",
            "''It is a wish list.''",
            "Harold Finch",
            marks=pytest.mark.xfail(
                strict=True,
                reason="an inverted speaker with a long coordinated apposition loses its cue",
            ),
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
            "Okafor said she believed the archive deserved funding because “students rarely "
            "see the original letters,” she said. “You cannot teach this history from "
            "summaries alone.”",
            "“You cannot teach this history from summaries alone.”",
            "she",
        ),
        pytest.param(
            "Rep. Dana Whitfield rebuked the witness: “Every engineer we asked disagrees with "
            "your estimate,” she said. “I cannot see why you keep repeating it.”",
            "“I cannot see why you keep repeating it.”",
            "she",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a clause before the colon is read as content and the two quotations "
                "are joined into one span",
            ),
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
            "The unions agreed to a second round of talks in Geneva.",
            "to a second round of talks in Geneva",
            "The unions",
            "agreed",
            "indirect",
        ),
        # "called X Y" with the predicate noun past a phrase that closes the object
        (
            "At the town hall, the governor called his veto of the school funding bill an error.",
            "his veto of the school funding bill an error",
            "the governor",
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
            "The mayor's decision to meet with the developers drew sharp criticism.",
            "to meet with the developers",
            "The mayor's",
            "decision",
            "indirect",
        ),
        # a headline that names its source before a colon
        (
            "Poll: Suburban voters drift toward the independent candidate in Ohio.\n\n"
            "A new statewide poll shows the change.",
            "Suburban voters drift toward the independent candidate in Ohio",
            "Poll",
            ":",
            "direct",
        ),
        # the findings of a poll or study framed by an opening "in ..." phrase
        (
            "In the latest Ipsos poll, Labour led the Conservatives by nine points among "
            "young voters.",
            "Labour led the Conservatives by nine points among young voters",
            "the latest Ipsos poll",
            "In",
            "indirect",
        ),
        # "A, according to X, B": the clause before the phrase is the content
        (
            "Rents in the capital would climb by as much as 12 percent next year, according "
            "to the housing ministry, nearly double what it forecast for the rest of the "
            "country.",
            "Rents in the capital would climb by as much as 12 percent next year",
            "the housing ministry",
            "according to",
            "indirect",
        ),
        # a clause before a semicolon or colon is the writer's, not the cue's complement
        (
            "It's a remote possibility; the mayor's office says she'll keep campaigning "
            "across the county through the weekend.",
            "she'll keep campaigning across the county through the weekend",
            "the mayor's office",
            "says",
            "indirect",
        ),
        # a paragraph that ends "He said:" introduces the quotation after it
        (
            'The chancellor spoke about the deficit in Frankfurt.\n\nShe said:\n\n"We will '
            'balance the books. We will not raise the sales tax."\n\nEconomists were divided.',
            '"We will balance the books. We will not raise the sales tax."',
            "She",
            "said",
            "direct",
        ),
        # a conjoined turn of speech closes the reported clause before it
        (
            "He said part-time workers and contractors would not qualify for the new "
            "pension, and when asked why the scheme excludes them, the finance minister "
            "replied that it was designed for full-time staff.",
            "part-time workers and contractors would not qualify for the new pension",
            "He",
            "said",
            "indirect",
        ),
        # "“A,” X said, “B”" is one attribution even when the parse reads B as the
        # complement of the cue
        pytest.param(
            "“Each time you repeat that,” Morales said, pointing at the chart, “you hand an "
            "argument to the people who want to close the mill.”",
            "“Each time you repeat that,” Morales said, pointing at the chart, “you hand an "
            "argument to the people who want to close the mill.”",
            "Morales",
            "said",
            "direct",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a participle aside between the pieces makes the joined span 'mixed'",
            ),
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
            "Correction: A previous version of this story gave the wrong name for the bridge.",
            ":",
        ),
        # the object of a verb of telling is the addressee, not the content
        ("The general warned the North in a statement on Monday.", "warned"),
        # a clause before a verb outside the lexicon is not reported through it
        ("A big risk remains, however, the suppliers would withdraw.", "withdraw"),
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


# --- rules fitted on PolNeAR train ------------------------------------------------------------


def test_mined_cues_fill_the_gaps_of_the_base_lexicon() -> None:
    cues = load_cues()
    # "comment" and "lament" are cues of the mined file only; "say" keeps its base row
    assert ("comment", "VERB") in cues
    assert ("lament", "VERB") in cues
    assert cues[("say", "VERB")].frames == "c"
    # rows given as text are the whole lexicon
    assert ("comment", "VERB") not in load_cues("say\tVERB\tc\t0.9\n")


def test_mined_cue_gives_an_attribution(nlp: Language) -> None:
    record = _find(
        _quotes(nlp, "The coach lamented that his young players had lost their nerve late."),
        "his young players",
    )
    assert record.speaker_text == "The coach"
    assert record.cue_text == "lamented"


def test_relative_pronoun_speaker_reaches_its_noun(nlp: Language) -> None:
    record = _find(
        _quotes(
            nlp,
            "Residents cheered Ms. Okafor, who said the new library would open in April.",
        ),
        "the new library would open",
    )
    assert record.speaker_text == "Ms. Okafor, who"
    assert record.kind == "indirect"


def test_long_quotation_after_a_colon_is_the_introducing_speaker(nlp: Language) -> None:
    text = (
        "The governor put it plainly at the ribbon cutting in Dover:\n\n"
        "“We will keep building schools in every county until every child in this state "
        "has a seat in a classroom near home.”"
    )
    record = _find(_quotes(nlp, text), "We will keep building schools")
    assert record.kind == "direct"
    assert record.speaker_text == "The governor"


def test_long_quotation_without_any_cue_is_still_a_direct_quote(nlp: Language) -> None:
    text = (
        "Flooding closed the valley road again.\n\n"
        "“Water came over the wall faster than anyone in the village had ever seen before, "
        "and we had nowhere to take the animals.”"
    )
    record = _find(_quotes(nlp, text), "Water came over the wall")
    assert record.kind == "direct"
    assert record.speaker_text is None


def test_short_title_with_a_full_stop_is_not_a_direct_quote(nlp: Language) -> None:
    records = _quotes(
        nlp, "“The vote is over,” the mayor told listeners of the radio program “Harbor Lights.”"
    )
    assert [r.text for r in records if r.kind == "direct"] == ["“The vote is over,”"]
