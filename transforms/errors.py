"""Errors shared by the transforms."""

from __future__ import annotations

from transforms.types import Reject


class InputError(Exception):
    """An input that cannot become an article; it becomes a row of ``rejects``.

    Attributes:
        reason: Machine-readable code (see :class:`transforms.types.Reject`).
        detail: One sentence naming the input and the problem.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail

    def to_reject(self, source_uri: str) -> Reject:
        """The :class:`Reject` row for this error."""
        return Reject(source_uri=source_uri, reason=self.reason, detail=self.detail)
