"""Scheduled runs: serve the presslake flow on an interval or a cron schedule.

``serve`` registers a deployment of :func:`flows.pipeline.presslake_run` with the Prefect API
in ``PREFECT_API_URL`` and polls it for scheduled runs, running each one in a subprocess of
this process until it is stopped (Ctrl-C or SIGTERM pauses the schedule). Schedules need a
real Prefect server (``prefect server start``); the temporary server Prefect starts when no
API URL is set does not keep schedules.

``prefect.yaml`` at the repository root describes the same deployment for ``prefect deploy``
and a process work pool, for when a worker rather than this process should run it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flows.pipeline import presslake_run
from flows.runner import make_task_runner
from flows.settings import Settings

logger = logging.getLogger(__name__)

DEFAULT_NAME = "presslake-scheduled"


class ScheduleError(ValueError):
    """The schedule asked for is not one presslake can serve."""


def deployment_parameters(
    sources: list[str], *, settings: Settings, published_at: datetime | None = None
) -> dict[str, Any]:
    """The flow parameters of a scheduled run, as JSON the Prefect API stores.

    The S3 secret is left out: the server would keep it and show it; the scheduled run reads
    it from ``PRESSLAKE_S3_SECRET`` in the serving process's environment.
    """
    parameters: dict[str, Any] = {
        "sources": [str(s) for s in sources],
        "settings": settings.model_dump(mode="json", exclude={"s3_secret"}),
    }
    if published_at is not None:
        parameters["published_at"] = published_at.isoformat()
    return parameters


def check_schedule(*, interval_seconds: int | None = None, cron: str | None = None) -> None:
    """Check that exactly one valid schedule is given, before anything is registered.

    Raises:
        ScheduleError: unless exactly one of ``interval_seconds`` and ``cron`` is given, when
            the interval is not positive, or when ``cron`` is not a cron expression Prefect
            accepts.
    """
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    if (interval_seconds is None) == (cron is None):
        raise ScheduleError(
            "give exactly one schedule: an interval in seconds (e.g. 3600) or a cron "
            "expression (e.g. '0 * * * *')"
        )
    if interval_seconds is not None and interval_seconds <= 0:
        raise ScheduleError(
            f"the interval must be a positive number of seconds, not {interval_seconds}"
        )
    if cron is not None:
        try:
            CronSchedule(cron=cron, timezone="UTC")
        except ValidationError:
            raise ScheduleError(
                f"{cron!r} is not a cron expression: give five fields, minute hour day "
                "month weekday, e.g. '0 * * * *' (hourly) or '*/15 * * * *'"
            ) from None


def build_deployment(
    sources: list[str],
    *,
    settings: Settings,
    interval_seconds: int | None = None,
    cron: str | None = None,
    name: str = DEFAULT_NAME,
    published_at: datetime | None = None,
) -> Any:
    """A ``RunnerDeployment`` of the presslake flow with one schedule (a cron runs in UTC).

    The flow carries the task runner the settings ask for (threads, or a Dask cluster), so
    scheduled runs fan out exactly like ``presslake run``.

    Raises:
        ScheduleError: unless exactly one of ``interval_seconds`` and ``cron`` is given, or
            when the interval is not positive.
    """
    from prefect.types.entrypoint import EntrypointType

    check_schedule(interval_seconds=interval_seconds, cron=cron)
    flow = presslake_run.with_options(task_runner=make_task_runner(settings))
    return flow.to_deployment(
        name=name,
        interval=timedelta(seconds=interval_seconds) if interval_seconds is not None else None,
        cron=cron,
        parameters=deployment_parameters(sources, settings=settings, published_at=published_at),
        description=f"presslake: load {', '.join(map(str, sources))} into {settings.warehouse}",
        tags=["presslake"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve(
    sources: list[str],
    *,
    settings: Settings,
    interval_seconds: int | None = None,
    cron: str | None = None,
    name: str = DEFAULT_NAME,
    published_at: datetime | None = None,
    limit: int = 1,
) -> None:
    """Serve the presslake flow for ``sources`` on a schedule until stopped.

    Args:
        sources: Files, folders, feeds or URLs to load on every run.
        settings: Run settings (warehouse, model, task runner, lock wait, ...).
        interval_seconds: Run every this many seconds.
        cron: Or run on this cron schedule (UTC), e.g. ``"0 * * * *"``.
        name: Deployment name (``presslake-run/<name>`` in the Prefect UI).
        published_at: Publication date for inputs that carry none.
        limit: Runs this process executes at once (the writer lock allows one load anyway).

    Raises:
        ScheduleError: when the schedule is not exactly one valid interval or cron.
    """
    from prefect import serve as prefect_serve

    deployment = build_deployment(
        sources,
        settings=settings,
        interval_seconds=interval_seconds,
        cron=cron,
        name=name,
        published_at=published_at,
    )
    schedule = f"every {interval_seconds}s" if interval_seconds is not None else f"cron {cron!r}"
    logger.info("serving presslake-run/%s (%s) into %s", name, schedule, settings.warehouse)
    prefect_serve(deployment, limit=limit, print_starting_message=False)
