"""Cleaning time against text length (one hard-wrapped paragraph, many paragraphs).

Prints seconds per size and the growth from one size to the next: about 2x per doubling
means linear. Run: ``python bench/clean_scaling.py``.
"""

from __future__ import annotations

import time

from transforms.text.clean import clean_text

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


def wrapped(n_chars: int) -> str:
    words: list[str] = []
    size = 0
    i = 0
    while size < n_chars:
        word = WORDS[i % len(WORDS)] + ("." if i % 17 == 16 else "")
        words.append(word)
        size += len(word) + 1
        i += 1
    lines = [" ".join(words[j : j + 11]) for j in range(0, len(words), 11)]
    return "Council backs bridge plan\n\n" + "\n".join(lines)


def paragraphs(n_chars: int) -> str:
    out: list[str] = []
    size = 0
    i = 0
    while size < n_chars:
        para = (
            f"Residents gather near the river bank {i}"
            if i % 5 == 0
            else " ".join(WORDS) + f" Item {i}."
        )
        out.append(para)
        size += len(para) + 2
        i += 1
    return "\n\n".join(out)


def main() -> None:
    for name, make in (("one wrapped paragraph", wrapped), ("many paragraphs", paragraphs)):
        previous = None
        for n_chars in (100_000, 200_000, 400_000, 800_000):
            text = make(n_chars)
            started = time.process_time()
            clean_text(text)
            seconds = time.process_time() - started
            growth = f"x{seconds / previous:.2f}" if previous else ""
            print(f"{name:22s} {len(text):>9,d} chars {seconds:7.3f} s {growth}")
            previous = seconds


if __name__ == "__main__":
    main()
