"""No test string copies annotated corpus text (scripts/check_corpus_overlap.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.check_corpus_overlap import (
    SourceString,
    collect_strings,
    corpus_files,
    find_overlaps,
    main,
)

ROOT = Path(__file__).resolve().parents[2]

CORPUS_TEXT = (
    "The harbour master told the crew that the northern pier would stay closed until the "
    "storm had passed over the bay."
)


def _corpus(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    for folder, name in [("quotes/x", "x_dev.jsonl"), ("seed", "seed.jsonl")]:
        (data / folder).mkdir(parents=True)
        record = {"id": "1", "text": CORPUS_TEXT}
        (data / folder / name).write_text(json.dumps(record) + "\n", encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # eight words in a row, whatever the case, punctuation and spacing
        ("He said: THE NORTHERN PIER would stay -- closed until the end.", True),
        ("that the northern pier would stay closed until", True),
        # seven words in a row are not a copy
        ("the northern pier would stay closed until", False),
        ("A ferry left the northern pier at noon.", False),
    ],
)
def test_find_overlaps(tmp_path: Path, text: str, found: bool) -> None:
    data = _corpus(tmp_path)
    overlaps = find_overlaps([SourceString(Path("t.py"), 1, text)], corpus_files(data), n=8)
    assert bool(overlaps) is found


def test_sample_folders_are_not_corpora(tmp_path: Path) -> None:
    data = _corpus(tmp_path)
    assert [p.relative_to(data).as_posix() for p in corpus_files(data)] == ["quotes/x/x_dev.jsonl"]


def test_strings_of_modules_and_data_files(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "page.html").write_text("<p>stored page</p>", encoding="utf-8")
    (tmp_path / "test_x.py").write_text('X = "first"\n\n\ndef f():\n    return "second"\n')
    found = {(s.path.name, s.line, s.text) for s in collect_strings(tmp_path)}
    assert found == {
        ("test_x.py", 1, "first"),
        ("test_x.py", 5, "second"),
        ("page.html", 1, "<p>stored page</p>"),
    }


def test_no_test_string_copies_a_corpus(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["--data", str(shared_data), "--tests", str(ROOT / "tests"), "--words", "8"])
    assert status == 0, capsys.readouterr().out
