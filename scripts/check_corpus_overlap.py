"""Check that no test string copies annotated corpus text.

Rule tests must run on sentences written for the test: a sentence lifted from a dev or train
split makes the evaluation figure on that split lie. This script collects every string literal
in ``tests/**/*.py`` and every file under ``tests/data/``, and reports each one that shares a run
of ``--words`` (default 8) or more consecutive words with any annotated corpus under the shared
data folder (every ``*.jsonl`` there, except the sample inputs ``seed/`` and ``raw_news/``).

Words are lower-cased runs of word characters, so punctuation, quotation marks and spacing do
not hide a copy.

    python scripts/check_corpus_overlap.py [--data ../shared/data] [--tests tests] [--words 8]

Exit status 1 when an overlap is found, 0 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r"\w+")
#: Sample inputs, not annotations: the project may bundle and test on them.
SAMPLE_FOLDERS = frozenset({"seed", "raw_news"})
#: Record fields that hold article text in the shared JSONL conversions.
TEXT_FIELDS = ("text", "title", "headline")


@dataclass(frozen=True, slots=True)
class SourceString:
    """One string a test uses, and where it is."""

    path: Path
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Overlap:
    """A test string that shares a run of words with a corpus."""

    string: SourceString
    corpus: Path
    words: tuple[str, ...]


def words_of(text: str) -> list[str]:
    """The lower-cased words of ``text``."""
    return WORD.findall(text.lower())


def ngrams(words: list[str], n: int) -> Iterator[tuple[str, ...]]:
    """Every run of ``n`` consecutive words."""
    for i in range(len(words) - n + 1):
        yield tuple(words[i : i + n])


def collect_strings(tests_dir: Path) -> Iterator[SourceString]:
    """String literals of every test module and the text of every test data file."""
    for path in sorted(tests_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield SourceString(path, node.lineno, node.value)
    data = tests_dir / "data"
    if data.is_dir():
        for path in sorted(p for p in data.rglob("*") if p.is_file()):
            yield SourceString(path, 1, path.read_bytes().decode("utf-8", errors="ignore"))


def corpus_files(data_dir: Path) -> list[Path]:
    """Every annotated JSONL file under the shared data folder (samples excluded)."""
    return sorted(
        p
        for p in data_dir.rglob("*.jsonl")
        if p.relative_to(data_dir).parts[0] not in SAMPLE_FOLDERS
    )


def _corpus_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            for key in TEXT_FIELDS:
                value = record.get(key)
                if isinstance(value, str):
                    yield value


def find_overlaps(
    strings: Iterable[SourceString], corpora: Iterable[Path], *, n: int = 8
) -> list[Overlap]:
    """Test strings sharing a run of ``n`` or more words with a corpus text.

    The test strings' runs are indexed (they are few); each corpus is streamed once.
    """
    index: dict[tuple[str, ...], list[SourceString]] = {}
    for string in strings:
        for gram in set(ngrams(words_of(string.text), n)):
            index.setdefault(gram, []).append(string)
    found: dict[tuple[SourceString, Path], Overlap] = {}
    if not index:
        return []
    for corpus in corpora:
        for text in _corpus_texts(corpus):
            for gram in ngrams(words_of(text), n):
                for string in index.get(gram, ()):
                    found.setdefault((string, corpus), Overlap(string, corpus, gram))
    return sorted(found.values(), key=lambda o: (str(o.string.path), o.string.line))


def main(argv: list[str] | None = None) -> int:
    """Report overlaps; exit 1 if there are any."""
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=root.parent / "shared" / "data")
    parser.add_argument("--tests", type=Path, default=root / "tests")
    parser.add_argument("--words", type=int, default=8)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        parser.error(f"no shared data folder at {args.data}")
    overlaps = find_overlaps(collect_strings(args.tests), corpus_files(args.data), n=args.words)
    for o in overlaps:
        sys.stdout.write(
            f"{o.string.path}:{o.string.line}: shares {args.words} words with "
            f"{o.corpus.relative_to(args.data)}: {' '.join(o.words)!r}\n"
        )
    sys.stdout.write(f"{len(overlaps)} test strings share {args.words}+ words with a corpus\n")
    return 1 if overlaps else 0


if __name__ == "__main__":
    sys.exit(main())
