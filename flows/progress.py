"""A tiny progress bus: tasks report, the CLI (or nothing) listens."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, "int | None"], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Receive ``(stage, advance, total)`` events."""
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    """Stop receiving events."""
    if listener in _listeners:
        _listeners.remove(listener)


def report(stage: str, advance: int = 0, total: int | None = None) -> None:
    """Tell listeners that ``stage`` advanced by ``advance`` (of ``total``, if known)."""
    for listener in list(_listeners):
        listener(stage, advance, total)
