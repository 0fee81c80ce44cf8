"""Settings from ``PRESSLAKE_*``: a Dask scheduler address alone selects the Dask runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.runner import make_task_runner
from flows.settings import Settings


def test_a_dask_address_alone_selects_the_dask_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: `PRESSLAKE_TASK_RUNNER` / `PRESSLAKE_DASK_ADDRESS`. With only the address set,
    runs went to local threads and the cluster was silently ignored."""
    from prefect_dask.task_runners import DaskTaskRunner

    monkeypatch.setenv("PRESSLAKE_DASK_ADDRESS", "tcp://10.0.0.7:8786")
    settings = Settings()
    assert settings.task_runner == "dask"
    runner = make_task_runner(settings)
    assert isinstance(runner, DaskTaskRunner)
    assert runner.address == "tcp://10.0.0.7:8786"


def test_an_explicit_threads_runner_with_an_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRESSLAKE_DASK_ADDRESS", "tcp://10.0.0.7:8786")
    monkeypatch.setenv("PRESSLAKE_TASK_RUNNER", "threads")
    with pytest.raises(ValueError, match="PRESSLAKE_DASK_ADDRESS"):
        Settings()
    monkeypatch.delenv("PRESSLAKE_DASK_ADDRESS")
    assert Settings().task_runner == "threads"


def test_the_contradiction_is_one_line_from_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from flows.cli import main

    monkeypatch.setenv("PRESSLAKE_DASK_ADDRESS", "tcp://10.0.0.7:8786")
    monkeypatch.setenv("PRESSLAKE_TASK_RUNNER", "threads")
    result = CliRunner().invoke(main, ["run", "samples/articles", "-w", f"{tmp_path}/wh"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: invalid settings: PRESSLAKE_DASK_ADDRESS (tcp://10.0.0.7:8786) is set but "
        "PRESSLAKE_TASK_RUNNER is 'threads'; unset one of them\n"
    )


def test_an_unreachable_dask_scheduler_is_one_line_before_the_run(tmp_path: Path) -> None:
    """It printed a 60-line traceback after 30 s and ended `Error: warehouse wh: Timed out
    trying to connect to tcp://...`, blaming the warehouse."""
    from click.testing import CliRunner

    from flows.cli import main
    from tests.flows.servers import free_port

    address = f"tcp://127.0.0.1:{free_port()}"
    seed = Path(__file__).resolve().parents[2] / "samples" / "articles" / "kim-nuclear-forces.txt"
    result = CliRunner().invoke(
        main, ["run", str(seed), "-w", str(tmp_path / "wh"), "--dask", address]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: the Dask scheduler {address} cannot be reached"), lines[0]
    assert "warehouse" not in lines[0]
    assert not (tmp_path / "wh").exists()
