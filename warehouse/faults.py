"""Test-only pauses at named points of a run, so fault tests reach them without timing.

With ``PRESSLAKE_FAULT_PAUSE=<point>:<marker file>`` in its environment, a run that reaches
``<point>`` writes its process id to the marker file and waits there until it is signalled
or killed. Without the variable (every real run) :func:`pause_at` returns at once.

Points: ``nlp`` (an NLP worker, before its first part), ``parquet`` (an NLP worker, after
writing the table parts of its second part), ``merge`` (the load, inside its transaction,
after the merge and the checks, before the commit).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

FAULT_PAUSE_ENV = "PRESSLAKE_FAULT_PAUSE"


def pause_at(point: str) -> None:
    """Wait forever here when ``PRESSLAKE_FAULT_PAUSE`` names ``point`` (tests only)."""
    spec = os.environ.get(FAULT_PAUSE_ENV)
    if not spec:
        return
    name, _, marker = spec.partition(":")
    if name != point or not marker:
        return
    Path(marker).write_text(f"{os.getpid()}\n", encoding="utf-8")
    while True:
        time.sleep(0.05)
