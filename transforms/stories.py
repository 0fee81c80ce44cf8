"""Stories: near-duplicate documents (one wire story, many edited copies) grouped together.

A document's text is cut into overlapping word shingles (``SHINGLE_WORDS`` lowercased words);
a MinHash signature of ``NUM_PERM`` permutations estimates the Jaccard similarity of two
shingle sets (Broder 1997, "On the resemblance and containment of documents"). Locality
sensitive hashing splits the signature into ``BANDS`` bands of ``ROWS`` values and hashes each
band: two documents become candidates when any band hash is equal (Leskovec, Rajaraman and
Ullman, *Mining of Massive Datasets*, ch. 3.4), so a new document only looks up its own band
hashes and never compares itself with the whole warehouse. A candidate is a match when the
estimated Jaccard similarity of the two signatures is at least ``THRESHOLD``.

With 32 bands of 4 rows, a pair at Jaccard 0.5 becomes a candidate with probability
1 - (1 - 0.5**4)**32 = 0.87 and at 0.6 with 0.99; candidates are then verified, so the band
setting buys recall and the threshold buys precision. ``THRESHOLD`` was chosen on the set
:mod:`evaluation.stories` builds from the Reuters sample (see the README for the figures).

A new document joins the story of its most similar match (ties: the story seen first); with
no match it starts a story whose id is its own ``doc_id``. Stories already assigned never
change, so the story id is the earliest-seen document of the group and re-running a load
changes no story id.

Pure: no I/O; the caller fetches the candidates that share a band with the new documents.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from transforms.text.clean import without_headline

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = 4
SEED = 1
THRESHOLD = 0.5

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Signature:
    """The MinHash signature of one document and its LSH band hashes."""

    doc_id: str
    values: tuple[int, ...]
    bands: tuple[int, ...]
    n_shingles: int


@dataclass(frozen=True, slots=True)
class KnownDocument:
    """A document already assigned to a story (a candidate from the warehouse)."""

    doc_id: str
    story_id: str
    values: tuple[int, ...]


def words(text: str) -> list[str]:
    """Lowercased word tokens (letters and digits; punctuation and layout dropped)."""
    return _WORD.findall(text.lower())


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[str]:
    """Distinct runs of ``size`` consecutive words (the whole text when it is shorter)."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def band_hash(values: np.ndarray) -> int:
    """A signed 64-bit hash of one band of signature values (stable across processes)."""
    digest = hashlib.blake2b(values.astype("<u4").tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def signature(doc_id: str, text: str, *, title: str | None = None) -> Signature:
    """MinHash signature and band hashes of one document's text, without its headline
    paragraph (``title``): outlets rewrite headlines, so a new one must not split a story."""
    grams = shingles(without_headline(text, title))
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    values = np.asarray(minhash.hashvalues, dtype=np.uint64)
    bands = tuple(
        # the band number is part of the hash: equal values in different bands never collide
        band_hash(np.concatenate(([band], values[band * ROWS : (band + 1) * ROWS])))
        for band in range(BANDS)
    )
    return Signature(doc_id, tuple(int(v) for v in values), bands, len(grams))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    if len(a) != len(b) or not a:
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def assign_stories(
    new: Iterable[Signature],
    candidates: Mapping[int, Sequence[KnownDocument]],
    *,
    threshold: float = THRESHOLD,
) -> dict[str, str]:
    """Story id of every new document, in the order given (the earliest first).

    Args:
        new: Signatures of the documents to assign, earliest first.
        candidates: Band hash -> documents already in a story that carry it (only the band
            hashes of ``new`` need to be present).
        threshold: Minimum estimated Jaccard similarity of a match.

    Returns:
        doc_id -> story_id for every new document.
    """
    index: dict[int, list[KnownDocument]] = {b: list(docs) for b, docs in candidates.items()}
    order: dict[str, int] = {}  # story_id -> first-seen rank, for ties
    for docs in index.values():
        for known in docs:
            order.setdefault(known.story_id, -1)
    out: dict[str, str] = {}
    for sig in new:
        seen: dict[str, KnownDocument] = {}
        for band in sig.bands:
            for known in index.get(band, ()):
                seen.setdefault(known.doc_id, known)
        best: tuple[float, int, str] | None = None
        for known in seen.values():
            if known.doc_id == sig.doc_id:
                continue
            score = similarity(sig.values, known.values)
            if score < threshold:
                continue
            key = (-score, order.get(known.story_id, -1), known.story_id)
            if best is None or key < best:
                best = key
        story_id = best[2] if best is not None else sig.doc_id
        order.setdefault(story_id, len(order))
        out[sig.doc_id] = story_id
        entry = KnownDocument(sig.doc_id, story_id, sig.values)
        for band in sig.bands:
            index.setdefault(band, []).append(entry)
    return out
