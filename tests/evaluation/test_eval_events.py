"""Event and time evaluations run end to end on a small slice of the dev gold data."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import events as eval_events
from evaluation import time as eval_time
from evaluation.jsonl import read_jsonl

MEANTIME = Path("events/meantime_eso/meantime_eso_dev.jsonl")
PLOVER = Path("events/plover/plover_gsr_dev.jsonl")


def test_detect_format() -> None:
    assert eval_events.detect_format([{"event_mentions": []}]) == "meantime"
    assert eval_events.detect_format([{"event_type": "AGREE"}]) == "plover"
    with pytest.raises(ValueError, match="unknown gold format"):
        eval_events.detect_format([{"text": "x"}])
    with pytest.raises(ValueError, match="no gold records"):
        eval_events.detect_format([])


def test_meantime_events(nlp, shared_data: Path) -> None:
    records = read_jsonl(shared_data / MEANTIME, limit=6)
    result = eval_events.evaluate(records, nlp=nlp)
    ours, baseline = result.systems
    assert result.format == "meantime"
    assert ours.f1 > baseline.f1
    assert ours.f1 >= 0.6
    assert "trigger P/R/F1" in eval_events.report(result)


def test_plover_events(nlp, shared_data: Path) -> None:
    report = eval_events.run(shared_data / PLOVER, nlp=nlp, limit=30)
    assert "PLOVER gold records: 30 sentences" in report
    assert "svo-baseline" in report
    result = eval_events.evaluate(read_jsonl(shared_data / PLOVER, limit=30), nlp=nlp)
    ours, baseline = result.systems
    assert ours.accuracy >= 0.6 and ours.accuracy >= baseline.accuracy


def test_time_values(nlp, shared_data: Path) -> None:
    scores = eval_time.evaluate(read_jsonl(shared_data / MEANTIME, limit=12), nlp=nlp)
    assert scores.n_gold > 20
    assert scores.value_accuracy >= 0.8
    assert "value accuracy" in eval_time.report(scores)
