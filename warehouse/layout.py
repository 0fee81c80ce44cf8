"""Where a warehouse keeps its files.

```
DIR/presslake.duckdb            the committed warehouse (readers open it read-only)
DIR/presslake.duckdb.next       the next version, built by the one writer, then swapped in
DIR/lake/<table>/run=<run_id>/  Parquet (zstd) of every committed run
DIR/staging/<run_id>/<table>/   Parquet of the run in progress
DIR/state/                      source state (feed ETags, seen items)
DIR/.writer.lock                the writer lock
DIR/.run.pid                    pid and process group of the run in progress
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DB_NAME = "presslake.duckdb"


@dataclass(frozen=True, slots=True)
class WarehouseLayout:
    """Paths of one warehouse directory."""

    root: Path

    @property
    def db(self) -> Path:
        """The committed DuckDB file."""
        return self.root / DB_NAME

    @property
    def next_db(self) -> Path:
        """The DuckDB file a load builds before swapping it in."""
        return self.root / f"{DB_NAME}.next"

    @property
    def lake(self) -> Path:
        """Parquet of committed runs."""
        return self.root / "lake"

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
    def run_pid(self) -> Path:
        """Pid file of the run in progress (left behind only by a killed run)."""
        return self.root / ".run.pid"

    def staging(self, run_id: str) -> Path:
        """Staging folder of one run."""
        return self.staging_root / run_id

    def staged_table(self, run_id: str, table: str) -> Path:
        """Staging folder of one table of one run."""
        return self.staging(run_id) / table

    def lake_table(self, run_id: str, table: str) -> Path:
        """Lake folder of one table of one committed run."""
        return self.lake / table / f"run={run_id}"
