"""Run logs: presslake's explained errors end in their line, without Prefect's traceback.

Prefect logs the exception that fails a flow or task run with its traceback. For the errors
whose message says all there is to say (a busy warehouse, a failed data check, a bad lexicon
row naming its file and line, an unreadable feed state) the log keeps only the line; any
other error keeps its traceback. ``presslake run`` hides them for its run; a scheduled run
executes in a subprocess of ``presslake serve`` (or of a Prefect worker), where the flow
installs the same filter itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

#: The Prefect loggers that log a failed flow or task run's exception.
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


def explained_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message says all there is to say: a run they stop ends in that line."""
    from flows.fetch import FeedStateError
    from transforms.errors import InputError
    from transforms.nlp.lexicons import LexiconError
    from warehouse.errors import WarehouseError

    return (WarehouseError, LexiconError, InputError, FeedStateError)


class DropTraceback(logging.Filter):
    """Keeps a log record of one of ``kinds`` but drops its traceback."""

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.kinds):
            record.exc_info = None
            record.exc_text = None
        return True


@contextlib.contextmanager
def tracebacks_hidden_for(*kinds: type[BaseException]) -> Iterator[None]:
    """For the duration, the run loggers log ``kinds`` without their traceback."""
    drop = DropTraceback(kinds)
    loggers = [logging.getLogger(name) for name in RUN_LOGGERS]
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)


def hide_explained_tracebacks() -> None:
    """Install the filter for :func:`explained_errors` on the run loggers, once per process."""
    kinds = explained_errors()
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropTraceback) and f.kinds == kinds for f in logger.filters):
            logger.addFilter(DropTraceback(kinds))
