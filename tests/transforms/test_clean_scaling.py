"""Cleaning is linear in the text's length: counted, not timed.

The work of :func:`transforms.text.clean.clean_text` is measured as Python lines executed in the
cleaning and decoding modules plus characters handed to every regular expression there
(C-level scans, such as a search over a growing paragraph, are where quadratic cost hid).
Doubling the input must about double the work.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import transforms.text.clean as clean
import transforms.text.decode as decode

WORDS = [
    "the",
    "council",
    "said",
    "on",
    "Tuesday",
    "that",
    "the",
    "new",
    "bridge",
    "would",
    "open",
    "to",
    "traffic",
    "next",
    "spring",
]


class _CountingPattern:
    """A compiled pattern that adds the length of every string it scans to a counter."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self._pattern = pattern
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._pattern, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            for arg in args:
                if isinstance(arg, str):
                    self._counter[0] += len(arg)
            return attr(*args, **kwargs)

        return counted


class _CountingRe:
    """The ``re`` module, counting characters scanned by its module-level functions."""

    def __init__(self, counter: list[int]) -> None:
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(re, name)
        if name not in {"search", "match", "fullmatch", "sub", "findall", "finditer", "split"}:
            return attr

        def counted(pattern: Any, string: str, *args: Any, **kwargs: Any) -> Any:
            self._counter[0] += len(string)
            return attr(pattern, string, *args, **kwargs)

        return counted


def _work(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    scanned = [0]
    with monkeypatch.context() as patch:
        for module in (clean, decode):
            patch.setattr(module, "re", _CountingRe(scanned))
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(module, name, _CountingPattern(value, scanned))
        furniture = clean._furniture()
        counted = clean._Furniture(
            furniture.phrases,
            tuple(_CountingPattern(p, scanned) for p in furniture.patterns),  # type: ignore[misc]
            _CountingPattern(furniture.glued_credit, scanned),  # type: ignore[arg-type]
            _CountingPattern(furniture.paren_credit, scanned),  # type: ignore[arg-type]
        )
        patch.setattr(clean, "_furniture", lambda: counted)
        lines = [0]
        files = {clean.__file__, decode.__file__}

        def tracer(frame: Any, event: str, arg: Any) -> Callable[..., Any] | None:
            if frame.f_code.co_filename not in files:
                return None

            def local(frame: Any, event: str, arg: Any) -> Any:
                if event == "line":
                    lines[0] += 1
                return local

            return local

        sys.settrace(tracer)
        try:
            clean.clean_text(text)
        finally:
            sys.settrace(None)
    return lines[0] + scanned[0]


def _words(n: int) -> Iterator[str]:
    for i in range(n):
        yield WORDS[i % len(WORDS)] + ("." if i % 17 == 16 else "")


def _one_long_paragraph(n_lines: int) -> str:
    """A hard-wrapped wire story that is one paragraph of ``n_lines`` lines."""
    words = list(_words(n_lines * 11))
    lines = [" ".join(words[i : i + 11]) for i in range(0, len(words), 11)]
    return "Council backs bridge plan\n\n" + "\n".join(lines)


def _many_paragraphs(n: int) -> str:
    """Many short paragraphs, some of them caption-like short lines."""
    out = []
    for i in range(n):
        if i % 5 == 0:
            out.append(f"Residents gather near the river bank {i}")
        else:
            out.append(" ".join(_words(20 + i % 7)) + f" Item {i}.")
    return "\n\n".join(out)


@pytest.mark.parametrize("make", [_one_long_paragraph, _many_paragraphs], ids=["wrapped", "paras"])
def test_cleaning_work_grows_linearly(make: Callable[[int], str], monkeypatch: Any) -> None:
    small, large = make(1000), make(4000)
    ratio_len = len(large) / len(small)
    ratio_work = _work(large, monkeypatch) / _work(small, monkeypatch)
    # linear: work grows like the length (quadratic would be ~16x here)
    assert ratio_work < 1.3 * ratio_len, (ratio_work, ratio_len)
