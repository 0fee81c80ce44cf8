"""Attributions from the learned span model, and how they join the rules' attributions.

The model labels token spans ``CONTENT``, ``CUE`` and ``SOURCE`` inside one sentence each
(:mod:`transforms.nlp.quotes.learned`). Here the pieces of a content are joined again (across
sentence starts and paragraph breaks, and across a "he said" between two quoted pieces), each
content takes the nearest cue of its sentences and the source nearest to that cue.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from transforms.nlp.context import doc_text, sentence_index_at
from transforms.nlp.quotes.cues import QuoteLexicon
from transforms.nlp.quotes.learned import LearnedSpan
from transforms.nlp.quotes.marks import find_quote_spans
from transforms.nlp.quotes.records import Quote
from transforms.nlp.quotes.syntax import is_addressee, is_source_like, np_bounds, speaker_token

#: How a model attribution is scored (the model gives no probability of its own).
LEARNED_CONFIDENCE = 0.6

#: Share of a content's letters inside quotation marks above which it is a direct quote.
DIRECT_SHARE = 0.95

_OPENING = frozenset("“„«\"'‘")
_CLOSING = frozenset("”»\"'’")

#: ``union``: the rules' attributions and the model's reported speech that overlaps none of
#: them and has a speaker (chosen on the held-out train articles, by F1: 0.694 against 0.689
#: with the model's attributions that have no speaker and 0.690 keeping only named speakers;
#: the model's direct quotes the rules miss are seldom right);
#: ``rules`` or ``model``: one of the two alone.
#: A content holds at least one word of these classes (not only pronouns and function words).
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "AUX", "ADV"})

STRATEGIES = ("union", "rules", "model")


def _joinable(doc: Doc, left: LearnedSpan, right: LearnedSpan, labels: list[str]) -> bool:
    """``right`` continues ``left``: nothing but whitespace between them, or a cue (with its
    source and punctuation) between a closing and an opening quotation mark."""
    gap = range(left.end, right.start)
    if all(doc[i].is_space for i in gap):
        return True
    if len(gap) > 10 or "CUE" not in {labels[i] for i in gap}:
        return False
    if any(labels[i] == "" and not (doc[i].is_punct or doc[i].is_space) for i in gap):
        return False
    closes = doc[left.end - 1].text[-1:] in _CLOSING or doc[left.end].text[:1] in _CLOSING
    opens = doc[right.start].text[:1] in _OPENING or doc[right.start - 1].text[-1:] in _OPENING
    return closes and opens


def _kind(text: str, quoted: Sequence[tuple[int, int]], pieces: Sequence[tuple[int, int]]) -> str:
    """``direct``, ``mixed`` or ``indirect`` by the share of the pieces' letters and digits
    inside quotation marks."""
    starts = [s for s, _ in quoted]
    inside = total = 0
    for i in (i for start, end in pieces for i in range(start, end)):
        if not text[i].isalnum():
            continue
        total += 1
        k = bisect.bisect_right(starts, i) - 1
        inside += k >= 0 and quoted[k][0] <= i < quoted[k][1]
    if total == 0 or inside == 0:
        return "indirect"
    return "direct" if inside / total >= DIRECT_SHARE else "mixed"


def _cue_head(doc: Doc, cue: LearnedSpan) -> int:
    """The token of a cue span whose head lies outside it."""
    for i in range(cue.start, cue.end):
        head = doc[i].head.i
        if head == i or not cue.start <= head < cue.end:
            return i
    return cue.start


def learned_quotes(
    doc: Doc, spans: Sequence[LearnedSpan], lexicon: QuoteLexicon | None = None
) -> list[Quote]:
    """The attributions the model's spans make in ``doc``, sorted by content start."""
    if not spans:
        return []
    text = doc_text(doc)
    labels = [""] * len(doc)
    for s in spans:
        labels[s.start : s.end] = [s.label] * (s.end - s.start)
    contents: list[list[LearnedSpan]] = []
    for s in sorted((x for x in spans if x.label == "CONTENT"), key=lambda x: x.start):
        if contents and _joinable(doc, contents[-1][-1], s, labels):
            contents[-1].append(s)
        else:
            contents.append([s])
    cues = [s for s in spans if s.label == "CUE"]
    sources = [s for s in spans if s.label == "SOURCE"]
    quoted = find_quote_spans(text)
    out: list[Quote] = []
    for pieces in contents:
        c = LearnedSpan("CONTENT", pieces[0].start, pieces[-1].end)

        def outside(span: LearnedSpan, pieces: list[LearnedSpan] = pieces) -> bool:
            return all(_outside(span, p) for p in pieces)

        first, last = doc[c.start].sent, doc[c.end - 1].sent
        lo, hi = first.start, last.end
        if c.start == first.start and first.start > 0:
            lo = doc[first.start - 1].sent.start  # "X said:" before a quotation
        cue = _nearest(c, [s for s in cues if lo <= s.start and s.end <= hi and outside(s)])
        if cue is None:
            cue = _governor(doc, c)  # no cue span: the word the content's clause hangs from
        source: LearnedSpan | None = None
        if cue is not None:
            cue_sent = doc[cue.start].sent
            pool = [s for s in sources if cue_sent.start <= s.start and s.end <= cue_sent.end]
            source = _nearest(cue, [s for s in pool if outside(s)])
            head = doc[_cue_head(doc, cue)]
            if lexicon is not None and _addressee_only(doc, head, c, lexicon):
                continue  # "warned the North": whom the cue addresses, not what is said
            if lexicon is not None and source is None:
                subject = speaker_token(head, lexicon)
                if subject is not None and not any(p.start <= subject.i < p.end for p in pieces):
                    source = LearnedSpan("SOURCE", *np_bounds(subject))
        else:
            pool = [s for s in sources if lo <= s.start and s.end <= hi and outside(s)]
            source = _nearest(c, pool)
        if not any(doc[i].pos_ in _CONTENT_POS for p in pieces for i in range(p.start, p.end)):
            continue  # "which" or "what" of a relative clause: the clause's object, no content
        start, end = doc[c.start].idx, _end_char(doc, c)
        out.append(
            Quote(
                start_char=start,
                end_char=end,
                kind=_kind(text, quoted, [(doc[p.start].idx, _end_char(doc, p)) for p in pieces]),
                speaker_start=doc[source.start].idx if source else None,
                speaker_end=_end_char(doc, source) if source else None,
                cue_start=doc[cue.start].idx if cue else None,
                cue_end=_end_char(doc, cue) if cue else None,
                sentence_index=sentence_index_at(doc, doc[cue.start].idx if cue else start),
                confidence=LEARNED_CONFIDENCE,
            )
        )
    return out


def _addressee_only(doc: Doc, cue: Token, content: LearnedSpan, lexicon: QuoteLexicon) -> bool:
    """Whether ``content`` is the source-like object ``cue`` addresses and, at most, phrases
    without a verb after it ("warned the North in a statement on Monday")."""
    if is_addressee(cue, (content.start, content.end), lexicon):
        return True
    obj = next((c for c in cue.rights if c.dep_ in {"dobj", "dative"}), None)
    return (
        obj is not None
        and obj.left_edge.i == content.start
        and is_source_like(obj, lexicon)
        and not any(doc[i].pos_ in {"VERB", "AUX"} for i in range(content.start, content.end))
    )


def _governor(doc: Doc, content: LearnedSpan) -> LearnedSpan | None:
    """The verb, noun or adjective outside ``content`` that its root depends on."""
    for i in range(content.start, content.end):
        head = doc[i].head
        if not content.start <= head.i < content.end and head.i != i:
            if head.pos_ in {"VERB", "NOUN", "ADJ", "AUX"}:
                return LearnedSpan("CUE", head.i, head.i + 1)
            return None
    return None


def _end_char(doc: Doc, span: LearnedSpan) -> int:
    return doc[span.end - 1].idx + len(doc[span.end - 1])


def _outside(span: LearnedSpan, content: LearnedSpan) -> bool:
    return span.end <= content.start or span.start >= content.end


def _nearest(anchor: LearnedSpan, pool: Sequence[LearnedSpan]) -> LearnedSpan | None:
    def distance(s: LearnedSpan) -> int:
        return anchor.start - s.end if s.end <= anchor.start else s.start - anchor.end

    return min(pool, key=lambda s: (distance(s), s.start), default=None)


def _overlap(a: Quote, b: Quote) -> float:
    inter = min(a.end_char, b.end_char) - max(a.start_char, b.start_char)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end_char, b.end_char) - min(a.start_char, b.start_char))


def combine(
    doc: Doc,
    rules: Sequence[Quote],
    spans: Sequence[LearnedSpan],
    *,
    strategy: str,
    lexicon: QuoteLexicon | None = None,
) -> list[Quote]:
    """The rules' attributions joined with the model's by ``strategy`` (see STRATEGIES)."""
    learned = learned_quotes(doc, spans, lexicon)
    if strategy == "rules":
        out = list(rules)
    elif strategy == "model":
        out = learned
    elif strategy == "union":
        out = list(rules) + [
            q
            for q in learned
            if q.kind != "direct"
            and q.speaker_start is not None
            and not any(_overlap(q, r) for r in rules)
        ]
    else:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")
    return sorted(out, key=lambda q: (q.start_char, q.end_char))
