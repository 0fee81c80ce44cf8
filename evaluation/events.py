"""Evaluate event extraction on MEANTIME (triggers, Arg0/Arg1) and PLOVER gold records (types).

The format is detected from the records: MEANTIME documents carry ``event_mentions``;
PLOVER records carry ``event_type``. Beside presslake's numbers the report gives a plain
subject-verb-object baseline on the same data: every verb with a subject is an event, its
subject is the actor, its direct object the target, and its type is the lexicon type of
its lemma alone.

MEANTIME annotates only the title and the first sentences of each article, and it marks
statements ("said") and grammatical verbs ("is", "began") as events, which presslake
deliberately does not report. Scores are therefore computed on the annotated sentences,
and gold mentions whose instance class is ``SPEECH_COGNITIVE`` or ``GRAMMATICAL`` are left
out (a prediction on one is neither right nor wrong); the all-class recall is reported too.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from evaluation.jsonl import read_jsonl
from transforms.nlp.events import EventExtractor, EventMention, event_mentions

EXCLUDED_CLASSES = frozenset({"SPEECH_COGNITIVE", "GRAMMATICAL"})


@dataclass(frozen=True, slots=True)
class Predicted:
    """A predicted event reduced to what the scores compare."""

    start: int
    end: int
    event_type: str
    actors: tuple[tuple[int, int], ...]
    targets: tuple[tuple[int, int], ...]
    depth: int = 0


@dataclass
class Agreement:
    """Argument agreement on matched triggers."""

    gold: int = 0
    predicted: int = 0
    agree: int = 0

    @property
    def rate(self) -> float:
        """Agreement where both gold and prediction have the argument."""
        return self.agree / self.predicted if self.predicted else 0.0

    @property
    def coverage(self) -> float:
        """Gold arguments that the prediction has at all (agreeing or not)."""
        return self.predicted / self.gold if self.gold else 0.0

    @property
    def recall(self) -> float:
        """Gold arguments found and agreeing."""
        return self.agree / self.gold if self.gold else 0.0


@dataclass
class MeantimeScores:
    """Trigger and argument scores on MEANTIME for one system."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    all_gold: int = 0
    all_found: int = 0
    actor: Agreement = field(default_factory=Agreement)
    target: Agreement = field(default_factory=Agreement)

    @property
    def precision(self) -> float:
        """Trigger precision."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Trigger recall."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Trigger F1."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class PloverScores:
    """Type accuracy and argument agreement on PLOVER gold records for one system."""

    name: str
    n: int = 0
    correct: int = 0
    on_trigger: int = 0
    on_trigger_correct: int = 0
    actor: Agreement = field(default_factory=Agreement)
    target: Agreement = field(default_factory=Agreement)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        """Type accuracy of the sentence's main predicted event."""
        return self.correct / self.n if self.n else 0.0

    @property
    def trigger_accuracy(self) -> float:
        """Type accuracy when a predicted event sits on a gold event word."""
        return self.on_trigger_correct / self.on_trigger if self.on_trigger else 0.0


# --------------------------------------------------------------------------- systems


def _args(mention: EventMention, role: str) -> tuple[tuple[int, int], ...]:
    return tuple((a.start_char, a.end_char) for a in mention.arguments if a.role == role)


def presslake_system(doc: Doc) -> list[Predicted]:
    """presslake's events for ``doc``."""
    return [
        Predicted(
            m.trigger_start,
            m.trigger_end,
            m.event_type,
            _args(m, "actor"),
            _args(m, "target"),
            m.depth,
        )
        for m in event_mentions(doc)
    ]


def svo_baseline(extractor: EventExtractor) -> Callable[[Doc], list[Predicted]]:
    """The subject-verb-object baseline, typed by the lexicon lemma alone."""

    def system(doc: Doc) -> list[Predicted]:
        found: list[Predicted] = []
        for token in doc:
            if token.pos_ != "VERB":
                continue
            subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if not subjects:
                continue
            objects = [c for c in token.children if c.dep_ in {"dobj", "obj"}]

            def span(t: Any) -> tuple[int, int]:
                return (t.left_edge.idx, t.right_edge.idx + len(t.right_edge))

            depth = sum(1 for _ in token.ancestors)
            found.append(
                Predicted(
                    token.idx,
                    token.idx + len(token),
                    extractor.base_type(token),
                    tuple(span(s) for s in subjects),
                    tuple(span(o) for o in objects),
                    depth,
                )
            )
        return found

    return system


# --------------------------------------------------------------------------- helpers


def detect_format(records: list[dict[str, Any]]) -> str:
    """``meantime`` or ``plover``, from the fields of the first record.

    Raises:
        ValueError: when the records are neither.
    """
    if not records:
        raise ValueError("no gold records to evaluate; check the --gold path")
    first = records[0]
    if "event_mentions" in first:
        return "meantime"
    if "event_type" in first:
        return "plover"
    raise ValueError(
        "unknown gold format: expected MEANTIME documents (event_mentions) or PLOVER "
        f"records (event_type); got fields {sorted(first)}"
    )


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _any_overlap(spans: Iterable[tuple[int, int]], others: Iterable[tuple[int, int]]) -> bool:
    others = list(others)
    return any(_overlaps(s, o) for s in spans for o in others)


def _mention_spans(mention: dict[str, Any]) -> list[tuple[int, int]]:
    return [(int(s), int(e)) for s, e in mention.get("spans") or [[mention["start"],
                                                                    mention["end"]]]]  # fmt: skip


# --------------------------------------------------------------------------- MEANTIME


def _score_meantime(
    record: dict[str, Any], doc: Doc, predicted: list[Predicted], scores: MeantimeScores
) -> None:
    classes = {m: e.get("class") for e in record["events"] for m in e["mentions"]}
    mentions = {m["id"]: m for m in record["event_mentions"]}
    arguments = {m["id"]: m for m in record["entity_mentions"]}
    arguments.update(mentions)
    annotated = [m.get("sentence") for m in record["event_mentions"]]
    last_sentence = max((s for s in annotated if s is not None), default=-1)
    sentences = record.get("sentences") or []
    limit = sentences[last_sentence][1] if 0 <= last_sentence < len(sentences) else 0
    predicted = [p for p in predicted if p.start < limit]
    roles: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for link in record["participants"]:
        arg = arguments.get(link["argument_mention"])
        if arg is None or arg.get("start") is None or link["role"] not in {"Arg0", "Arg1"}:
            continue
        roles.setdefault(link["event_mention"], {}).setdefault(link["role"], []).extend(
            _mention_spans(arg)
        )
    used: set[int] = set()
    for mention in record["event_mentions"]:
        if mention.get("start") is None:
            continue
        spans = _mention_spans(mention)
        match = next(
            (
                i
                for i, p in enumerate(predicted)
                if i not in used and _any_overlap([(p.start, p.end)], spans)
            ),
            None,
        )
        scores.all_gold += 1
        if match is not None:
            scores.all_found += 1
        excluded = classes.get(mention["id"]) in EXCLUDED_CLASSES
        if match is not None:
            used.add(match)
        if excluded:
            if match is not None:
                scores.ignored += 1
            continue
        if match is None:
            scores.fn += 1
            continue
        scores.tp += 1
        pred = predicted[match]
        gold_roles = roles.get(mention["id"], {})
        for role, agreement, pred_spans in (
            ("Arg0", scores.actor, pred.actors),
            ("Arg1", scores.target, pred.targets),
        ):
            if role not in gold_roles:
                continue
            agreement.gold += 1
            if pred_spans:
                agreement.predicted += 1
                if _any_overlap(pred_spans, gold_roles[role]):
                    agreement.agree += 1
    scores.fp += sum(1 for i in range(len(predicted)) if i not in used)


# --------------------------------------------------------------------------- PLOVER


def main_event(predicted: list[Predicted]) -> Predicted | None:
    """The event a PLOVER coder would code: typed first, then highest in the clause."""
    if not predicted:
        return None
    return min(
        predicted,
        key=lambda p: (p.event_type == "OTHER", not p.actors, p.depth, p.start),
    )


def _score_plover(record: dict[str, Any], predicted: list[Predicted], scores: PloverScores) -> None:
    scores.n += 1
    gold_type = record["event_type"]
    event_spans = [tuple(s) for s in record.get("event_spans") or []]
    on_trigger = [p for p in predicted if _any_overlap([(p.start, p.end)], event_spans)]
    if on_trigger:
        scores.on_trigger += 1
        if any(p.event_type == gold_type for p in on_trigger):
            scores.on_trigger_correct += 1
    chosen = main_event(predicted)
    got = chosen.event_type if chosen else "NONE"
    scores.confusion[(gold_type, got)] += 1
    if got == gold_type:
        scores.correct += 1
    if chosen is None:
        return
    for key, agreement, pred_spans in (
        ("actor_spans", scores.actor, chosen.actors),
        ("target_spans", scores.target, chosen.targets),
    ):
        gold_spans = [tuple(s) for s in record.get(key) or []]
        if not gold_spans or (key == "target_spans" and not record.get("target_text")):
            continue
        agreement.gold += 1
        if pred_spans:
            agreement.predicted += 1
            if _any_overlap(pred_spans, gold_spans):
                agreement.agree += 1


# --------------------------------------------------------------------------- driver


@dataclass
class Evaluation:
    """Scores of presslake and the baseline on one gold file."""

    format: str
    n_records: int
    seconds: float
    systems: list[MeantimeScores] | list[PloverScores]


def evaluate(records: list[dict[str, Any]], *, nlp: Language) -> Evaluation:
    """Score presslake and the SVO baseline on MEANTIME or PLOVER ``records``."""
    kind = detect_format(records)
    started = time.perf_counter()
    extractor = EventExtractor()
    systems: list[tuple[str, Callable[[Doc], list[Predicted]]]] = [
        ("presslake", presslake_system),
        ("svo-baseline", svo_baseline(extractor)),
    ]
    docs = list(nlp.pipe(r["text"] for r in records))
    if kind == "meantime":
        meantime = [MeantimeScores(name) for name, _ in systems]
        for record, doc in zip(records, docs, strict=True):
            for (_, system), scores in zip(systems, meantime, strict=True):
                _score_meantime(record, doc, system(doc), scores)
        return Evaluation(kind, len(records), time.perf_counter() - started, meantime)
    plover = [PloverScores(name) for name, _ in systems]
    for record, doc in zip(records, docs, strict=True):
        for (_, system), plover_scores in zip(systems, plover, strict=True):
            _score_plover(record, system(doc), plover_scores)
    return Evaluation(kind, len(records), time.perf_counter() - started, plover)


def _agreement_line(label: str, agreement: Agreement) -> str:
    return (
        f"{label} agreement {agreement.rate:.3f} ({agreement.agree}/{agreement.predicted}), "
        f"coverage {agreement.coverage:.3f}, recall {agreement.recall:.3f} (of {agreement.gold})"
    )


def report(evaluation: Evaluation) -> str:
    """Plain-text report of an :class:`Evaluation`."""
    lines: list[str] = []
    if evaluation.format == "meantime":
        lines.append(
            f"MEANTIME events: {evaluation.n_records} docs (annotated sentences; statements "
            "and grammatical events excluded)"
        )
        for scores in evaluation.systems:
            assert isinstance(scores, MeantimeScores)
            lines += [
                f"  [{scores.name}]",
                f"    trigger P/R/F1 {scores.precision:.3f} / {scores.recall:.3f} / "
                f"{scores.f1:.3f}  (tp {scores.tp}, fp {scores.fp}, fn {scores.fn}, "
                f"ignored {scores.ignored})",
                f"    recall on all gold classes {scores.all_found}/{scores.all_gold}",
                "    " + _agreement_line("actor (Arg0)", scores.actor),
                "    " + _agreement_line("target (Arg1)", scores.target),
            ]
    else:
        lines.append(f"PLOVER gold records: {evaluation.n_records} sentences")
        for scores in evaluation.systems:
            assert isinstance(scores, PloverScores)
            lines += [
                f"  [{scores.name}]",
                f"    type accuracy (main event) {scores.accuracy:.3f} "
                f"({scores.correct}/{scores.n})",
                f"    type accuracy on gold event words {scores.trigger_accuracy:.3f} "
                f"({scores.on_trigger_correct}/{scores.on_trigger})",
                "    " + _agreement_line("actor", scores.actor),
                "    " + _agreement_line("target", scores.target),
            ]
            errors = [(k, v) for k, v in scores.confusion.most_common() if k[0] != k[1]][:8]
            if errors:
                lines.append(
                    "    top confusions (gold->got): "
                    + ", ".join(f"{g}->{p} {n}" for (g, p), n in errors)
                )
    lines.append(f"  time {evaluation.seconds:.1f}s")
    return "\n".join(lines)


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate events on the gold file ``gold`` (MEANTIME or PLOVER JSONL); return the report."""
    return report(evaluate(read_jsonl(gold, limit=limit), nlp=nlp))
