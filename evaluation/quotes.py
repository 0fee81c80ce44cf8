"""Evaluate quote and reported-speech extraction against PolNeAR-style gold.

The gold is JSONL in the format of ``quotes/polnear/polnear_dev.jsonl``: each record has a
``text`` and ``annotations``, a list of ``{annotator, attributions, flags}``; only the first
annotator's attributions are scored (two dev articles have six annotators). An attribution has
``source``, ``cue`` and ``content`` roles, each ``{spans: [[s, e], ...], text}`` or null;
attributions without content are skipped. :func:`agreement` reads every annotator of the
records several people annotated, and scores them against one another beside presslake
against each of them (``scripts/quote_agreement.py``).

Scores, for presslake's quote component and for a direct-quotes-only baseline
(quotation-mark pairing plus the nearest speech verb) on the same parses, defined as the
judged scorer (``../shared/bench/score_quotes.py``) defines them, so the figures agree:

* spans are compared as sets of non-space characters, each piece first trimmed of
  whitespace, double and single quotation marks and edge punctuation;
* content precision/recall/F1: one-to-one matching, best Jaccard overlap first, a match
  needs an overlap of at least half the union; "exact" needs identical sets;
* speaker accuracy on matched quotes: the predicted speaker span overlaps a piece of the
  gold source (gold attributions without a source are left out); cue accuracy likewise;
* the gold kind from quotation marks: double quotation marks pair within a paragraph (an
  unclosed one ends at the line break, the convention for quotes that run on); a content
  is ``direct`` when all its letters and digits lie inside quoted regions (or 95 % do and
  every piece opens and closes with a mark), ``indirect`` when none do, else ``mixed``.
  Recall is given per gold kind; the direct-quote F1 combines the precision of the
  predictions of kind ``direct`` (against any gold) with the recall of gold direct quotes.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from evaluation.align import char_set, greedy_match, overlaps
from transforms.nlp.quotes import Quote, find_quote_spans, quotes_of

#: Speech verbs of the baseline: the textacy ``direct_quotations`` style of cue.
BASELINE_VERBS = frozenset(
    {"say", "tell", "add", "ask", "write", "insist", "warn", "explain", "reply", "claim"}
)
#: Double quotation marks, as the judged scorer pairs them.
_OPEN_QUOTES = "\u201c\u201e\u00ab\u201f\u301d"
_CLOSE_QUOTES = "\u201d\u00bb\u301e"
_STRAIGHT_QUOTES = '"\uff02'
#: Skipped when looking for the mark that opens or closes a piece.
_EDGE_SKIP = " \t\r\n\u00a0.,;:!?-\u2013\u2014\u2026'\u2018\u2019"
#: Share of a content's letters inside quotation marks that makes it direct (with marks at
#: both ends of every piece).
DIRECT_MIN = 0.95
KINDS = ("direct", "mixed", "indirect")

Extractor = Callable[[Doc], list[Quote]]


class GoldFormatError(ValueError):
    """A gold record is not in the PolNeAR JSONL format."""


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One gold attribution (character spans into the record's text)."""

    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...] | None
    cue: tuple[tuple[int, int], ...] | None
    kind: str


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One gold document."""

    doc_id: str
    text: str
    quotes: tuple[GoldQuote, ...]


def _kind_counter() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


@dataclass(slots=True)
class Counts:
    """Counts behind precision/recall/F1 and the attribute accuracies of one extractor."""

    n_pred: int = 0
    n_gold: int = 0
    tp: int = 0
    tp_exact: int = 0
    speaker_ok: int = 0
    speaker_n: int = 0
    cue_ok: int = 0
    cue_n: int = 0
    gold_by_kind: dict[str, int] = field(default_factory=_kind_counter)
    found_by_kind: dict[str, int] = field(default_factory=_kind_counter)
    pred_by_kind: dict[str, int] = field(default_factory=_kind_counter)
    right_by_kind: dict[str, int] = field(default_factory=_kind_counter)

    @property
    def precision(self) -> float:
        """Matched predictions / predictions (overlap >= 0.5)."""
        return _ratio(self.tp, self.n_pred)

    @property
    def recall(self) -> float:
        """Matched gold / gold (overlap >= 0.5)."""
        return _ratio(self.tp, self.n_gold)

    @property
    def f1(self) -> float:
        """F1 at overlap >= 0.5."""
        return _f1(self.precision, self.recall)

    @property
    def exact_f1(self) -> float:
        """F1 with exact spans."""
        return _f1(_ratio(self.tp_exact, self.n_pred), _ratio(self.tp_exact, self.n_gold))

    @property
    def speaker_accuracy(self) -> float:
        """Matched quotes whose speaker overlaps the gold source."""
        return _ratio(self.speaker_ok, self.speaker_n)

    @property
    def cue_accuracy(self) -> float:
        """Matched quotes whose cue overlaps the gold cue."""
        return _ratio(self.cue_ok, self.cue_n)

    def recall_of(self, kind: str) -> float:
        """Matched gold of ``kind`` / gold of ``kind``."""
        return _ratio(self.found_by_kind[kind], self.gold_by_kind[kind])

    def direct_scores(self) -> tuple[float, float, float]:
        """The direct-quote view: precision of the predictions of kind ``direct`` (matched
        to any gold), recall of the gold direct quotes, and their F1."""
        p = _ratio(self.right_by_kind["direct"], self.pred_by_kind["direct"])
        r = self.recall_of("direct")
        return p, r, _f1(p, r)

    def as_dict(self) -> dict[str, Any]:
        """The numbers of the report."""
        p, r, f = self.direct_scores()
        out: dict[str, Any] = {
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "exact_f1": self.exact_f1,
            "speaker_accuracy": self.speaker_accuracy,
            "cue_accuracy": self.cue_accuracy,
            "direct": {"precision": p, "recall": r, "f1": f},
        }
        for kind in KINDS:
            out[f"recall_{kind}"] = self.recall_of(kind)
            out[f"n_gold_{kind}"] = self.gold_by_kind[kind]
        return out


@dataclass(frozen=True, slots=True)
class QuoteEvaluation:
    """Scores of presslake and of the baseline on one gold file."""

    n_docs: int
    presslake: Counts
    baseline: Counts
    seconds: float


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# ---------------------------------------------------------------------------------------------
# Gold


def _spans(role: dict[str, Any] | None) -> tuple[tuple[int, int], ...] | None:
    if role is None:
        return None
    return tuple((int(s), int(e)) for s, e in role["spans"])


def quoted_mask(text: str) -> bytearray:
    """1 for every character inside a pair of double quotation marks (marks included); a
    mark left open ends at the next line break."""
    mask = bytearray(len(text))
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n":
            if open_at is not None:
                mask[open_at:i] = b"\x01" * (i - open_at)
                open_at = None
        elif ch in _OPEN_QUOTES:
            if open_at is None:
                open_at = i
        elif ch in _CLOSE_QUOTES:
            if open_at is not None:
                mask[open_at : i + 1] = b"\x01" * (i + 1 - open_at)
                open_at = None
        elif ch in _STRAIGHT_QUOTES:
            if open_at is None:
                open_at = i
            else:
                mask[open_at : i + 1] = b"\x01" * (i + 1 - open_at)
                open_at = None
    if open_at is not None:
        mask[open_at:] = b"\x01" * (len(text) - open_at)
    return mask


def _piece_is_quoted(text: str, start: int, end: int) -> bool:
    """The piece opens and closes with a quotation mark, inside it or just outside."""
    marks_open, marks_close = _OPEN_QUOTES + _STRAIGHT_QUOTES, _CLOSE_QUOTES + _STRAIGHT_QUOTES
    i, j = start, end
    while i < j and text[i] in _EDGE_SKIP:
        i += 1
    while j > i and text[j - 1] in _EDGE_SKIP:
        j -= 1
    if i >= j:
        return False
    opens = text[i] in marks_open
    if not opens:
        k = start - 1
        while k >= 0 and text[k] in _EDGE_SKIP:
            k -= 1
        opens = k >= 0 and text[k] in marks_open
    closes = text[j - 1] in marks_close
    if not closes:
        k = end
        while k < len(text) and text[k] in _EDGE_SKIP:
            k += 1
        closes = k < len(text) and text[k] in marks_close
    return opens and closes


def gold_kind(text: str, mask: bytearray, pieces: Sequence[tuple[int, int]]) -> str:
    """``direct``, ``mixed`` or ``indirect`` from where the content's letters and digits lie
    (see the module docstring)."""
    letters = [i for a, b in pieces for i in range(a, b) if text[i].isalnum()]
    if not letters:
        return "indirect"
    quoted = sum(mask[i] for i in letters) / len(letters)
    if quoted == 0:
        return "indirect"
    if quoted == 1.0 or (
        quoted >= DIRECT_MIN and all(_piece_is_quoted(text, a, b) for a, b in pieces)
    ):
        return "direct"
    return "mixed"


def read_gold(path: Path, *, limit: int | None = None) -> Iterator[GoldDoc]:
    """Read PolNeAR-style JSONL gold (first annotator only).

    Args:
        path: The JSONL file.
        limit: Read at most this many documents.

    Raises:
        GoldFormatError: when a record lacks ``text`` or ``annotations``.
    """
    for n, (doc_id, record) in enumerate(_records(path)):
        if limit is not None and n >= limit:
            return
        text: str = record["text"]
        annotations = record["annotations"]
        attributions = annotations[0]["attributions"] if annotations else []
        yield GoldDoc(doc_id, text, _gold_quotes(text, attributions, quoted_mask(text)))


def read_annotators(path: Path) -> Iterator[list[GoldDoc]]:
    """The records of PolNeAR-style JSONL that several annotators annotated, each as one
    :class:`GoldDoc` per annotator (PolNeAR's agreement study: a few articles of each split
    were annotated by five or six people).

    Raises:
        GoldFormatError: when a record lacks ``text`` or ``annotations``.
    """
    for doc_id, record in _records(path):
        annotations = record["annotations"]
        if len(annotations) < 2:
            continue
        text: str = record["text"]
        mask = quoted_mask(text)
        yield [
            GoldDoc(doc_id, text, _gold_quotes(text, a["attributions"], mask)) for a in annotations
        ]


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(doc_id, record)`` of every record of PolNeAR-style JSONL (the id, else the line
    number).

    Raises:
        GoldFormatError: when a record lacks ``text`` or ``annotations``.
    """
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "text" not in record or "annotations" not in record:
                raise GoldFormatError(
                    f"{path}:{number}: a quotes gold record needs 'text' and 'annotations' "
                    "(PolNeAR JSONL, see shared data README section 4)"
                )
            yield str(record.get("id", number)), record


def _gold_quotes(
    text: str, attributions: Sequence[dict[str, Any]], mask: bytearray
) -> tuple[GoldQuote, ...]:
    quotes = []
    for att in attributions:
        content = _spans(att.get("content"))
        if not content:
            continue
        quotes.append(
            GoldQuote(
                content=content,
                source=_spans(att.get("source")),
                cue=_spans(att.get("cue")),
                kind=gold_kind(text, mask, content),
            )
        )
    return tuple(quotes)


# ---------------------------------------------------------------------------------------------
# Baseline


def baseline_quotes(doc: Doc) -> list[Quote]:
    """Direct quotes only: every quotation-mark pair, attributed to the nearest speech verb
    (outside the marks, in the same sentences) and that verb's subject."""
    text = doc.text
    verbs = [t for t in doc if t.lemma_.lower() in BASELINE_VERBS and t.pos_ in {"VERB", "AUX"}]
    positions = [t.idx for t in verbs]
    quotes: list[Quote] = []
    for start, end in find_quote_spans(text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        lo, hi = span[0].sent.start_char, span[-1].sent.end_char
        best: Token | None = None
        k = bisect.bisect_left(positions, lo)
        while k < len(verbs) and verbs[k].idx < hi:
            verb = verbs[k]
            k += 1
            if start <= verb.idx < end:
                continue
            distance = verb.idx - end if verb.idx >= end else start - verb.idx
            if best is None or distance < abs(best.idx - (end if best.idx >= end else start)):
                best = verb
        speaker = _baseline_subject(best) if best is not None else None
        quotes.append(
            Quote(
                start_char=start,
                end_char=end,
                kind="direct",
                speaker_start=speaker[0] if speaker else None,
                speaker_end=speaker[1] if speaker else None,
                cue_start=best.idx if best is not None else None,
                cue_end=best.idx + len(best.text) if best is not None else None,
                sentence_index=0,
                confidence=0.5,
            )
        )
    return quotes


def _baseline_subject(verb: Token) -> tuple[int, int] | None:
    for child in verb.children:
        if child.dep_ == "nsubj":
            first, last = child.left_edge, child.right_edge
            return first.idx, last.idx + len(last.text)
    return None


# ---------------------------------------------------------------------------------------------
# Scoring


def score_doc(
    gold: GoldDoc,
    predicted: Sequence[Quote],
    counts: Counts,
    *,
    pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
) -> None:
    """Add one document's matches to ``counts``.

    ``pieces`` gives each prediction's content as pieces (an annotator's attribution read as
    a prediction, see :func:`agreement`) instead of its one ``start_char``-``end_char`` span.
    """
    text = gold.text
    gold_sets = [char_set(text, list(g.content)) for g in gold.quotes]
    if pieces is None:
        pieces = [[(q.start_char, q.end_char)] for q in predicted]
    pred_sets = [char_set(text, list(p)) for p in pieces]
    # Best overlap first: the pairs at or above a threshold are the ones a matching limited
    # to them would make, so one matching serves both the exact and the half-overlap counts.
    for j, i in greedy_match(gold_sets, pred_sets):
        jaccard = len(gold_sets[j] & pred_sets[i]) / len(gold_sets[j] | pred_sets[i])
        counts.tp_exact += jaccard == 1.0
        if jaccard < 0.5:
            continue
        q, g = predicted[i], gold.quotes[j]
        counts.tp += 1
        counts.found_by_kind[g.kind] += 1
        if q.kind == "direct":
            counts.right_by_kind["direct"] += 1
        if g.source:
            counts.speaker_n += 1
            speaker = (
                (q.speaker_start, q.speaker_end)
                if q.speaker_start is not None and q.speaker_end is not None
                else None
            )
            counts.speaker_ok += overlaps(speaker, list(g.source))
        if g.cue:
            counts.cue_n += 1
            cue = (q.cue_start, q.cue_end) if q.cue_start is not None and q.cue_end else None
            counts.cue_ok += overlaps(cue, list(g.cue))
    counts.n_pred += len(predicted)
    counts.n_gold += len(gold.quotes)
    for g in gold.quotes:
        counts.gold_by_kind[g.kind] += 1
    counts.pred_by_kind["direct"] += sum(q.kind == "direct" for q in predicted)


def evaluate(
    gold: Path,
    *,
    nlp: Language,
    limit: int | None = None,
    extractor: Extractor = quotes_of,
    baseline: Extractor = baseline_quotes,
) -> QuoteEvaluation:
    """Run the pipeline over the gold texts and score presslake and the baseline.

    Args:
        gold: PolNeAR-style JSONL file.
        nlp: The presslake pipeline.
        limit: Evaluate only the first ``limit`` documents.
        extractor: Quotes of a parsed Doc (presslake's by default).
        baseline: Quotes of the comparison extractor.
    """
    started = time.perf_counter()
    docs = list(read_gold(gold, limit=limit))
    ours, base = Counts(), Counts()
    for gold_doc, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        score_doc(gold_doc, extractor(doc), ours)
        score_doc(gold_doc, baseline(doc), base)
    return QuoteEvaluation(
        n_docs=len(docs), presslake=ours, baseline=base, seconds=time.perf_counter() - started
    )


# ---------------------------------------------------------------------------------------------
# Agreement between annotators


@dataclass(frozen=True, slots=True)
class Agreement:
    """How annotators agree with one another, and presslake with each of them, on the records
    several people annotated.

    Attributes:
        n_docs: Records with several annotators.
        n_pairs: Ordered pairs of annotators (one read as gold, the other as predictions).
        annotators: Counts over every ordered pair of annotators of a record.
        presslake: Counts of presslake's quotes against each annotator of a record.
    """

    n_docs: int
    n_pairs: int
    annotators: Counts
    presslake: Counts


def as_predictions(gold: GoldDoc) -> tuple[list[Quote], list[tuple[tuple[int, int], ...]]]:
    """An annotator's attributions as predictions: one :class:`~transforms.nlp.quotes.Quote`
    each (kind, first source and cue piece) and the content pieces for :func:`score_doc`."""
    quotes = []
    for g in gold.quotes:
        source, cue = (g.source or ((None, None),))[0], (g.cue or ((None, None),))[0]
        quotes.append(
            Quote(
                start_char=g.content[0][0],
                end_char=g.content[-1][1],
                kind=g.kind,
                speaker_start=source[0],
                speaker_end=source[1],
                cue_start=cue[0],
                cue_end=cue[1],
                sentence_index=0,
                confidence=1.0,
            )
        )
    return quotes, [g.content for g in gold.quotes]


def agreement(
    paths: Sequence[Path], *, nlp: Language, extractor: Extractor = quotes_of
) -> Agreement:
    """Score annotators against one another and presslake against each annotator, with the
    same definitions, on the records of ``paths`` that several people annotated: how close
    the figures the project is judged by can come to people doing the same task."""
    records = [r for path in paths for r in read_annotators(path)]
    people, ours = Counts(), Counts()
    n_pairs = 0
    docs = nlp.pipe(r[0].text for r in records)
    for people_docs, doc in zip(records, docs, strict=True):
        predicted = extractor(doc)
        for i, gold in enumerate(people_docs):
            score_doc(gold, predicted, ours)
            for j, other in enumerate(people_docs):
                if i != j:
                    quotes, pieces = as_predictions(other)
                    score_doc(gold, quotes, people, pieces=pieces)
                    n_pairs += 1
    return Agreement(n_docs=len(records), n_pairs=n_pairs, annotators=people, presslake=ours)


def format_agreement(result: Agreement) -> str:
    """A plain-text table: annotators against one another beside presslake against them."""
    people, ours = result.annotators.as_dict(), result.presslake.as_dict()
    rows = [
        ("content P (overlap>=0.5)", people["precision"], ours["precision"]),
        ("content R (overlap>=0.5)", people["recall"], ours["recall"]),
        ("content F1 (overlap>=0.5)", people["f1"], ours["f1"]),
        *[(f"recall, {kind}", people[f"recall_{kind}"], ours[f"recall_{kind}"]) for kind in KINDS],
        ("direct-quote F1", people["direct"]["f1"], ours["direct"]["f1"]),
        ("speaker accuracy (matched)", people["speaker_accuracy"], ours["speaker_accuracy"]),
    ]
    lines = [
        f"quote agreement: {result.n_docs} records with several annotators, "
        f"{result.n_pairs} ordered pairs of annotators",
        f"{'metric':<30}{'annotators':>12}{'presslake':>12}",
    ]
    lines += [f"{label:<30}{a:>12.3f}{b:>12.3f}" for label, a, b in rows]
    return "\n".join(lines)


def format_report(result: QuoteEvaluation, *, gold: Path | None = None) -> str:
    """A plain-text table of the scores, presslake beside the baseline."""
    rows = [
        ("content P (overlap>=0.5)", "precision"),
        ("content R (overlap>=0.5)", "recall"),
        ("content F1 (overlap>=0.5)", "f1"),
        ("content F1 (exact)", "exact_f1"),
        ("speaker accuracy (matched)", "speaker_accuracy"),
        ("cue accuracy (matched)", "cue_accuracy"),
    ]
    ours, base = result.presslake.as_dict(), result.baseline.as_dict()
    lines = [
        f"quotes evaluation{f' on {gold}' if gold else ''}: {result.n_docs} docs, "
        f"{ours['n_gold']} gold attributions, {result.seconds:.1f} s",
        f"{'metric':<30}{'presslake':>12}{'baseline':>12}",
        f"{'predicted':<30}{ours['n_pred']:>12}{base['n_pred']:>12}",
    ]
    lines += [f"{label:<30}{ours[key]:>12.3f}{base[key]:>12.3f}" for label, key in rows]
    for kind in KINDS:
        label = f"recall, {kind} (n_gold={ours[f'n_gold_{kind}']})"
        lines.append(f"{label:<30}{ours[f'recall_{kind}']:>12.3f}{base[f'recall_{kind}']:>12.3f}")
    for part in ("precision", "recall", "f1"):
        label = f"direct-quote {part}"
        lines.append(f"{label:<30}{ours['direct'][part]:>12.3f}{base['direct'][part]:>12.3f}")
    return "\n".join(lines)


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate and return the printed report (what ``presslake eval quotes`` shows)."""
    return format_report(evaluate(gold, nlp=nlp, limit=limit), gold=gold)
