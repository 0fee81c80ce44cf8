"""Entity ruler, resolution within a document and stable ids across documents."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from schemas.tables import ENTITY_MENTIONS
from transforms.ids import entity_id_for
from transforms.nlp.context import mention_at, sentence_index_at
from transforms.nlp.entities import (
    Mention,
    MentionRecord,
    correct_span,
    entity_keys,
    extract_entity_mentions,
    load_gazetteer,
    make_key,
    norm,
)

ROOT = Path(__file__).resolve().parents[2]


def _forms(doc: Doc, key: str) -> set[str]:
    return {m.text for m in doc._.pl_mentions if m.entity_key == key}


def _kinds(doc: Doc, key: str) -> dict[str, str]:
    return {m.text: m.kind for m in doc._.pl_mentions if m.entity_key == key}


# --- the reference article ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_doc(nlp: Language, seed_text: str) -> Doc:
    with nlp.select_pipes(
        enable=[
            p
            for p in nlp.pipe_names
            if "quotes" not in p and "events" not in p and "timex" not in p
        ]
    ):
        return nlp(seed_text)


@pytest.mark.parametrize(
    ("key", "forms"),
    [
        ("PERSON|kim jong un", {"Kim Jong Un", "Kim", "North Korean leader", "his", "he", "He"}),
        ("PERSON|donald trump", {"Donald Trump", "Trump"}),
        ("PERSON|vladimir putin", {"Vladimir Putin", "Russian President"}),
        (
            "PERSON|hwang ildo",
            {"Hwang Ildo", "Hwang", "a professor at South Korea's National Diplomatic Academy"},
        ),
        ("GPE|united states", {"U.S.", "United States", "Washington"}),
        ("GPE|north korea", {"North Korea", "North", "Pyongyang", "North Korean"}),
        ("GPE|south korea", {"South Korea", "South", "Seoul"}),
        ("GPE|russia", {"Russia", "Moscow", "Russian"}),
        ("GPE|japan", {"Japan"}),
        ("GPE|ukraine", {"Ukraine"}),
        ("GPE|china", {"China"}),
        ("ORG|korean central news agency", {"Korean Central News Agency", "KCNA"}),
        ("ORG|joint chiefs of staff", {"Joint Chiefs of Staff"}),
        ("ORG|national diplomatic academy", {"National Diplomatic Academy"}),
    ],
)
def test_seed_article_entities(seed_doc: Doc, key: str, forms: set[str]) -> None:
    assert forms <= _forms(seed_doc, key)


def test_seed_article_mention_kinds(seed_doc: Doc) -> None:
    kim = _kinds(seed_doc, "PERSON|kim jong un")
    assert kim["Kim Jong Un"] == "name"
    assert kim["he"] == "pronoun"
    assert kim["North Korean leader"] == "description"
    hwang = _kinds(seed_doc, "PERSON|hwang ildo")
    assert hwang["a professor at South Korea's National Diplomatic Academy"] == "description"


def test_seed_article_no_split_entities(seed_doc: Doc) -> None:
    keys = entity_keys(seed_doc._.pl_mentions)
    assert "ORG|trump" not in keys
    assert "GPE|hwang ildo" not in keys
    assert not any(k.startswith("GPE|u.s") or k == "GPE|washington" for k in keys)
    # The quote mark and article the model swallows are not part of the name.
    assert "Asian NATO" in {m.text for m in seed_doc._.pl_mentions}


def test_seed_article_nothing_wrong_attached(seed_doc: Doc) -> None:
    for m in seed_doc._.pl_mentions:
        assert seed_doc.text[m.start_char : m.end_char] == m.text
        if m.kind == "pronoun" and m.text.lower() in {"he", "his", "him"}:
            assert m.entity_type == "PERSON"
        if m.text in {"Trump", "Donald Trump"}:
            assert m.entity_key == "PERSON|donald trump"


# --- real sentences ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "key", "kind"),
    [
        (
            "President Donald Trump met Putin on Monday.",
            "Donald Trump",
            "PERSON|donald trump",
            "name",
        ),
        ("President Donald Trump met Putin on Monday.", "Putin", "PERSON|vladimir putin", "name"),
        ("The U.S. said it would respond.", "U.S.", "GPE|united states", "name"),
        ("Officials in America were alarmed.", "America", "GPE|united states", "name"),
        ("Washington condemned the launch on Friday.", "Washington", "GPE|united states", "name"),
        (
            "She moved to Washington in 2019 and opened a bakery there.",
            "Washington",
            "GPE|washington",
            "name",
        ),
        ("Moscow rejected the offer.", "Moscow", "GPE|russia", "name"),
        ("Russian troops crossed the border.", "Russian", "GPE|russia", "name"),
        (
            "Hwang Ildo, a professor at Seoul National University, said the talks failed. "
            "The professor added that he was not surprised.",
            "The professor",
            "PERSON|hwang ildo",
            "description",
        ),
        (
            "Hwang Ildo, a professor at Seoul National University, said the talks failed. "
            "The professor added that he was not surprised.",
            "he",
            "PERSON|hwang ildo",
            "pronoun",
        ),
        (
            "The Korean Central News Agency reported the launch. The agency said the missile "
            "flew 1,000 kilometers.",
            "The agency",
            "ORG|korean central news agency",
            "description",
        ),
        (
            "North Korea fired two missiles. The South condemned the launch.",
            "South",
            "GPE|south korea",
            "name",
        ),
        (
            "Kim Jong Un inspected the factory. Kim said production must grow.",
            "Kim",
            "PERSON|kim jong un",
            "name",
        ),
        ('He called the alliance an "Asian NATO" in his speech.', "Asian NATO", None, "name"),
    ],
)
def test_resolution_on_sentences(
    nlp: Language, text: str, surface: str, key: str | None, kind: str
) -> None:
    doc = nlp(text)
    found = [m for m in doc._.pl_mentions if m.text == surface]
    assert found, f"no mention {surface!r} in {[m.text for m in doc._.pl_mentions]}"
    if key is not None:
        assert found[0].entity_key == key
    assert found[0].kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "Trump and Biden debated. He said the economy was strong.",  # two people: ambiguous
        "The company reported a loss. It blamed the weather.",  # no entity antecedent
    ],
)
def test_ambiguous_pronouns_stay_unresolved(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert not [m for m in doc._.pl_mentions if m.kind == "pronoun"]


def test_same_entity_same_id_across_documents(nlp: Language) -> None:
    a, b = nlp.pipe(
        [
            "The U.S. imposed new sanctions, and President Vladimir Putin objected.",
            "Putin met officials from the United States in Moscow.",
        ]
    )
    us_a = {m.entity_id for m in a._.pl_mentions if m.text == "U.S."}
    us_b = {m.entity_id for m in b._.pl_mentions if m.text == "United States"}
    assert us_a == us_b == {entity_id_for("GPE|united states")}
    putin_a = {m.entity_id for m in a._.pl_mentions if m.text == "Vladimir Putin"}
    putin_b = {m.entity_id for m in b._.pl_mentions if m.text == "Putin"}
    assert putin_a == putin_b == {entity_id_for("PERSON|vladimir putin")}


# --- rules on hand-built Docs ------------------------------------------------------------


@pytest.fixture(scope="module")
def vocab_nlp() -> Language:
    return spacy.blank("en")


def _doc(vocab_nlp: Language, words: list[str], tags: list[str] | None = None) -> Doc:
    spaces = [True] * len(words)
    for i, word in enumerate(words):
        if word == "\n" or (i + 1 < len(words) and words[i + 1] in {"'s", "\n", '"'}):
            spaces[i] = False
    return Doc(vocab_nlp.vocab, words=words, spaces=spaces, tags=tags)


@pytest.mark.parametrize(
    ("words", "start", "end", "label", "expected"),
    [
        (["Durham", "114", "all", "out"], 0, 2, "PERSON", ["Durham"]),
        (["President", "Joe", "Biden", "spoke"], 0, 3, "PERSON", ["Joe Biden"]),
        (["Prime", "Minister", "Kishida", "spoke"], 0, 3, "PERSON", ["Kishida"]),
        (["an", '"', "Asian", "NATO", "bloc"], 0, 4, "ORG", ["Asian NATO"]),
        (["Major", "League", "\n", "Baseball"], 0, 4, "ORG", ["Major League", "Baseball"]),
        (["Romania", "-", "Cosmin", "Contra"], 0, 4, "ORG", ["Romania", "Cosmin Contra"]),
        (["Euro", "96", "final"], 0, 2, "EVENT", ["Euro 96"]),
        (["the", "United", "States"], 0, 3, "GPE", ["United States"]),
    ],
)
def test_correct_span(
    vocab_nlp: Language,
    words: list[str],
    start: int,
    end: int,
    label: str,
    expected: list[str],
) -> None:
    doc = _doc(vocab_nlp, words)
    spans = correct_span(doc, start, end, label, load_gazetteer())
    assert [s.text for s in spans] == expected
    assert all(s.label_ == label for s in spans)


def test_correct_span_drops_possessive(vocab_nlp: Language) -> None:
    doc = _doc(vocab_nlp, ["Trump", "'s", "win"], tags=["NNP", "POS", "NN"])
    assert [s.text for s in correct_span(doc, 0, 2, "PERSON", load_gazetteer())] == ["Trump"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the United States", "united states"),
        ("Trump’s", "trump"),
        ("Bogotá", "bogota"),
        ("  Kim\nJong  Un ", "kim jong un"),
    ],
)
def test_norm(text: str, expected: str) -> None:
    assert norm(text) == expected


def test_gazetteer_aliases_share_keys() -> None:
    gaz = load_gazetteer()
    assert gaz.names["u.s."].key == gaz.names["united states"].key == "GPE|united states"
    assert make_key("GPE", "The United States") == "GPE|united states"
    assert gaz.demonyms["north korean"].name == "North Korea"
    assert gaz.capitals["pyongyang"].name == "North Korea"
    assert gaz.names["kcna"].name == "Korean Central News Agency"
    assert gaz.surnames["trump"].name == "Donald Trump"


def _mention(start: int, end: int, text: str, kind: str, key: str) -> Mention:
    return Mention(start, end, text, "PERSON", kind, key, key.split("|")[1], "PERSON", 0)


def test_mention_at_prefers_name_covering_head(vocab_nlp: Language) -> None:
    doc = _doc(vocab_nlp, ["North", "Korean", "leader", "Kim", "Jong", "Un", "spoke"])
    doc._.pl_mentions = [
        _mention(0, 19, "North Korean leader", "description", "PERSON|kim jong un"),
        _mention(20, 31, "Kim Jong Un", "name", "PERSON|kim jong un"),
    ]
    found = mention_at(doc, 0, 31)
    assert found is not None
    assert found.kind in {"name", "description"}
    assert found.entity_key == "PERSON|kim jong un"
    assert mention_at(doc, 20, 23) is not None  # inside a longer mention
    assert mention_at(doc, 32, 37) is None


def test_extract_rows_match_schema(nlp: Language) -> None:
    doc = nlp("Kim Jong Un met Donald Trump in Singapore. He praised Trump.")
    rows = list(extract_entity_mentions(doc, doc_id="d1"))
    assert [f.name for f in dataclasses.fields(MentionRecord)] == ENTITY_MENTIONS.names
    assert {r.mention_kind for r in rows} >= {"name", "pronoun"}
    assert len({r.mention_id for r in rows}) == len(rows)
    for r in rows:
        assert doc.text[r.start_char : r.end_char] == r.text
        assert r.sentence_index == sentence_index_at(doc, r.start_char)
        assert r.entity_id == entity_id_for(r.entity_key)


def test_pipeline_order(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("ner") < names.index("presslake_entity_ruler")
    assert names.index("presslake_entity_ruler") < names.index("presslake_entities")
    assert names.index("presslake_entities") < names.index("presslake_quotes")


def test_country_gazetteer_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteers.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_entity_spans_are_valid(nlp: Language) -> None:
    doc = nlp("LONDON 1996-08-30\nEngland beat Pakistan at The Oval .")
    for ent in doc.ents:
        assert ent.text == ent.text.strip()
    places = {m.text: m.entity_key for m in doc._.pl_mentions}
    assert places.get("LONDON") == "GPE|london"


@pytest.mark.parametrize(
    "text",
    [
        "Shr 35 cts vs 28 cts, net income rose to 4.5 mln dlrs.",
        "Qtly div 15 cts vs 15 cts prior, pay April 10.",
    ],
)
def test_lowercase_abbreviations_are_not_entities(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert not [m.text for m in doc._.pl_mentions if m.text.islower() and m.kind == "name"]


@pytest.mark.parametrize(
    ("headline", "linked"),
    [
        ("Dutch finance minister backs new bank levy", True),
        ("A finance minister backs new bank levy", False),  # indefinite: not the one described
    ],
)
def test_headline_role_refers_to_the_person_the_body_names(
    nlp: Language, headline: str, linked: bool
) -> None:
    text = (
        f"{headline}\n\nDutch finance minister Pieter Vos said on Monday that the levy would "
        "pass in the spring."
    )
    doc = nlp(text)
    in_headline = {
        m.text: m.entity_name
        for m in doc._.pl_mentions
        if m.kind == "description" and m.end_char <= len(headline)
    }
    if linked:
        assert in_headline == {"Dutch finance minister": "Pieter Vos"}
    else:
        assert in_headline == {}
