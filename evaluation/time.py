"""Score time-expression values against MEANTIME's TIMEX3 annotations.

Each gold TIMEX3 with a text span and a value is looked up among the predicted time
expressions of its document (the one that overlaps it most); it counts as correct when the
predicted value equals the gold value. The anchor is the document date (``date``), as in
the corpus's own annotation of relative expressions.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from evaluation.jsonl import read_jsonl
from transforms.nlp.timex import extract_time_expressions


@dataclass
class TimeScores:
    """Counts behind the time report."""

    n_docs: int = 0
    n_gold: int = 0
    n_found: int = 0
    n_correct: int = 0
    n_predicted: int = 0
    n_predicted_matched: int = 0
    seconds: float = 0.0
    by_type: Counter[str] = field(default_factory=Counter)
    correct_by_type: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def value_accuracy(self) -> float:
        """Correct values over all gold expressions (a miss counts as wrong)."""
        return self.n_correct / self.n_gold if self.n_gold else 0.0

    @property
    def matched_accuracy(self) -> float:
        """Correct values over the gold expressions that were found."""
        return self.n_correct / self.n_found if self.n_found else 0.0

    @property
    def recall(self) -> float:
        """Gold expressions overlapped by a predicted one."""
        return self.n_found / self.n_gold if self.n_gold else 0.0

    @property
    def precision(self) -> float:
        """Predicted expressions that overlap a gold one."""
        return self.n_predicted_matched / self.n_predicted if self.n_predicted else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(records: Iterable[dict[str, Any]], *, nlp: Language) -> TimeScores:
    """Score predicted time values on MEANTIME documents.

    Documents without a document date are skipped (their relative values cannot be
    resolved, by us or by the annotators' rules).
    """
    scores = TimeScores()
    started = time.perf_counter()
    dated = [r for r in records if r.get("date")]
    docs = nlp.pipe(r["text"] for r in dated)
    for record, doc in zip(dated, docs, strict=True):
        scores.n_docs += 1
        anchor = date.fromisoformat(record["date"][:10])
        predicted = list(extract_time_expressions(doc, doc_id=record["id"], published_at=anchor))
        scores.n_predicted += len(predicted)
        gold = [t for t in record["timex"] if t.get("text") and t.get("value")]
        gold_spans = [(t["start"], t["end"]) for t in gold]
        scores.n_predicted_matched += sum(
            1 for p in predicted if any(_overlap((p.start_char, p.end_char), g) for g in gold_spans)
        )
        for item in gold:
            kind = item.get("type") or "?"
            scores.n_gold += 1
            scores.by_type[kind] += 1
            span = (item["start"], item["end"])
            best = max(
                predicted,
                key=lambda p: _overlap((p.start_char, p.end_char), span),
                default=None,
            )
            if best is None or not _overlap((best.start_char, best.end_char), span):
                scores.errors.append((item["text"], item["value"], None))
                continue
            scores.n_found += 1
            if best.value == item["value"]:
                scores.n_correct += 1
                scores.correct_by_type[kind] += 1
            else:
                scores.errors.append((item["text"], item["value"], f"{best.text}={best.value}"))
    scores.seconds = time.perf_counter() - started
    return scores


def report(scores: TimeScores, *, max_errors: int = 25) -> str:
    """Plain-text report of ``scores``."""
    lines = [
        f"MEANTIME TIMEX3 values: {scores.n_docs} docs, {scores.n_gold} gold expressions",
        f"  value accuracy (all gold)      {scores.value_accuracy:.3f}"
        f"  ({scores.n_correct}/{scores.n_gold})",
        f"  value accuracy (found only)    {scores.matched_accuracy:.3f}"
        f"  ({scores.n_correct}/{scores.n_found})",
        f"  detection recall / precision   {scores.recall:.3f} / {scores.precision:.3f}",
    ]
    for kind, total in sorted(scores.by_type.items()):
        lines.append(f"  {kind:<10} {scores.correct_by_type[kind]:>4}/{total:<4}")
    lines.append(f"  time {scores.seconds:.1f}s")
    if scores.errors and max_errors:
        lines.append("  errors (gold text, gold value, predicted):")
        for text, value, got in scores.errors[:max_errors]:
            lines.append(f"    {text!r:40} {value:<14} {got}")
    return "\n".join(lines)


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate time values on the MEANTIME JSONL file ``gold``; return the report."""
    return report(evaluate(read_jsonl(gold, limit=limit), nlp=nlp))
