"""Lexicons as data: one reader, one error type, and a user's own lexicons through the config.

The sentences are written for these tests; "snarfle" and "Zentrovia" are made-up words, so
only a user lexicon can make them a cue, an event type or an entity.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from spacy.language import Language

from tests.user_lexicons import (
    CUE_SENTENCE,
    ENTITY_SENTENCE,
    EVENT_SENTENCE,
    write_user_config,
    write_user_lexicons,
)
from transforms.nlp.entities import extract_entity_mentions
from transforms.nlp.events import EventExtractor, extract_events, load_lexicon
from transforms.nlp.lexicons import (
    LexiconError,
    packaged,
    read_table,
    read_word_classes,
)
from transforms.nlp.pipeline import build_pipeline, pipeline_version
from transforms.nlp.quotes import QuoteExtractor, extract_quotes, load_cues

ROOT = Path(__file__).resolve().parents[2]
# ---- the reader


def test_reader_names_file_and_line_of_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "cues.tsv"
    path.write_text("# comment\nlemma\tpos\tframes\tconfidence\nsay\tVERB\tc\t0.9\nsay\tVERB\n")
    with pytest.raises(LexiconError, match=rf"{path}:4: empty frames, confidence"):
        read_table(path, columns=("lemma", "pos", "frames", "confidence"))


def test_reader_refuses_a_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text("# comment\nlemma\tclass\nsay\tspeech\n")
    with pytest.raises(LexiconError, match=rf"{path}:2: header should be 'word<TAB>class'"):
        read_table(path, columns=("word", "class"))


def test_unknown_class_in_a_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text("word\tclass\nannounce\tspeech\nproclaim\tspeach\n")
    with pytest.raises(LexiconError, match=rf"{path}:3: unknown word class 'speach'"):
        read_word_classes(path, known=("speech", "light"))


def test_unknown_class_name_asked_for_is_an_error() -> None:
    lexicon = load_lexicon()
    assert "say" in lexicon.words("speech")
    with pytest.raises(LexiconError, match="unknown word class 'speach'"):
        lexicon.words("speach")


def test_missing_lexicon_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.tsv"
    with pytest.raises(LexiconError, match=rf"{missing}: file not found"):
        load_cues(path=missing)


def test_unknown_plover_type_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "plover.tsv"
    path.write_text("lemma\tpos\tpattern\ttype\nattack\tVERB\t\tASSAULT\nhug\tVERB\t\tEMBRACE\n")
    with pytest.raises(LexiconError, match=rf"{path}:3: unknown type 'EMBRACE'"):
        load_lexicon(path)


def test_every_packaged_lexicon_file_has_a_header() -> None:
    for path in sorted(packaged("").rglob("*.tsv")):
        if path.name == "country_extras.tsv":
            continue  # input of scripts/build_gazetteers.py, not read by the pipeline
        lines = [line for line in path.read_text().splitlines() if line and line[0] != "#"]
        header = lines[0].split("\t")
        assert all(cell.isidentifier() for cell in header), (path, lines[0])


#: String collections of more than 10 items that are not word lists: label schemes, the
#: class names of lexicon files, HTML vocabulary, date formats and export lists.
_NOT_WORD_LISTS = {
    ("nlp/entities/records.py", "ENTITY_LABELS"),
    ("nlp/entities/names.py", "_LABEL_PREFERENCE"),
    ("nlp/entities/ruler.py", "_QUOTES"),
    ("nlp/events/lexicon.py", "PLOVER_TYPES"),
    ("nlp/time_values.py", "_CALENDAR_CLASSES"),
    ("text/dates.py", "_STRPTIME_FORMATS"),
    ("text/html.py", "_DATE_META"),
    ("text/html.py", "_BLOCK_TAGS"),
}


def _long_string_collections(path: Path) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        for inner in ast.walk(node.value) if node.value is not None else []:
            elts = inner.keys if isinstance(inner, ast.Dict) else getattr(inner, "elts", None)
            if (
                isinstance(inner, ast.Set | ast.List | ast.Tuple | ast.Dict)
                and elts is not None
                and len(elts) > 10
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elts)
            ):
                found.extend((name, inner.lineno) for name in names)
    return found


def test_no_word_list_of_more_than_ten_items_is_left_in_python() -> None:
    package = ROOT / "transforms"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        for name, line in _long_string_collections(path):
            if name in {"__all__", "__slots__"} or name.endswith("WORD_CLASSES"):
                continue
            if (relative, name) not in _NOT_WORD_LISTS:
                offenders.append(f"{relative}:{line} {name}")
    assert offenders == []


def test_the_scan_finds_a_word_list(tmp_path: Path) -> None:
    path = tmp_path / "module.py"
    words = ", ".join(f'"w{k}"' for k in range(11))
    path.write_text(f"_WORDS = frozenset({{{words}}})\n")
    assert _long_string_collections(path) == [("_WORDS", 1)]


# ---- a user's own lexicons


def test_user_cue_verb_makes_a_quote(nlp: Language, tmp_path: Path) -> None:
    doc = nlp(CUE_SENTENCE)
    assert list(extract_quotes(doc, doc_id="d")) == []
    user = write_user_lexicons(tmp_path)
    doc._.pl_quotes = None
    QuoteExtractor(load_cues(path=user["cues"]))(doc)
    (quote,) = extract_quotes(doc, doc_id="d")
    assert (quote.speaker_text, quote.cue_text) == ("Mayor Tilda Okonkwo", "snarfled")
    assert quote.text == "the budget as reckless and unfair to pensioners"


@pytest.fixture(scope="module")
def user_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    """The pipeline built from a user config whose lexicons each add one entry."""
    root = tmp_path_factory.mktemp("user-lexicons")
    config = write_user_config(root, write_user_lexicons(root))
    return build_pipeline(config_path=config)


def _types(nlp: Language, text: str) -> dict[str, str]:
    doc = nlp(text)
    return {
        e.trigger_text: e.event_type for e in extract_events(doc, doc_id="d", published_at=None)
    }


def test_user_plover_mapping_changes_the_event_type(nlp: Language, user_nlp: Language) -> None:
    assert _types(nlp, EVENT_SENTENCE)["snarfled"] == "OTHER"
    assert _types(user_nlp, EVENT_SENTENCE)["snarfled"] == "ASSAULT"


def test_user_gazetteer_entry_makes_a_new_entity(nlp: Language, user_nlp: Language) -> None:
    key = "ORG|zentrovia mining board"

    def keys(pipeline: Language) -> dict[str, str]:
        rows = extract_entity_mentions(pipeline(ENTITY_SENTENCE), doc_id="d")
        return {r.text: r.entity_key for r in rows}

    assert key not in keys(nlp).values()
    found = keys(user_nlp)
    assert found.get("Zentro") == key


def test_pipeline_version_hashes_the_lexicons_in_use(tmp_path: Path) -> None:
    lexicons = write_user_lexicons(tmp_path)
    config = write_user_config(tmp_path, lexicons)
    before = pipeline_version(config_path=config)
    assert before != pipeline_version()
    assert pipeline_version(config_path=config) == before
    # One more cue row in the user's file, the config unchanged: another version.
    with lexicons["cues"].open("a") as out:
        out.write("blorfe\tVERB\tc\t0.7\n")
    assert pipeline_version(config_path=config) != before


def test_event_extractor_reads_a_user_lexicon(nlp: Language, tmp_path: Path) -> None:
    user = write_user_lexicons(tmp_path)
    doc = nlp(EVENT_SENTENCE)
    (event,) = [e for e in EventExtractor(load_lexicon(user["plover"])).events(doc)
                if e.trigger_text == "snarfled"]  # fmt: skip
    assert event.event_type == "ASSAULT"
