"""Build the training corpus of the quote span model from PolNeAR train.

Run from the repository root (``make train`` runs it, then ``spacy train``)::

    .venv/bin/python scripts/build_quote_corpus.py \
        --gold ../shared/data/train/quotes/polnear/polnear_train.jsonl --out build/quotes

Each train article is parsed with the presslake pipeline (the trained components and the
entity ruler: what the quote component sees in a run), and its first annotator's attributions
become three span labels: ``CONTENT`` (each piece of the content), ``CUE`` and ``SOURCE``.
A token can carry one label, so an attribution nested in another one's content is left out
(the rules still find it); attributions are taken longest content first.

The articles are split by a hash of their id into ``train.spacy`` and ``heldout.spacy`` (one in
``--heldout`` articles): ``spacy train`` scores itself on the held-out articles, never on the
dev split. The DocBins keep the parse (tags, dependencies) the model reads as features, with
the gold spans as the Doc's entities, and in ``user_data`` the rules' attributions
(``rule_tags``) and the pipeline's token vectors (``tensor``):
``transforms.nlp.quotes.learned`` reads them back.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ("CONTENT", "CUE", "SOURCE")


def read_gold(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON ({error.msg})") from None


def in_heldout(doc_id: str, every: int) -> bool:
    """One article in ``every`` is held out, chosen by a hash of its id (stable)."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % every == 0


def _token_spans(doc: Doc, start: int, end: int, label: str) -> list[Span]:
    """The tokens of characters ``start:end`` as spans, split at whitespace tokens and at the
    parse's sentence starts: a span of the model stays inside one sentence and never holds a
    whitespace token (contiguous pieces are joined again when the model is read)."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:
        return []
    out: list[Span] = []
    first = None
    for i in range(span.start, span.end + 1):
        if i == span.end or doc[i].is_space or (first is not None and doc[i].is_sent_start):
            if first is not None:
                out.append(Span(doc, first, i, label=label))
            first = None if i == span.end or doc[i].is_space else i
        elif first is None:
            first = i
    return out


def gold_spans(doc: Doc, record: dict, counts: Counter) -> list[Span]:
    """The labelled spans of ``record``'s first annotator, outermost attribution first."""
    annotations = record.get("annotations") or []
    if not annotations:
        return []
    attributions = [
        a for a in annotations[0]["attributions"] if (a.get("content") or {}).get("spans")
    ]

    def extent(att: dict) -> int:
        return sum(e - s for s, e in att["content"]["spans"])

    taken = bytearray(len(doc))
    spans: list[Span] = []
    for att in sorted(attributions, key=lambda a: (-extent(a), a["content"]["spans"][0][0])):
        counts["attributions"] += 1
        parts = [("CONTENT", piece) for piece in att["content"]["spans"]]
        for label, key in (("CUE", "cue"), ("SOURCE", "source")):
            parts += [(label, piece) for piece in (att.get(key) or {}).get("spans", [])]
        mine = [s for label, (a, b) in parts for s in _token_spans(doc, a, b, label)]
        if any(taken[i] for s in mine for i in range(s.start, s.end)) or len(
            {i for s in mine for i in range(s.start, s.end)}
        ) < sum(len(s) for s in mine):
            counts["nested or overlapping, left out"] += 1
            continue
        for s in mine:
            taken[s.start : s.end] = b"\x01" * len(s)
            counts[s.label_] += 1
        spans += mine
    return sorted(spans, key=lambda s: s.start)


def parses(texts: list[str], docbin: Path | None) -> Iterator[Doc]:
    if docbin is not None:
        from spacy.lang.en import English

        yield from DocBin(store_user_data=True).from_disk(docbin).get_docs(English().vocab)
        return
    from transforms.nlp.pipeline import build_pipeline

    nlp = build_pipeline(
        exclude=("presslake_entities", "presslake_quotes", "presslake_timex", "presslake_events")
    )
    for doc in nlp.pipe(texts, batch_size=16):
        doc.user_data.clear()
        doc.user_data["tensor"] = doc.tensor
        yield doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="PolNeAR train JSONL")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "quotes")
    parser.add_argument("--heldout", type=int, default=10, help="hold out one article in N")
    parser.add_argument("--docbin", type=Path, help="parses of --gold made earlier (same order)")
    args = parser.parse_args(argv)

    from transforms.nlp.quotes import QuoteExtractor, load_cues
    from transforms.nlp.quotes.learned import rule_tags

    rules = QuoteExtractor(load_cues())
    records = list(read_gold(args.gold))
    train, heldout = DocBin(store_user_data=True), DocBin(store_user_data=True)
    counts: Counter = Counter()
    for record, doc in zip(records, parses([r["text"] for r in records], args.docbin), strict=True):
        if doc.text != record["text"]:
            raise SystemExit(f"{args.gold}: parse of {record['id']} does not match its text")
        # the model's features besides the parse: the pipeline's token vectors and the rules'
        # attributions (transforms.nlp.quotes.learned.model_copy)
        tensor = doc.user_data.get("tensor", doc.tensor)
        tags = rule_tags(doc, rules.find(doc))
        doc.user_data.clear()
        doc.user_data.update({"rule_tags": tags, "tensor": tensor})
        doc.set_ents(gold_spans(doc, record, counts), default="outside")
        (heldout if in_heldout(str(record["id"]), args.heldout) else train).add(doc)
        counts["documents"] += 1
    args.out.mkdir(parents=True, exist_ok=True)
    train.to_disk(args.out / "train.spacy")
    heldout.to_disk(args.out / "heldout.spacy")
    sys.stderr.write(
        f"{len(train)} train and {len(heldout)} held-out articles -> {args.out}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
