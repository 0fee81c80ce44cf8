"""Errors raised by the warehouse layer."""

from __future__ import annotations


class WarehouseError(RuntimeError):
    """Base class for warehouse failures."""


class WarehouseBusyError(WarehouseError):
    """Another run holds the warehouse's writer lock."""


class DataCheckError(WarehouseError):
    """A data check failed before commit; the warehouse was left as it was.

    Attributes:
        check: Name of the failed check.
        rows: A few offending rows.
    """

    def __init__(self, check: str, rows: list[tuple[object, ...]]) -> None:
        self.check = check
        self.rows = rows
        sample = "; ".join(repr(row) for row in rows[:5])
        super().__init__(f"data check {check!r} failed on {len(rows)} row(s), e.g. {sample}")


class WarehouseNotFoundError(WarehouseError):
    """No warehouse exists at the given directory."""


class WarehouseUnusableError(WarehouseError):
    """The warehouse directory or file cannot be used (not a directory, not writable,
    corrupted)."""
