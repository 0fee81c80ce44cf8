"""Where a warehouse keeps its files, and where its catalog and rows live.

```
DIR/catalog.sqlite              the DuckLake catalog (default; or a PostgreSQL database)
DIR/lake/                       the DuckLake data path: every row, in Parquet (or s3://...)
DIR/staging/<run_id>/<table>/   Parquet of the run in progress (deleted once committed)
DIR/state/                      source state (feed ETags, seen items)
DIR/.writer.lock                the writer lock
DIR/.run.pid                    pid and process group of the run in progress
```

A warehouse of the layout before DuckLake (``DIR/presslake.duckdb`` with Parquet copies under
``DIR/lake/<table>/run=<run_id>/``) is turned into this one by ``presslake migrate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Name of the attached DuckLake catalog in every connection (tables are ``lake.<table>``).
CATALOG_ALIAS = "lake"
CATALOG_FILE = "catalog.sqlite"
LEGACY_DB_NAME = "presslake.duckdb"


@dataclass(frozen=True, slots=True)
class S3Options:
    """Settings for an ``s3://`` data path (any S3-compatible store).

    Attributes:
        endpoint: ``host:port`` of the store (empty for AWS).
        key_id: Access key id.
        secret: Secret access key.
        region: Region.
        url_style: ``path`` or ``vhost``.
        use_ssl: Whether to speak HTTPS.
    """

    endpoint: str | None = None
    key_id: str | None = None
    secret: str | None = None
    region: str | None = None
    url_style: str = "path"
    use_ssl: bool = True


@dataclass(frozen=True, slots=True)
class WarehouseLayout:
    """Paths of one warehouse: the local directory, its catalog and its data path.

    Attributes:
        root: The warehouse directory (staging, state, the writer lock, a SQLite catalog).
        catalog: ``postgresql://...`` or a SQLite file path; default ``root/catalog.sqlite``.
        data_path: Folder or ``s3://bucket/prefix`` for the Parquet files; default
            ``root/lake``.
        s3: Settings for an ``s3://`` data path.
    """

    root: Path
    catalog: str | None = None
    data_path: str | None = None
    s3: S3Options = field(default_factory=S3Options)

    @property
    def is_postgres(self) -> bool:
        """Whether the catalog lives in PostgreSQL."""
        return bool(self.catalog) and str(self.catalog).startswith(("postgresql:", "postgres:"))

    @property
    def catalog_display(self) -> str:
        """The catalog as messages name it: a PostgreSQL URL with its password masked."""
        if self.is_postgres:
            return re.sub(r"^([a-z]+://[^:/@]+):[^@/]*@", r"\1:***@", str(self.catalog))
        return str(self.sqlite_catalog)

    @property
    def sqlite_catalog(self) -> Path | None:
        """The SQLite catalog file (``None`` for a PostgreSQL catalog)."""
        if self.is_postgres:
            return None
        return (Path(self.catalog) if self.catalog else self.root / CATALOG_FILE).absolute()

    @property
    def catalog_uri(self) -> str:
        """The ``ducklake:...`` string to ATTACH."""
        if self.is_postgres:
            return f"ducklake:postgres:{self.catalog}"
        return f"ducklake:sqlite:{self.sqlite_catalog}"

    @property
    def lake(self) -> str:
        """The DuckLake data path (absolute, always ends with ``/``).

        It is given at every ATTACH (overriding the one the catalog recorded), so a warehouse
        directory can be moved or copied: the catalog stores data file paths relative to it.
        """
        path = self.data_path or str(self.root / "lake")
        if "://" not in path:
            path = str(Path(path).absolute())
        return path if path.endswith("/") else path + "/"

    @property
    def is_remote(self) -> bool:
        """Whether the data path is object storage."""
        return "://" in self.lake

    @property
    def staging_root(self) -> Path:
        """Parquet of runs in progress."""
        return self.root / "staging"

    @property
    def state(self) -> Path:
        """Source state (feeds)."""
        return self.root / "state"

    @property
    def lock(self) -> Path:
        """Writer lock file."""
        return self.root / ".writer.lock"

    @property
    def legacy_db(self) -> Path:
        """The DuckDB file of the layout before DuckLake."""
        return self.root / LEGACY_DB_NAME

    @property
    def legacy_lake(self) -> Path:
        """The per-run Parquet copies of the layout before DuckLake."""
        return self.root / "lake"

    @property
    def run_pid(self) -> Path:
        """Pid file of the run in progress (left behind only by a killed run)."""
        return self.root / ".run.pid"

    def staging(self, run_id: str) -> Path:
        """Staging folder of one run."""
        return self.staging_root / run_id

    def staged_table(self, run_id: str, table: str) -> Path:
        """Staging folder of one table of one run."""
        return self.staging(run_id) / table
