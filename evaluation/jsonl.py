"""Reading gold and sample files: JSONL, one JSON object per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_jsonl(path: Path, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a JSONL file (at most ``limit``), blank lines skipped."""
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(records) >= limit:
                break
            if line.strip():
                records.append(json.loads(line))
    return records
