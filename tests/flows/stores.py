"""Real storage servers for the scale-out tests: PostgreSQL (catalog) and S3 (data path).

Not a conftest: test modules import the fixtures they need. Like :mod:`tests.flows.servers`,
every server binds 127.0.0.1 on a free port, every wait is bounded, and each fixture stops
what it started.

* PostgreSQL comes from the Debian packages (``postgresql``; ``.ci/run`` installs it when
  missing). ``initdb`` makes a throw-away cluster in a temporary folder, with trust
  authentication for the superuser ``presslake`` on 127.0.0.1 only; as root the server runs as
  the ``postgres`` user (PostgreSQL refuses to run as root). One server per test session; each
  test gets its own database.
* S3 is moto's server mode (``moto_server``, from the lock). One server per session; each test
  gets its own bucket.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.flows.servers import free_port, stop_process, wait_until

#: Where Debian installs the server binaries (``/usr/lib/postgresql/<major>/bin``).
PG_ROOT = Path("/usr/lib/postgresql")
PG_USER = "presslake"
S3_KEY_ID = "presslake-test"
S3_SECRET = "presslake-test-secret"
S3_REGION = "us-east-1"

_names = itertools.count(1)


def _pg_bin() -> Path:
    """The ``bin`` folder of the newest installed PostgreSQL server."""
    found = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        pytest.fail(
            f"no PostgreSQL server under {PG_ROOT}: install the Debian package `postgresql` "
            "(.ci/run does when it is missing)"
        )
    return found[-1].parent


def _run_as_owner(command: list[str]) -> list[str]:
    """``command`` run as ``postgres`` when we are root (PostgreSQL will not run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.root / "data"

    def create_database(self, prefix: str = "lake") -> str:
        """A new empty database; its name."""
        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                PG_USER,
                name,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return name

    def url(self, database: str) -> str:
        """``postgresql://`` URL of ``database`` (what ``--catalog`` takes)."""
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        """libpq key-value connection string of ``database`` (what DuckDB's ATTACH takes)."""
        return f"dbname={database} host=127.0.0.1 port={self.port} user={PG_USER}"

    def psql(self, database: str, query: str) -> str:
        """Run ``query`` with ``psql`` and return its unaligned output."""
        done = subprocess.run(
            [
                str(self.bin / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                PG_USER,
                "-d",
                database,
                "-At",
                "-c",
                query,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout.strip()

    def stop(self) -> None:
        """Stop the server (fast shutdown, bounded) and delete the cluster."""
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                _run_as_owner(
                    [
                        str(self.bin / "pg_ctl"),
                        "-D",
                        str(self.data),
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "30",
                        "stop",
                    ]
                ),
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(*, timeout: float = 90.0) -> PostgresServer:
    """``initdb`` a cluster in a new temporary folder and start it on a free port."""
    pg_bin = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="presslake-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    server = PostgresServer(bin=pg_bin, root=root, port=free_port())
    try:
        subprocess.run(
            _run_as_owner(
                [
                    str(pg_bin / "initdb"),
                    "-D",
                    str(server.data),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        options = (
            f"-k {root} -h 127.0.0.1 -p {server.port} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=32MB -c max_connections=200"
        )
        subprocess.run(
            _run_as_owner(
                [
                    str(pg_bin / "pg_ctl"),
                    "-D",
                    str(server.data),
                    "-l",
                    str(root / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(int(timeout)),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=timeout + 10,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        log = root / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        stderr = getattr(err, "stderr", b"") or b""
        server.stop()
        pytest.fail(f"PostgreSQL did not start: {err}\n{stderr.decode(errors='replace')}{detail}")
    return server


_PG_KEY = pytest.StashKey[PostgresServer]()


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    """One PostgreSQL server for the session (stopped and deleted when the session ends)."""
    server = request.config.stash.get(_PG_KEY, None)
    if server is None:
        server = start_postgres()
        request.config.stash[_PG_KEY] = server
        request.config.add_cleanup(server.stop)
    return server


@pytest.fixture()
def postgres_database(postgres_server: PostgresServer) -> str:
    """A fresh empty database on the session's PostgreSQL server."""
    return postgres_server.create_database()


@dataclass
class S3Server:
    """A moto S3 server on 127.0.0.1."""

    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def endpoint(self) -> str:
        """``host:port`` (DuckDB's ``ENDPOINT``)."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """``http://host:port`` (boto3's ``endpoint_url``)."""
        return f"http://{self.endpoint}"

    def client(self) -> Any:
        """A boto3 S3 client for this server."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=S3_KEY_ID,
            aws_secret_access_key=S3_SECRET,
            region_name=S3_REGION,
        )

    def create_bucket(self, prefix: str = "lake") -> str:
        """A new empty bucket; its name."""
        name = f"{prefix}-{os.getpid()}-{next(_names)}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key of ``bucket`` under ``prefix`` (sorted)."""
        paginator = self.client().get_paginator("list_objects_v2")
        keys = [
            item["Key"]
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]
        return sorted(keys)

    def env(self) -> dict[str, str]:
        """The S3 settings a ``presslake`` subprocess needs to reach this server."""
        return {
            "PRESSLAKE_S3_ENDPOINT": self.endpoint,
            "PRESSLAKE_S3_KEY_ID": S3_KEY_ID,
            "PRESSLAKE_S3_SECRET": S3_SECRET,
            "PRESSLAKE_S3_REGION": S3_REGION,
            "PRESSLAKE_S3_URL_STYLE": "path",
            "PRESSLAKE_S3_USE_SSL": "false",
        }

    def healthy(self) -> bool:
        """Whether the server answers HTTP."""
        if self.proc.poll() is not None:
            pytest.fail(
                f"moto_server exited with {self.proc.returncode}:\n"
                + self.log.read_text(errors="replace")[-2000:]
            )
        try:
            httpx.get(self.url, timeout=2)
        except httpx.HTTPError:
            return False
        return True

    def stop(self) -> None:
        """Stop the server."""
        stop_process(self.proc)


def start_s3(log: Path, *, timeout: float = 60.0) -> S3Server:
    """Start ``moto_server`` on a free port of 127.0.0.1 and wait until it answers."""
    port = free_port()
    moto_server = Path(sys.executable).parent / "moto_server"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = S3Server(port=port, proc=proc, log=log)
    try:
        wait_until(server.healthy, timeout=timeout, interval=0.1, what="moto_server")
    except BaseException:
        server.stop()
        raise
    return server


_S3_KEY = pytest.StashKey[S3Server]()


@pytest.fixture(scope="session")
def s3_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> S3Server:
    """One moto S3 server for the session."""
    server = request.config.stash.get(_S3_KEY, None)
    if server is None or server.proc.poll() is not None:
        server = start_s3(tmp_path_factory.mktemp("moto") / "moto.log")
        request.config.stash[_S3_KEY] = server
        request.config.add_cleanup(server.stop)
    return server


@pytest.fixture()
def s3_bucket(s3_server: S3Server) -> str:
    """A fresh empty bucket on the session's S3 server."""
    return s3_server.create_bucket()


@contextlib.contextmanager
def raw_lake(*, catalog: str, data_path: str, s3: S3Server | None = None) -> Iterator[Any]:
    """A plain DuckDB connection with the DuckLake ``catalog`` attached as ``lake``.

    For tests that check what a run or ``maintain`` left, independently of the warehouse code.
    ``catalog`` is what follows ``ducklake:`` (``postgres:dbname=...``, or a SQLite file as
    ``sqlite:PATH``).
    """
    from warehouse.extensions import connect

    con = connect("ducklake", "sqlite_scanner", "postgres_scanner", "httpfs")
    try:
        if s3 is not None:
            con.execute(
                f"CREATE SECRET (TYPE s3, KEY_ID '{S3_KEY_ID}', SECRET '{S3_SECRET}', "
                f"ENDPOINT '{s3.endpoint}', URL_STYLE 'path', USE_SSL false, "
                f"REGION '{S3_REGION}')"
            )
        con.execute(f"ATTACH 'ducklake:{catalog}' AS lake (DATA_PATH '{data_path}')")
        yield con
    finally:
        con.close()
