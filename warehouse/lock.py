"""One writer per warehouse: an advisory file lock held for the whole run."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import WarehouseBusyError


@contextmanager
def writer_lock(path: Path, *, timeout: float = 0.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the exclusive writer lock at ``path``, waiting up to ``timeout`` seconds.

    The lock is released by the kernel when the process dies, so a killed run never leaves
    a stale lock behind.

    Raises:
        WarehouseBusyError: when another process still holds it after ``timeout``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = Path(path).read_text(encoding="utf-8").strip() or "another process"
                    raise WarehouseBusyError(
                        f"warehouse {path.parent} is being written by {holder}; "
                        f"waited {timeout:.0f}s. Wait for that run to finish or raise the "
                        "lock timeout (--wait)."
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield
    finally:
        os.close(fd)
