"""Test-only pauses at named points of a run, so tests reach them without timing.

With ``PRESSLAKE_FAULT_PAUSE=<point>[,<point>...]:<marker file>`` in its environment, a
process that reaches one of the points (the first time) writes ``<point> <pid>`` to the
marker file and waits there until the marker is deleted (or the process is signalled or
killed). Without the variable (every real run) :func:`pause_at` returns at once.

Points: ``nlp`` (an NLP worker, before its first part), ``parquet`` (an NLP worker, after
writing the table parts of its second part), ``merge`` (the load, inside its transaction,
after the merge and the checks, before the commit).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

FAULT_PAUSE_ENV = "PRESSLAKE_FAULT_PAUSE"
_paused: set[str] = set()


def pause_at(point: str) -> None:
    """Wait here while the marker exists when ``PRESSLAKE_FAULT_PAUSE`` names ``point``."""
    spec = os.environ.get(FAULT_PAUSE_ENV)
    if not spec:
        return
    names, _, marker = spec.partition(":")
    if point not in names.split(",") or not marker or point in _paused:
        return
    _paused.add(point)
    path = Path(marker)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{point} {os.getpid()}\n", encoding="utf-8")
    os.replace(tmp, path)
    while path.exists():
        time.sleep(0.05)
