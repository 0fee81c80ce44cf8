"""Evaluate quote and reported-speech extraction against PolNeAR-style gold.

The gold is JSONL in the format of ``quotes/polnear/polnear_dev.jsonl``: each record has a
``text`` and ``annotations``, a list of ``{annotator, attributions, flags}``; only the first
annotator's attributions are used (two dev articles have six annotators). An attribution has
``source``, ``cue`` and ``content`` roles, each ``{spans: [[s, e], ...], text}`` or null;
attributions without content are skipped.

Scores, for presslake's ``presslake_quotes_v1`` and for a direct-quotes-only baseline
(quotation-mark pairing plus the nearest speech verb) on the same parses:

* content precision/recall/F1, where a prediction matches a gold content when their
  character sets overlap by at least half of their union (one-to-one, best overlap first),
  and the same with exact spans (edge spaces, punctuation and quotation marks ignored);
* speaker accuracy on matched quotes: the predicted speaker span overlaps the gold source
  (gold attributions without a source are left out);
* cue accuracy on matched quotes: the predicted cue span overlaps the gold cue;
* recall and precision split by direct and indirect: a gold content is direct when it opens
  and closes with a quotation mark (else indirect, mixed included); a prediction is direct
  when its kind is ``direct``.
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

from transforms.nlp.quotes import Quote, find_quote_spans, quotes_of

#: Speech verbs of the baseline: the textacy ``direct_quotations`` style of cue.
BASELINE_VERBS = frozenset(
    {"say", "tell", "add", "ask", "write", "insist", "warn", "explain", "reply", "claim"}
)
_STRIP = " \t\n\r.,;:—–-\"'“”‘’„«»"
_OPENERS = "\"“‘'„«"
_CLOSERS = "\"”’'»"

Extractor = Callable[[Doc], list[Quote]]


class GoldFormatError(ValueError):
    """A gold record is not in the PolNeAR JSONL format."""


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One gold attribution (character spans into the record's text)."""

    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...] | None
    cue: tuple[tuple[int, int], ...] | None
    direct: bool


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One gold document."""

    doc_id: str
    text: str
    quotes: tuple[GoldQuote, ...]


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
    gold_by_kind: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    found_by_kind: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    pred_by_kind: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    right_by_kind: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})

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

    def kind_scores(self, kind: str) -> tuple[float, float, float]:
        """Precision, recall and F1 for ``direct`` or ``indirect``."""
        p = _ratio(self.right_by_kind[kind], self.pred_by_kind[kind])
        r = _ratio(self.found_by_kind[kind], self.gold_by_kind[kind])
        return p, r, _f1(p, r)

    def as_dict(self) -> dict[str, Any]:
        """The numbers of the report."""
        out: dict[str, Any] = {
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "exact_f1": self.exact_f1,
            "speaker_accuracy": self.speaker_accuracy,
            "cue_accuracy": self.cue_accuracy,
        }
        for kind in ("direct", "indirect"):
            p, r, f = self.kind_scores(kind)
            out[kind] = {"precision": p, "recall": r, "f1": f, "n_gold": self.gold_by_kind[kind]}
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


def _is_direct(text: str, spans: Sequence[tuple[int, int]]) -> bool:
    content = text[spans[0][0] : spans[-1][1]].strip(" \t\n\r.,;:")
    return len(content) > 1 and content[0] in _OPENERS and content[-1] in _CLOSERS


def read_gold(path: Path, *, limit: int | None = None) -> Iterator[GoldDoc]:
    """Read PolNeAR-style JSONL gold (first annotator only).

    Args:
        path: The JSONL file.
        limit: Read at most this many documents.

    Raises:
        GoldFormatError: when a record lacks ``text`` or ``annotations``.
    """
    with path.open(encoding="utf-8") as lines:
        n = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                return
            record = json.loads(line)
            if "text" not in record or "annotations" not in record:
                raise GoldFormatError(
                    f"{path}:{number}: a quotes gold record needs 'text' and 'annotations' "
                    "(PolNeAR JSONL, see shared data README section 4)"
                )
            text: str = record["text"]
            annotations = record["annotations"]
            attributions = annotations[0]["attributions"] if annotations else []
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
                        direct=_is_direct(text, content),
                    )
                )
            n += 1
            yield GoldDoc(doc_id=str(record.get("id", number)), text=text, quotes=tuple(quotes))


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


def _charset(spans: Sequence[tuple[int, int]], text: str) -> frozenset[int]:
    return frozenset(i for s, e in spans for i in range(s, e) if not text[i].isspace())


def _stripped(spans: Sequence[tuple[int, int]], text: str) -> tuple[int, int]:
    start, end = spans[0][0], spans[-1][1]
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _overlaps(pred: tuple[int, int] | None, gold: Sequence[tuple[int, int]] | None) -> bool:
    if pred is None or gold is None:
        return False
    return any(pred[0] < e and s < pred[1] for s, e in gold)


def score_doc(gold: GoldDoc, predicted: Sequence[Quote], counts: Counts) -> None:
    """Add one document's matches to ``counts``."""
    text = gold.text
    gold_sets = [_charset(g.content, text) for g in gold.quotes]
    pred_sets = [_charset([(q.start_char, q.end_char)], text) for q in predicted]
    pairs: list[tuple[float, int, int]] = []
    for i, p in enumerate(pred_sets):
        for j, gs in enumerate(gold_sets):
            inter = len(p & gs)
            if inter:
                iou = inter / len(p | gs)
                if iou >= 0.5:
                    pairs.append((iou, i, j))
    pairs.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        q, g = predicted[i], gold.quotes[j]
        counts.tp += 1
        gold_kind = "direct" if g.direct else "indirect"
        pred_kind = "direct" if q.kind == "direct" else "indirect"
        counts.found_by_kind[gold_kind] += 1
        counts.right_by_kind[pred_kind] += 1
        if g.source is not None:
            counts.speaker_n += 1
            speaker = (
                (q.speaker_start, q.speaker_end)
                if q.speaker_start is not None and q.speaker_end is not None
                else None
            )
            counts.speaker_ok += _overlaps(speaker, g.source)
        if g.cue is not None:
            counts.cue_n += 1
            cue = (q.cue_start, q.cue_end) if q.cue_start is not None and q.cue_end else None
            counts.cue_ok += _overlaps(cue, g.cue)
    exact_gold = {_stripped(g.content, text) for g in gold.quotes if len(g.content) == 1}
    exact_pred = {_stripped([(q.start_char, q.end_char)], text) for q in predicted}
    counts.tp_exact += len(exact_gold & exact_pred)
    counts.n_pred += len(predicted)
    counts.n_gold += len(gold.quotes)
    for g in gold.quotes:
        counts.gold_by_kind["direct" if g.direct else "indirect"] += 1
    for q in predicted:
        counts.pred_by_kind["direct" if q.kind == "direct" else "indirect"] += 1


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
    for kind in ("direct", "indirect"):
        for part in ("precision", "recall", "f1"):
            label = (
                f"{kind} {part} (n_gold={ours[kind]['n_gold']})"
                if part == "f1"
                else (f"{kind} {part}")
            )
            lines.append(f"{label:<30}{ours[kind][part]:>12.3f}{base[kind][part]:>12.3f}")
    return "\n".join(lines)


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate and return the printed report (what ``presslake eval quotes`` shows)."""
    return format_report(evaluate(gold, nlp=nlp, limit=limit), gold=gold)
