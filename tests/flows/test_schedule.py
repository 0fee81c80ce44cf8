"""Schedules: a served presslake flow runs on its interval against a real Prefect server.

``flows.serve.serve`` runs in a subprocess pointed at a real ``prefect server start``
(SQLite in a temporary ``PREFECT_HOME``); the server's scheduler creates runs every 5 s and
the serving process picks them up. The test waits for one scheduled run to be COMPLETED
and for the warehouse to hold its rows. ``prefect.yaml`` is checked by ``prefect deploy``
against the same server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from flows.serve import ScheduleError, build_deployment
from flows.settings import Settings
from tests.flows.servers import (
    ROOT,
    SAMPLES,
    PrefectServer,
    prefect_server,
    stop_process,
    wait_until,
)
from warehouse.store import Warehouse

__all__ = ["prefect_server"]

SERVE_SCRIPT = textwrap.dedent(
    """
    import sys
    from flows.serve import serve
    from flows.settings import Settings

    serve(
        ["in"],
        settings=Settings(warehouse="wh", n_process=1, lock_wait=60),
        interval_seconds=5,
        name=sys.argv[1],
    )
    """
)


def _deployment(server: PrefectServer, name: str) -> dict[str, Any] | None:
    found: list[dict[str, Any]] = server.post(
        "deployments/filter", {"deployments": {"name": {"any_": [name]}}}
    )
    return found[0] if found else None


def _flow_runs(server: PrefectServer, deployment_id: str) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = server.post(
        "flow_runs/filter", {"flow_runs": {"deployment_id": {"any_": [deployment_id]}}}
    )
    return runs


@pytest.mark.slow
def test_served_flow_runs_on_its_schedule(prefect_server: PrefectServer, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(min(SAMPLES.glob("*.txt")), tmp_path / "in")
    name = "presslake-test-schedule"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, name],
            env=prefect_server.client_env(PREFECT_RUNNER_POLL_FREQUENCY="1"),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def running() -> None:
        if proc.poll() is not None:
            pytest.fail(
                f"serve exited {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )

    def completed_run() -> dict[str, Any] | None:
        running()
        deployment = _deployment(prefect_server, name)
        if deployment is None:
            return None
        for run in _flow_runs(prefect_server, deployment["id"]):
            state = run["state"]["type"] if run.get("state") else None
            if state in {"FAILED", "CRASHED"}:
                pytest.fail(f"scheduled run {run['name']} ended {state}")
            if state == "COMPLETED":
                return run
        return None

    try:
        started = time.monotonic()
        run = wait_until(completed_run, timeout=180, interval=1, what="a scheduled run to complete")
        seconds = time.monotonic() - started
        deployment = _deployment(prefect_server, name)
        assert deployment is not None
    finally:
        stop_process(proc, grace=20)

    assert run["auto_scheduled"] is True, "the run came from the schedule, not from a trigger"
    assert run["parameters"]["sources"] == ["in"]
    schedule = deployment["schedules"][0]["schedule"]
    assert schedule["interval"] == 5
    counts = Warehouse(tmp_path / "wh").table_counts()
    assert counts["documents"] == 1
    assert counts["runs"] >= 1
    assert counts["entity_mentions"] > 0
    assert seconds < 180


def test_a_schedule_is_an_interval_or_a_cron(tmp_path: Path) -> None:
    settings = Settings(warehouse=tmp_path / "wh", n_process=1)
    with pytest.raises(ScheduleError, match="exactly one"):
        build_deployment(["in"], settings=settings)
    with pytest.raises(ScheduleError, match="exactly one"):
        build_deployment(["in"], settings=settings, interval_seconds=60, cron="0 * * * *")
    with pytest.raises(ScheduleError, match="positive"):
        build_deployment(["in"], settings=settings, interval_seconds=0)
    deployment = build_deployment(["in"], settings=settings, cron="0 * * * *", name="hourly")
    assert deployment.name == "hourly"
    assert deployment.entrypoint == "flows.pipeline.presslake_run"
    assert deployment.schedules[0].schedule.cron == "0 * * * *"
    assert deployment.parameters["sources"] == ["in"]
    assert Settings(**deployment.parameters["settings"]) == settings


@pytest.mark.slow
def test_prefect_yaml_deploys(prefect_server: PrefectServer, tmp_path: Path) -> None:
    """``prefect deploy --all`` accepts prefect.yaml and registers its schedule."""
    import yaml

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (entry,) = spec["deployments"]
    env = prefect_server.client_env()
    prefect = str(Path(sys.executable).parent / "prefect")
    pool = entry["work_pool"]["name"]
    created = subprocess.run(
        [prefect, "work-pool", "create", pool, "--type", "process", "--overwrite"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--all", "--prefect-file", str(ROOT / "prefect.yaml")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    deployment = _deployment(prefect_server, entry["name"])
    assert deployment is not None
    assert deployment["entrypoint"] == entry["entrypoint"]
    assert deployment["work_pool_name"] == pool
    assert deployment["parameters"] == entry["parameters"]
    assert deployment["schedules"][0]["schedule"]["cron"] == "0 * * * *"


def test_deployment_parameters_carry_no_s3_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Prefect server stores a deployment's parameters (and shows them in its UI): the
    S3 secret stays out of them, and the scheduled run reads it from its own environment."""
    from pydantic import BaseModel

    settings = Settings(
        warehouse=tmp_path / "wh", n_process=1, s3_key_id="AKIDPL", s3_secret="pl-secret-7"
    )
    deployment = build_deployment(["in"], settings=settings, interval_seconds=60)
    assert "pl-secret-7" not in repr(deployment.parameters)

    class Parameters(BaseModel):  # how Prefect validates a scheduled run's parameters
        settings: Settings

    monkeypatch.setenv("PRESSLAKE_S3_SECRET", "pl-secret-7")
    received = Parameters.model_validate(deployment.parameters).settings
    assert received.open_warehouse().layout.s3.secret == "pl-secret-7"
    assert received.s3_key_id == "AKIDPL"
    monkeypatch.delenv("PRESSLAKE_S3_SECRET")
    assert Parameters.model_validate(deployment.parameters).settings.s3_secret is None


@pytest.mark.slow
def test_flow_run_parameters_carry_no_s3_secret(
    prefect_server: PrefectServer, tmp_path: Path
) -> None:
    """``presslake run`` records its parameters on the Prefect server: never the S3 secret."""
    from tests.flows.servers import presslake_env, run_presslake

    (tmp_path / "in").mkdir()
    shutil.copy(min(SAMPLES.glob("*.txt")), tmp_path / "in")
    env = presslake_env(
        prefect_server, PRESSLAKE_S3_KEY_ID="AKIDRUN", PRESSLAKE_S3_SECRET="run-secret-9"
    )
    done = run_presslake("run", "in", "-w", "wh", "--json", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = prefect_server.post("flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC"})
    recorded = [r for r in runs if r["parameters"].get("settings", {}).get("s3_key_id")]
    assert recorded and recorded[0]["parameters"]["settings"]["s3_key_id"] == "AKIDRUN"
    assert "run-secret-9" not in repr(runs)


@pytest.mark.slow
def test_a_failed_scheduled_run_logs_its_line_without_traceback(
    prefect_server: PrefectServer, tmp_path: Path
) -> None:
    """A scheduled run stopped by an explained error (here an unreadable feed state) shows in
    the serving process's log as the error's line, as ``presslake run`` prints it, not as a
    40-line traceback repeated on every tick."""
    (tmp_path / "in").mkdir()
    shutil.copy(min(SAMPLES.glob("*.txt")), tmp_path / "in")
    (tmp_path / "wh" / "state").mkdir(parents=True)
    (tmp_path / "wh" / "state" / "feeds.json").write_text("{ x", encoding="utf-8")
    name = "presslake-test-failing"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, name],
            env=prefect_server.client_env(
                PREFECT_RUNNER_POLL_FREQUENCY="1", PREFECT_LOGGING_LEVEL="INFO"
            ),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def failed_run() -> dict[str, Any] | None:
        deployment = _deployment(prefect_server, name)
        if deployment is None:
            return None
        for run in _flow_runs(prefect_server, deployment["id"]):
            if run.get("state") and run["state"]["type"] == "FAILED":
                return run
        return None

    try:
        run = wait_until(failed_run, timeout=180, interval=1, what="a scheduled run to fail")
        wait_until(lambda: "unreadable feed state" in log.read_text(errors="replace"), timeout=30)
    finally:
        stop_process(proc, grace=20)
    assert "FeedStateError" in run["state"]["message"]
    text = log.read_text(errors="replace")
    assert "wh/state/feeds.json: unreadable feed state" in text
    assert "Traceback" not in text, text[-3000:]


@pytest.mark.slow
def test_serve_says_what_it_serves_and_sigterm_pauses_it(
    prefect_server: PrefectServer, tmp_path: Path
) -> None:
    """``presslake serve`` names the deployment, its schedule and how to stop it (it printed
    nothing at all); SIGTERM to its pid ends it and pauses the deployment's schedule."""
    import os
    import signal

    from tests.flows.servers import PRESSLAKE

    (tmp_path / "in").mkdir()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*PRESSLAKE, "serve", "in", "-w", "wh", "--cron", "0 0 1 1 *", "--name", "cli-cron"],
            env=prefect_server.client_env(),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(
            lambda: proc.poll() is not None or "serving" in log.read_text(errors="replace"),
            timeout=120,
            what="serve's start line",
        )
        text = log.read_text(errors="replace")
        assert "serving presslake-run/cli-cron (cron '0 0 1 1 *', UTC)" in text, text[-2000:]
        assert "Ctrl-C or SIGTERM" in text
        # READY once the runner polls, i.e. once it has installed its SIGTERM handler
        deployment = wait_until(
            lambda: (d := _deployment(prefect_server, "cli-cron")) and d["status"] == "READY" and d,
            timeout=60,
            what="the runner to poll",
        )
        assert deployment["paused"] is False
        assert deployment["parameters"]["sources"] == [str(tmp_path / "in")]
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=60) in (0, -signal.SIGTERM)  # Prefect re-raises SIGTERM
    finally:
        stop_process(proc, grace=5)
    assert _deployment(prefect_server, "cli-cron")["paused"] is True  # type: ignore[index]


def test_serve_takes_the_catalog_and_checks_it_before_registering(tmp_path: Path) -> None:
    """README: every command takes --catalog and --data-path; `serve` had neither, and a
    catalog that cannot be reached would only fail each scheduled run, one by one."""
    from click.testing import CliRunner

    from flows.cli import main
    from tests.flows.servers import free_port

    catalog = f"postgresql://presslake@127.0.0.1:{free_port()}/news"
    result = CliRunner(env={"PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"}).invoke(
        main,
        [
            "serve",
            str(tmp_path),
            "-w",
            str(tmp_path / "wh"),
            "--catalog",
            catalog,
            "--data-path",
            str(tmp_path / "lake"),
            "--interval",
            "60",
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.output.startswith(
        f"Error: cannot connect to the PostgreSQL catalog {catalog} ("
    ), result.output


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--cron", "every day", "--cron: 'every day' is not a cron expression"),
        ("--cron", "61 * * * *", "--cron: '61 * * * *' is not a cron expression"),
        ("--interval", "0", "--interval: the interval must be a positive number of seconds"),
        ("--interval", "-5", "--interval: the interval must be a positive number of seconds"),
    ],
)
def test_a_bad_schedule_is_one_line(option: str, value: str, needle: str, tmp_path: Path) -> None:
    """`--cron "every day"` ended in a 50-line pydantic traceback, `--interval 0` in a
    ScheduleError traceback (after the start line); without PREFECT_API_URL the server was
    asked for first. The schedule is checked first, in one line."""
    from click.testing import CliRunner

    from flows.cli import main

    result = CliRunner(env={"PREFECT_API_URL": ""}).invoke(
        main, ["serve", str(tmp_path), "-w", str(tmp_path / "wh"), option, value]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {needle}"), result.output
    assert not (tmp_path / "wh").exists()
