"""The PLOVER lexicon script: pattern parsing, code conversion, and a rebuild that gives the
committed files back."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_plover_lexicon.py"
_spec = importlib.util.spec_from_file_location("build_plover_lexicon", SCRIPT)
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = build  # dataclasses look their module up
_spec.loader.exec_module(build)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0311", "AGREE"), ("042", "CONSULT"), ("083", "CONCEDE"), ("0874", "RETREAT"),
        ("093", "INVESTIGATE"), ("1056", "DEMAND"), ("112", "DISAPPROVE"), ("163", "SANCTION"),
        ("192", "FIGHT"), ("1823", "ASSAULT"), ("020", "DEMAND"), ("015", "OTHER"),
        ("016", "REJECT"),
        (None, "OTHER"), ("99", None),
    ],
)  # fmt: skip
def test_cue_category_conversion(code: str | None, expected: str | None) -> None:
    assert build.plover_type(code) == expected


def test_parse_pattern() -> None:
    synsets = {"&TREATY": ["treaty", "treaties", "accord"]}
    pattern = build.parse_pattern(
        "- * &TREATY (WITH {RIVAL FACTION})        [057:057]     # SIGN", synsets
    )
    assert pattern is not None
    assert pattern.objects == ("@TREATY",)
    assert pattern.preps == (("with", ("faction", "factions")),)
    assert (pattern.code, pattern.source) == ("057", "SIGN")
    assert build._constraint(pattern, "") == "obj=@TREATY&pp=with:faction|factions"
    # a noun before the verb constrains the subject: not kept
    assert build.parse_pattern("- PROSECUTOR * CHARGES   [173]  # PRESS", synsets) is None
    assert build.parse_pattern("- * TO ACT   [124]  # URGE", synsets).xcomp == ("act",)


def test_rebuild_gives_the_committed_files(shared_data: Path, tmp_path: Path) -> None:
    lexicons = shared_data / "lexicons"
    if not (lexicons / "petrarch2" / "CAMEO.2.0.txt").exists():
        pytest.skip("the field's dictionaries are not under the shared data folder")
    assert build.main(["--lexicons", str(lexicons), "--out", str(tmp_path)]) == 0
    data = ROOT / "transforms" / "data" / "events"
    for name in ("plover_cameo.tsv", "plover_cameo_sets.tsv", "agents.tsv", "discards.tsv"):
        assert (tmp_path / name).read_text() == (data / name).read_text(), name


def test_full_code_rows_of_the_2021_table(shared_data: Path) -> None:
    path = shared_data / "lexicons" / "plover" / "CAMEO2PLOVER-2021.txt"
    if not path.exists():
        pytest.skip("the field's dictionaries are not under the shared data folder")
    table = build.read_cameo2plover(path)
    # the codebook's definitions agree with the table's own row
    assert build.plover_type("192", table) == "COERCE"  # occupy territory: mode seize
    assert build.plover_type("1712", table) == "ASSAULT"  # destroy property: mode destroy
    assert build.plover_type("1911", table) == "COERCE"  # a sub-code of the blockade row
    # ... and where they contradict it, the cue category stays
    assert build.plover_type("163", table) == "SANCTION"  # sanctions: mode discontinue
    assert build.plover_type("0813", table) == "CONCEDE"  # "removing curfews"
    assert build.plover_type("190", table) == "FIGHT"
    assert build.plover_type("175", table) == "COERCE"  # repression short of violence
