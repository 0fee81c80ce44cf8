"""Evaluate event extraction on MEANTIME (triggers, Arg0/Arg1) and PLOVER gold records (types).

The figures are defined as in the judged scorer (``bench/score_events.py``), so the number
tuned here is the number that counts:

* Each gold record is ingested the way ``presslake run`` ingests it (title and date given,
  the text cleaned), run through the pipeline, turned into ``events`` and
  ``event_participants`` rows, and every offset is moved back onto the gold text
  (:mod:`evaluation.align`). What is scored is what the warehouse would hold.
* A predicted event is its trigger, its type and confidence, and the *first* (leftmost)
  participant of each role: ``actor``; ``target``; ``arg1`` = the first ``target``, else the
  first ``theme``; its date is the event's own date, else the document's (as
  ``event_timeline`` shows it).

MEANTIME: only the annotated part of each article is scored (up to the last sentence that holds
any gold mention); all gold event mentions count (statements and grammatical verbs included).
Triggers match one to one on character overlap, best overlap/union first; P/R/F1 for any
overlap and for exact spans (edges trimmed). On matched triggers, the actor agrees when it
overlaps a gold ``Arg0`` of that mention, and ``arg1`` when it overlaps a gold ``Arg1``; the
denominator is the matched triggers whose gold mention has that argument. Recall is also given
by the gold part of speech.

PLOVER: the sentence's type is that of its first event (left to right, highest confidence
first) whose type is not ``OTHER``; type accuracy against the gold type, and whether the gold
type is among the predicted ones. Trigger hit: some trigger overlaps a gold event word; actor
(target) match: some event's actor (target) overlaps a gold source (target) span.

Beside presslake the report gives a plain subject-verb-object baseline on the same Docs: every
verb with a subject is an event, its subject the actor, its direct object the target, typed by
the lexicon entry of its lemma alone.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from evaluation.align import OffsetMap, char_set, greedy_match, overlaps
from evaluation.jsonl import read_jsonl
from transforms.nlp.events import EventExtractor, extract_event_rows
from transforms.text.ingest import article_from_record
from transforms.types import Article

#: The fields of a gold record that ``presslake run`` sees (annotations stripped).
INPUT_FIELDS = ("id", "title", "date", "text")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Predicted:
    """A predicted event on the gold text, reduced to what the scores compare."""

    start: int
    end: int
    event_type: str
    confidence: float | None
    actor: Span | None
    target: Span | None
    arg1: Span | None
    date: str | None


@dataclass(frozen=True, slots=True)
class Ingested:
    """A gold record, the article presslake makes of it, and the map back to the gold text."""

    record: dict[str, Any]
    article: Article
    offsets: OffsetMap


def ingest(records: Iterable[dict[str, Any]]) -> list[Ingested]:
    """Make each gold record into the article ``presslake run`` would store."""
    out = []
    for line, record in enumerate(records, start=1):
        fields = {k: record[k] for k in INPUT_FIELDS if record.get(k) is not None}
        uri = f"gold.jsonl#line={line}"
        article = article_from_record(fields, source_uri=uri, fallback_id=uri)
        out.append(Ingested(record, article, OffsetMap(article.text, record["text"])))
    return out


def parse(items: list[Ingested], *, nlp: Language) -> Iterator[Doc]:
    """The pipeline's Docs of the ingested articles."""
    return nlp.pipe(item.article.text for item in items)


# --------------------------------------------------------------------------- systems

System = Callable[[Doc, Ingested], list[Predicted]]


def presslake_system(doc: Doc, item: Ingested) -> list[Predicted]:
    """presslake's ``events`` and ``event_participants`` rows, moved onto the gold text."""
    article, om = item.article, item.offsets
    events, participants = extract_event_rows(
        doc, doc_id=article.doc_id, published_at=article.published_at
    )
    first: dict[tuple[str, str], Span] = {}
    for row in sorted(participants, key=lambda p: p.start_char):
        first.setdefault((row.event_id, row.role), (row.start_char, row.end_char))
    published = article.published_at.date().isoformat() if article.published_at else None
    out = []
    for event in events:
        roles = {
            role: om.span(*first[(event.event_id, role)])
            for role in ("actor", "target", "theme")
            if (event.event_id, role) in first
        }
        out.append(
            Predicted(
                *om.span(event.trigger_start, event.trigger_end),
                event.event_type,
                event.confidence,
                roles.get("actor"),
                roles.get("target"),
                roles.get("target") or roles.get("theme"),
                event.event_date.isoformat() if event.event_date else published,
            )
        )
    return sorted(out, key=lambda p: p.start)


def svo_baseline(extractor: EventExtractor) -> System:
    """The subject-verb-object baseline, typed by the lexicon lemma alone."""

    def system(doc: Doc, item: Ingested) -> list[Predicted]:
        om = item.offsets
        found: list[Predicted] = []
        for token in doc:
            if token.pos_ != "VERB":
                continue
            subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if not subjects:
                continue
            objects = [c for c in token.children if c.dep_ in {"dobj", "obj"}]

            def span(t: Any) -> Span:
                return om.span(t.left_edge.idx, t.right_edge.idx + len(t.right_edge))

            target = span(objects[0]) if objects else None
            found.append(
                Predicted(
                    *om.span(token.idx, token.idx + len(token)),
                    extractor.base_type(token),
                    None,
                    span(subjects[0]),
                    target,
                    target,
                    None,
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


def _pieces(mention: dict[str, Any]) -> list[Span]:
    spans = mention.get("spans") or [[mention["start"], mention["end"]]]
    return [(int(s), int(e)) for s, e in spans]


def scored_region_end(record: dict[str, Any]) -> int:
    """End of the last sentence holding any gold mention (MEANTIME annotates a prefix)."""
    sentences = record.get("sentences") or [[0, len(record["text"])]]
    last = -1
    for layer in ("event_mentions", "entity_mentions", "timex", "values"):
        for mention in record.get(layer, []):
            if mention.get("start") is None:
                continue
            index = mention.get("sentence")
            if index is None:
                index = max(i for i, (s, _) in enumerate(sentences) if s <= mention["start"])
            last = max(last, index)
    if last < 0:
        return len(record["text"])
    return int(sentences[min(last, len(sentences) - 1)][1])


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """A MEANTIME event mention with its Arg0 and Arg1 pieces."""

    id: str
    chars: frozenset[int]
    pos: str
    arg0: list[Span]
    arg1: list[Span]


def meantime_gold_events(record: dict[str, Any]) -> list[GoldEvent]:
    """The gold event mentions of a MEANTIME record, with their Arg0/Arg1 pieces."""
    index: dict[str, list[Span]] = {}
    for layer in ("entity_mentions", "event_mentions", "timex", "values"):
        for mention in record.get(layer, []):
            if mention.get("start") is not None:
                index[mention["id"]] = _pieces(mention)
    args: dict[str, dict[str, list[Span]]] = {}
    for link in record.get("participants", []):
        if link.get("role") in ("Arg0", "Arg1") and link["argument_mention"] in index:
            args.setdefault(link["event_mention"], {}).setdefault(link["role"], []).extend(
                index[link["argument_mention"]]
            )
    return [
        GoldEvent(
            m["id"],
            char_set(record["text"], _pieces(m)),
            m.get("pos") or "none",
            args.get(m["id"], {}).get("Arg0", []),
            args.get(m["id"], {}).get("Arg1", []),
        )
        for m in record["event_mentions"]
        if m.get("start") is not None
    ]


def match_triggers(
    record: dict[str, Any], gold: list[GoldEvent], predicted: list[Predicted]
) -> list[tuple[int, int]]:
    """One-to-one (gold, predicted) trigger pairs, best overlap/union first."""
    text = record["text"]
    return greedy_match([g.chars for g in gold], [char_set(text, [(p.start, p.end)])
                                                  for p in predicted])  # fmt: skip


def in_region(record: dict[str, Any], predicted: list[Predicted]) -> list[Predicted]:
    """The predicted events that start inside the annotated region."""
    end = scored_region_end(record)
    return [p for p in predicted if p.start < end]


# --------------------------------------------------------------------------- MEANTIME


@dataclass
class MeantimeScores:
    """Trigger and argument scores on MEANTIME for one system."""

    name: str
    n_gold: int = 0
    n_pred: int = 0
    tp: int = 0
    tp_exact: int = 0
    actor_n: int = 0
    actor_ok: int = 0
    target_n: int = 0
    target_ok: int = 0
    pos_n: Counter[str] = field(default_factory=Counter)
    pos_tp: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        """Trigger precision (any overlap)."""
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """Trigger recall (any overlap)."""
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Trigger F1 (any overlap)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def exact_f1(self) -> float:
        """Trigger F1 on exact (trimmed) spans."""
        p = self.tp_exact / self.n_pred if self.n_pred else 0.0
        r = self.tp_exact / self.n_gold if self.n_gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def actor(self) -> float:
        """Actor overlaps a gold Arg0, on matched triggers whose gold has one."""
        return self.actor_ok / self.actor_n if self.actor_n else 0.0

    @property
    def target(self) -> float:
        """Target (else theme) overlaps a gold Arg1, on matched triggers whose gold has one."""
        return self.target_ok / self.target_n if self.target_n else 0.0

    def pos_recall(self, pos: str) -> float:
        """Trigger recall on gold mentions of part of speech ``pos``."""
        return self.pos_tp[pos] / self.pos_n[pos] if self.pos_n[pos] else 0.0


def score_meantime(
    record: dict[str, Any], predicted: list[Predicted], scores: MeantimeScores
) -> None:
    """Add one MEANTIME document to ``scores``."""
    gold = meantime_gold_events(record)
    predicted = in_region(record, predicted)
    scores.n_gold += len(gold)
    scores.n_pred += len(predicted)
    text = record["text"]
    for gi, pi in match_triggers(record, gold, predicted):
        g, p = gold[gi], predicted[pi]
        scores.tp += 1
        scores.pos_tp[g.pos] += 1
        scores.tp_exact += g.chars == char_set(text, [(p.start, p.end)])
        if g.arg0:
            scores.actor_n += 1
            scores.actor_ok += overlaps(p.actor, g.arg0)
        if g.arg1:
            scores.target_n += 1
            scores.target_ok += overlaps(p.arg1, g.arg1)
    for g in gold:
        scores.pos_n[g.pos] += 1


# --------------------------------------------------------------------------- PLOVER


@dataclass
class PloverScores:
    """Type accuracy and argument matches on PLOVER gold records for one system."""

    name: str
    n: int = 0
    correct: int = 0
    any_correct: int = 0
    trigger_hit: int = 0
    actor_n: int = 0
    actor_ok: int = 0
    target_n: int = 0
    target_ok: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        """Type accuracy of the sentence's type."""
        return self.correct / self.n if self.n else 0.0

    @property
    def any_accuracy(self) -> float:
        """Gold type among the predicted types."""
        return self.any_correct / self.n if self.n else 0.0


def sentence_type(predicted: list[Predicted]) -> str:
    """The type of the first typed event, highest confidence first; ``OTHER`` if none."""
    typed = [p for p in predicted if p.event_type and p.event_type != "OTHER"]
    if not typed:
        return "OTHER"
    if any(p.confidence is not None for p in typed):
        typed = sorted(typed, key=lambda p: -(p.confidence or 0.0))
    return typed[0].event_type


def score_plover(record: dict[str, Any], predicted: list[Predicted], scores: PloverScores) -> None:
    """Add one PLOVER record to ``scores``."""
    scores.n += 1
    gold_type = record["event_type"]
    got = sentence_type(predicted)
    scores.confusion[(gold_type, got)] += 1
    scores.correct += got == gold_type
    scores.any_correct += gold_type in {p.event_type for p in predicted}
    events = [(int(a), int(b)) for a, b in record.get("event_spans") or []]
    scores.trigger_hit += any(overlaps((p.start, p.end), events) for p in predicted)
    actors = [(int(a), int(b)) for a, b in record.get("actor_spans") or []]
    targets = [(int(a), int(b)) for a, b in record.get("target_spans") or []]
    if actors:
        scores.actor_n += 1
        scores.actor_ok += any(overlaps(p.actor, actors) for p in predicted)
    if targets:
        scores.target_n += 1
        scores.target_ok += any(overlaps(p.target, targets) for p in predicted)


# --------------------------------------------------------------------------- driver


@dataclass
class Evaluation:
    """Scores of presslake and the baseline on one gold file."""

    format: str
    n_records: int
    seconds: float
    systems: list[MeantimeScores] | list[PloverScores]


def evaluate(
    records: list[dict[str, Any]], *, nlp: Language, docs: Iterable[Doc] | None = None
) -> Evaluation:
    """Score presslake and the SVO baseline on MEANTIME or PLOVER ``records``.

    Args:
        records: Gold records.
        nlp: The pipeline.
        docs: The pipeline's Docs of the ingested records, when already made (else parsed
            here).
    """
    kind = detect_format(records)
    started = time.perf_counter()
    systems: list[tuple[str, System]] = [
        ("presslake", presslake_system),
        ("svo-baseline", svo_baseline(EventExtractor())),
    ]
    items = ingest(records)
    parsed = parse(items, nlp=nlp) if docs is None else docs
    if kind == "meantime":
        meantime = [MeantimeScores(name) for name, _ in systems]
        for item, doc in zip(items, parsed, strict=True):
            for (_, system), scores in zip(systems, meantime, strict=True):
                score_meantime(item.record, system(doc, item), scores)
        return Evaluation(kind, len(records), time.perf_counter() - started, meantime)
    plover = [PloverScores(name) for name, _ in systems]
    for item, doc in zip(items, parsed, strict=True):
        for (_, system), plover_scores in zip(systems, plover, strict=True):
            score_plover(item.record, system(doc, item), plover_scores)
    return Evaluation(kind, len(records), time.perf_counter() - started, plover)


def report(evaluation: Evaluation) -> str:
    """Plain-text report of an :class:`Evaluation`."""
    lines: list[str] = []
    if evaluation.format == "meantime":
        lines.append(
            f"MEANTIME events: {evaluation.n_records} docs (annotated region, all gold classes)"
        )
        for scores in evaluation.systems:
            if not isinstance(scores, MeantimeScores):
                raise TypeError("MEANTIME evaluation holds MEANTIME scores only")
            lines += [
                f"  [{scores.name}]",
                f"    trigger P/R/F1 {scores.precision:.3f} / {scores.recall:.3f} / "
                f"{scores.f1:.3f}  (tp {scores.tp}, predicted {scores.n_pred}, gold "
                f"{scores.n_gold}); exact F1 {scores.exact_f1:.3f}",
                "    recall by gold POS: "
                + ", ".join(
                    f"{pos} {scores.pos_recall(pos):.3f} (of {scores.pos_n[pos]})"
                    for pos in sorted(scores.pos_n)
                ),
                f"    actor vs Arg0 {scores.actor:.3f} ({scores.actor_ok}/{scores.actor_n})",
                f"    target-or-theme vs Arg1 {scores.target:.3f} "
                f"({scores.target_ok}/{scores.target_n})",
            ]
    else:
        lines.append(f"PLOVER gold records: {evaluation.n_records} sentences")
        for scores in evaluation.systems:
            if not isinstance(scores, PloverScores):
                raise TypeError("PLOVER evaluation holds PLOVER scores only")
            lines += [
                f"  [{scores.name}]",
                f"    type accuracy {scores.accuracy:.3f} ({scores.correct}/{scores.n}); "
                f"gold type among predicted {scores.any_accuracy:.3f}",
                f"    trigger hit {scores.trigger_hit / scores.n if scores.n else 0.0:.3f}; "
                f"actor match {scores.actor_ok / scores.actor_n if scores.actor_n else 0.0:.3f}"
                f" (of {scores.actor_n}); target match "
                f"{scores.target_ok / scores.target_n if scores.target_n else 0.0:.3f}"
                f" (of {scores.target_n})",
            ]
            per_type: dict[str, list[int]] = {}
            for (gold, got), count in scores.confusion.items():
                per_type.setdefault(gold, [0, 0])[1] += count
                per_type[gold][0] += count if gold == got else 0
            lines.append(
                "    by gold type: "
                + ", ".join(f"{t} {ok}/{n}" for t, (ok, n) in sorted(per_type.items()))
            )
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
