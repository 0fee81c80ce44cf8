"""Evaluate entity recognition and within-document entity resolution.

Two gold formats are understood, detected by their fields:

* **CoNLL-2003 + AIDA** (records with ``tokens`` and ``entities`` carrying ``type`` and
  ``wikidata``): NER precision/recall/F1 on exact spans after mapping OntoNotes labels to the
  CoNLL set, for the presslake pipeline and the bare model side by side, and B-cubed F1 of
  presslake's entity ids against the Wikidata ids over the gold mentions it found (NIL
  excluded). The CoNLL train split (``train/ner/conll2003/``) has the same fields without
  entity links (``wikidata`` null): NER only, no clustering score.
* **News-Fair** (records with ``labels`` and ``evaluation_span``): within the exhaustively
  labelled span, how often the mentions of one Wikidata entity that presslake found share one
  entity id, and B-cubed F1 over those mentions (names, descriptions and pronouns).

B-cubed follows Bagga & Baldwin (1998), "Algorithms for scoring coreference chains".
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from evaluation.jsonl import read_jsonl
from transforms.nlp.entities import Mention

#: OntoNotes label -> CoNLL-2003 label; labels not listed are not entities in CoNLL.
CONLL_LABELS: dict[str, str] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}

#: The component whose mentions are scored; later components are switched off.
ENTITIES_PIPE = "presslake_entities"
#: Components that belong to presslake, left out for the bare-model comparison.
PRESSLAKE_PREFIX = "presslake_"

Span3 = tuple[int, int, str]


class GoldFormatError(ValueError):
    """The gold file is neither CoNLL-2003/AIDA nor News-Fair JSONL."""


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 with the counts behind them."""

    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float:
        """tp / predicted."""
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """tp / gold."""
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed precision, recall and F1 averaged over ``n`` mentions."""

    precision: float
    recall: float
    n: int

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class EntityEval:
    """Everything one evaluation run measured."""

    gold_format: str
    n_docs: int
    seconds: float
    ner: PRF | None = None
    ner_bare: PRF | None = None
    ner_by_label: dict[str, PRF] = field(default_factory=dict)
    ner_bare_by_label: dict[str, PRF] = field(default_factory=dict)
    bcubed: BCubed | None = None
    #: News-Fair: entities with two or more found mentions, and those whose mentions share one id.
    n_entities_multi: int = 0
    n_entities_one_id: int = 0
    n_gold_mentions: int = 0
    n_found_mentions: int = 0


def detect_format(record: dict[str, Any]) -> str:
    """``conll`` or ``news_fair``, from the fields of one gold record.

    Raises:
        GoldFormatError: when the record has the fields of neither format.
    """
    if "tokens" in record and "entities" in record:
        return "conll"
    if "labels" in record and "evaluation_span" in record:
        return "news_fair"
    raise GoldFormatError(
        f"gold record {record.get('id')!r} has neither CoNLL fields (tokens, entities) nor "
        "News-Fair fields (labels, evaluation_span); pass a file from shared/data/ner/"
    )


def prf(gold: Iterable[Span3], pred: Iterable[Span3]) -> PRF:
    """Exact-match counts of labelled spans."""
    gold_set, pred_set = set(gold), set(pred)
    return PRF(len(gold_set & pred_set), len(pred_set), len(gold_set))


def bcubed(pairs: Sequence[tuple[str, str]]) -> BCubed:
    """B-cubed over mentions given as ``(gold_cluster, predicted_cluster)`` pairs."""
    if not pairs:
        return BCubed(0.0, 0.0, 0)
    gold_size: dict[str, int] = defaultdict(int)
    pred_size: dict[str, int] = defaultdict(int)
    both: dict[tuple[str, str], int] = defaultdict(int)
    for g, p in pairs:
        gold_size[g] += 1
        pred_size[p] += 1
        both[(g, p)] += 1
    precision = sum(both[(g, p)] / pred_size[p] for g, p in pairs) / len(pairs)
    recall = sum(both[(g, p)] / gold_size[g] for g, p in pairs) / len(pairs)
    return BCubed(precision, recall, len(pairs))


def _add(total: PRF, part: PRF) -> PRF:
    return PRF(total.tp + part.tp, total.n_pred + part.n_pred, total.n_gold + part.n_gold)


def _by_label(gold: set[Span3], pred: set[Span3], into: dict[str, PRF]) -> None:
    for label in {s[2] for s in gold | pred}:
        part = prf({s for s in gold if s[2] == label}, {s for s in pred if s[2] == label})
        into[label] = _add(into.get(label, PRF(0, 0, 0)), part)


def _model_spans(doc: Doc) -> set[Span3]:
    return {
        (ent.start_char, ent.end_char, CONLL_LABELS[ent.label_])
        for ent in doc.ents
        if ent.label_ in CONLL_LABELS
    }


def _name_mentions(doc: Doc) -> list[Mention]:
    return [m for m in doc._.pl_mentions or [] if m.kind == "name"]


def _bare_pipes(nlp: Language) -> list[str]:
    return [name for name in nlp.pipe_names if name.startswith(PRESSLAKE_PREFIX)]


def _downstream_pipes(nlp: Language) -> list[str]:
    """Components after ``presslake_entities`` (quotes, events, ...): not needed here."""
    names = nlp.pipe_names
    if ENTITIES_PIPE not in names:
        raise GoldFormatError(
            f"the pipeline has no {ENTITIES_PIPE!r} component; pass the presslake pipeline"
        )
    return names[names.index(ENTITIES_PIPE) + 1 :]


def _evaluate_conll(records: list[dict[str, Any]], nlp: Language, result: EntityEval) -> None:
    texts = [r["text"] for r in records]
    total, bare_total = PRF(0, 0, 0), PRF(0, 0, 0)
    pairs: list[tuple[str, str]] = []
    for record, doc in zip(records, nlp.pipe(texts), strict=True):
        gold = {(e["start"], e["end"], e["type"]) for e in record["entities"]}
        mentions = _name_mentions(doc)
        pred = {
            (m.start_char, m.end_char, CONLL_LABELS[m.label])
            for m in mentions
            if m.label in CONLL_LABELS
        }
        total = _add(total, prf(gold, pred))
        _by_label(gold, pred, result.ner_by_label)
        by_span = {(m.start_char, m.end_char): m.entity_id for m in mentions}
        doc_key = record["id"]
        for e in record["entities"]:
            found = by_span.get((e["start"], e["end"]))
            # Train splits carry no entity links (``wikidata`` null): no clustering score.
            if e.get("wikidata") not in (None, "NIL") and found is not None:
                pairs.append((f"{doc_key}|{e['wikidata']}", f"{doc_key}|{found}"))
    with nlp.select_pipes(disable=_bare_pipes(nlp)):
        for record, doc in zip(records, nlp.pipe(texts), strict=True):
            gold = {(e["start"], e["end"], e["type"]) for e in record["entities"]}
            pred = _model_spans(doc)
            bare_total = _add(bare_total, prf(gold, pred))
            _by_label(gold, pred, result.ner_bare_by_label)
    linked = any(e.get("wikidata") is not None for r in records for e in r["entities"])
    result.ner, result.ner_bare = total, bare_total
    result.bcubed = bcubed(pairs) if linked else None


def _match(label: dict[str, Any], mentions: list[Mention]) -> Mention | None:
    """Our mention for a gold label: same span, else one ending with it inside it."""
    start, end = label["start"], label["end"]
    best: Mention | None = None
    for m in mentions:
        if m.start_char == start and m.end_char == end:
            return m
        if m.end_char == end and m.start_char >= start and best is None:
            best = m
    return best


def _evaluate_news_fair(records: list[dict[str, Any]], nlp: Language, result: EntityEval) -> None:
    pairs: list[tuple[str, str]] = []
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        lo, hi = record["evaluation_span"]
        mentions = [m for m in doc._.pl_mentions or [] if lo <= m.start_char < hi]
        ids_by_qid: dict[str, list[str]] = defaultdict(list)
        for label in record["labels"]:
            if label["wikidata"] == "NIL" or label.get("optional"):
                continue
            result.n_gold_mentions += 1
            found = _match(label, mentions)
            if found is None:
                continue
            result.n_found_mentions += 1
            ids_by_qid[label["wikidata"]].append(found.entity_id)
            pairs.append(
                (f"{record['id']}|{label['wikidata']}", f"{record['id']}|{found.entity_id}")
            )
        for ids in ids_by_qid.values():
            if len(ids) >= 2:
                result.n_entities_multi += 1
                result.n_entities_one_id += len(set(ids)) == 1
    result.bcubed = bcubed(pairs)


def evaluate(gold: Path, *, nlp: Language, limit: int | None = None) -> EntityEval:
    """Run the pipeline over a gold file and score it.

    Args:
        gold: CoNLL-2003/AIDA or News-Fair JSONL (see the module docstring).
        nlp: The presslake pipeline. Components after ``presslake_entities`` are switched
            off; all ``presslake_*`` components are for the bare-model comparison.
        limit: Score only the first ``limit`` documents.

    Raises:
        GoldFormatError: when the file is empty or of an unknown format, or the pipeline
            has no ``presslake_entities`` component.
    """
    records = read_jsonl(gold, limit=limit)
    if not records:
        raise GoldFormatError(f"gold file {gold} holds no records")
    gold_format = detect_format(records[0])
    started = time.perf_counter()
    result = EntityEval(gold_format=gold_format, n_docs=len(records), seconds=0.0)
    with nlp.select_pipes(disable=_downstream_pipes(nlp)):
        if gold_format == "conll":
            _evaluate_conll(records, nlp, result)
        else:
            _evaluate_news_fair(records, nlp, result)
    result.seconds = time.perf_counter() - started
    return result


def _prf_line(name: str, score: PRF | None) -> str:
    if score is None:
        return f"{name:<12} -"
    return (
        f"{name:<12} P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f} "
        f"(tp={score.tp} pred={score.n_pred} gold={score.n_gold})"
    )


def _lines(result: EntityEval) -> Iterator[str]:
    yield f"entities eval: {result.gold_format}, {result.n_docs} docs, {result.seconds:.1f} s"
    if result.gold_format == "conll":
        yield "NER (exact span + label, CoNLL labels):"
        yield _prf_line("  presslake", result.ner)
        yield _prf_line("  bare model", result.ner_bare)
        for label in sorted(result.ner_by_label):
            yield (
                _prf_line(f"  {label}", result.ner_by_label[label])
                + "  | bare "
                + (
                    f"F1={result.ner_bare_by_label[label].f1:.3f}"
                    if label in result.ner_bare_by_label
                    else "-"
                )
            )
    else:
        share = (
            result.n_entities_one_id / result.n_entities_multi if result.n_entities_multi else 0.0
        )
        yield (
            f"gold mentions found: {result.n_found_mentions}/{result.n_gold_mentions} "
            "(non-NIL, non-optional, in evaluation span)"
        )
        yield (
            f"entities whose found mentions share one entity_id: {result.n_entities_one_id}/"
            f"{result.n_entities_multi} = {share:.3f}"
        )
    if result.bcubed is None and result.gold_format == "conll":
        yield "clustering: - (the gold file has no entity links)"
    if result.bcubed is not None:
        b = result.bcubed
        yield (
            f"clustering B-cubed over {b.n} found gold mentions: P={b.precision:.3f} "
            f"R={b.recall:.3f} F1={b.f1:.3f}"
        )


def format_report(result: EntityEval) -> str:
    """Human-readable report of one evaluation."""
    return "\n".join(_lines(result))


def run(gold: Path, *, nlp: Language, limit: int | None = None) -> str:
    """Evaluate and return the report text (what ``presslake eval entities`` prints)."""
    return format_report(evaluate(gold, nlp=nlp, limit=limit))
