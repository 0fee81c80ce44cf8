"""``presslake migrate``: a warehouse of the layout before DuckLake becomes a DuckLake with the
same rows and ids, from the database file when this DuckDB opens it, else from the Parquet
lake and the exported ledger (the release before DuckLake wrote DuckDB 2.0 files)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from flows.cli import main
from schemas import TABLES
from warehouse.migrate import MigrationError, migrate_legacy, read_legacy_database
from warehouse.store import Warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "legacy_warehouse"


def _old_contract() -> dict[str, list[str]]:
    """The tables and columns of the release that built the fixture."""
    con = duckdb.connect()
    out = {}
    for table in TABLES:
        path = FIXTURE / "expected" / f"{table}.parquet"
        if path.exists():
            present = {
                r[0] for r in con.execute(f"DESCRIBE FROM read_parquet('{path}')").fetchall()
            }
            out[table] = [c for c in TABLES[table].names if c in present]
    return out


def _expected() -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect()
    out = {}
    for table, columns in _old_contract().items():
        path = FIXTURE / "expected" / f"{table}.parquet"
        out[table] = con.execute(
            f"SELECT {', '.join(columns)} FROM read_parquet('{path}') ORDER BY ALL"
        ).fetchall()
    return out


def _migrated(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    with wh.reader() as con:
        out = {}
        for table, columns in _old_contract().items():
            out[table] = con.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL"
            ).fetchall()
        return out


@pytest.fixture()
def legacy(tmp_path: Path) -> Path:
    """A copy of the fixture warehouse, its database file unpacked (no ledger export)."""
    wh = tmp_path / "wh"
    shutil.copytree(FIXTURE / "wh", wh)
    with gzip.open(wh / "presslake.duckdb.gz") as src, (wh / "presslake.duckdb").open("wb") as dst:
        shutil.copyfileobj(src, dst)
    (wh / "presslake.duckdb.gz").unlink()
    return wh


def test_this_duckdb_cannot_open_the_old_release_file(legacy: Path) -> None:
    assert read_legacy_database(legacy / "presslake.duckdb") is None


def test_without_the_ledger_export_migrate_says_what_to_run(legacy: Path) -> None:
    result = CliRunner().invoke(main, ["migrate", "--warehouse", str(legacy)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "export its ledger with the old release" in result.output
    assert "COPY {t} TO" in result.output
    # nothing moved, nothing created
    assert (legacy / "presslake.duckdb").exists() and not (legacy / "catalog.sqlite").exists()


def test_migrate_from_the_lake_gives_the_same_rows_and_ids(legacy: Path) -> None:
    shutil.copytree(FIXTURE / "ledger", legacy / "ledger")
    result = CliRunner().invoke(main, ["migrate", "--warehouse", str(legacy)])
    assert result.exit_code == 0, result.output
    assert "Parquet lake" in result.output
    wh = Warehouse(legacy)
    migrated, expected = _migrated(wh), _expected()
    assert {t: len(r) for t, r in migrated.items()} == {t: len(r) for t, r in expected.items()}
    assert migrated == expected
    # the replaced version of harbour-1 is gone; the old files are kept aside, not in lake/
    assert (legacy / "legacy" / "presslake.duckdb").exists()
    assert not (legacy / "presslake.duckdb").exists()
    assert not list((legacy / "lake").glob("*/run=*"))
    # the warehouse works on: a status read, and a second migrate refuses
    again = CliRunner().invoke(main, ["migrate", "--warehouse", str(legacy)])
    assert again.exit_code == 1


def test_migrate_from_a_database_file_this_duckdb_reads(legacy: Path) -> None:
    # the same warehouse as the release on DuckDB 1.5 writes it: a file this DuckDB opens
    (legacy / "presslake.duckdb").unlink()
    con = duckdb.connect(str(legacy / "presslake.duckdb"))
    for table in _old_contract():
        path = FIXTURE / "expected" / f"{table}.parquet"
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')")
    con.close()
    report = migrate_legacy(Warehouse(legacy))
    assert report.route == "database file"
    old = _old_contract()
    assert {t: n for t, n in report.rows.items() if t in old} == {
        t: pq.read_metadata(FIXTURE / "expected" / f"{t}.parquet").num_rows for t in old
    }
    # tables the contract gained since the old release start empty
    assert {t: n for t, n in report.rows.items() if t not in old} == dict.fromkeys(
        set(TABLES) - set(old), 0
    )
    assert _migrated(Warehouse(legacy)) == _expected()


def test_nothing_to_migrate_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no warehouse of the old layout"):
        migrate_legacy(Warehouse(tmp_path))
