"""The flow end to end: real files, real model, real Prefect flow runs, real DuckDB."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flows.runner import run_flow
from schemas import TABLES
from warehouse.store import Warehouse

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"
PUBLISHED = datetime(2024, 11, 18)


def _ids(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    with wh.reader() as con:
        return {
            "documents": con.execute("SELECT doc_id FROM documents ORDER BY 1").fetchall(),
            "entities": con.execute("SELECT entity_id, name FROM entities ORDER BY 1").fetchall(),
            "mentions": con.execute(
                "SELECT mention_id, entity_id FROM entity_mentions ORDER BY 1"
            ).fetchall(),
            "quotes": con.execute("SELECT quote_id FROM quotes ORDER BY 1").fetchall(),
            "events": con.execute("SELECT event_id FROM events ORDER BY 1").fetchall(),
        }


@pytest.fixture(scope="module")
def sample_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The bundled samples loaded once into a fresh warehouse, then loaded again."""
    from flows.settings import Settings

    root = tmp_path_factory.mktemp("sample")
    settings = Settings(warehouse=root / "wh", n_process=2, lock_wait=0, task_batch_size=20)
    first = run_flow([str(SAMPLES)], settings=settings, published_at=PUBLISHED)
    wh = Warehouse(settings.warehouse)
    ids_first = _ids(wh)
    counts_first = wh.table_counts()
    second = run_flow([str(SAMPLES)], settings=settings, published_at=PUBLISHED)
    return {
        "settings": settings,
        "first": first,
        "second": second,
        "ids_first": ids_first,
        "counts_first": counts_first,
        "wh": wh,
    }


def test_sample_run_loads_every_article(sample_run: dict[str, Any]) -> None:
    first = sample_run["first"]
    assert first["status"] == "completed"
    assert first["n_rejected"] == 0
    assert first["n_new"] == first["n_seen"] == 41
    counts = sample_run["counts_first"]
    assert counts["documents"] == 41
    assert counts["entity_mentions"] > 500
    assert counts["entities"] > 100
    assert counts["runs"] == 1
    assert first["checks"], "data checks ran"


def test_rerun_adds_nothing_and_keeps_ids(sample_run: dict[str, Any]) -> None:
    second = sample_run["second"]
    assert second["n_new"] == 0
    assert second["n_unchanged"] == 41
    assert second["rows"] == {} or not any(second["rows"].values()), "no NLP on a no-op re-run"
    wh = sample_run["wh"]
    counts = wh.table_counts()
    assert {k: v for k, v in counts.items() if k != "runs"} == {
        k: v for k, v in sample_run["counts_first"].items() if k != "runs"
    }
    assert counts["runs"] == 2
    assert _ids(wh) == sample_run["ids_first"]


def test_warehouse_has_every_contract_column(sample_run: dict[str, Any]) -> None:
    with sample_run["wh"].reader() as con:
        for table, schema in TABLES.items():
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            assert cols[: len(schema.names)] == schema.names
        for view in ("entity_summary", "who_said_what", "event_timeline"):
            con.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()


def test_reference_article_in_warehouse(sample_run: dict[str, Any]) -> None:
    with sample_run["wh"].reader() as con:
        title, text, published = con.execute(
            "SELECT title, text, published_at FROM documents "
            "WHERE source_id LIKE '%kim-nuclear-forces.txt'"
        ).fetchone()
        assert title == (
            "North Korean leader calls for expanding his nuclear forces "
            "in the face of alleged U.S. threats"
        )
        assert published == PUBLISHED
        assert "Updated" not in text.split("\n")
        assert text.count("renewed his call") == 1
        aliases = dict(
            con.execute(
                "SELECT e.name, e.aliases FROM entities e JOIN entity_mentions m USING (entity_id) "
                "JOIN documents d USING (doc_id) WHERE d.source_id LIKE '%kim-nuclear-forces.txt' "
                "AND e.type = 'PERSON' GROUP BY ALL"
            ).fetchall()
        )
    assert {"Kim Jong Un", "Kim"} <= set(aliases["Kim Jong Un"])
    assert {"Donald Trump", "Trump"} <= set(aliases["Donald Trump"])
    assert "Vladimir Putin" in aliases


def test_changed_article_replaces_rows(
    prefect_harness: None, tmp_path: Path, make_settings: Any
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    story = src / "story.txt"
    story.write_text("Officials in Berlin said the talks with France would resume on Friday.\n")
    settings = make_settings()
    run_flow([str(src)], settings=settings)
    wh = Warehouse(settings.warehouse)
    with wh.reader() as con:
        (old_id,) = con.execute("SELECT doc_id FROM documents").fetchone()
    story.write_text("Officials in Madrid said the talks with Portugal would resume on Monday.\n")
    summary = run_flow([str(src)], settings=settings)
    assert summary["n_replaced"] == 1
    with wh.reader() as con:
        docs = con.execute("SELECT doc_id, text FROM documents").fetchall()
        names = {r[0] for r in con.execute("SELECT name FROM entities").fetchall()}
    assert len(docs) == 1 and docs[0][0] != old_id and "Madrid" in docs[0][1]
    assert "Berlin" not in names and "Madrid" in names


def test_mixed_folder_loads_good_and_rejects_bad(
    prefect_harness: None, tmp_path: Path, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    src = tmp_path / "mixed"
    src.mkdir()
    shutil.copy(SAMPLES / "kim-nuclear-forces.txt", src / "good.txt")
    shutil.copy(SAMPLES / "kim-nuclear-forces.txt", src / "good_copy.txt")
    (src / "latin1.txt").write_bytes(
        "Le ministre a déclaré à Paris que la réunion aurait lieu à Genève.".encode("cp1252")
    )
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (src / "blank.md").write_text("   \n\n  \n")
    settings = make_settings()
    summary = run_flow([str(src)], settings=settings)
    assert summary["n_new"] == 2
    wh = Warehouse(settings.warehouse)
    with wh.reader() as con:
        rejects = dict(con.execute("SELECT source_uri, reason FROM rejects").fetchall())
        texts = [r[0] for r in con.execute("SELECT text FROM documents").fetchall()]
        # no --published-at: an event without a date of its own has none, nor a precision
        undated = con.execute(
            "SELECT date_precision, count(*) FROM event_timeline WHERE date IS NULL GROUP BY 1"
        ).fetchall()
    assert {Path(p).name for p in rejects} == {"empty.txt", "binary.txt", "blank.md"}
    assert len(undated) == 1 and undated[0][0] is None and undated[0][1] > 0
    assert rejects[str(src / "binary.txt")] == "binary"
    assert any("Genève" in t for t in texts)
    # the copy is loaded once, and the log says which input it repeated
    assert summary["n_duplicates"] == 1
    assert (
        f"duplicate {src / 'good_copy.txt'}: the same text as {src / 'good.txt'}, loaded once"
        in caplog.text
    )


def test_duplicate_input_is_named_with_the_input_it_repeats(
    prefect_harness: None, tmp_path: Path, make_settings: Any
) -> None:
    src = tmp_path / "inbox"
    src.mkdir()
    text = "The harbour board approved a second ferry berth on Tuesday, its chair said.\n"
    (src / "berth.txt").write_text(text)
    (src / "berth_copy.txt").write_text(text)
    summary = run_flow([str(src)], settings=make_settings())
    assert (summary["n_new"], summary["n_duplicates"]) == (1, 1)
    wh = Warehouse(summary["warehouse"])
    with wh.reader() as con:
        (doc_id,) = con.execute("SELECT doc_id FROM documents").fetchone()
        (report,) = con.execute("SELECT report FROM runs").fetchone()
    assert summary["duplicates"] == [
        {"source_uri": str(src / "berth_copy.txt"), "same_as": str(src / "berth.txt"),
         "doc_id": doc_id}
    ]  # fmt: skip
    assert "## Duplicates" in report
    assert f"| {src / 'berth_copy.txt'} | {src / 'berth.txt'} | {doc_id} |" in report


def test_new_pipeline_version_reprocesses(
    prefect_harness: None, tmp_path: Path, make_settings: Any
) -> None:
    from transforms.nlp.pipeline import CONFIG_PATH

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("The United Nations said on Monday that aid reached Gaza.\n")
    (src / "b.txt").write_text("Germany and France signed a trade agreement in Paris.\n")
    settings = make_settings()
    assert run_flow([str(src)], settings=settings)["n_new"] == 2
    assert run_flow([str(src)], settings=settings)["n_unchanged"] == 2
    changed = tmp_path / "config.cfg"
    changed.write_text(CONFIG_PATH.read_text() + "\n# a new pipeline version\n")
    summary = run_flow([str(src)], settings=make_settings(pipeline_config=changed))
    assert summary["n_replaced"] == 2 and summary["n_unchanged"] == 0
    assert summary["rows"]["documents"] == 2
    with Warehouse(settings.warehouse).reader() as con:
        versions = con.execute("SELECT DISTINCT pipeline_version FROM documents").fetchall()
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()
    assert len(versions) == 1 and n_docs == (2,)


def test_run_failing_before_the_load_is_in_the_ledger(
    prefect_harness: None, tmp_path: Path
) -> None:
    """A run that fails before its load (here: unreadable feed state) leaves a ``failed``
    row with its error in ``runs`` and nothing else."""
    from flows.settings import Settings

    settings = Settings(warehouse=tmp_path / "wh", n_process=1, lock_wait=0)
    state = settings.warehouse / "state"
    state.mkdir(parents=True)
    (state / "feeds.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable feed state"):
        run_flow([str(SAMPLES / "kim-nuclear-forces.txt")], settings=settings)
    wh = Warehouse(settings.warehouse)
    with wh.reader() as con:
        runs = con.execute("SELECT status, error, n_new FROM runs").fetchall()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()
    assert len(runs) == 1
    status, error, n_new = runs[0]
    assert status == "failed" and "unreadable feed state" in error and n_new == 0
    assert documents == (0,)
    assert not (settings.warehouse / ".run.pid").exists()
    # `presslake status` lists the failed run with its error
    from click.testing import CliRunner

    from flows.cli import main

    shown = CliRunner().invoke(main, ["status", "-w", str(settings.warehouse)])
    assert shown.exit_code == 0, shown.output
    assert "failed" in shown.output and "unreadable feed state" in shown.output
    # `presslake run` says it in one line, without Prefect's traceback
    again = CliRunner().invoke(
        main, ["run", str(SAMPLES / "kim-nuclear-forces.txt"), "-w", str(settings.warehouse)]
    )
    assert again.exit_code == 1
    assert "Traceback" not in again.output
    assert again.output.splitlines()[-1].startswith(
        f"Error: run failed (FeedStateError: {state / 'feeds.json'}: unreadable feed state ("
    )
