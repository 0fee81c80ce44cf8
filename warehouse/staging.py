"""A run's staging folder: its labelled articles for the NLP stage and its rows for the load.

```
staging/<run_id>/_articles/part-N.parquet   labelled articles (schemas.staging.ARTICLES)
staging/<run_id>/<table>/part-N.parquet     rows of the run, one file per NLP part
```

Staged files are intermediate: the load copies the rows into the DuckLake and the folder is
deleted; a folder left by a killed run is deleted by the next run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import DOCUMENT_TABLES
from schemas.convert import records_to_table
from schemas.staging import articles_from_table, articles_to_table
from transforms.classify import Classified

PARQUET_COMPRESSION = "zstd"
ARTICLES_DIR = "_articles"


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Write one Parquet file (zstd) atomically: a killed writer leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression=PARQUET_COMPRESSION)
    os.replace(tmp, path)
    return path


class Staging:
    """The staging folder of one run."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.run_id = run_id
        self.path = root / run_id

    def write_articles(self, items: Sequence[Classified], *, part: int) -> str:
        """Stage one part of labelled articles; return its path (what an NLP task reads)."""
        path = self.path / ARTICLES_DIR / f"part-{part:05d}.parquet"
        return str(write_parquet(articles_to_table(items), path))

    @staticmethod
    def read_articles(path: str | Path) -> list[Classified]:
        """The labelled articles of one staged part."""
        return articles_from_table(pq.read_table(path))

    def write_rows(self, table: str, records: Sequence[Any], *, part: str) -> Path | None:
        """Stage the rows of one table from one NLP part (nothing for no rows)."""
        if not records:
            return None
        return write_parquet(
            records_to_table(table, records), self.path / table / f"{part}.parquet"
        )

    def article_files(self) -> list[Path]:
        """Every staged articles part."""
        return sorted((self.path / ARTICLES_DIR).glob("*.parquet"))

    def table_files(self, table: str) -> list[Path]:
        """Every staged Parquet file of ``table``."""
        return sorted((self.path / table).glob("*.parquet"))

    def has_rows(self) -> bool:
        """Whether any document table has staged rows."""
        return any(self.table_files(table) for table in DOCUMENT_TABLES)

    def reset(self) -> None:
        """Start the folder afresh (an earlier attempt of the same run may have left parts)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)

    def remove(self) -> None:
        """Delete the folder."""
        shutil.rmtree(self.path, ignore_errors=True)
