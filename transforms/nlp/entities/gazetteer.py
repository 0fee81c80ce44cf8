"""The gazetteer: curated names under ``transforms/data/entities/`` (or a user's own copy)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from transforms.nlp.entities.learned import LearnedRules, read_learned_rules
from transforms.nlp.entities.records import make_key, norm
from transforms.nlp.lexicons import (
    DATA_DIR,
    LexiconError,
    LexiconSource,
    WordClasses,
    file_stamp,
    read_table,
    read_text,
    read_word_classes,
    register_lexicon,
)

#: The packaged gazetteer, under ``transforms/data/``.
PACKAGED = "entities"
#: The registered function that reads a gazetteer (``@misc`` in the pipeline config).
GAZETTEER_FUNCTION = "presslake.gazetteer.v1"
#: Word classes of ``words.tsv``.
WORD_CLASSES = (
    "honorific",
    "male_word",
    "female_word",
    "locative_prep",
    "name_connector",
    "calendar_word",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """A known entity: canonical name, type and (people) gender."""

    name: str
    type: str
    gender: str = ""

    @property
    def key(self) -> str:
        """Canonical key of the entity."""
        return make_key(self.type, self.name)


@dataclass(slots=True)
class Gazetteer:
    """Curated names, read from a gazetteer directory (``transforms/data/entities/``).

    Keys of the dicts are normalised with :func:`norm`.
    """

    names: dict[str, Entry] = field(default_factory=dict)
    surnames: dict[str, Entry] = field(default_factory=dict)
    demonyms: dict[str, Entry] = field(default_factory=dict)
    capitals: dict[str, Entry] = field(default_factory=dict)
    cities: dict[str, Entry] = field(default_factory=dict)
    shorthands: dict[str, list[tuple[str, Entry]]] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()
    title_phrases: tuple[tuple[str, ...], ...] = ()
    descriptors: frozenset[str] = frozenset()
    ambiguous: frozenset[str] = frozenset()
    #: (surface form, label) pairs the entity ruler matches.
    patterns: list[tuple[str, str]] = field(default_factory=list)
    #: Word classes (honorifics, gender words, locative prepositions).
    words: WordClasses | None = None
    #: Corrections learned from annotated news (``learned_*.tsv``, optional).
    learned: LearnedRules = field(default_factory=LearnedRules)
    #: Every file read, for ``pipeline_version``.
    sources: tuple[LexiconSource, ...] = ()

    def word_class(self, name: str) -> frozenset[str]:
        """The words of class ``name`` of ``words.tsv``."""
        if self.words is None:
            raise LexiconError("words.tsv", None, "the gazetteer has no word classes")
        return self.words.words(name)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _strip_the(alias: str) -> str:
    return alias[4:] if alias.lower().startswith("the ") else alias


def load_gazetteer(directory: str | Path | None = None) -> Gazetteer:
    """Read the gazetteer files of ``directory`` (the packaged one by default), once per
    directory and process.

    The directory holds ``countries.jsonl`` (built by ``scripts/build_gazetteers.py``),
    ``organisations.tsv``, ``people.tsv``, ``shorthands.tsv``, ``titles.tsv``,
    ``descriptors.tsv``, ``ambiguous.tsv`` and ``words.tsv``, and optionally the tables
    ``scripts/learn_entity_rules.py`` learns from annotated news (``learned_*.tsv``, see
    :mod:`.learned`).

    Raises:
        LexiconError: naming the file and line of a malformed row.
    """
    path = Path(directory) if directory else DATA_DIR / PACKAGED
    return _load_gazetteer(str(path), file_stamp(path))


@cache
def _load_gazetteer(directory: str, stamp: object) -> Gazetteer:
    base = Path(directory)
    if not base.is_dir():
        raise LexiconError(directory, None, "gazetteer directory not found")
    gaz = Gazetteer()
    sources: list[LexiconSource] = []
    patterns: set[tuple[str, str]] = set()

    def table(name: str, columns: tuple[str, ...], required: int = 1) -> list[tuple[str, ...]]:
        read = read_table(base / name, columns=columns, required=required)
        sources.append(read.source)
        return [row.cells for row in read.rows]

    gaz.ambiguous = frozenset(cells[0] for cells in table("ambiguous.tsv", ("name",)))
    countries_path = base / "countries.jsonl"
    text, source = read_text(countries_path)
    sources.append(source)
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            row = json.loads(line)
            name, aliases = row["name"], row["aliases"]
            demonyms, capitals = row["demonyms"], row["capitals"]
        except (ValueError, KeyError, TypeError) as error:
            raise LexiconError(countries_path, number, f"not a country record: {error}") from None
        country = Entry(name, "GPE")
        for alias in [name, *aliases]:
            gaz.names.setdefault(norm(alias), country)
            patterns.add((_strip_the(alias), "GPE"))
        for demonym in demonyms:
            gaz.demonyms.setdefault(norm(demonym), country)
            patterns.add((demonym, "NORP"))
        for alias in capitals:
            gaz.capitals.setdefault(norm(alias), country)
            gaz.cities.setdefault(norm(alias), Entry(_strip_the(alias), "GPE"))
            if not alias.lower().startswith("the ") and "," not in alias:
                patterns.add((alias, "GPE"))
    for cells in table("organisations.tsv", ("name", "type", "aliases", "country"), 2):
        org = Entry(cells[0], cells[1])
        for alias in [cells[0], *_split(cells[2])]:
            gaz.names.setdefault(norm(alias), org)
            patterns.add((_strip_the(alias), org.type))
    for cells in table("people.tsv", ("name", "aliases", "gender")):
        person = Entry(cells[0], "PERSON", cells[2])
        for alias in [cells[0], *_split(cells[1])]:
            if " " in alias:
                gaz.names.setdefault(norm(alias), person)
                patterns.add((alias, "PERSON"))
            else:
                gaz.surnames.setdefault(norm(alias), person)
    shorthands = read_table(base / "shorthands.tsv", columns=("context", "short", "country"))
    sources.append(shorthands.source)
    for row in shorthands.rows:
        context, short, country_name = row.cells
        target = gaz.names.get(norm(country_name))
        if target is None:
            raise shorthands.error(row, f"unknown country {country_name!r}")
        gaz.shorthands.setdefault(norm(short), []).append((context.lower(), target))
    titles = [cells[0] for cells in table("titles.tsv", ("title",))]
    gaz.titles = frozenset(word.lower() for t in titles for word in t.split())
    gaz.title_phrases = tuple(
        sorted({tuple(t.lower().split()) for t in titles}, key=len, reverse=True)
    )
    gaz.descriptors = frozenset(cells[0].lower() for cells in table("descriptors.tsv", ("word",)))
    gaz.words = read_word_classes(base / "words.tsv", known=WORD_CLASSES)
    sources.append(gaz.words.source)
    gaz.learned, learned_sources = read_learned_rules(base)
    sources.extend(learned_sources)
    gaz.patterns = sorted(patterns)
    gaz.sources = tuple(sources)
    return gaz


@register_lexicon(GAZETTEER_FUNCTION)
def gazetteer_v1(directory: str = "") -> Gazetteer:
    """The gazetteer of ``directory`` (empty: the packaged ``transforms/data/entities``).

    Copy that directory, edit its files and name the copy in the pipeline config to use
    your own names.
    """
    return load_gazetteer(directory or None)
