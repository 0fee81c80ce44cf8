"""The presslake CLI: run, sql (read-only), status, clear errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"


@pytest.fixture(scope="module")
def warehouse(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built by ``presslake run`` on the reference article."""
    root = tmp_path_factory.mktemp("cli")
    wh = root / "wh"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(SEED),
            "--warehouse",
            str(wh),
            "--published-at",
            "2024-11-18",
            "-j",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["n_new"] == 1
    return wh


def test_sql_prints_rows(warehouse: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "sql",
            "SELECT name FROM entities WHERE type = 'PERSON' ORDER BY name",
            "-w",
            str(warehouse),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    names = result.output.splitlines()[1:]
    assert "Kim Jong Un" in names and "Donald Trump" in names


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM documents",
        "DROP TABLE entities",
        "CREATE TABLE t AS SELECT 1",
        "INSERT INTO runs (run_id) VALUES ('x')",
        "COPY documents TO '/tmp/presslake-leak.csv'",
        "ATTACH '/tmp/presslake-other.duckdb' AS o",
    ],
)
def test_sql_cannot_write(warehouse: Path, statement: str) -> None:
    result = CliRunner().invoke(main, ["sql", statement, "-w", str(warehouse)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1
    check = CliRunner().invoke(
        main, ["sql", "SELECT count(*) FROM documents", "-w", str(warehouse), "--format", "csv"]
    )
    assert check.output.splitlines()[1] == "1"


def test_status_shows_ledger_and_counts(warehouse: Path) -> None:
    result = CliRunner().invoke(main, ["status", "-w", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert "completed" in result.output
    assert "entity_mentions" in result.output
    # the ledger keeps the whole run report: timings of every stage and the checks
    assert "load" in result.output and "nlp" in result.output
    assert "passed" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "/no/such/file.txt"], "does not exist"),
        (["sql", "SELECT 1", "-w", "/no/such/warehouse"], "no warehouse at"),
        (["status", "-w", "/no/such/warehouse"], "no warehouse at"),
        (["run", "x", "--published-at", "yesterday"], "ISO date"),
        (["report", "--out", "r.html", "--since", "2024-13-01"], "--since '2024-13-01' is not"),
        (["report", "--out", "r.html", "--until", "May"], "--until 'May' is not an ISO date"),
        (["status", "--runs", "-1"], "-1 is not in the range x>=0"),
        (["run", "file:///tmp/a.txt"], "only http:// and https:// URLs are fetched"),
    ],
)
def test_errors_are_one_line_with_nonzero_exit(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_text("text")
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output


def test_sql_bad_query_is_an_error(warehouse: Path) -> None:
    result = CliRunner().invoke(main, ["sql", "SELEC nonsense", "-w", str(warehouse)])
    assert result.exit_code == 1
    assert "Error:" in result.output


def test_sql_cannot_write_into_the_warehouse_folder_either(warehouse: Path) -> None:
    target = warehouse / "lake" / "leak.parquet"
    result = CliRunner().invoke(
        main, ["sql", f"COPY (SELECT 1) TO '{target}'", "-w", str(warehouse)]
    )
    assert result.exit_code == 1
    assert "refused COPY" in result.output
    assert not target.exists()


def test_sql_at_a_run_and_at_an_unknown_run(warehouse: Path) -> None:
    ledger = CliRunner().invoke(
        main, ["sql", "SELECT run_id FROM runs", "-w", str(warehouse), "--format", "csv"]
    )
    run_id = ledger.output.splitlines()[1]
    at = CliRunner().invoke(
        main,
        [
            "sql",
            "SELECT count(*) AS n FROM documents",
            "-w",
            str(warehouse),
            "--at",
            run_id,
            "--format",
            "csv",
        ],
    )
    assert at.exit_code == 0, at.output
    assert at.output.splitlines() == ["n", "1"]
    unknown = CliRunner().invoke(main, ["sql", "SELECT 1", "-w", str(warehouse), "--at", "r-none"])
    assert unknown.exit_code == 1
    assert "no committed run 'r-none'" in unknown.output


def test_export_writes_every_table(warehouse: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from schemas import TABLES

    result = CliRunner().invoke(
        main, ["export", "-w", str(warehouse), "--to", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{t}.parquet" for t in TABLES
    )
    assert pq.read_metadata(tmp_path / "out" / "documents.parquet").num_rows == 1
    assert pq.read_metadata(tmp_path / "out" / "entity_mentions.parquet").num_rows > 10


def test_table_output_prints_values_as_they_are(warehouse: Path) -> None:
    """The default table format reads no console markup from the data and cuts nothing."""
    result = CliRunner().invoke(
        main,
        [
            "sql",
            "SELECT '[bold]Reuters[/bold] a[i] [red]' AS \"[label]\", doc_id, "
            "repeat('wide ', 40) AS wide FROM documents",
            "-w",
            str(warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[bold]Reuters[/bold] a[i] [red]" in result.output
    assert "[label]" in result.output
    doc_id = CliRunner().invoke(
        main, ["sql", "SELECT doc_id FROM documents", "-w", str(warehouse), "--format", "csv"]
    )
    assert doc_id.output.splitlines()[1] in result.output
    assert "…" not in result.output


def test_status_shows_whole_run_ids_in_a_pipe(warehouse: Path) -> None:
    ledger = CliRunner().invoke(
        main, ["sql", "SELECT run_id FROM runs", "-w", str(warehouse), "--format", "csv"]
    )
    run_id = ledger.output.splitlines()[1]
    result = CliRunner().invoke(main, ["status", "-w", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert run_id in result.output
    assert "n_unchanged" in result.output
    assert "…" not in result.output


def test_describe_text_keeps_bracketed_descriptions() -> None:
    result = CliRunner().invoke(main, ["describe", "entity_mentions"])
    assert result.exit_code == 0, result.output
    assert "documents.text[start_char:end_char]" in result.output


@pytest.mark.parametrize("query", ["", "   ", "-- only a comment"])
def test_sql_without_a_statement_is_one_line(warehouse: Path, query: str) -> None:
    result = CliRunner().invoke(main, ["sql", "-w", str(warehouse), "--", query])
    assert result.exit_code == 1, result.output
    assert result.output == "Error: the query has no statement; give a SELECT, e.g. SELECT 1\n"


def test_sql_at_a_run_whose_snapshot_was_expired(warehouse: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "wh"
    shutil.copytree(warehouse, copy)
    ledger = CliRunner().invoke(
        main, ["sql", "SELECT run_id FROM runs", "-w", str(copy), "--format", "csv"]
    )
    run_id = ledger.output.splitlines()[1]
    kept = CliRunner().invoke(main, ["sql", "SELECT 1", "-w", str(copy), "--at", run_id])
    assert kept.exit_code == 0, kept.output
    maintain = CliRunner().invoke(
        main, ["maintain", "-w", str(copy), "--retention", "0", "--grace", "0"]
    )
    assert maintain.exit_code == 0, maintain.output
    result = CliRunner().invoke(main, ["sql", "SELECT 1", "-w", str(copy), "--at", run_id])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: run '{run_id}' committed snapshot ")
    assert "has since expired (--retention)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_run_summary_lines_stay_whole_in_a_log(capsys: pytest.CaptureFixture[str]) -> None:
    """The summary lines of `presslake run` are not wrapped at 80 columns in a pipe or log."""
    from flows.cli import _print_summary

    summary = {
        "run_id": "r20241118T090000-ab12cd",
        "status": "completed",
        "n_seen": 1041,
        "n_new": 1012,
        "n_replaced": 3,
        "n_unchanged": 20,
        "n_duplicates": 6,
        "n_rejected": 14,
        "warehouse": "/var/lib/presslake/warehouse_of_the_newsroom",
        "table_counts": {"documents": 1015},
        "rejects_by_reason": {
            "no_text": 5,
            "unsupported": 4,
            "malformed": 3,
            "binary": 1,
            "duplicate_id": 1,
        },
    }
    _print_summary(summary, 123.4)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "run r20241118T090000-ab12cd completed in 123.4s: 1041 seen, 1012 new, 3 replaced, "
        "20 unchanged, 6 duplicates, 14 rejected"
    )
    assert lines[-1] == ("rejects: no_text=5, unsupported=4, malformed=3, binary=1, duplicate_id=1")


def test_run_summary_names_duplicate_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import _DUPLICATES_SHOWN, _print_summary

    duplicates = [
        {"source_uri": f"/in/copy[{n}].txt", "same_as": "/in/berth.txt", "doc_id": "d1"}
        for n in range(_DUPLICATES_SHOWN + 2)
    ]
    summary = {
        "run_id": "r1", "status": "completed", "n_seen": 8, "n_new": 1, "n_replaced": 0,
        "n_unchanged": 0, "n_duplicates": len(duplicates), "n_rejected": 0, "warehouse": "/wh",
        "table_counts": {"documents": 1}, "rejects_by_reason": {}, "duplicates": duplicates,
    }  # fmt: skip
    _print_summary(summary, 1.0)
    lines = capsys.readouterr().out.splitlines()
    assert "duplicate /in/copy[0].txt: the same text as /in/berth.txt" in lines
    assert lines[-1].startswith("... and 2 more duplicates")
