"""Entity corrections learned from annotated news: row names, sections, the learned tables,
and the learning script on a small train file of its own."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from spacy.language import Language

from transforms.nlp.entities import load_gazetteer
from transforms.nlp.entities.learned import (
    DROP,
    LearnedRules,
    RowWords,
    name_shape,
    row_name_chars,
    section_of,
)
from transforms.nlp.lexicons import DATA_DIR, LexiconError

ROOT = Path(__file__).resolve().parents[2]


def _names(text: str) -> list[tuple[str, str]]:
    gaz = load_gazetteer()
    words = RowWords(
        connectors=gaz.word_class("name_connector"), calendar=gaz.word_class("calendar_word")
    )
    return [(text[s:e], pos) for s, e, pos in row_name_chars(text, words)]


def test_row_names_of_tables_and_results() -> None:
    text = (
        "Fernhill Wanderers 3 2 1 0 7 2 7\n"
        "Quarry Vale 2 Brookmoor 1\n"
        "WESTHAVEN 1996-09-14\n"
        "The club paid 2 million for 3 players .\n"
        "8. Okonkwo 41:02.56\n"
    )
    assert _names(text) == [
        ("Fernhill Wanderers", "bol"),
        ("Quarry Vale", "bol"),
        ("Brookmoor", "num"),
        ("Okonkwo", "num"),
    ]


def test_row_names_need_numbers_on_the_line() -> None:
    assert _names("Lowfield Athletic won again on Sunday .\nMarsh Town 4 goals\n") == []


def test_row_names_skip_dates_and_keep_connectors() -> None:
    text = "September 14 fixtures 3 2\nVilla de Palmar 2 Brookmoor 2\n"
    assert _names(text) == [("Villa de Palmar", "bol"), ("Brookmoor", "num")]


def test_section_of_headline() -> None:
    assert section_of("SOCCER - LOWLAND LEAGUE TABLE .\nSome text") == "soccer"
    assert section_of("RUGBY LEAGUE - A HEADLINE\nx") == "rugby league"
    assert section_of("Ministers meet in a small town - report says\n") == ""


def test_name_shape() -> None:
    assert name_shape(["Ghana"], is_country=True) == "country"
    assert name_shape(["K.", "Mensah"], is_country=False) == "initial"
    assert name_shape(["WESTHAVEN"], is_country=False) == "caps1"
    assert name_shape(["Quarry", "Vale", "Rovers", "Reserves"], is_country=False) == "w3"


def test_packaged_tables_load() -> None:
    rules = load_gazetteer().learned
    assert rules.rows and rules.names and rules.sections
    assert "soccer" in rules.sections
    assert all(label == DROP or label.isupper() for label in rules.rows.values())


def test_results_of_a_soccer_report_are_clubs(nlp: Language) -> None:
    text = (
        "SOCCER - LOWLAND LEAGUE RESULTS .\n"
        "WESTHAVEN 1996-09-14\n"
        "Results of Lowland league matches played on Saturday :\n"
        "Quarry Vale 2 Brookmoor 1\n"
        "Fernhill Wanderers 0 Marsh Town 3\n"
    )
    with nlp.select_pipes(
        enable=[
            p for p in nlp.pipe_names if "presslake_entit" in p or not p.startswith("presslake")
        ]
    ):
        doc = nlp(text)
    labels = {ent.text: ent.label_ for ent in doc.ents}
    for club in ("Quarry Vale", "Brookmoor", "Fernhill Wanderers", "Marsh Town"):
        assert labels.get(club) == "ORG", (club, labels)


def test_a_city_in_ordinary_news_stays_a_place(nlp: Language) -> None:
    text = "Tourists filled the narrow streets of Barcelona during a long hot weekend in June."
    with nlp.select_pipes(
        enable=[
            p for p in nlp.pipe_names if "presslake_entit" in p or not p.startswith("presslake")
        ]
    ):
        doc = nlp(text)
    assert {ent.text: ent.label_ for ent in doc.ents}.get("Barcelona") == "GPE"


def _copy_gazetteer(tmp_path: Path) -> Path:
    target = tmp_path / "entities"
    shutil.copytree(DATA_DIR / "entities", target)
    return target


def test_bad_learned_label_names_file_and_line(tmp_path: Path) -> None:
    directory = _copy_gazetteer(tmp_path)
    path = directory / "learned_names.tsv"
    path.write_text(
        path.read_text(encoding="utf-8") + "Brookmoor\ttext\tCLUB\t4\tORG:4\n", encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"learned_names\.tsv.*CLUB"):
        load_gazetteer(directory)


def test_gazetteer_without_learned_tables(tmp_path: Path) -> None:
    directory = _copy_gazetteer(tmp_path)
    for path in directory.glob("learned_*.tsv"):
        path.unlink()
    rules = load_gazetteer(directory).learned
    assert rules == LearnedRules()


def _learning_script():
    spec = importlib.util.spec_from_file_location(
        "learn_entity_rules", ROOT / "scripts" / "learn_entity_rules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(index: int, home: str, away: str, third: str) -> dict[str, object]:
    """A made-up results report in the CoNLL train format, with its gold entities."""
    text = "SOCCER - LOWLAND LEAGUE RESULTS .\nWESTHAVEN 1996-09-14"
    entities = [{"start": 34, "end": 43, "type": "LOC"}]
    for first, second, score in ((home, away, "2 1"), (away, third, "0 0"), (third, home, "3 1")):
        goals = score.split()
        line_start = len(text) + 1
        text += f"\n{first} {goals[0]} {second} {goals[1]}"
        entities.append({"start": line_start, "end": line_start + len(first), "type": "ORG"})
        at = line_start + len(first) + len(goals[0]) + 2
        entities.append({"start": at, "end": at + len(second), "type": "ORG"})
    # Prose lines make the cleaner keep the lines as they are (no hard wraps to undo).
    text += "\nThe league resumes after a two-week break .\nThe leaders won on goal difference ."
    for e in entities:
        e["text"] = text[e["start"] : e["end"]]
        e["wikidata"] = None
    return {"id": f"toy-{index}", "text": text, "tokens": [], "entities": entities}


def test_learning_script_learns_clubs_from_result_rows(tmp_path: Path) -> None:
    clubs = ["Quarry Vale", "Brookmoor", "Fernhill", "Marsh Town", "Oakridge", "Lowfield"]
    records = [_record(i, clubs[i % 6], clubs[(i + 1) % 6], clubs[(i + 2) % 6]) for i in range(6)]
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    tables = _learning_script().learn(train)
    assert tables["learned_sections.tsv"] == ["soccer\t6"]
    rows = {tuple(line.split("\t")[:4]) for line in tables["learned_rows.tsv"]}
    assert ("soccer", "w1", "bol", "ORG") in rows
    assert ("soccer", "w1", "num", "ORG") in rows
