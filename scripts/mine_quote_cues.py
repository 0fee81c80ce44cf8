"""Mine the quote cue lexicon from an annotated attribution corpus (PolNeAR train).

Run from the repository root (a parse of the 840 train articles takes some minutes)::

    .venv/bin/python scripts/mine_quote_cues.py \
        --gold ../shared/data/train/quotes/polnear/polnear_train.jsonl

or ``make cues``. The statistics are counted over the parse of the presslake pipeline, so that
they describe what the extractor sees:

* every verb, noun and adjective of the corpus is an *occurrence* of its ``(lemma, POS)``;
* an occurrence *offers* a frame when the parse gives it the complement the extractor reads
  for that frame: ``c`` a clausal complement (``ccomp``, a conjoined or postposed report,
  a noun's "that" clause), ``x`` an infinitive (``xcomp`` after a verb, "to" clause of a noun),
  ``o`` an object or prepositional complement;
* an occurrence *heads* an attribution when it is the head word of a gold cue span; the gold
  content's relation to it names the frame it used.

A frame is kept for a lemma when the lemma heads at least ``--min-count`` attributions through
it and at least ``--min-precision`` of the occurrences that offer the frame are gold cues
(the share of "X <lemma> that ..." that are attributions). The confidence of a row is that
precision, smoothed towards the corpus rate. Only train is read: the dev split stays for
measuring.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin, Token

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "transforms" / "data" / "quotes" / "cues_mined.tsv"
FRAMES = "cxo"
#: Prepositions that carry the content of a cue noun or an object-frame verb.
CONTENT_PREPS = frozenset({"about", "of", "on", "for", "against", "over", "as", "to", "with"})
HEADER = """\
# presslake quote cues mined from PolNeAR train: lemma, part of speech, frames, confidence.
# frames: c = clausal complement ("said (that) ...", "..., X said", "the claim that ..."),
#         x = infinitive ("vowed to ...", "his promise to ..."),
#         o = object and what follows it ("described X as ...", "criticism of ...").
# Written by scripts/mine_quote_cues.py (make cues); do not edit by hand. The base lexicon
# cues.tsv keeps its own rows; these add the lemmas it lacks.
# Columns after the header: lemma, POS, kept frames, confidence (smoothed precision of the
# kept frames: gold cues / occurrences offering the frame). Settings: {settings}
lemma\tpos\tframes\tconfidence
"""


def cue_class(token: Token) -> str | None:
    """The lexicon part of speech of ``token`` as the extractor reads it."""
    if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB"):
        return "VERB"
    if token.pos_ in {"NOUN", "ADJ"}:
        return token.pos_
    return None


def offered(token: Token, pos: str) -> set[str]:
    """Frames whose complement the parse gives ``token``."""
    out: set[str] = set()
    children = list(token.children)
    if pos == "VERB":
        if any(c.dep_ == "ccomp" for c in children) or token.dep_ == "parataxis":
            out.add("c")
        if any(c.dep_ == "xcomp" and c.i > token.i for c in children):
            out.add("x")
        if any(
            c.dep_ in {"dobj", "oprd", "dative"} or (c.dep_ == "prep" and c.lower_ in CONTENT_PREPS)
            for c in token.rights
        ):
            out.add("o")
    elif pos == "NOUN":
        for c in token.rights:
            marks = {g.lower_ for g in c.children if g.dep_ in {"mark", "aux"}}
            if c.dep_ in {"acl", "ccomp", "appos"} and "that" in marks:
                out.add("c")
            elif c.dep_ == "acl" and "to" in marks:
                out.add("x")
            elif c.dep_ == "prep" and c.lower_ in CONTENT_PREPS:
                out.add("o")
    else:  # ADJ: a stance predicate with a clause ("is confident that ...")
        head = token.head
        if token.dep_ == "acomp" and (
            any(c.dep_ == "ccomp" for c in children)
            or any(c.dep_ == "ccomp" and c.i > token.i for c in head.rights)
        ):
            out.add("c")
    return out


def used_frame(cue: Token, content: set[int]) -> str | None:
    """The frame through which ``cue`` governs the gold content tokens ``content``."""
    if not content:
        return None
    doc = cue.doc
    roots = [
        doc[i] for i in sorted(content) if doc[i].head.i not in content or doc[i].head == doc[i]
    ]
    root = max(roots, key=lambda t: (_covered(t, content), -t.i))
    if root.i == cue.i:
        return None
    # the content clause contains the cue ("..., X said", "A, X added, B")
    if cue.head.i in content and cue.dep_ in {"parataxis", "ccomp", "advcl", "conj"}:
        return "c"
    head = root.head
    marks = {g.lower_ for g in root.children if g.dep_ in {"mark", "aux"}}
    if head.i == cue.i:
        if root.dep_ in {"ccomp", "parataxis"}:
            return "c"
        if root.dep_ in {"acl", "appos"}:
            return "x" if "to" in marks and "that" not in marks else "c"
        if root.dep_ == "xcomp":
            return "x"
        if root.dep_ in {"dobj", "oprd", "dative", "attr", "prep", "pcomp"}:
            return "o"
        return None
    if head.dep_ == "prep" and head.head.i == cue.i and root.dep_ in {"pobj", "pcomp"}:
        return "o"
    # an adjective's clause that the parser hangs on the copula
    if cue.dep_ == "acomp" and head.i == cue.head.i and root.dep_ == "ccomp":
        return "c"
    return None


def _covered(token: Token, content: set[int]) -> int:
    return len(set(range(token.left_edge.i, token.right_edge.i + 1)) & content)


def _char_tokens(doc: Doc, spans: Iterable[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(range(span.start, span.end))
    return out


def cue_head(doc: Doc, tokens: set[int]) -> Token | None:
    """The head word of a gold cue span: the verb, noun or adjective nearest its root."""
    words = [doc[i] for i in sorted(tokens) if cue_class(doc[i]) is not None]
    if not words:
        return None
    roots = [t for t in words if t.head.i not in tokens or t.head == t]
    return (roots or words)[0]


class Stats:
    """Counts over a corpus."""

    def __init__(self) -> None:
        self.occurrences: Counter[tuple[str, str]] = Counter()
        self.offers: Counter[tuple[str, str, str]] = Counter()
        self.heads: Counter[tuple[str, str]] = Counter()
        self.offered_heads: Counter[tuple[str, str, str]] = Counter()
        self.used: Counter[tuple[str, str, str]] = Counter()
        self.docs = 0
        self.attributions = 0

    def add(self, doc: Doc, attributions: list[dict[str, object]]) -> None:
        """Count one document and its gold attributions."""
        self.docs += 1
        heads: dict[int, set[str]] = defaultdict(set)
        for att in attributions:
            cue, content = att.get("cue"), att.get("content")
            if not isinstance(cue, dict) or not isinstance(content, dict):
                continue
            token = cue_head(doc, _char_tokens(doc, cue["spans"]))
            if token is None:
                continue
            self.attributions += 1
            frame = used_frame(token, _char_tokens(doc, content["spans"]))
            heads[token.i].add(frame or "-")
        for token in doc:
            pos = cue_class(token)
            if pos is None:
                continue
            key = (token.lemma_.lower(), pos)
            self.occurrences[key] += 1
            frames = offered(token, pos)
            for frame in frames:
                self.offers[(*key, frame)] += 1
            if token.i in heads:
                self.heads[key] += 1
                for frame in frames:
                    self.offered_heads[(*key, frame)] += 1
                for frame in heads[token.i]:
                    self.used[(*key, frame)] += 1

    def rows(
        self, *, min_count: int, min_precision: float, prior: float = 2.0
    ) -> list[tuple[str, str, str, float]]:
        """Lexicon rows ``(lemma, pos, frames, confidence)``, most frequent cue first."""
        rate = sum(self.offered_heads.values()) / max(1, sum(self.offers.values()))
        out: list[tuple[int, str, str, str, float]] = []
        for (lemma, pos), n_heads in self.heads.items():
            if not lemma.isalpha() or n_heads < min_count:
                continue
            kept: list[tuple[str, float]] = []
            for frame in FRAMES:
                used = self.used[(lemma, pos, frame)]
                offers = self.offers[(lemma, pos, frame)]
                hits = self.offered_heads[(lemma, pos, frame)]
                if used < min_count or not offers:
                    continue
                precision = (hits + prior * rate) / (offers + prior)
                if precision >= min_precision:
                    kept.append((frame, precision))
            if not kept:
                continue
            confidence = max(p for _, p in kept)
            frames = "".join(f for f, _ in kept)
            out.append((n_heads, lemma, pos, frames, round(min(0.95, confidence), 2)))
        out.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [(lemma, pos, frames, conf) for _, lemma, pos, frames, conf in out]


def read_gold(path: Path) -> Iterator[dict[str, object]]:
    """Records of a PolNeAR JSONL file."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def parses(texts: list[str], docbin: Path | None) -> Iterator[Doc]:
    """Parses of ``texts``: read from ``docbin`` (made by the same pipeline) or parsed now."""
    from transforms.nlp.pipeline import build_pipeline

    nlp = build_pipeline(
        exclude=("presslake_entities", "presslake_quotes", "presslake_timex", "presslake_events")
    )
    if docbin is not None:
        docs = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))
        if len(docs) != len(texts) or any(d.text != t for d, t in zip(docs, texts, strict=True)):
            raise SystemExit(f"{docbin}: its documents are not the texts of the gold file")
        yield from docs
        return
    yield from nlp.pipe(texts, batch_size=32)


def main(argv: list[str] | None = None) -> int:
    """Write the mined lexicon (or, with ``--check``, fail when it is stale)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True, help="PolNeAR train JSONL")
    parser.add_argument("--docbin", type=Path, help="the gold texts already parsed (DocBin)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--min-precision", type=float, default=0.2)
    parser.add_argument("--stats", type=Path, help="also write every lemma's counts (TSV)")
    args = parser.parse_args(argv)
    if "polnear_dev" in args.gold.name:
        raise SystemExit(f"{args.gold}: mine the train split, dev is for measuring")
    records = list(read_gold(args.gold))
    stats = Stats()
    texts = [str(r["text"]) for r in records]
    for record, doc in zip(records, parses(texts, args.docbin), strict=True):
        annotations = record.get("annotations") or []
        attributions = annotations[0]["attributions"] if annotations else []  # type: ignore[index]
        stats.add(doc, attributions)
    rows = stats.rows(min_count=args.min_count, min_precision=args.min_precision)
    settings = f"min-count {args.min_count}, min-precision {args.min_precision}, "
    settings += f"{stats.docs} documents, {stats.attributions} cues"
    text = HEADER.format(settings=settings)
    text += "".join(f"{lemma}\t{pos}\t{frames}\t{conf}\n" for lemma, pos, frames, conf in rows)
    args.out.write_text(text, encoding="utf-8")
    if args.stats is not None:
        with args.stats.open("w", encoding="utf-8") as out:
            out.write(
                "lemma\tpos\toccurrences\theads\t"
                + "\t".join(f"{k}_{f}" for f in FRAMES for k in ("offers", "hits", "used"))
                + "\n"
            )
            for (lemma, pos), n in stats.occurrences.most_common():
                cells = [str(n), str(stats.heads[(lemma, pos)])]
                for f in FRAMES:
                    cells += [
                        str(stats.offers[(lemma, pos, f)]),
                        str(stats.offered_heads[(lemma, pos, f)]),
                        str(stats.used[(lemma, pos, f)]),
                    ]
                out.write(f"{lemma}\t{pos}\t" + "\t".join(cells) + "\n")
    sys.stderr.write(f"{args.out}: {len(rows)} cues from {stats.attributions} gold cues\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
