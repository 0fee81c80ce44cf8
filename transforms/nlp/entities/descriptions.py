"""Description mentions: role titles, appositions and "the <role>" referring back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from spacy.attrs import LOWER, POS, TAG
from spacy.strings import get_string_id
from spacy.symbols import NOUN
from spacy.tokens import Doc, Span

from transforms.nlp.context import DocContext
from transforms.nlp.entities.gazetteer import Gazetteer
from transforms.nlp.entities.names import Cluster, Name, appos_descriptor, make_mention
from transforms.nlp.entities.records import Mention

#: Ids of words and tags as ``doc.to_array`` holds them (see ``DocContext.ids``).
_THE = get_string_id("the")

_NN = get_string_id("NN")


def gender_hint(doc: Doc, span: Span, gaz: Gazetteer) -> str:
    start = span.start
    if start > 0 and doc[start - 1].lower_ in gaz.word_class("male_word"):
        return "m"
    if start > 0 and doc[start - 1].lower_ in gaz.word_class("female_word"):
        return "f"
    return ""


def _title_run(doc: Doc, span: Span, gaz: Gazetteer, ent_end: dict[int, Span]) -> Span | None:
    """The role words right before a person's name ("North Korean leader", "President")."""
    i = span.start
    while i > 0 and (doc[i - 1].lower_ in gaz.titles or doc[i - 1].lower_ in gaz.descriptors):
        i -= 1
    if all(doc[k].lower_.rstrip(".") in gaz.word_class("honorific") for k in range(i, span.start)):
        return None
    before = ent_end.get(i)
    if before is not None and before.label_ in {"NORP", "GPE", "ORG"}:
        i = before.start
    elif i > 0 and doc[i - 1].tag_ == "POS" and (owner := ent_end.get(i - 1)) is not None:
        i = owner.start
    return doc[i : span.start]


_FINAL = frozenset(".!?")


def _headline_end(doc: Doc) -> int:
    """End token of the Doc's headline: a first sentence that ends at a paragraph break
    without final punctuation (as cleaned text keeps it); 0 when there is none."""
    first = next(iter(doc.sents), None)
    if first is None or first.end >= len(doc):
        return 0
    words = [t for t in first if not t.is_space]
    ends_paragraph = first[-1].is_space and first[-1].text.count("\n") >= 2
    if not words or not ends_paragraph or words[-1].text in _FINAL:
        return 0
    return first.end


def _has_determiner(doc: Doc, start: int, root: int) -> bool:
    return any(doc[i].dep_ in {"det", "poss"} for i in range(start, root))


def descriptions(
    ctx: DocContext,
    ents: Sequence[Span],
    names: list[Name],
    clusters: list[Cluster],
    gaz: Gazetteer,
) -> Iterator[Mention]:
    """Description mentions: appositions, role titles, and "the <role>" referring back.

    Appositions follow the pattern "NAME, a/the NOUN ..." (the appositive NP describes the
    name); a later definite NP "the NOUN" links to the one entity described by that noun.
    """
    doc = ctx.doc
    ent_end = {ent.end: ent for ent in ents}
    named_tokens: set[int] = set()
    for name in names:
        named_tokens.update(range(name.span.start, name.span.end))
    described: dict[str, set[str]] = defaultdict(set)
    by_key: dict[str, Cluster] = {}
    first_seen: dict[str, int] = {}
    seen_spans: set[tuple[int, int]] = set()
    for name, cluster in zip(names, clusters, strict=True):
        by_key[cluster.key] = cluster
        first_seen.setdefault(cluster.key, name.span.start)
        if name.label == "ORG" and len(name.words) > 1:
            described[name.words[-1]].add(cluster.key)
        if name.label != "PERSON" or not doc.has_annotation("DEP"):
            continue
        title = _title_run(doc, name.span, gaz, ent_end)
        if title is not None and (title.start, title.end) not in seen_spans:
            seen_spans.add((title.start, title.end))
            described[title[-1].lower_].add(cluster.key)
            yield make_mention(ctx, title.start, title.end, name.label, "description", cluster)
        appos = appos_descriptor(name.span, gaz)
        if appos is not None and appos.lemma_.lower() in gaz.descriptors:
            start, end = appos.left_edge.i, appos.right_edge.i + 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
                end -= 1
            if (start, end) not in seen_spans:
                seen_spans.add((start, end))
                described[appos.lemma_.lower()].add(cluster.key)
                yield make_mention(ctx, start, end, name.label, "description", cluster)
    if not doc.has_annotation("DEP"):
        return
    lowers = ctx.ids(LOWER)
    pos = ctx.ids(POS)
    tags = ctx.ids(TAG)
    headline_end = _headline_end(doc)
    for start, _, root in ctx.noun_chunks:
        # a headline drops its articles and names the role before the body names the person
        in_headline = root < headline_end and not _has_determiner(doc, start, root)
        if (
            (lowers[start] != _THE and not in_headline)
            or pos[root] != NOUN
            or tags[root] != _NN
            or root in named_tokens
            or (start, root + 1) in seen_spans
        ):
            continue
        lemma = doc[root].lemma_.lower()
        keys = {k for k in described.get(lemma, set()) if in_headline or first_seen[k] < root}
        if len(keys) != 1:
            continue
        cluster = by_key[keys.pop()]
        label = "PERSON" if cluster.type == "PERSON" else cluster.type
        yield make_mention(ctx, start, root + 1, label, "description", cluster)
