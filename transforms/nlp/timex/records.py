"""The ``time_expressions`` rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TimexRecord:
    """One row of ``time_expressions``."""

    timex_id: str
    doc_id: str
    text: str
    start_char: int
    end_char: int
    value: str | None
    precision: str | None
