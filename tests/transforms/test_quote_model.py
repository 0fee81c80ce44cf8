"""The learned quote span model: its training corpus, its reader, and how its spans become
attributions beside the rules' (presslake_quotes_v2)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from transforms.nlp.lexicons import LexiconError
from transforms.nlp.pipeline import lexicon_sources, load_config
from transforms.nlp.quotes import QuoteExtractor, load_cues
from transforms.nlp.quotes.assemble import combine, learned_quotes
from transforms.nlp.quotes.learned import (
    LearnedSpan,
    parsed_spans_corpus,
    quote_model_v1,
    rule_tags,
)
from transforms.nlp.quotes.records import Quote

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _span(doc: Doc, label: str, words: str) -> LearnedSpan:
    start = doc.text.index(words)
    span = doc.char_span(start, start + len(words), alignment_mode="expand")
    assert span is not None
    return LearnedSpan(label, span.start, span.end)


def _piece(text: str, words: str) -> list[int]:
    start = text.index(words)
    return [start, start + len(words)]


# --- the training corpus -------------------------------------------------------------------


def test_corpus_splits_contents_at_sentences_and_leaves_nested_out(nlp: Language) -> None:
    corpus = _script("build_quote_corpus")
    text = (
        "The harbour master said the cranes were idle. Workers had gone home early. "
        "She added that the union claimed the wages were too low."
    )
    outer = "the cranes were idle. Workers had gone home early"
    nested = "the wages were too low"
    record = {
        "id": "written-1",
        "text": text,
        "annotations": [
            {
                "attributions": [
                    {
                        "source": {"spans": [_piece(text, "The harbour master")]},
                        "cue": {"spans": [_piece(text, "said")]},
                        "content": {"spans": [_piece(text, outer)]},
                    },
                    {
                        "source": {"spans": [_piece(text, "She")]},
                        "cue": {"spans": [_piece(text, "added")]},
                        "content": {
                            "spans": [_piece(text, "that the union claimed the wages were too low")]
                        },
                    },
                    {
                        "source": {"spans": [_piece(text, "the union")]},
                        "cue": {"spans": [_piece(text, "claimed")]},
                        "content": {"spans": [_piece(text, nested)]},
                    },
                ]
            }
        ],
    }
    from collections import Counter

    counts: Counter[str] = Counter()
    doc = nlp(text)
    spans = corpus.gold_spans(doc, record, counts)
    contents = [s.text for s in spans if s.label_ == "CONTENT"]
    # the two-sentence content is two pieces, one per sentence of the parse
    assert contents[:2] == ["the cranes were idle.", "Workers had gone home early"]
    assert "the wages were too low" not in contents
    assert counts["nested or overlapping, left out"] == 1
    assert [s.text for s in spans if s.label_ == "CUE"] == ["said", "added"]


def test_reader_gives_the_model_its_features_and_the_gold_spans(
    nlp: Language, tmp_path: Path
) -> None:
    doc = nlp("The mayor said the bridge would open in spring.")
    tags = rule_tags(doc, QuoteExtractor(load_cues()).find(doc))
    doc.user_data.clear()
    doc.user_data.update({"rule_tags": tags, "tensor": doc.tensor})
    doc.set_ents([doc.char_span(0, 9, label="SOURCE")], default="outside")
    DocBin(docs=[doc], store_user_data=True).to_disk(tmp_path / "one.spacy")
    [example] = list(parsed_spans_corpus(tmp_path / "one.spacy")(nlp))
    predicted = example.predicted
    assert [t.dep_ for t in predicted] == [t.dep_ for t in doc]
    assert predicted.tensor.shape == doc.tensor.shape
    # the rules' labels, and the clause features: "bridge" is in the complement of "said"
    assert [t.lemma_ for t in predicted][2:4] == ["CUE", "C-indirect"]
    assert predicted[4].norm_ == "ccomp>say"
    assert predicted[4].tag_ == "open"
    assert all(t.ent_iob == 0 for t in predicted)  # missing, not outside
    assert [(e.text, e.label_) for e in example.reference.ents] == [("The mayor", "SOURCE")]


# --- from spans to attributions ------------------------------------------------------------


def test_pieces_around_a_cue_join_into_one_attribution(nlp: Language) -> None:
    text = "“We will finish the ferry pier,” the harbour chief said, “and nobody will pay more.”"
    doc = nlp(text)
    spans = [
        _span(doc, "CONTENT", "“We will finish the ferry pier,”"),
        _span(doc, "SOURCE", "the harbour chief"),
        _span(doc, "CUE", "said"),
        _span(doc, "CONTENT", "“and nobody will pay more.”"),
    ]
    [quote] = learned_quotes(doc, spans)
    assert text[quote.start_char : quote.end_char] == text
    assert text[quote.speaker_start : quote.speaker_end] == "the harbour chief"
    assert text[quote.cue_start : quote.cue_end] == "said"
    assert quote.kind == "direct"


def test_a_cue_without_a_source_span_takes_its_subject(nlp: Language) -> None:
    text = "The fishing council warned that the quotas would fall again next season."
    doc = nlp(text)
    spans = [
        _span(doc, "CUE", "warned"),
        _span(doc, "CONTENT", "that the quotas would fall again next season"),
    ]
    [quote] = learned_quotes(doc, spans, load_cues())
    assert text[quote.speaker_start : quote.speaker_end] == "The fishing council"
    assert quote.kind == "indirect"


def test_a_relative_pronoun_alone_is_no_content(nlp: Language) -> None:
    text = "The levy, which the harbour board described as a tax on fishing, ends in June."
    doc = nlp(text)
    spans = [
        _span(doc, "CONTENT", "which"),
        _span(doc, "SOURCE", "the harbour board"),
        _span(doc, "CUE", "described"),
    ]
    assert learned_quotes(doc, spans, load_cues()) == []


def test_union_keeps_the_rules_and_adds_what_they_miss(nlp: Language) -> None:
    text = (
        "The ferry operator said the timetable would change in May. "
        "Its engineers reckon the old hull can last another decade."
    )
    doc = nlp(text)
    rule = Quote(
        start_char=text.index("the timetable"),
        end_char=text.index(" in May") + len(" in May"),
        kind="indirect",
        speaker_start=0,
        speaker_end=len("The ferry operator"),
        cue_start=text.index("said"),
        cue_end=text.index("said") + 4,
        sentence_index=0,
        confidence=0.9,
    )
    spans = [
        _span(doc, "CONTENT", "the timetable would change"),  # overlaps the rule: dropped
        _span(doc, "SOURCE", "Its engineers"),
        _span(doc, "CUE", "reckon"),
        _span(doc, "CONTENT", "the old hull can last another decade"),
    ]
    quotes = combine(doc, [rule], spans, strategy="union")
    assert quotes[0] == rule
    assert [text[q.start_char : q.end_char] for q in quotes[1:]] == [
        "the old hull can last another decade"
    ]
    with pytest.raises(ValueError, match="unknown strategy"):
        combine(doc, [rule], spans, strategy="majority")


# --- the packaged model --------------------------------------------------------------------


def test_model_directory_without_weights_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=str(tmp_path)):
        quote_model_v1(path=str(tmp_path))


def test_pipeline_version_reads_the_model_weights() -> None:
    paths = [s.path for s in lexicon_sources(load_config())]
    assert any(p.endswith("quotes/model") for p in paths)


def test_packaged_model_predicts_spans_of_the_three_labels(nlp: Language) -> None:
    doc = nlp(
        "The river authority said on Monday that the flood barrier had held. "
        "“It did exactly what it was built for,” its chief engineer told reporters."
    )
    model = nlp.get_pipe("presslake_quotes").model
    [spans] = list(model.spans([(doc, QuoteExtractor(load_cues()).find(doc))]))
    assert {s.label for s in spans} == {"CONTENT", "CUE", "SOURCE"}


def test_installed_model_keeps_no_strings_of_the_train_articles(tmp_path: Path) -> None:
    trainer = _script("train_quote_model")
    trained = tmp_path / "model-best"
    (trained / "vocab").mkdir(parents=True)
    (trained / "vocab" / "strings.json").write_text('["CONTENT", "Weltraum", "harbour"]')
    (trained / "config.cfg").write_text("[nlp]\n")
    trainer.install(trained, tmp_path / "installed")
    strings = (tmp_path / "installed" / "vocab" / "strings.json").read_text()
    assert json.loads(strings) == ["CONTENT", "CUE", "SOURCE"]
    assert (tmp_path / "installed" / "config.cfg").read_text() == "[nlp]\n"


def test_heldout_articles_are_chosen_by_their_id() -> None:
    corpus = _script("build_quote_corpus")
    ids = [f"outlet_2016-01-{n:02d}_story" for n in range(1, 31)]
    held = [i for i in ids if corpus.in_heldout(i, 10)]
    assert held == [i for i in ids if corpus.in_heldout(i, 10)]
    assert 0 < len(held) < len(ids)
