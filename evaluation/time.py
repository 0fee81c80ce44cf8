"""Score dates against MEANTIME: TIMEX3 values, and the date each event is shown with.

Defined as in the judged scorer (``bench/score_time.py``); records are ingested, parsed and
moved back onto the gold text as in :mod:`evaluation.events`, and only MEANTIME's annotated
region is scored.

1. Date expressions: gold TIMEX3 of type DATE with a value against presslake's
   ``time_expressions``, matched one to one on character overlap (best overlap/union first);
   detection P/R/F1, and on matched pairs the value accuracy (TimeML value, case-insensitive).
2. Event dates: a gold event mention has a day when a TLINK ties it to a day-valued DATE
   TIMEX3 (IS_INCLUDED / SIMULTANEOUS / DURING, or INCLUDES / SIMULTANEOUS / DURING_INV from
   the timex side; a timex other than the document creation time wins). On the gold events
   whose trigger presslake found (as in :mod:`evaluation.events`), the accuracy of the date an
   analyst sees (the event's own date, else the document's), beside the baseline of putting
   every dated gold event on its document's date.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from evaluation.align import char_set, greedy_match
from evaluation.events import (
    in_region,
    ingest,
    match_triggers,
    meantime_gold_events,
    parse,
    presslake_system,
    scored_region_end,
)
from evaluation.jsonl import read_jsonl
from transforms.nlp.timex import extract_time_expressions

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EVENT_IN_TIMEX = frozenset({"IS_INCLUDED", "SIMULTANEOUS", "DURING"})
_TIMEX_HOLDS_EVENT = frozenset({"INCLUDES", "SIMULTANEOUS", "DURING_INV"})


@dataclass
class TimeScores:
    """Counts behind the time report."""

    n_docs: int = 0
    n_gold: int = 0
    n_predicted: int = 0
    n_matched: int = 0
    n_correct: int = 0
    events_dated: int = 0
    events_matched: int = 0
    events_correct: int = 0
    events_baseline: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Predicted date expressions matched to a gold one."""
        return self.n_matched / self.n_predicted if self.n_predicted else 0.0

    @property
    def recall(self) -> float:
        """Gold date expressions matched by a predicted one."""
        return self.n_matched / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Detection F1."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def value_accuracy(self) -> float:
        """Correct values over matched gold expressions."""
        return self.n_correct / self.n_matched if self.n_matched else 0.0

    @property
    def value_recall(self) -> float:
        """Correct values over all gold expressions."""
        return self.n_correct / self.n_gold if self.n_gold else 0.0

    @property
    def event_date_accuracy(self) -> float:
        """Shown event date right, over dated gold events whose trigger was found."""
        return self.events_correct / self.events_matched if self.events_matched else 0.0

    @property
    def baseline_accuracy(self) -> float:
        """Every dated gold event on its document's date."""
        return self.events_baseline / self.events_dated if self.events_dated else 0.0


def gold_event_days(record: dict[str, Any]) -> dict[str, str]:
    """Event mention id -> the day its TLINKs give (non-creation-time timex first)."""
    days = {
        t["id"]: t
        for t in record.get("timex", [])
        if t.get("type") == "DATE" and _DAY.match(str(t.get("value") or ""))
    }
    best: dict[str, tuple[str, bool]] = {}
    for link in (record.get("relations") or {}).get("TLINK", []):
        source, target, rel = link.get("source"), link.get("target"), link.get("reltype")
        if target in days and rel in _EVENT_IN_TIMEX:
            event, timex = source, days[target]
        elif source in days and rel in _TIMEX_HOLDS_EVENT:
            event, timex = target, days[source]
        else:
            continue
        creation = timex.get("functionInDocument") == "CREATION_TIME"
        previous = best.get(event)
        if previous is None or (previous[1] and not creation):
            best[event] = (timex["value"], creation)
    return {k: v[0] for k, v in best.items()}


def document_day(record: dict[str, Any]) -> str | None:
    """The document creation day (TIMEX3 CREATION_TIME, else the record's date)."""
    for t in record.get("timex", []):
        if t.get("functionInDocument") == "CREATION_TIME" and _DAY.match(str(t.get("value"))):
            return str(t["value"])
    day = record.get("date")
    return day[:10] if isinstance(day, str) and _DAY.match(day[:10]) else None


def evaluate(
    records: list[dict[str, Any]], *, nlp: Language, docs: Iterable[Doc] | None = None
) -> TimeScores:
    """Score date expressions and event dates on MEANTIME ``records``."""
    scores = TimeScores()
    started = time.perf_counter()
    items = ingest(records)
    parsed = parse(items, nlp=nlp) if docs is None else docs
    for item, doc in zip(items, parsed, strict=True):
        record, article, om = item.record, item.article, item.offsets
        text = record["text"]
        scores.n_docs += 1
        end = scored_region_end(record)
        gold = [
            t
            for t in record.get("timex", [])
            if t.get("start") is not None and t.get("value") and t.get("type") == "DATE"
        ]
        predicted = []
        for row in extract_time_expressions(
            doc, doc_id=article.doc_id, published_at=article.published_at
        ):
            start, stop = om.span(row.start_char, row.end_char)
            if start < end:
                predicted.append((start, stop, row.value, row.text))
        scores.n_gold += len(gold)
        scores.n_predicted += len(predicted)
        gold_chars = [
            char_set(text, [(int(a), int(b)) for a, b in t.get("spans") or [[t["start"],
                                                                              t["end"]]]])
            for t in gold
        ]  # fmt: skip
        pred_chars = [char_set(text, [(p[0], p[1])]) for p in predicted]
        for gi, pi in greedy_match(gold_chars, pred_chars):
            scores.n_matched += 1
            value = predicted[pi][2]
            if value and value.upper() == gold[gi]["value"].upper():
                scores.n_correct += 1
            else:
                scores.errors.append((gold[gi]["text"], gold[gi]["value"],
                                      f"{predicted[pi][3]}={value}"))  # fmt: skip
        days = gold_event_days(record)
        events = meantime_gold_events(record)
        ours = in_region(record, presslake_system(doc, item))
        matched = dict(match_triggers(record, events, ours))
        day0 = document_day(record)
        for gi, event in enumerate(events):
            day = days.get(event.id)
            if not day:
                continue
            scores.events_dated += 1
            scores.events_baseline += day0 == day
            if gi in matched:
                scores.events_matched += 1
                shown = ours[matched[gi]].date
                scores.events_correct += bool(shown) and str(shown)[:10] == day
    scores.seconds = time.perf_counter() - started
    return scores


def report(scores: TimeScores, *, max_errors: int = 25) -> str:
    """Plain-text report of ``scores``."""
    lines = [
        f"MEANTIME dates: {scores.n_docs} docs (annotated region)",
        f"  TIMEX3 DATE detection P/R/F1   {scores.precision:.3f} / {scores.recall:.3f} / "
        f"{scores.f1:.3f}  (gold {scores.n_gold}, predicted {scores.n_predicted}, "
        f"matched {scores.n_matched})",
        f"  value accuracy on matched      {scores.value_accuracy:.3f}"
        f"  ({scores.n_correct}/{scores.n_matched})",
        f"  correct values / gold          {scores.value_recall:.3f}",
        f"  event dates: {scores.events_dated} gold events with a day, "
        f"{scores.events_matched} with a found trigger",
        f"  event date accuracy (found)    {scores.event_date_accuracy:.3f}"
        f"  ({scores.events_correct}/{scores.events_matched})",
        f"  document-date baseline (all)   {scores.baseline_accuracy:.3f}"
        f"  ({scores.events_baseline}/{scores.events_dated})",
        f"  time {scores.seconds:.1f}s",
    ]
    if scores.errors and max_errors:
        lines.append("  value errors (gold text, gold value, predicted):")
        for text, value, got in scores.errors[:max_errors]:
            lines.append(f"    {text!r:40} {value:<14} {got}")
    return "\n".join(lines)


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate dates on the MEANTIME JSONL file ``gold``; return the report."""
    return report(evaluate(read_jsonl(gold, limit=limit), nlp=nlp))
