"""Entity corrections learned from annotated news (CoNLL-2003 train) by
``scripts/learn_entity_rules.py``; the entity ruler applies them after its curated rules.

Three learned tables, data files under ``transforms/data/entities/``:

* ``learned_names.tsv``: surface forms whose train label is not what the model gives them
  (clubs and companies the model calls PERSON, "W L PCT GB" it calls ORG), per headline
  section (``learned_sections.tsv``: "SOCCER - ..." makes "Barcelona" a club): relabel or
  drop; ``learned_additions.tsv``: names the model tends to miss, added where it found none.
* ``learned_rows.tsv``: the type of a name that starts a result or table row ("Leicester 2
  Chelsea 1", "Hamburg 3 2 0 1 7 3 6", "G. Thorpe 54"), by the section word of the headline
  ("SOCCER - ...") and the shape of the name (a country, an initial and surname, capitals,
  number of words).

Rows are decided by counts: a rule is kept only with enough train support and a clear
majority (the thresholds are in the learning script). The files live in the gazetteer
directory and are read with it (:func:`read_learned_rules`); a directory without them has no
learned rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span

from transforms.nlp.entities.records import ENTITY_LABELS
from transforms.nlp.lexicons import LexiconSource, Row, Table, read_table

#: A number, score, ordinal or statistic: "2", "6.", "4-95", ".515", "1/2", "38:35.297".
_NUMBER = re.compile(r"^(?:\d[\d.,/:-]*|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
#: "SOCCER - ENGLISH LEAGUE RESULTS ." -> "soccer": a section word in capitals before a dash.
_SECTION = re.compile(r"^([A-Z][A-Z&/ ]{2,30}?) (?:-|--) ")
#: OntoNotes label written for each learned CoNLL type when no better one is known.
DEFAULT_LABEL = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
#: Learned decision that removes the model's span.
DROP = "-"
#: The section column of ``learned_rows.tsv`` for documents without a known section.
NO_SECTION = "*"


@dataclass(frozen=True, slots=True)
class RowName:
    """A name that starts a table or result row: token span, position and shape."""

    start: int
    end: int
    #: ``bol`` (first on its line) or ``num`` (after a number: "Leicester 2 Chelsea 1").
    position: str
    shape: str


@dataclass(slots=True)
class LearnedRules:
    """The learned tables (see the module docstring)."""

    #: (surface form, context) -> OntoNotes label or :data:`DROP`; context is ``row``,
    #: ``text`` or ``text/<section>`` (a name in running text of a section's document).
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Surface forms to add where the model found nothing, with their label.
    additions: dict[str, str] = field(default_factory=dict)
    #: (section, shape, position) -> OntoNotes label or :data:`DROP`.
    rows: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: Sections seen often enough in train to have rows of their own.
    sections: frozenset[str] = frozenset()


def section_of(text: str) -> str:
    """The section word of a document's headline ("soccer"), or ``""``."""
    first = text.lstrip()[:80]
    match = _SECTION.match(first)
    return match.group(1).lower() if match else ""


def name_shape(words: list[str], *, is_country: bool) -> str:
    """Coarse shape of a name: ``country``, ``initial``, ``capsN`` or ``wN`` (N words, <= 3)."""
    if is_country:
        return "country"
    if len(words) > 1 and re.match(r"^[A-Z]\.$", words[0]):
        return "initial"
    n = min(len(words), 3)
    return f"caps{n}" if all(w.isupper() for w in words) else f"w{n}"


@dataclass(frozen=True, slots=True)
class RowWords:
    """Words of row names (word classes of the gazetteer's ``words.tsv``)."""

    #: Lower-case words allowed inside a name ("de", "van", "&"): ``name_connector``.
    connectors: frozenset[str] = frozenset()
    #: Month and weekday names, never a row name ("August 31"): ``calendar_word``.
    calendar: frozenset[str] = frozenset()


def _is_name_word(word: str, calendar: frozenset[str]) -> bool:
    return word[:1].isupper() and any(ch.isalpha() for ch in word) and word.lower() not in calendar


def row_name_chars(text: str, words: RowWords) -> Iterator[tuple[int, int, str]]:
    """Character spans ``(start, end, position)`` of names that start table or result rows.

    A row is a line with at least two numbers; a row name is a run of capitalised words
    (connectors such as "de" inside) right before a number (not a date), first on its line
    or right after a number.
    """
    connectors, calendar = words.connectors, words.calendar
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        if sum(ch.isdigit() for ch in line) < 2:
            continue
        words = [
            (m.start() + line_start, m.end() + line_start, m.group())
            for m in re.finditer(r"\S+", line)
        ]
        numeric = [bool(_NUMBER.match(w)) for _, _, w in words]
        if sum(numeric) < 2:
            continue
        i = 0
        while i < len(words):
            if not _is_name_word(words[i][2], calendar) or (i > 0 and not numeric[i - 1]):
                i += 1
                continue
            j = i + 1
            while j < len(words):
                w = words[j][2]
                if _is_name_word(w, calendar):
                    j += 1
                elif (
                    w.lower() in connectors
                    and j + 1 < len(words)
                    and _is_name_word(words[j + 1][2], calendar)
                ):
                    j += 2
                else:
                    break
            if j < len(words) and numeric[j] and not _DATE.match(words[j][2]):
                yield words[i][0], words[j - 1][1], "bol" if i == 0 else "num"
            i = j


def row_names(
    doc: Doc, text: str, is_country: set[str] | frozenset[str], words: RowWords
) -> list[RowName]:
    """:func:`row_name_chars` as token spans with their shape; ``is_country`` holds the
    normalised country names."""
    out: list[RowName] = []
    for start, end, position in row_name_chars(text, words):
        span = doc.char_span(start, end)
        if span is None:
            continue
        words = text[start:end].split()
        shape = name_shape(words, is_country=" ".join(words).lower() in is_country)
        out.append(RowName(span.start, span.end, position, shape))
    return out


def apply_rules(
    doc: Doc,
    spans: list[Span],
    rules: LearnedRules,
    *,
    text: str,
    countries: frozenset[str],
    protected: frozenset[str],
    words: RowWords,
) -> list[Span]:
    """Apply the learned rules to the ruler's corrected spans (before overlaps are resolved).

    Args:
        doc: The document.
        spans: Entity spans after the curated corrections.
        rules: The learned tables.
        text: ``doc.text``.
        countries: Normalised country names (shape ``country``).
        protected: Normalised names the curated gazetteer knows: never relabelled here.
        words: Words of row names.
    """
    if not rules.names and not rules.rows:
        return spans
    section = section_of(text)
    if section not in rules.sections:
        section = ""
    out: list[Span] = []
    context = f"text/{section}" if section else "text"
    for span in spans:
        key = span.text
        if key.lower() in protected:
            out.append(span)
            continue
        decision = rules.names.get((key, context))
        if decision == DROP:
            continue
        if decision is not None and decision != span.label_:
            span = Span(doc, span.start, span.end, label=decision)
        out.append(span)
    rows = row_names(doc, text, countries, words) if rules.rows and "\n" in text else []
    if not rows:
        return out
    owner = [-1] * len(doc)
    for i, span in enumerate(out):
        for t in range(span.start, span.end):
            owner[t] = i
    removed: set[int] = set()
    added: list[Span] = []
    for row in rows:
        surface = doc[row.start : row.end].text
        decision = rules.names.get((surface, "row"))
        if decision is None:
            decision = rules.rows.get((section, row.shape, row.position))
        if decision is None or decision == DROP:
            continue
        if surface.lower() in protected and row.shape != "country":
            continue
        hits = {owner[t] for t in range(row.start, row.end)} - {-1}
        # A model span reaching outside the row name ("ENGLAND V PAKISTAN") is left alone.
        if any(out[h].start < row.start or out[h].end > row.end for h in hits):
            continue
        removed |= hits
        added.append(Span(doc, row.start, row.end, label=decision))
    return [s for i, s in enumerate(out) if i not in removed] + added


#: The learned files of a gazetteer directory and their header lines.
LEARNED_FILES: dict[str, tuple[str, ...]] = {
    "learned_sections.tsv": ("section", "documents"),
    "learned_names.tsv": ("surface", "context", "label", "support", "counts"),
    "learned_rows.tsv": ("section", "shape", "position", "label", "support", "counts"),
    "learned_additions.tsv": ("surface", "label", "evidence"),
}


def read_learned_rules(directory: Path) -> tuple[LearnedRules, list[LexiconSource]]:
    """The learned tables of a gazetteer directory (none where a file is missing).

    Raises:
        LexiconError: naming the file and line of a malformed row or an unknown label.
    """
    rules = LearnedRules()
    sources: list[LexiconSource] = []
    tables: dict[str, Table] = {}
    for name, columns in LEARNED_FILES.items():
        if (directory / name).is_file():
            tables[name] = read_table(directory / name, columns=columns, required=2)
            sources.append(tables[name].source)
    if "learned_sections.tsv" in tables:
        rules.sections = frozenset(row.cells[0] for row in tables["learned_sections.tsv"].rows)
    checks: list[tuple[Table, Row, str]] = []
    if "learned_names.tsv" in tables:
        table = tables["learned_names.tsv"]
        for row in table.rows:
            surface, context, label = row.cells[:3]
            if not (context in {"text", "row"} or context.startswith("text/")):
                raise table.error(row, f"context {context!r} is not text, text/<section> or row")
            rules.names[(surface, context)] = label
            checks.append((table, row, label))
    if "learned_rows.tsv" in tables:
        table = tables["learned_rows.tsv"]
        for row in table.rows:
            section, shape, position, label = row.cells[:4]
            rules.rows[("" if section == NO_SECTION else section, shape, position)] = label
            checks.append((table, row, label))
    if "learned_additions.tsv" in tables:
        table = tables["learned_additions.tsv"]
        for row in table.rows:
            rules.additions[row.cells[0]] = row.cells[1]
            checks.append((table, row, row.cells[1]))
    for table, row, label in checks:
        if label != DROP and label not in ENTITY_LABELS:
            raise table.error(row, f"label {label!r} is not an entity label")
    return rules, sources
