"""``presslake run`` with a user's own quote-cue lexicon named in a pipeline config."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flows.cli import main
from tests.user_lexicons import CUE_SENTENCE, write_user_config, write_user_lexicons
from warehouse.store import Warehouse


def test_run_with_a_user_cue_verb_finds_its_quote(prefect_harness: None, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "council.txt").write_text(
        "Budget row in Kettleby\n\n" + CUE_SENTENCE + " The vote is due in May.\n"
    )
    config = write_user_config(tmp_path, write_user_lexicons(tmp_path))
    warehouse = tmp_path / "wh"
    result = CliRunner(env={"PRESSLAKE_PIPELINE_CONFIG": str(config)}).invoke(
        main,
        ["run", str(source), "--warehouse", str(warehouse), "-j", "1", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n_new"] == 1
    with Warehouse(warehouse).reader() as con:
        quotes = con.execute("SELECT speaker_text, cue_text, text FROM quotes").fetchall()
    assert (
        "Mayor Tilda Okonkwo",
        "snarfled",
        "the budget as reckless and unfair to pensioners",
    ) in quotes


def test_bad_lexicon_row_stops_the_run_with_its_line_and_no_traceback(
    prefect_harness: None, tmp_path: Path
) -> None:
    """The README's promise: one line naming the file and line, not Prefect's traceback."""
    lexicons = write_user_lexicons(tmp_path)
    cues = lexicons["cues"]
    with cues.open("a", encoding="utf-8") as out:
        out.write("grumble\tVERB\tc\thigh\n")
    line = len(cues.read_text(encoding="utf-8").splitlines())
    config = write_user_config(tmp_path, lexicons)
    (tmp_path / "council.txt").write_text("Budget row in Kettleby\n\n" + CUE_SENTENCE + "\n")
    result = CliRunner(env={"PRESSLAKE_PIPELINE_CONFIG": str(config)}).invoke(
        main, ["run", str(tmp_path / "council.txt"), "--warehouse", str(tmp_path / "wh")]
    )
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: run failed (LexiconError: lexicon {cues}:{line}: confidence 'high' is not a "
        "number); the committed warehouse is unchanged and the run is recorded as failed "
        "(presslake status)\n"
    )
    assert "Traceback" not in result.output
