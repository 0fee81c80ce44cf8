"""A run's life as a process tree: it ends with the run, and a run that failed, was
interrupted or killed leaves a ledger row or is cleaned up by the next one.

* :func:`tracked_run` wraps the body of a run (inside the writer lock): it writes the run's
  pid file, records the run as ``failed`` in ``runs`` when the body raises before anything
  recorded it, and removes the pid file at the end.
* :func:`install_signal_handlers` (the CLI calls it): on SIGINT or SIGTERM every process the
  run started (NLP pool, forkserver, resource tracker, the temporary Prefect API, a local
  Dask cluster) is killed, the run is recorded as ``interrupted``, its staging folder and any
  unfinished next warehouse version are removed, and the process exits (130 / 143) within a
  few seconds; the committed warehouse is untouched.
* After a SIGKILL nothing can run in the killed process: its helpers are orphaned but keep
  its process group. The next run on the warehouse reads the pid file the killed run left,
  reports the processes of that group started after it, and stops them
  (:func:`reap_leftovers`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from schemas import SCHEMA_VERSION
from schemas.ledger import RunRecord
from warehouse.store import Warehouse

logger = logging.getLogger(__name__)

#: Seconds after a signal by which the process exits, whatever is still running.
EXIT_WITHIN = 8.0
#: Tries to write a failed or interrupted run's ledger row before giving up (and logging).
RECORD_ATTEMPTS = 3


@dataclass
class RunTracker:
    """The run in progress in this process, as the signal handler and failures see it."""

    warehouse: Warehouse
    run: RunRecord
    recorded: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.run.run_id

    def record_failure(
        self, run: RunRecord | None = None, *, error: str = "", status: str | None = None
    ) -> None:
        """Record the run as failed (or ``interrupted``) in ``runs``, with its error."""
        if run is not None:
            self.run = run
        status = status or self.run.status
        status = status if status == "interrupted" else "failed"
        self.run = dataclasses.replace(
            self.run,
            status=status,
            finished_at=self.run.finished_at or _now(),
            error=error or self.run.error or "failed",
        )
        for attempt in range(RECORD_ATTEMPTS):
            try:
                self.warehouse.record_failure(self.run)
            except Exception as exc:  # the original error matters more than the ledger row
                logger.warning(
                    "could not record run %s as %s (attempt %d): %s",
                    self.run_id,
                    status,
                    attempt + 1,
                    exc,
                )
                time.sleep(0.2)
            else:
                self.recorded = True
                return


_current: RunTracker | None = None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@contextlib.contextmanager
def tracked_run(
    warehouse: Warehouse,
    *,
    run_id: str,
    started_at: datetime,
    sources: list[str],
    pipeline_version: str,
    model: str,
) -> Iterator[RunTracker]:
    """Track the run whose body this wraps (call it inside the writer lock).

    Processes a killed earlier run left are reported and stopped first. A body that raises
    before the run was recorded leaves a ``failed`` row (with the error) in ``runs``.
    """
    global _current
    reap_leftovers(warehouse)
    tracker = RunTracker(
        warehouse,
        RunRecord(
            run_id=run_id,
            started_at=started_at,
            status="running",
            n_seen=0,
            n_new=0,
            n_unchanged=0,
            n_replaced=0,
            n_rejected=0,
            n_duplicates=0,
            pipeline_version=pipeline_version,
            model=model,
            schema_version=SCHEMA_VERSION,
            sources=[str(s) for s in sources],
        ),
    )
    _write_pid_file(warehouse, run_id)
    _current = tracker
    try:
        yield tracker
    except Exception as error:
        if not tracker.recorded:
            tracker.record_failure(error=_one_line(error))
        _current = None
        warehouse.layout.run_pid.unlink(missing_ok=True)
        raise
    except BaseException:
        # a signal (KeyboardInterrupt, Prefect's TerminationSignal): the signal path
        # records the run as interrupted and cleans up; leave it the run to do so
        raise
    _current = None
    warehouse.layout.run_pid.unlink(missing_ok=True)


# -- signals ---------------------------------------------------------------------------------


def install_signal_handlers() -> None:
    """Stop the whole run on SIGINT and SIGTERM (see the module docstring); call it from the
    main thread.

    Python runs signal handlers in the main thread only, and only once that thread runs
    Python code again: a main thread blocked on a lock (waiting for a task, say) while the
    kernel delivered the signal to another thread would not see it for as long as it
    waits. So the handler is also reached through the signal wakeup fd, read by a thread of
    its own that stops the run whatever the main thread is doing.
    """
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    threading.Thread(
        target=_watch_signals, args=(read_fd,), name="presslake-signals", daemon=True
    ).start()


def _watch_signals(read_fd: int) -> None:
    while True:
        data = os.read(read_fd, 64)
        if not data:
            return
        for signum in data:
            if signum in (signal.SIGINT, signal.SIGTERM):
                _stop(signum)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    _stop(signum)


_stop_lock = threading.Lock()


def _stop(signum: int) -> None:
    """Stop everything and exit ``128 + signum``; the first caller does it, others return."""
    if not _stop_lock.acquire(blocking=False):
        if threading.current_thread() is threading.main_thread():
            # another thread is stopping the run: the main thread must not go on (and end
            # the interpreter under it); that thread exits the process
            while True:
                time.sleep(1)
        return
    code = 128 + signum
    watchdog = threading.Timer(EXIT_WITHIN, os._exit, args=(code,))
    watchdog.daemon = True
    watchdog.start()
    name = signal.Signals(signum).name
    try:
        message = stop_run(f"interrupted by {name}")
    except BaseException as exc:  # still exit, and say why the cleanup was partial
        message = f"interrupted by {name}; cleanup incomplete ({exc})"
    sys.stderr.write(f"Error: {message}\n")
    sys.stderr.flush()
    os._exit(code)


def stop_run(reason: str) -> str:
    """Kill every process this one started, record the run in progress as interrupted
    and remove what it staged. Returns one line saying what was done."""
    killed = kill_descendants()
    tracker = _current
    helpers = f"stopped {len(killed)} helper process(es)"
    if tracker is None:
        return f"{reason} before the run started; {helpers}"
    tracker.record_failure(error=reason, status="interrupted")
    layout = tracker.warehouse.layout
    shutil.rmtree(layout.staging(tracker.run_id), ignore_errors=True)
    layout.run_pid.unlink(missing_ok=True)
    recorded = "recorded as interrupted in runs" if tracker.recorded else "NOT recorded in runs"
    return (
        f"run {tracker.run_id} {reason}; {helpers}; {recorded}; "
        "the committed warehouse is unchanged"
    )


# -- processes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcInfo:
    """What ``/proc/<pid>/stat`` says about a process."""

    pid: int
    ppid: int
    pgid: int
    start_ticks: int


def _proc_info(pid: int) -> ProcInfo | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # the command name may hold spaces and parentheses: the fields follow the last ')'
    fields = raw[raw.rindex(")") + 2 :].split()
    if fields[0] == "Z":  # a zombie is already dead
        return None
    return ProcInfo(pid, int(fields[1]), int(fields[2]), int(fields[19]))


def _all_processes() -> list[ProcInfo]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _proc_info(int(entry))
            if info is not None:
                out.append(info)
    return out


def descendants(pid: int) -> list[int]:
    """Every living descendant of ``pid``."""
    children: dict[int, list[int]] = {}
    for info in _all_processes():
        children.setdefault(info.ppid, []).append(info.pid)
    out: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(children.get(child, []))
    return out


def _kill_all(pids: list[int]) -> list[int]:
    killed = []
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and any(_proc_info(p) is not None for p in killed):
        for pid in killed:  # reap our own children so they do not stay zombies
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)
    return killed


def kill_descendants() -> list[int]:
    """SIGKILL every process this one started (and theirs); returns their pids."""
    return _kill_all(descendants(os.getpid()))


# -- pid file and leftovers of a killed run --------------------------------------------------


def _write_pid_file(warehouse: Warehouse, run_id: str) -> None:
    me = _proc_info(os.getpid())
    payload = {
        "run_id": run_id,
        "pid": os.getpid(),
        "pgid": os.getpgid(0),
        "start_ticks": me.start_ticks if me else 0,
    }
    path = warehouse.layout.run_pid
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def _ancestors(pid: int) -> set[int]:
    out: set[int] = set()
    while pid > 1 and pid not in out:
        out.add(pid)
        info = _proc_info(pid)
        if info is None:
            break
        pid = info.ppid
    return out


def leftovers(warehouse: Warehouse) -> tuple[dict[str, Any] | None, list[int]]:
    """The pid file a killed run left on ``warehouse`` and the processes still running
    from it: members of its process group started after it, not this process's
    ancestors or descendants."""
    path = warehouse.layout.run_pid
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        pid, pgid, start = int(payload["pid"]), int(payload["pgid"]), int(payload["start_ticks"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, []
    me = os.getpid()
    owner = _proc_info(pid)
    if pid != me and owner is not None and owner.start_ticks == start:
        return payload, []  # that run is alive (it holds the lock): nothing is left over
    mine = _ancestors(me) | set(descendants(me)) | {me}
    left = [
        info.pid
        for info in _all_processes()
        if info.pgid == pgid and info.start_ticks >= start and info.pid not in mine
    ]
    return payload, sorted(left)


def reap_leftovers(warehouse: Warehouse) -> list[int]:
    """Report and stop what a killed run on ``warehouse`` left running; remove its pid file."""
    payload, left = leftovers(warehouse)
    if payload is None:
        return []
    killed = _kill_all(left)
    if killed:
        message = (
            f"run {payload.get('run_id')} was killed and left {len(killed)} process(es) "
            f"running (pids {', '.join(map(str, killed))}); stopped them"
        )
        logger.warning(message)
        sys.stderr.write(f"warning: {message}\n")
    warehouse.layout.run_pid.unlink(missing_ok=True)
    return killed
