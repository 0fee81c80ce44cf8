"""Every bad option, setting or warehouse is one line on stderr and a non-zero exit, and
nothing is created before the options are checked; ``sql`` is bounded and interruptible;
a corrupted catalog is named, with how to recover it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import main
from tests.flows.servers import PRESSLAKE, base_env

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "samples" / "articles" / "kim-nuclear-forces.txt"
#: A query that runs for minutes unless interrupted.
ENDLESS = "SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3"


def _one_line_error(result: object, needle: str) -> str:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code != 0, output  # type: ignore[attr-defined]
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ") and needle in lines[0], lines[0]
    return str(lines[0])


@pytest.fixture(scope="module")
def built(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed warehouse of the seed article (copied by the tests that change it)."""
    wh = tmp_path_factory.mktemp("errors") / "wh"
    result = CliRunner().invoke(
        main, ["run", str(SEED), "-w", str(wh), "--published-at", "2024-11-18", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    return wh


@contextlib.contextmanager
def _immutable(path: Path) -> Iterator[None]:
    """``chattr +i`` (the kernel refuses every write, root's included), undone after."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i not permitted here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


# -- run: options checked before anything is created -----------------------------------------
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--published-at", "yesterday"], "--published-at 'yesterday'"),
        (["--published-at", "0001-01-01"], "not a plausible publication date"),
        (["-j", "0"], "--processes/-j 0"),
        (["--model", "en_no_such_model_xx"], "--model 'en_no_such_model_xx'"),
    ],
)
def test_bad_run_options_create_nothing(tmp_path: Path, args: list[str], needle: str) -> None:
    wh = tmp_path / "wh"
    result = CliRunner().invoke(main, ["run", str(SEED), "-w", str(wh), *args])
    _one_line_error(result, needle)
    assert not wh.exists(), "nothing is created before the options are checked"


def test_non_numeric_max_bytes_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSLAKE_MAX_BYTES", "5MB")
    wh = tmp_path / "wh"
    result = CliRunner().invoke(main, ["run", str(SEED), "-w", str(wh)])
    _one_line_error(result, "PRESSLAKE_MAX_BYTES")
    assert not wh.exists()


@pytest.mark.parametrize("command", ["run", "sql", "status"])
def test_warehouse_that_is_a_file(tmp_path: Path, command: str) -> None:
    target = tmp_path / "wh.duckdb"
    target.write_text("not a directory")
    args = {
        "run": ["run", str(SEED), "-w", str(target)],
        "sql": ["sql", "SELECT 1", "-w", str(target)],
        "status": ["status", "-w", str(target)],
    }[command]
    _one_line_error(CliRunner().invoke(main, args), "is a file")


def test_immutable_warehouse_directory(built: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(built, wh)
    with _immutable(wh):
        result = CliRunner().invoke(main, ["run", str(SEED), "-w", str(wh)])
    _one_line_error(result, "is not writable")


def test_immutable_warehouse_file(built: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(built, wh)
    with _immutable(wh / "catalog.sqlite"):
        result = CliRunner().invoke(main, ["run", str(SEED), "-w", str(wh)])
    line = _one_line_error(result, "is not writable")
    assert "catalog.sqlite" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits (chattr covers it)")
def test_read_only_warehouse_directory(built: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(built, wh)
    wh.chmod(0o555)
    try:
        result = CliRunner().invoke(main, ["run", str(SEED), "-w", str(wh)])
    finally:
        wh.chmod(0o755)
    _one_line_error(result, "is not writable")


# -- a corrupted catalog ----------------------------------------------------------------------
def _corrupt(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:4096] = b"\x5a" * 4096  # the header and the first page are gone
    db.write_bytes(bytes(data))


def test_corrupted_catalog_is_one_line_naming_the_file(built: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(built, wh)
    catalog = wh / "catalog.sqlite"
    _corrupt(catalog)
    for args in (
        ["run", str(SEED), "-w", str(wh)],
        ["sql", "SELECT 1", "-w", str(wh)],
        ["status", "-w", str(wh)],
    ):
        line = _one_line_error(CliRunner().invoke(main, args), "is corrupted")
        assert str(catalog) in line
        assert "restore the catalog from a backup copy" in line
    assert not (wh / "staging").exists() or not any((wh / "staging").iterdir())


# -- sql: bounded, interruptible, honest about cuts ------------------------------------------
def test_sql_negative_max_rows(built: Path) -> None:
    _one_line_error(
        CliRunner().invoke(main, ["sql", "SELECT 1", "-w", str(built), "--max-rows", "-1"]),
        "--max-rows -1",
    )


def test_sql_says_when_it_cut_rows(built: Path) -> None:
    query = "SELECT * FROM range(10)"
    cut = CliRunner().invoke(main, ["sql", query, "-w", str(built), "--max-rows", "3"])
    assert cut.exit_code == 0
    assert "showing the first 3 rows" in cut.stderr
    whole = CliRunner().invoke(main, ["sql", query, "-w", str(built), "--max-rows", "10"])
    assert whole.exit_code == 0 and "showing the first" not in whole.stderr


def test_sql_timeout_interrupts_the_query(built: Path) -> None:
    result = CliRunner().invoke(main, ["sql", ENDLESS, "-w", str(built), "--timeout", "1"])
    _one_line_error(result, "--timeout 1s")


def test_sql_ctrl_c_interrupts_the_query(built: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [*PRESSLAKE, "sql", ENDLESS, "-w", str(built)],
        env=base_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # the query is running once DuckDB has the catalog open: wait for that, not for a time
        deadline = time.monotonic() + 60
        while not _has_open(proc.pid, built / "catalog.sqlite"):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "sql never opened the warehouse"
            time.sleep(0.05)
        time.sleep(0.3)  # let execute() start; the result does not depend on it
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 1
    assert err.strip().splitlines() == ["Error: the query was interrupted (Ctrl-C)"]


def _has_open(pid: int, path: Path) -> bool:
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == str(path):
                    return True
    return False


# -- a PostgreSQL catalog that cannot be reached ----------------------------------------------
@pytest.mark.parametrize(
    "command",
    [
        ["sql", "SELECT 1"],
        ["status"],
        ["export", "--to", "{tmp}/out"],
        ["maintain"],
        ["report", "--out", "{tmp}/r.html"],
        ["run", str(SEED)],
    ],
    ids=lambda c: c[0],
)
def test_unreachable_postgres_catalog_is_one_line_without_its_password(
    command: list[str], tmp_path: Path
) -> None:
    """Nothing listens on the catalog's port: every command says it cannot connect (it said
    `no warehouse at wh (expected None)`, or `run` started a flow and failed with the URL's
    password in the message), and the password never appears."""
    from tests.flows.servers import free_port

    catalog = f"postgresql://presslake:hunter2pw@127.0.0.1:{free_port()}/news"
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(
        main,
        [*args, "-w", str(tmp_path / "wh"), "--catalog", catalog, "--data-path", str(tmp_path)],
    )
    line = _one_line_error(result, "cannot connect to the PostgreSQL catalog")
    assert "hunter2pw" not in result.output
    assert f"postgresql://presslake:***@127.0.0.1:{catalog.rsplit(':', 1)[1]}" in line
    assert "Connection refused" in line
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.html").exists()
