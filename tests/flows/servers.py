"""Helpers for the operations tests: a real Prefect server and ``presslake`` subprocesses.

Not a conftest: test modules import what they need. Every server binds 127.0.0.1 on a free
port, every wait is bounded, and everything started here is stopped by its owner.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"  # the bundled articles (41), without NOTICE.md
PRESSLAKE = [sys.executable, "-m", "flows.cli"]

#: Prefect settings every subprocess gets: offline, quiet, patient.
OFFLINE_ENV: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    """The test process environment without ``PRESSLAKE_*``/``PREFECT_*``, plus offline defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRESSLAKE_", "PREFECT_"))}
    env.update(OFFLINE_ENV)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def wait_until(
    check: Callable[[], Any], *, timeout: float, interval: float = 0.05, what: str = "condition"
) -> Any:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def stop_process(proc: subprocess.Popen[Any], *, grace: float = 10.0) -> None:
    """SIGTERM the process group of ``proc``, then SIGKILL it if it does not exit in ``grace``."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@dataclass
class PrefectServer:
    """A ``prefect server start`` subprocess (SQLite in its own ``PREFECT_HOME``)."""

    home: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def api_url(self) -> str:
        """The ``PREFECT_API_URL`` clients and workers use."""
        return f"http://127.0.0.1:{self.port}/api"

    def client_env(self, **extra: str) -> dict[str, str]:
        """Environment for a process that talks to this server."""
        return base_env(PREFECT_API_URL=self.api_url, PREFECT_HOME=str(self.home), **extra)

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET ``/api/<path>`` and return the JSON body."""
        response = httpx.get(f"{self.api_url}/{path.lstrip('/')}", timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POST ``body`` to ``/api/<path>`` and return the JSON body."""
        response = httpx.post(f"{self.api_url}/{path.lstrip('/')}", json=dict(body), timeout=10)
        response.raise_for_status()
        return response.json()

    def healthy(self) -> bool:
        """Whether ``/api/health`` answers."""
        if self.proc.poll() is not None:
            pytest.fail(
                f"prefect server exited with {self.proc.returncode}:\n"
                + self.log.read_text(errors="replace")[-3000:]
            )
        try:
            return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        """Stop the server and its children."""
        stop_process(self.proc)


def start_prefect_server(home: Path, *, timeout: float = 120.0) -> PrefectServer:
    """Start ``prefect server start`` on a free port of 127.0.0.1 and wait for ``/api/health``.

    The scheduler service runs every second, so interval schedules produce runs quickly.
    """
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = base_env(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1",
        PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED="false",
        PREFECT_SERVER_LOGGING_LEVEL="WARNING",
    )
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-ui",
                "--analytics-off",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=home,
        )
    server = PrefectServer(home=home, port=port, proc=proc, log=log)
    try:
        wait_until(server.healthy, timeout=timeout, interval=0.3, what="prefect server /api/health")
    except BaseException:
        server.stop()
        raise
    return server


_SERVER_KEY = pytest.StashKey[PrefectServer]()


@pytest.fixture(scope="session")
def prefect_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> PrefectServer:
    """One real Prefect server for every operations test module of the session.

    The server lives in the session's stash and is stopped when the session ends, so modules
    that import this fixture share it instead of each paying the start-up.
    """
    config = request.config
    server = config.stash.get(_SERVER_KEY, None)
    if server is None or server.proc.poll() is not None:
        server = start_prefect_server(tmp_path_factory.mktemp("prefect-home"))
        config.stash[_SERVER_KEY] = server
        config.add_cleanup(server.stop)
    return server


def copy_samples(target: Path) -> Path:
    """The bundled sample articles copied into ``target``."""
    shutil.copytree(SAMPLES, target)
    return target


def presslake(
    *args: str,
    env: Mapping[str, str],
    cwd: Path,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m flows.cli ARGS`` in its own process group."""
    out = log.open("wb") if log is not None else subprocess.PIPE
    try:
        return subprocess.Popen(
            [*PRESSLAKE, *args],
            env=dict(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
            start_new_session=True,
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


def run_presslake(
    *args: str, env: Mapping[str, str], cwd: Path, timeout: float = 240.0
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flows.cli ARGS`` to the end (bounded by ``timeout``)."""
    return subprocess.run(
        [*PRESSLAKE, *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def kill_group(proc: subprocess.Popen[Any]) -> None:
    """SIGKILL ``proc`` and every process of its group (NLP workers included)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def iter_files(root: Path) -> Iterator[Path]:
    """Every file under ``root`` (sorted)."""
    return iter(sorted(p for p in root.rglob("*") if p.is_file()))


# -- warehouses ----------------------------------------------------------------------------
#: Columns that name the run that wrote a row rather than what the row says.
RUN_COLUMNS = frozenset({"run_id", "ingested_at"})
#: Tables whose rows are the same for the same input, whatever runs produced them.
CONTENT_TABLES = (
    "documents",
    "entities",
    "entity_mentions",
    "quotes",
    "events",
    "event_participants",
    "time_expressions",
)
#: Date for inputs that carry none, the same in every run of these tests.
PUBLISHED_AT = "2024-11-18"


def start_paused_run(
    workdir: Path, point: str, env: Mapping[str, str], *, marker: Path, log: Path, timeout: float
) -> subprocess.Popen[bytes]:
    """Start ``presslake run in --warehouse wh`` in ``workdir`` and return once it waits at
    the test-only pause ``point`` (it writes ``marker`` there and waits until it is deleted).

    The run is killed, and the test fails, if it ends or does not reach the point in time.
    """
    from warehouse.faults import FAULT_PAUSE_ENV

    proc = presslake(
        "run",
        "in",
        "--warehouse",
        "wh",
        "--processes",
        "1",
        "--published-at",
        PUBLISHED_AT,
        env={**env, FAULT_PAUSE_ENV: f"{point}:{marker}"},
        cwd=workdir,
        log=log,
    )
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(
                f"run ended (exit {proc.returncode}) before reaching {point!r}:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        if time.monotonic() > deadline:
            kill_group(proc)
            pytest.fail(f"run did not reach {point!r} in {timeout:.0f}s")
        time.sleep(0.02)
    return proc


def content_rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every content table, without run columns, in a fixed order."""
    from warehouse.store import Warehouse

    with Warehouse(warehouse).reader() as con:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in CONTENT_TABLES:
            columns = [
                r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in RUN_COLUMNS
            ]
            out[table] = con.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL"
            ).fetchall()
        return out


def pipeline_versions(warehouse: Path) -> set[str]:
    """The pipeline versions that made the documents of ``warehouse``."""
    from warehouse.store import Warehouse

    with Warehouse(warehouse).reader() as con:
        return {
            r[0] for r in con.execute("SELECT DISTINCT pipeline_version FROM documents").fetchall()
        }


def all_rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the committed warehouse (run columns included)."""
    from schemas import TABLES
    from warehouse.store import Warehouse

    with Warehouse(warehouse).reader() as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def file_digests(root: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every file under ``root``."""
    import hashlib

    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in iter_files(root)
    }


def row_counts(rows: Mapping[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    """Rows per table."""
    return {t: len(r) for t, r in rows.items()}


@dataclass
class ReferenceRun:
    """A clean run of the samples, default task runner, on a fresh warehouse."""

    warehouse: Path
    rows: dict[str, list[tuple[Any, ...]]]
    summary: dict[str, Any]


_REFERENCE_KEY = pytest.StashKey[ReferenceRun]()


def presslake_env(server: PrefectServer, **extra: str) -> dict[str, str]:
    """Environment of a ``presslake`` subprocess of these tests: the real server, small parts.

    Parts of 5 articles make the NLP stage write table parts one after another, so a test
    watching the staging folder sees "articles staged, no table parts yet", then "some table
    parts", then the merge.
    """
    values = {"PRESSLAKE_TASK_BATCH_SIZE": "5", "PRESSLAKE_N_PROCESS": "1", **extra}
    return server.client_env(**values)


def run_json(
    workdir: Path, *args: str, env: Mapping[str, str], timeout: float = 300.0
) -> dict[str, Any]:
    """``presslake run ARGS --json`` in ``workdir``; the summary (fails the test on error)."""
    import json

    done = run_presslake(
        "run",
        *args,
        "--published-at",
        PUBLISHED_AT,
        "--json",
        env=env,
        cwd=workdir,
        timeout=timeout,
    )
    if done.returncode != 0:
        pytest.fail(f"presslake run {args} exited {done.returncode}:\n{done.stderr[-4000:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


@pytest.fixture(scope="session")
def reference_run(
    request: pytest.FixtureRequest,
    prefect_server: PrefectServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> ReferenceRun:
    """The samples (as ``in/``) loaded by ``presslake run`` into a fresh warehouse, once."""
    reference = request.config.stash.get(_REFERENCE_KEY, None)
    if reference is None:
        workdir = tmp_path_factory.mktemp("reference")
        copy_samples(workdir / "in")
        summary = run_json(
            workdir,
            "in",
            "--warehouse",
            "wh",
            "--processes",
            "1",
            env=presslake_env(prefect_server),
        )
        reference = ReferenceRun(workdir / "wh", content_rows(workdir / "wh"), summary)
        request.config.stash[_REFERENCE_KEY] = reference
    return reference


_BASE_KEY = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def one_article_warehouse(
    request: pytest.FixtureRequest,
    prefect_server: PrefectServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A warehouse holding one committed run of one article (``in/<article>.txt``), once.

    Tests copy it (``shutil.copytree``) and never change this one.
    """
    base = request.config.stash.get(_BASE_KEY, None)
    if base is None:
        workdir = tmp_path_factory.mktemp("one-article")
        (workdir / "in").mkdir()
        shutil.copy(base_article(), workdir / "in")
        run_json(workdir, "in", "--warehouse", "wh", env=presslake_env(prefect_server))
        base = workdir / "wh"
        request.config.stash[_BASE_KEY] = base
    return base


def base_article() -> Path:
    """The article of the committed base run: the first ``.txt`` sample."""
    return min(SAMPLES.glob("*.txt"))


def catalog_files(warehouse: Path) -> set[Path]:
    """Every data and delete file the last snapshot of ``warehouse`` references."""
    from schemas import TABLES
    from warehouse.store import Warehouse

    out: set[Path] = set()
    with Warehouse(warehouse).reader() as con:
        for table in TABLES:
            rows = con.execute(
                "SELECT data_file, delete_file FROM ducklake_list_files('lake', ?)", [table]
            ).fetchall()
            out.update(Path(f) for row in rows for f in row if f)
    return out


def orphan_files(warehouse: Path) -> set[Path]:
    """Parquet files under ``lake/`` that no snapshot of the catalog knows (DuckLake names
    every file it writes with a fresh UUID, so names identify files)."""
    from warehouse.store import Warehouse

    with Warehouse(warehouse).reader() as con:
        known = {
            Path(r[0]).name
            for r in con.execute(
                "SELECT path FROM __ducklake_metadata_lake.ducklake_data_file "
                "UNION ALL SELECT path FROM __ducklake_metadata_lake.ducklake_delete_file"
            ).fetchall()
        }
    return {p for p in lake_files(warehouse) if p.name not in known}


def last_snapshot(warehouse: Path) -> int:
    """The id of the last committed snapshot of ``warehouse``."""
    from warehouse.store import Warehouse

    with Warehouse(warehouse).reader() as con:
        row = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots('lake')").fetchone()
    return int(row[0]) if row else -1


def lake_files(warehouse: Path) -> set[Path]:
    """Every Parquet file under the warehouse's data path (``lake/``)."""
    return set((warehouse / "lake").rglob("*.parquet"))


# -- a slow HTTP server ---------------------------------------------------------------------
class DripServer:
    """An HTTP server on 127.0.0.1 that sends its answer one byte every ``interval`` seconds.

    ``part="body"`` sends the headers at once and drips the body; ``part="headers"`` drips
    the status line and headers too. Every connection ends after ``bound`` seconds whatever
    happens, so a client without an overall deadline still gets its answer eventually and
    the server never outlives the test by more than ``bound``. ``connections`` counts the
    requests (attempts) it saw.
    """

    def __init__(
        self, *, interval: float = 0.5, part: str = "body", bound: float = 30.0, size: int = 400
    ) -> None:
        import threading

        self.interval = interval
        self.part = part
        self.bound = bound
        self.size = size
        self.connections = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/slow.html"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import threading

        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        ends = time.monotonic() + self.bound
        body = (b"<html><body><p>" + b"x" * self.size + b"</p></body></html>")[: self.size]
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        with conn:
            try:
                conn.recv(65536)
                if self.part == "body":
                    conn.sendall(head)
                    dripped = body
                else:
                    dripped = head + body
                for i in range(len(dripped)):
                    if self._stop.is_set() or time.monotonic() > ends:
                        return
                    conn.sendall(dripped[i : i + 1])
                    time.sleep(self.interval)
            except OSError:
                return  # the client hung up

    def close(self) -> None:
        """Stop accepting and end every answer."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
