"""Scale-out settings against real servers on 127.0.0.1: the catalog in PostgreSQL, the rows
in S3, two writers at once, and ``presslake maintain`` on a warehouse runs made.

Every run is a real ``presslake`` subprocess reporting to the session's Prefect server; the
PostgreSQL server comes from the Debian packages and S3 is moto's server mode (see
:mod:`tests.flows.stores`). What the runs left is checked with the servers' own clients
(``psql``, boto3) and with ``presslake sql``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.flows.servers import (
    PUBLISHED_AT,
    SAMPLES,
    PrefectServer,
    kill_group,
    prefect_server,
    presslake,
    presslake_env,
    run_presslake,
    wait_until,
)
from tests.flows.stores import (
    PostgresServer,
    S3Server,
    postgres_database,
    postgres_server,
    raw_lake,
    s3_bucket,
    s3_server,
)

__all__ = ["postgres_database", "postgres_server", "prefect_server", "s3_bucket", "s3_server"]

pytestmark = pytest.mark.slow

#: The bundled Reuters articles (JSONL records), for inputs of a few articles each.
ARTICLES = (SAMPLES / "reuters21578-sample.jsonl").read_text(encoding="utf-8").splitlines()


def _inputs(folder: Path, articles: list[str]) -> Path:
    """``folder/articles.jsonl`` holding the JSONL records ``articles``."""
    folder.mkdir(parents=True)
    (folder / "articles.jsonl").write_text("\n".join(articles) + "\n", encoding="utf-8")
    return folder


def _run(workdir: Path, source: str, *warehouse_args: str, env: dict[str, str]) -> dict[str, Any]:
    done = run_presslake(
        "run",
        source,
        *warehouse_args,
        "--published-at",
        PUBLISHED_AT,
        "--json",
        env=env,
        cwd=workdir,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    summary: dict[str, Any] = json.loads(done.stdout)
    assert summary["status"] == "completed"
    return summary


def _sql(workdir: Path, query: str, *warehouse_args: str, env: dict[str, str]) -> Any:
    done = run_presslake(
        "sql", query, *warehouse_args, "--format", "json", env=env, cwd=workdir, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_postgres_catalog(
    prefect_server: PrefectServer,
    postgres_server: PostgresServer,
    postgres_database: str,
    tmp_path: Path,
) -> None:
    _inputs(tmp_path / "in", ARTICLES[:2])
    where = ["--warehouse", "wh", "--catalog", postgres_server.url(postgres_database)]
    env = presslake_env(prefect_server)
    summary = _run(tmp_path, "in", *where, env=env)
    assert summary["n_new"] == 2

    # the catalog is in PostgreSQL: the run's snapshot and files are rows there
    assert not (tmp_path / "wh" / "catalog.sqlite").exists()
    snapshots = int(
        postgres_server.psql(postgres_database, "SELECT count(*) FROM ducklake_snapshot")
    )
    assert snapshots >= 2
    files = postgres_server.psql(postgres_database, "SELECT path FROM ducklake_data_file")
    assert files and all(p.endswith(".parquet") for p in files.splitlines())
    # the rows are Parquet under the default data path, read back through the catalog
    assert list((tmp_path / "wh" / "lake").rglob("*.parquet"))
    rows = _sql(tmp_path, "SELECT count(*) AS n FROM documents", *where, env=env)
    assert rows == [{"n": 2}]
    ledger = _sql(tmp_path, "SELECT run_id, status FROM runs", *where, env=env)
    assert ledger == [{"run_id": summary["run_id"], "status": "completed"}]


def test_s3_data_path(
    prefect_server: PrefectServer, s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    _inputs(tmp_path / "in", ARTICLES[2:4])
    where = ["--warehouse", "wh", "--data-path", f"s3://{s3_bucket}/news"]
    env = presslake_env(prefect_server, **s3_server.env())
    summary = _run(tmp_path, "in", *where, env=env)
    assert summary["n_new"] == 2

    keys = s3_server.keys(s3_bucket)
    assert keys and all(k.startswith("news/") and k.endswith(".parquet") for k in keys), keys
    tables = {k.split("/")[-2] for k in keys}
    assert {"documents", "entity_mentions", "runs"} <= tables
    # nothing of the rows is kept locally: the directory holds the catalog and the lock
    assert not list((tmp_path / "wh").rglob("*.parquet"))
    assert (tmp_path / "wh" / "catalog.sqlite").exists()
    rows = _sql(
        tmp_path,
        "SELECT count(*) AS n, count(DISTINCT doc_id) AS d FROM documents",
        *where,
        env=env,
    )
    assert rows == [{"n": 2, "d": 2}]
    mentions = _sql(tmp_path, "SELECT count(*) AS n FROM entity_mentions", *where, env=env)
    assert mentions[0]["n"] == summary["rows"]["entity_mentions"] > 0


def test_two_runs_at_once_on_postgres_and_s3(
    prefect_server: PrefectServer,
    postgres_server: PostgresServer,
    postgres_database: str,
    s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    """Two machines, one warehouse: each process has its own local directory (staging, lock)
    and both write the same PostgreSQL catalog and S3 data path at the same time."""
    catalog = postgres_server.url(postgres_database)
    data_path = f"s3://{s3_bucket}/lake"
    env = presslake_env(prefect_server, **s3_server.env())
    # the warehouse exists before the two runs start (one article loaded)
    _inputs(tmp_path / "first", ARTICLES[4:5])
    _run(
        tmp_path,
        "first",
        "--warehouse",
        "a",
        "--catalog",
        catalog,
        "--data-path",
        data_path,
        env=env,
    )
    procs = []
    for name, articles in (("a", ARTICLES[5:8]), ("b", ARTICLES[8:11])):
        _inputs(tmp_path / f"in-{name}", articles)
        procs.append(
            presslake(
                "run",
                f"in-{name}",
                "--warehouse",
                name,
                "--catalog",
                catalog,
                "--data-path",
                data_path,
                "--published-at",
                PUBLISHED_AT,
                "--json",
                env=env,
                cwd=tmp_path,
                log=tmp_path / f"{name}.log",
            )
        )
    try:
        for proc in procs:
            wait_until(lambda p=proc: p.poll() is not None, timeout=300, what="both runs")
    finally:
        for proc in procs:
            if proc.poll() is None:
                kill_group(proc)
    for name, proc in zip("ab", procs, strict=True):
        log = (tmp_path / f"{name}.log").read_text(errors="replace")
        assert proc.returncode == 0, log[-4000:]

    with raw_lake(
        catalog="postgres:" + postgres_server.dsn(postgres_database),
        data_path=data_path + "/",
        s3=s3_server,
    ) as con:
        runs = con.execute("SELECT status, n_new FROM lake.runs ORDER BY started_at").fetchall()
        assert sorted(runs) == [("completed", 1), ("completed", 3), ("completed", 3)]
        # the two runs were under way at the same time
        spans = con.execute(
            "SELECT started_at, finished_at FROM lake.runs WHERE n_new = 3"
        ).fetchall()
        (start_a, end_a), (start_b, end_b) = spans
        assert start_a < end_b and start_b < end_a
        n_docs = con.execute("SELECT count(DISTINCT doc_id), count(*) FROM lake.documents")
        assert n_docs.fetchone() == (7, 7)
        # each run committed its own snapshot, and each recorded it in the ledger
        recorded = con.execute(
            "SELECT count(DISTINCT snapshot_id) FROM lake.runs WHERE snapshot_id IN "
            "(SELECT snapshot_id FROM lake.snapshots())"
        ).fetchone()
        assert recorded == (3,)
        # each mention's document is there, and every entity a mention names exists once
        orphans = con.execute(
            "SELECT count(*) FROM lake.entity_mentions m ANTI JOIN lake.documents d USING (doc_id)"
        ).fetchone()
        assert orphans == (0,)
        missing = con.execute(
            "SELECT count(DISTINCT entity_id) FROM lake.entity_mentions m "
            "ANTI JOIN lake.entities e USING (entity_id)"
        ).fetchone()
        assert missing == (0,)
        dupes = con.execute(
            "SELECT count(*) FROM "
            "(SELECT entity_id FROM lake.entities GROUP BY 1 HAVING count(*) > 1)"
        ).fetchone()
        assert dupes == (0,)


def test_maintain_on_a_warehouse_runs_made(prefect_server: PrefectServer, tmp_path: Path) -> None:
    """Three runs leave small files and snapshots; ``presslake maintain`` merges the files,
    expires the old snapshots and deletes the files no snapshot needs, and every query gives
    what it gave before."""
    env = presslake_env(prefect_server)
    for k, articles in enumerate((ARTICLES[11:12], ARTICLES[12:13], ARTICLES[13:14])):
        _inputs(tmp_path / f"in{k}", articles)
        _run(tmp_path, f"in{k}", "--warehouse", "wh", env=env)
    lake = tmp_path / "wh" / "lake"
    before_files = sorted(p for p in lake.rglob("*.parquet"))
    query = "SELECT * FROM entity_mentions ORDER BY ALL"
    before = _sql(tmp_path, query, "--warehouse", "wh", env=env)

    # the default retention (7 days) and grace (1 hour): files merged, nothing expired or deleted
    done = run_presslake("maintain", "--warehouse", "wh", "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["merged"]["entity_mentions"] == [3, 1]
    assert report["expired_snapshots"] == [] and report["deleted_files"] == []
    assert set(before_files) <= set(lake.rglob("*.parquet"))
    assert _sql(tmp_path, query, "--warehouse", "wh", env=env) == before

    # nothing kept: one snapshot left, and on disk only the files it reads
    done = run_presslake(
        "maintain",
        "--warehouse",
        "wh",
        "--retention",
        "0",
        "--grace",
        "0",
        "--json",
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["expired_snapshots"] and report["deleted_files"]
    assert report["after"]["snapshots"] == 1
    assert _sql(tmp_path, query, "--warehouse", "wh", env=env) == before
    on_disk = sorted(lake.rglob("*.parquet"))
    assert len(on_disk) == report["after"]["data_files"] + report["after"]["delete_files"]
    assert len(on_disk) < len(before_files)
    merged_away = [p for p in before_files if p.parent.name == "entity_mentions"]
    assert len(merged_away) == 3 and not set(merged_away) & set(on_disk)

    # a bad retention is a one-line error naming the option
    done = run_presslake(
        "maintain", "--warehouse", "wh", "--retention", "soon", env=env, cwd=tmp_path
    )
    assert done.returncode == 2 and "retention" in done.stderr and "soon" in done.stderr


def test_dask_workers_with_postgres_and_s3(
    prefect_server: PrefectServer,
    postgres_server: PostgresServer,
    postgres_database: str,
    s3_server: S3Server,
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    """The NLP tasks on a Dask cluster with the scale-out settings.

    Workers write their parts of rows as Parquet into the run's staging folder (the
    ``--warehouse`` directory, which workers on other machines must share); the flow's
    process then commits them into the DuckLake, which writes them under the S3 data path.
    After the run the staging folder is gone and every row is in the bucket.
    """
    catalog = postgres_server.url(postgres_database)
    where = ["--warehouse", "wh", "--catalog", catalog, "--data-path", f"s3://{s3_bucket}/lake"]
    _inputs(tmp_path / "in", ARTICLES[14:18])
    env = presslake_env(
        prefect_server,
        PRESSLAKE_TASK_BATCH_SIZE="2",
        PRESSLAKE_DASK_WORKERS="2",
        **s3_server.env(),
    )
    done = run_presslake(
        "run",
        "in",
        *where,
        "--dask",
        "local",
        "--published-at",
        PUBLISHED_AT,
        "--json",
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    summary = json.loads(done.stdout)
    assert summary["status"] == "completed" and summary["n_new"] == 4
    staging = tmp_path / "wh" / "staging"
    assert not staging.exists() or not any(staging.iterdir())
    keys = s3_server.keys(s3_bucket, "lake/")
    assert any("/documents/" in k for k in keys)
    rows = _sql(tmp_path, "SELECT count(*) AS n FROM documents", *where, env=env)
    assert rows == [{"n": 4}]
