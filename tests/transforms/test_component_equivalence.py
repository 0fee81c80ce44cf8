"""The per-Doc caches and array shortcuts give what spaCy's own accessors give."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import spacy
from spacy.attrs import DEP, ENT_TYPE, LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from transforms.nlp.context import mention_at, noun_chunk_bounds, token_ids
from transforms.nlp.entities import Mention
from transforms.nlp.timex import resolve_time


@pytest.fixture(scope="module")
def docs(nlp: Language, seed_text: str, test_data: Path) -> list[Doc]:
    """The seed article and five Reuters articles through the full pipeline."""
    lines = (test_data / "ingest" / "reuters5.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [seed_text, *(json.loads(line)["text"] for line in lines if line.strip())]
    return list(nlp.pipe(texts))


def test_noun_chunk_bounds_match_spacy(docs: list[Doc]) -> None:
    for doc in docs:
        expected = [(chunk.start, chunk.end, chunk.root.i) for chunk in doc.noun_chunks]
        assert noun_chunk_bounds(doc) == expected


@pytest.mark.parametrize(
    ("attr", "name"),
    [(POS, "pos_"), (TAG, "tag_"), (DEP, "dep_"), (LEMMA, "lemma_"), (LOWER, "lower_")],
)
def test_token_ids_match_token_attributes(docs: list[Doc], attr: int, name: str) -> None:
    for doc in docs:
        strings = doc.vocab.strings
        assert [strings[i] for i in token_ids(doc, attr)] == [getattr(t, name) for t in doc]


def test_token_ids_refuse_entity_types(docs: list[Doc]) -> None:
    with pytest.raises(ValueError, match="not one of the cached"):
        token_ids(docs[0], ENT_TYPE)


def test_noun_chunks_need_a_parse() -> None:
    doc = spacy.blank("en")("The talks ended.")
    with pytest.raises(ValueError, match="E029"):
        noun_chunk_bounds(doc)


@pytest.mark.parametrize("text", ["Friday", "last week", "May 7, 2005", "three years ago"])
def test_resolve_time_same_for_date_and_datetime_anchor(text: str) -> None:
    assert resolve_time(text, datetime(2024, 11, 18, 9, 30)) == resolve_time(
        text, date(2024, 11, 18)
    )


def test_mention_at_follows_a_new_mention_list() -> None:
    doc = spacy.blank("en")("Kim met Moon in Seoul.")
    kim = Mention(0, 3, "Kim", "PERSON", "name", "PERSON|kim", "Kim", "PERSON", 0)
    doc._.pl_mentions = [kim]
    assert mention_at(doc, 0, 3) == kim
    moon = dataclasses.replace(kim, entity_key="PERSON|moon", entity_name="Moon")
    doc._.pl_mentions = [moon]
    assert mention_at(doc, 0, 3) == moon
