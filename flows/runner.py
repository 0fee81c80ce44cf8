"""Pick the task runner and run the flow: threads on one machine, or a Dask cluster."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect.task_runners import ThreadPoolTaskRunner

from flows.pipeline import presslake_run
from flows.settings import Settings


def make_task_runner(settings: Settings) -> Any:
    """The task runner the settings ask for.

    ``threads`` runs tasks in this process (the NLP tasks hand their work to a local pool
    of ``n_process`` worker processes). ``dask`` fans the NLP tasks out to the workers of a
    ``dask.distributed`` cluster: the one at ``dask_address``, or a local cluster of
    ``dask_workers`` processes. Workers report to the Prefect API in ``PREFECT_API_URL``.
    """
    if settings.task_runner == "dask":
        from prefect_dask.task_runners import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={
                "n_workers": settings.dask_workers,
                "threads_per_worker": 1,
                "processes": True,
                "host": "127.0.0.1",
                "dashboard_address": None,
            },
        )
    # one thread for ingest, one per NLP worker process
    return ThreadPoolTaskRunner(max_workers=settings.n_process + 1)


def run_flow(
    sources: list[str],
    *,
    settings: Settings | None = None,
    published_at: datetime | None = None,
    fault: str | None = None,
) -> dict[str, Any]:
    """Run :func:`flows.pipeline.presslake_run` with the task runner of ``settings``."""
    settings = settings or Settings()
    flow = presslake_run.with_options(task_runner=make_task_runner(settings))
    result: dict[str, Any] = flow(
        sources=sources, settings=settings, published_at=published_at, fault=fault
    )
    return result
