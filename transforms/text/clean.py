"""Remove page furniture and hard line wraps from article text; find the headline.

What a user pastes from a news site carries the page around the story: section labels
(``NEWS``), ``Updated`` stamps, share buttons, photo captions with the credit glued on
(``North Korean leader Kim JongAP``), the standfirst repeated as the first paragraph. Wire
copy (Reuters-21578) is hard-wrapped at ~70 characters with indented paragraphs. This module
turns both into plain paragraphs separated by a blank line; the result is what the warehouse
stores, so every offset the later stages produce indexes it.

The rules are generic, not tuned to one article:

* **lone furniture** -- a paragraph that is one of the phrases or matches one of the
  patterns in ``transforms/text/clean_furniture.txt`` (``NEWS``, ``Share``, ``Photos: 12``,
  ``Updated 3:42 PM EST, Nov 18, 2024``, bylines on a line of their own);
* **repeated short lines** -- a short line (at most four words, no digits) seen twice;
* **captions** -- a short line without final punctuation that is a prefix of another
  paragraph or of the headline (captions truncated by copy-paste), or that ends with a
  photo credit glued on or after a slash (``...Kim JongAP``, ``... Ahn Young-joon/AP``), or
  ends with a parenthesised photo credit (``(AP Photo/Ahn Young-joon)``);
* **duplicated paragraphs** -- a paragraph repeated word for word (tolerating a missing final
  period) is kept once, the copy with final punctuation (the body's) winning;
* **headline** -- when no title is given, the first paragraph that is short, has no final
  period and is followed by a longer paragraph becomes the title. The headline stays in the
  text as its first paragraph (given or found): what it reports ("Minister says talks will
  resume") is extracted like the rest of the article.

Hard wraps (after Reuters-21578, where lines are ~65 characters and paragraphs start with an
indented line) are detected per document from the line-length profile and unwrapped so
sentences are intact.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from transforms.text.decode import normalize_text

__all__ = ["CleanResult", "clean_text", "without_headline"]

_FURNITURE_RESOURCE = "clean_furniture.txt"

_FINAL_PUNCT = ".!?…\"'”’)»"
_BULLET = re.compile(r"^([-*•·▪–—]|\d{1,3}[.)])\s")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")

#: Caption rule limits: a caption is a short line.
_CAPTION_MAX_WORDS = 15
_CAPTION_MAX_CHARS = 140
_CAPTION_MIN_WORDS = 3
_CAPTION_MIN_CHARS = 12
#: Repeated-line rule: lines this short (in words) repeated back to back, or at least
#: ``_REPEAT_MIN_COUNT`` times anywhere, are furniture.
_REPEAT_MAX_WORDS = 4
_REPEAT_MIN_COUNT = 3
#: Duplicated paragraphs shorter than this (in words) are kept (tables in wire copy repeat
#: rows such as ``Nine mths`` or ``Shr 10 cts vs 10 cts``).
_DUPLICATE_MIN_WORDS = 6
#: Headline rule limits.
_TITLE_MAX_CHARS = 220
_TITLE_MIN_WORDS = 2
#: Hard-wrap detection.
_WRAP_MAX_WIDTH = 100
_WRAP_MIN_LINES = 3
#: Nearly full lines running on into the next that a hard-wrapped text must have.
_WRAP_MIN_FULL = 2
_WRAP_MIN_WIDTH = 30
#: Leading spaces that mark a new paragraph in hard-wrapped text.
_WRAP_INDENT = 2


@dataclass(frozen=True, slots=True)
class CleanResult:
    """Cleaned article text.

    Attributes:
        text: Paragraphs separated by one blank line, furniture removed, hard wraps undone.
        title: The given title, or the headline found in the text, or ``None``.
        removed: Every removed paragraph, in text order (for the run report and debugging).
    """

    text: str
    title: str | None
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Furniture:
    phrases: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    glued_credit: re.Pattern[str]
    paren_credit: re.Pattern[str]


@cache
def _furniture() -> _Furniture:
    """Load the furniture list shipped in ``transforms/data`` (package data, read once)."""
    source = resources.files("transforms.text").joinpath(_FURNITURE_RESOURCE)
    phrases: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    credits: list[str] = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append(re.compile(line[3:], re.IGNORECASE))
        elif line.startswith("credit:"):
            credits.append(line[7:].strip())
        else:
            phrases.add(line.casefold())
    names = "|".join(re.escape(c) for c in sorted(credits, key=len, reverse=True))
    # "...Kim JongAP" (glued after a lower-case letter, digit or closing bracket),
    # "... Ahn Young-joon/AP", "... Photo: Reuters", "...(Getty Images)".
    glued = re.compile(
        rf"(?:(?<=[a-z0-9)\]’'.])|\s*/\s*|\s+(?:photo|image|credit)s?\s*:\s*(?:\S+\s+){{0,4}})"
        rf"(?:{names})\s*$"
    )
    paren = re.compile(
        r"\((?:[^()]{0,80}\b(?:photo|photograph|image|via)\b[^()]{0,80}|"
        rf"(?:[^()]{{0,60}}/)?(?:{names}))\)\s*$",
        re.IGNORECASE,
    )
    return _Furniture(frozenset(phrases), tuple(patterns), glued, paren)


def _key(paragraph: str) -> str:
    """Comparison key: case-folded, single-spaced, without final punctuation."""
    return " ".join(paragraph.casefold().split()).rstrip(_FINAL_PUNCT + " ,;:")


def _n_words(text: str) -> int:
    return len(_WORD.findall(text))


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(_FINAL_PUNCT))


def _is_lone_furniture(paragraph: str) -> bool:
    furniture = _furniture()
    bare = paragraph.strip().strip("•·|>»›-–—:*").strip().casefold()
    if not bare:
        return True
    if bare in furniture.phrases:
        return True
    return any(p.fullmatch(paragraph.strip()) for p in furniture.patterns)


def _is_repeatable(paragraph: str) -> bool:
    """A line short enough to be furniture when it repeats (no digits: table rows repeat)."""
    return (
        _n_words(paragraph) <= _REPEAT_MAX_WORDS
        and not any(ch.isdigit() for ch in paragraph)
        and not _ends_sentence(paragraph)
    )


def _is_short_line(paragraph: str) -> bool:
    return (
        len(paragraph) <= _CAPTION_MAX_CHARS
        and _n_words(paragraph) <= _CAPTION_MAX_WORDS
        and not _ends_sentence(paragraph)
    )


def _strip_credit(paragraph: str) -> str | None:
    """Return the caption without its credit when ``paragraph`` is a credited caption."""
    furniture = _furniture()
    match = furniture.glued_credit.search(paragraph)
    if match is not None and _is_short_line(paragraph) and match.start() > 0:
        return paragraph[: match.start()].rstrip(" -–—|,")
    match = furniture.paren_credit.search(paragraph)
    if match is not None and match.start() > 0:
        return paragraph[: match.start()].rstrip()
    return None


class _PrefixIndex:
    """Texts sorted by their single-spaced form, to find the ones that start with a line in
    O(log n + matches) rather than by scanning every text (which made cleaning quadratic in
    the number of paragraphs)."""

    def __init__(self, texts: list[str]) -> None:
        entries = sorted((" ".join(t.split()), i) for i, t in enumerate(texts))
        self._keys = [key for key, _ in entries]
        self._ids = [i for _, i in entries]

    def longer_with_prefix(self, prefix: str) -> Iterator[int]:
        """Indexes of the texts longer than ``prefix`` that start with it."""
        for pos in range(bisect.bisect_left(self._keys, prefix), len(self._keys)):
            key = self._keys[pos]
            if not key.startswith(prefix):
                return
            if len(key) > len(prefix):
                yield self._ids[pos]


def _is_prefix_caption(
    paragraph: str, index: _PrefixIndex, alive: Callable[[int], bool] = lambda _: True
) -> bool:
    """A truncated caption: a short line that starts another, longer text of ``index``
    (one for which ``alive`` holds)."""
    if (
        not _is_short_line(paragraph)
        or _n_words(paragraph) < _CAPTION_MIN_WORDS
        or len(paragraph) < _CAPTION_MIN_CHARS
    ):
        return False
    key = " ".join(paragraph.split())
    return any(alive(j) for j in index.longer_with_prefix(key))


# --- hard wraps -----------------------------------------------------------------------------


def _wrap_width(lines: list[str]) -> int | None:
    """Width of a hard-wrapped text, or ``None`` when its lines are not hard-wrapped.

    A text is hard-wrapped when no line is longer than ``_WRAP_MAX_WIDTH`` and most lines
    that run on into a non-indented next line are nearly full (at least 60% of the width):
    at least two of them, or one whose next line starts in lower case.
    """
    lengths = [len(line.strip()) for line in lines if line.strip()]
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    width = max(lengths)
    if width > _WRAP_MAX_WIDTH or width < _WRAP_MIN_WIDTH:
        return None
    runs_on = [
        (len(a.strip()), b.strip()[:1].islower())
        for a, b in itertools.pairwise(lines)
        if a.strip() and b.strip() and not b.startswith(("  ", "\t")) and not _BULLET.match(b)
    ]
    full = [lower for n, lower in runs_on if n >= 0.6 * width]
    # two nearly full lines running on, or one running on into a lower-case word
    if (len(full) < _WRAP_MIN_FULL and not any(full)) or len(full) < 0.5 * len(runs_on):
        return None
    return width


_HYPHEN_END = re.compile(r"[^\W\d_]-$")


def _joins_without_space(last: str) -> bool:
    """Whether a wrapped line ending with ``last`` runs on without a space
    (``investor-\nowned`` -> ``investor-owned``). Only the last line is looked at, so
    joining a paragraph of n lines costs O(n), not O(n^2)."""
    return _HYPHEN_END.search(last) is not None


def _paragraphs(text: str) -> list[str]:
    """Split ``text`` into paragraphs, undoing hard wraps when the text is hard-wrapped.

    Linear in the length of ``text``: a paragraph is built as a list of its lines and
    joined once, and every test looks at the last line only.
    """
    lines = text.split("\n")
    width = _wrap_width(lines)
    paragraphs: list[str] = []
    current: list[str] = []
    previous = ""

    def close() -> None:
        if current:
            paragraphs.append("".join(current))
            current.clear()

    for raw in lines:
        if not raw.strip():
            close()
            continue
        line = raw.strip()
        if not current:
            current.append(line)
            previous = line
            continue
        last = current[-1]
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        if width is None or _BULLET.match(line):
            join = False
        elif indent >= _WRAP_INDENT:
            # a new paragraph, unless the source indented a continuation ("market\n price.")
            join = line[:1].islower() and not _ends_sentence(last)
        else:
            join = (
                len(previous) >= 0.5 * width or not line[:1].isupper() or not _ends_sentence(last)
            )
        if join:
            current.append(line if _joins_without_space(last) else " " + line)
        else:
            close()
            current.append(line)
        previous = line
    close()
    return [" ".join(p.split()) for p in paragraphs]


# --- main -----------------------------------------------------------------------------------


def _looks_like_headline(paragraph: str, following: list[str]) -> bool:
    if len(paragraph) > _TITLE_MAX_CHARS or _n_words(paragraph) < _TITLE_MIN_WORDS:
        return False
    if paragraph.rstrip().endswith((".", ",", ";", ":")) or _BULLET.match(paragraph):
        return False
    body = [p for p in following if _ends_sentence(p)]
    return bool(body) and len(body[0]) > len(paragraph)


#: Cleaning passes at most: a removal can make a rule apply that did not before (short lines
#: repeated around a removed one become back to back), so cleaning runs again on its own
#: output until nothing changes; in practice the second pass changes nothing.
_MAX_PASSES = 8


def clean_text(text: str, *, title: str | None = None) -> CleanResult:
    """Clean pasted or wire article text; cleaning the result again changes nothing.

    Args:
        text: Decoded article text (furniture, hard wraps and all).
        title: The headline when the source gives one (JSONL/CSV field, HTML metadata,
            feed item). Without it the headline is looked for in the text.

    Returns:
        The cleaned text (paragraphs separated by ``"\\n\\n"``), the title and what was
        removed. An input with no article text gives an empty ``text``.
    """
    result = _clean_once(text, title=title)
    for _ in range(_MAX_PASSES):
        again = _clean_once(result.text, title=result.title)
        if again.text == result.text and again.title == result.title:
            break
        result = CleanResult(again.text, again.title, [*result.removed, *again.removed])
    return result


def without_headline(text: str, title: str | None) -> str:
    """``text`` without its first paragraph when that paragraph is the headline ``title``
    (what :func:`clean_text` keeps); otherwise ``text`` unchanged."""
    if not title:
        return text
    first, _, rest = text.partition("\n\n")
    return rest if _key(first) == _key(title) else text


def _clean_once(text: str, *, title: str | None = None) -> CleanResult:
    """One pass of every rule (see the module docstring)."""
    text = normalize_text(text)
    removed: list[str] = []
    # 0. lone furniture lines go before hard wraps are undone, so they are never glued on.
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() and _is_lone_furniture(" ".join(line.split())):
            removed.append(" ".join(line.split()))
            lines[i] = ""
    paragraphs = _paragraphs("\n".join(lines))
    keep = [True] * len(paragraphs)

    def drop(index: int) -> None:
        if keep[index]:
            keep[index] = False
            removed.append(paragraphs[index])

    # 1. lone furniture, and short lines repeated back to back or three times or more.
    short_seen: dict[str, list[int]] = {}
    last_kept: str | None = None
    for i, para in enumerate(paragraphs):
        if _is_lone_furniture(para):
            drop(i)
            continue
        key = _key(para)
        if _is_repeatable(para):
            short_seen.setdefault(key, []).append(i)
            if last_kept == key:  # "NEWS\nNEWS"
                for j in short_seen[key]:
                    drop(j)
        last_kept = key
    for indexes in short_seen.values():
        if len(indexes) >= _REPEAT_MIN_COUNT:
            for j in indexes:
                drop(j)

    # 2. captions: credited, or truncated prefixes of another paragraph.
    captions: list[str] = []
    for i, para in enumerate(paragraphs):
        if not keep[i]:
            continue
        stripped = _strip_credit(para)
        if stripped is not None:
            drop(i)
            if stripped:
                captions.append(stripped)
    caption_keys = {_key(c) for c in captions}
    # every kept paragraph and every caption; a paragraph is never its own longer prefix
    index = _PrefixIndex(paragraphs + captions)
    n_paragraphs = len(paragraphs)

    def still_there(j: int) -> bool:
        return j >= n_paragraphs or keep[j]

    for i, para in enumerate(paragraphs):
        if not keep[i]:
            continue
        if _key(para) in caption_keys or _is_prefix_caption(para, index, still_there):
            drop(i)

    # 3. paragraphs repeated word for word (the standfirst): keep the sentence-final copy.
    first_by_key: dict[str, int] = {}
    for i, para in enumerate(paragraphs):
        if not keep[i]:
            continue
        if _n_words(para) < _DUPLICATE_MIN_WORDS:
            continue  # short lines are rule 1's business; table rows repeat
        key = _key(para)
        if key not in first_by_key:
            first_by_key[key] = i
            continue
        earlier = first_by_key[key]
        if _ends_sentence(para) and not _ends_sentence(paragraphs[earlier]):
            drop(earlier)
            first_by_key[key] = i
        else:
            drop(i)

    # 4. headline: found (or confirmed) but kept as the text's first paragraph, because what a
    # headline says ("Minister says talks will resume") is part of what the article reports.
    kept = [i for i in range(len(paragraphs)) if keep[i]]
    if title is not None:
        # a title of control characters or spaces only is no title
        title = " ".join(normalize_text(title).split()) or None
    headline = None
    if title is not None:
        if kept and _key(paragraphs[kept[0]]) == _key(title):
            headline = kept[0]
    elif kept and _looks_like_headline(paragraphs[kept[0]], [paragraphs[i] for i in kept[1:]]):
        title = paragraphs[kept[0]]
        headline = kept[0]
    else:
        title = None

    # 5. captions truncated from the headline.
    if title is not None:
        title_index = _PrefixIndex([title])
        for i in kept:
            if i != headline and _is_prefix_caption(paragraphs[i], title_index):
                drop(i)

    body = "\n\n".join(paragraphs[i] for i in range(len(paragraphs)) if keep[i])
    return CleanResult(text=unicodedata.normalize("NFC", body), title=title, removed=removed)
