"""Lexicons as data: the one reader of presslake's word lists, and its one error type.

Every word list the components use is a tab-separated file under ``transforms/data/`` (or a
user's own file named in the pipeline config). A file is:

* comment lines starting with ``#`` (what the list is, where it comes from) and blank lines;
* one header line naming the columns, tab-separated (``word<TAB>class``);
* one row per entry, its cells tab-separated; missing trailing cells are empty.

:func:`read_table` reads any such file and checks the header and the number of cells;
:func:`read_word_classes` reads a ``word``/``class`` file and refuses a class name its
component does not know. Each component registers functions in ``spacy.registry.misc``
that read its lexicons from a path (a setting in ``transforms/config.cfg``); what they return
carries the :class:`LexiconSource` of every file read, so ``pipeline_version`` can hash the
lexicons a pipeline actually uses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

from spacy.util import registry

_F = TypeVar("_F", bound=Callable[..., object])

#: The packaged lexicons (``[paths] lexicons`` in ``config.cfg`` when it is empty).
DATA_DIR = Path(str(resources.files("transforms") / "data"))


class LexiconError(ValueError):
    """A lexicon file is missing or malformed; the message names the file and the line."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"lexicon {where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LexiconSource:
    """A lexicon file as read: its path and a digest of its contents."""

    path: str
    digest: str


@dataclass(frozen=True, slots=True)
class Row:
    """One entry of a lexicon file: its line number (1-based) and its cells."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """The rows of one lexicon file."""

    source: LexiconSource
    rows: tuple[Row, ...]

    def error(self, row: Row, problem: str) -> LexiconError:
        """A :class:`LexiconError` for ``row`` of this file."""
        return LexiconError(self.source.path, row.line, problem)


def packaged(relative: str) -> Path:
    """Path of a packaged lexicon file (``relative`` to ``transforms/data``)."""
    return DATA_DIR / relative


def read_text(path: str | Path) -> tuple[str, LexiconSource]:
    """A lexicon file's text and source.

    Raises:
        LexiconError: when the file cannot be read as UTF-8.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise LexiconError(path, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LexiconError(path, None, f"cannot be read: {error}") from None
    digest = hashlib.blake2b(data, digest_size=8).hexdigest()
    return text, LexiconSource(str(file), digest)


def read_table(path: str | Path, *, columns: Sequence[str], required: int | None = None) -> Table:
    """Read a tab-separated lexicon file with the header ``columns``.

    Args:
        path: The file.
        columns: The expected header, in order.
        required: How many leading cells every row must fill (all of them by default);
            missing trailing cells read as ``""``.

    Raises:
        LexiconError: naming the file and line of a wrong header, a row with too few or too
            many cells, or an empty required cell.
    """
    text, source = read_text(path)
    return parse_table(text, source=source, columns=columns, required=required)


def parse_table(
    text: str,
    *,
    source: LexiconSource | str,
    columns: Sequence[str],
    required: int | None = None,
) -> Table:
    """:func:`read_table` on the text of a lexicon file; ``source`` names it in errors."""
    if isinstance(source, str):
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        source = LexiconSource(source, digest)
    path = source.path
    need = len(columns) if required is None else required
    header_seen = False
    rows: list[Row] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = tuple(cell.strip() for cell in raw.split("\t"))
        if not header_seen:
            if cells != tuple(columns):
                raise LexiconError(
                    path,
                    number,
                    f"header should be {'<TAB>'.join(columns)!r}, found {raw.strip()!r}",
                )
            header_seen = True
            continue
        if len(cells) > len(columns):
            raise LexiconError(
                path, number, f"{len(cells)} cells, expected at most {len(columns)}: {raw!r}"
            )
        cells = cells + ("",) * (len(columns) - len(cells))
        missing = [columns[k] for k in range(need) if not cells[k]]
        if missing:
            raise LexiconError(path, number, f"empty {', '.join(missing)} in {raw!r}")
        rows.append(Row(number, cells))
    if not header_seen:
        raise LexiconError(path, None, f"no header line {'<TAB>'.join(columns)!r}")
    return Table(source, tuple(rows))


@dataclass(frozen=True, slots=True)
class WordClasses:
    """Words grouped in named classes, read from one ``word``/``class`` file."""

    source: LexiconSource
    known: frozenset[str]
    classes: Mapping[str, frozenset[str]]

    def words(self, name: str) -> frozenset[str]:
        """The words of class ``name`` (empty when the file lists none).

        Raises:
            LexiconError: when ``name`` is not a class this lexicon knows.
        """
        if name not in self.known:
            raise LexiconError(
                self.source.path,
                None,
                f"unknown word class {name!r}; known classes: {', '.join(sorted(self.known))}",
            )
        return self.classes.get(name, frozenset())


def read_word_classes(path: str | Path, *, known: Iterable[str]) -> WordClasses:
    """Read a file with the header ``word<TAB>class``.

    Raises:
        LexiconError: naming the file and line of a class not in ``known`` (a misspelt class
            would otherwise be an empty list) or of a malformed row.
    """
    allowed = frozenset(known)
    table = read_table(path, columns=("word", "class"))
    classes: dict[str, set[str]] = {}
    for row in table.rows:
        word, name = row.cells
        if name not in allowed:
            raise table.error(
                row, f"unknown word class {name!r}; known classes: {', '.join(sorted(allowed))}"
            )
        classes.setdefault(name, set()).add(word.lower())
    return WordClasses(
        table.source, allowed, {name: frozenset(words) for name, words in classes.items()}
    )


def file_stamp(path: str | Path) -> tuple[int, int]:
    """``(mtime_ns, size)`` of a file, or of every file of a directory summed up; ``(0, 0)``
    when it is missing. Lexicon loads are cached per path and stamp, so an edited file is
    read again."""
    target = Path(path)
    try:
        if target.is_dir():
            stats = [p.stat() for p in sorted(target.iterdir()) if p.is_file()]
            return (sum(s.st_mtime_ns for s in stats), sum(s.st_size for s in stats))
        stat = target.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def register_lexicon(name: str) -> Callable[[_F], _F]:
    """Register a function that reads a lexicon in ``spacy.registry.misc`` as ``name``, so
    that a pipeline config names it with ``@misc = "<name>"`` and gives its paths."""

    def decorate(func: _F) -> _F:
        registry.misc.register(name, func=func)
        return func

    return decorate


def lexicon_path(path: str | Path | None, default: str) -> Path:
    """``path``, or the packaged file ``default`` when ``path`` is empty."""
    return Path(path) if path else packaged(default)
