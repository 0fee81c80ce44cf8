"""Deterministic ids: the same input always gives the same ids, run after run."""

from __future__ import annotations

import hashlib
import unicodedata

_SEP = "\x1f"


def stable_id(*parts: object, size: int = 16) -> str:
    """Return a hex id of ``size`` characters hashed from ``parts``.

    Args:
        *parts: Values joined with a unit separator and hashed (BLAKE2b).
        size: Number of hex characters to keep.
    """
    joined = _SEP.join("" if part is None else str(part) for part in parts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=32).hexdigest()[:size]


def doc_id_for(text: str) -> str:
    """Document id: hash of the cleaned text, NFC-normalised."""
    return "d" + stable_id(unicodedata.normalize("NFC", text), size=23)


def entity_id_for(entity_key: str) -> str:
    """Entity id: hash of the canonical entity key (``TYPE|normalised name``)."""
    return "e" + stable_id(entity_key, size=15)


def row_id(prefix: str, doc_id: str, *parts: object) -> str:
    """Row id for a span-derived row of a document (mention, quote, event)."""
    return prefix + stable_id(doc_id, *parts, size=19)
