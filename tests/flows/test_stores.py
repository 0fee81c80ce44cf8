"""The storage servers the scale-out tests use work with DuckLake as the warehouse uses it.

A DuckLake with its catalog in the test PostgreSQL server and its data path in the test S3
bucket: a commit lands as Parquet objects in the bucket and its snapshot in PostgreSQL, and a
second connection (another client of both servers) reads it.
"""

from __future__ import annotations

import pytest

from tests.flows.stores import (
    PostgresServer,
    S3Server,
    postgres_database,
    postgres_server,
    raw_lake,
    s3_bucket,
    s3_server,
)

__all__ = ["postgres_database", "postgres_server", "s3_bucket", "s3_server"]

pytestmark = pytest.mark.slow


def test_ducklake_on_postgres_and_s3(
    postgres_server: PostgresServer,
    postgres_database: str,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    catalog = "postgres:" + postgres_server.dsn(postgres_database)
    data_path = f"s3://{s3_bucket}/lake/"
    with raw_lake(catalog=catalog, data_path=data_path, s3=s3_server) as con:
        con.execute(
            "CREATE TABLE lake.notes AS SELECT range AS n, 'note ' || range AS body FROM range(500)"
        )
    keys = s3_server.keys(s3_bucket, "lake/")
    assert keys and all(k.endswith(".parquet") for k in keys), keys
    # the catalog tables are PostgreSQL tables of that database
    assert int(postgres_server.psql(postgres_database, "SELECT count(*) FROM ducklake_data_file"))
    with raw_lake(catalog=catalog, data_path=data_path, s3=s3_server) as con:
        assert con.execute("SELECT count(*), sum(n) FROM lake.notes").fetchone() == (500, 124750)
