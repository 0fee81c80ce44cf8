"""Typed records of the ledger tables ``runs`` and ``rejects`` (columns as in
:mod:`schemas.tables`; :func:`schemas.convert.records_to_table` turns them into Arrow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of ``runs``: what a run saw and did."""

    run_id: str
    started_at: datetime
    status: str
    n_seen: int
    n_new: int
    n_unchanged: int
    n_replaced: int
    n_rejected: int
    n_duplicates: int
    pipeline_version: str
    model: str
    schema_version: int
    sources: list[str] = field(default_factory=list)
    finished_at: datetime | None = None
    report: str | None = None
    snapshot_id: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RejectRecord:
    """One row of ``rejects``: an input the run could not use."""

    run_id: str
    source_uri: str
    reason: str
    detail: str | None = None
