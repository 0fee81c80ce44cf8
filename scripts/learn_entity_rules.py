"""Learn the entity ruler's corrections from CoNLL-2003 train; write the ``learned_*.tsv`` files.

Run from the repository root (about three minutes on one core)::

    .venv/bin/python scripts/learn_entity_rules.py \
        ../shared/data/train/ner/conll2003/conll2003_train.jsonl

It runs the presslake pipeline up to the entity ruler over the train articles (as
``presslake run`` cleans them), with the learned tables switched off, and counts, against the
gold spans:

* per surface form of a model span and headline section: which CoNLL type the span has in
  gold, or none (``learned_names.tsv``, context ``text`` or ``text/<section>``): relabel
  when another type wins clearly, drop when the form is almost never an entity;
* per row name (``transforms.entity_stats.row_name_chars``): its gold type by surface form
  (context ``row``) and by headline section, shape and position (``learned_rows.tsv``);
* per gold name the model missed: how often the same words, wherever they occur in the
  train text, are that entity (``learned_additions.tsv``).

Only train is read; the dev splits stay for measuring. Output is sorted: same input, same
files.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from evaluation.entities import CONLL_LABELS as ONTO_TO_CONLL

DATA = Path(__file__).resolve().parent.parent / "transforms" / "data" / "entities"
#: Thresholds: (minimum support, minimum share of the winning outcome).
NAME_RELABEL = (3, 0.8)
NAME_DROP = (5, 0.9)
#: Headline sections with fewer train documents count as no section.
MIN_SECTION_DOCS = 5
ROW_NAME = (2, 0.8)
ROW_SHAPE = (8, 0.7)
ADDITION = (3, 0.9)


class GoldMap:
    """Gold character offsets -> offsets in the cleaned article text."""

    def __init__(self, gold: str, cleaned: str) -> None:
        self.same = gold == cleaned
        self.blocks = [
            (b.a, b.b, b.size)
            for b in difflib.SequenceMatcher(
                None, gold, cleaned, autojunk=False
            ).get_matching_blocks()
        ]
        self.starts = [b[0] for b in self.blocks]

    def __call__(self, offset: int) -> int | None:
        if self.same:
            return offset
        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0:
            return None
        a, b, size = self.blocks[k]
        return b + (offset - a) if offset - a <= size else None


def _share(counts: Counter[str]) -> tuple[str, int, float]:
    best, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    total = sum(counts.values())
    return best, total, n / total


def _one_line(surface: str) -> bool:
    return surface == " ".join(surface.split())


def _fmt(counts: Counter[str]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(counts.items()))


def _docs(nlp, ruler, texts: list[str], parsed: Path | None):
    """The train Docs up to the entity ruler; ``parsed``: a DocBin of the model's output for
    the same texts (saves the parse when the counts are re-run)."""
    if parsed is None:
        upto = nlp.pipe_names[: nlp.pipe_names.index("presslake_entity_ruler") + 1]
        with nlp.select_pipes(enable=upto):
            yield from nlp.pipe(texts, batch_size=64)
        return
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(parsed).get_docs(nlp.vocab))
    if [d.text for d in docs] != texts:
        raise SystemExit(f"{parsed}: its texts are not the train articles")
    for doc in docs:
        yield ruler(doc)


def learn(gold_path: Path, parsed: Path | None = None) -> dict[str, list[str]]:
    """Count on train and return the lines of each output file."""
    from transforms.nlp.entities import load_gazetteer
    from transforms.nlp.entities.learned import (
        DEFAULT_LABEL,
        DROP,
        NO_SECTION,
        LearnedRules,
        RowWords,
        name_shape,
        row_name_chars,
        section_of,
    )
    from transforms.nlp.pipeline import build_pipeline
    from transforms.text.ingest import article_from_record

    records = [
        json.loads(line)
        for line in gold_path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    nlp = build_pipeline()
    ruler = nlp.get_pipe("presslake_entity_ruler")
    ruler.use_rules(nlp, LearnedRules())
    gaz = load_gazetteer()
    articles = [
        article_from_record(
            {"id": r["id"], "text": r["text"]}, source_uri=f"train#{i}", fallback_id=str(i)
        )
        for i, r in enumerate(records)
    ]
    text_outcomes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    onto_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    row_surface: dict[str, Counter[str]] = defaultdict(Counter)
    row_shape: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    missed: dict[str, Counter[str]] = defaultdict(Counter)
    gold_surface_docs: dict[str, Counter[str]] = defaultdict(Counter)
    texts: list[str] = []
    model_labels: dict[str, Counter[str]] = defaultdict(Counter)
    row_words = RowWords(
        connectors=gaz.word_class("name_connector"), calendar=gaz.word_class("calendar_word")
    )
    countries = frozenset(k for k, e in gaz.names.items() if e.type == "GPE")

    doc_sections = Counter(section_of(a.text) for a in articles)
    known = {sec for sec, n in doc_sections.items() if sec and n >= MIN_SECTION_DOCS}
    if True:
        for record, article, doc in zip(
            records, articles, _docs(nlp, ruler, [a.text for a in articles], parsed), strict=True
        ):
            text = article.text
            texts.append(text)
            gmap = GoldMap(record["text"], text)
            gold: dict[tuple[int, int], str] = {}
            for e in record["entities"]:
                s, t = gmap(e["start"]), gmap(e["end"])
                if s is not None and t is not None:
                    gold[(s, t)] = e["type"]
            covered = [False] * (len(text) + 1)
            for s, t in gold:
                for c in range(s, t):
                    covered[c] = True
            section = section_of(text)
            section = section if section in known else ""
            context = f"text/{section}" if section else "text"
            pred_cover = [False] * (len(text) + 1)
            for ent in doc.ents:
                if ent.label_ not in ONTO_TO_CONLL:
                    continue
                for c in range(ent.start_char, ent.end_char):
                    pred_cover[c] = True
                key = (ent.start_char, ent.end_char)
                model_labels[ent.text][ent.label_] += 1
                if key in gold:
                    outcome = gold[key]
                    if ONTO_TO_CONLL[ent.label_] == outcome:
                        onto_votes[(ent.text, outcome)][ent.label_] += 1
                elif not any(covered[ent.start_char : ent.end_char]):
                    outcome = "O"
                else:
                    continue
                text_outcomes[(ent.text, context)][outcome] += 1
            for (s, t), gtype in gold.items():
                gold_surface_docs[text[s:t]][gtype] += 1
                if not any(pred_cover[s:t]):
                    missed[text[s:t]][gtype] += 1
            for s, t, position in row_name_chars(text, row_words):
                words = text[s:t].split()
                shape = name_shape(words, is_country=" ".join(words).lower() in countries)
                outcome = gold.get((s, t), "O")
                row_surface[text[s:t]][outcome] += 1
                row_shape[(section, shape, position)][outcome] += 1

    # MISC has no one OntoNotes label: a name the model never labelled MISC-like takes the
    # label the model gives most often to MISC names with the same last word ("Open": EVENT),
    # else the one it gives most often to MISC names.
    misc_by_last: dict[str, Counter[str]] = defaultdict(Counter)
    for (surface, conll), votes in onto_votes.items():
        if conll == "MISC":
            misc_by_last[surface.split()[-1].lower()].update(votes)
    misc_overall = sum(misc_by_last.values(), Counter())

    def onto(surface: str, conll: str) -> str | None:
        votes = onto_votes.get((surface, conll))
        if not votes and conll == "MISC":
            votes = misc_by_last.get(surface.split()[-1].lower()) or misc_overall
        if votes:
            return max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return DEFAULT_LABEL.get(conll)

    names: list[str] = []
    for (surface, context), counts in sorted(text_outcomes.items()):
        if not _one_line(surface):
            continue
        best, total, share = _share(counts)
        if best == "O" and total >= NAME_DROP[0] and share >= NAME_DROP[1]:
            names.append(f"{surface}\t{context}\t{DROP}\t{total}\t{_fmt(counts)}")
        elif best != "O" and total >= NAME_RELABEL[0] and share >= NAME_RELABEL[1]:
            label = onto(surface, best)
            usual = _share(model_labels[surface])[0]
            if label is not None and label != usual:
                names.append(f"{surface}\t{context}\t{label}\t{total}\t{_fmt(counts)}")
    for surface, counts in sorted(row_surface.items()):
        if not _one_line(surface):
            continue
        best, total, share = _share(counts)
        if total >= ROW_NAME[0] and share >= ROW_NAME[1]:
            label = DROP if best == "O" else onto(surface, best)
            if label is not None:
                names.append(f"{surface}\trow\t{label}\t{total}\t{_fmt(counts)}")
    rows: list[str] = []
    for (section, shape, position), counts in sorted(row_shape.items()):
        best, total, share = _share(counts)
        if total >= ROW_SHAPE[0] and share >= ROW_SHAPE[1]:
            label = DROP if best == "O" else DEFAULT_LABEL.get(best)
            if label is not None:
                cells = (section or NO_SECTION, shape, position, label, str(total), _fmt(counts))
                rows.append("\t".join(cells))
    corpus = "\n".join(texts)
    additions: list[str] = []
    for surface, counts in sorted(missed.items()):
        best, n_missed, _ = _share(counts)
        if n_missed < 2 or not surface[:1].isupper() or not _one_line(surface):
            continue
        occurrences = len(re.findall(rf"(?<!\w){re.escape(surface)}(?!\w)", corpus))
        as_entity = gold_surface_docs[surface][best]
        if occurrences >= ADDITION[0] and as_entity / occurrences >= ADDITION[1]:
            label = onto(surface, best)
            if label is not None:
                additions.append(f"{surface}\t{label}\t{as_entity}/{occurrences}")
    sections = [f"{sec}\t{doc_sections[sec]}" for sec in sorted(known)]
    return {
        "learned_sections.tsv": sections,
        "learned_names.tsv": names,
        "learned_rows.tsv": rows,
        "learned_additions.tsv": additions,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the learned tables under ``transforms/data/entities/``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", type=Path, help="CoNLL-2003 train JSONL")
    parser.add_argument("--out", type=Path, default=DATA, help="output directory")
    parser.add_argument("--parsed", type=Path, help="DocBin of the model's output on train")
    args = parser.parse_args(argv)
    if not args.train.is_file():
        sys.stderr.write(f"{args.train}: no such file\n")
        return 2
    from transforms.nlp.entities.learned import LEARNED_FILES

    tables = learn(args.train, args.parsed)
    for name, lines in tables.items():
        header = (
            "# Learned from CoNLL-2003 train by scripts/learn_entity_rules.py; do not edit.\n"
            + "\t".join(LEARNED_FILES[name])
            + "\n"
        )
        (args.out / name).write_text(
            header + "".join(line + "\n" for line in lines), encoding="utf-8"
        )
        sys.stderr.write(f"wrote {len(lines)} rows to {args.out / name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
