"""Direct quotes: quotations between marks attributed to a speaker through a cue near them,
transcript lines ("WALLACE: ...") and partial quotes governed by a cue."""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Token

from transforms.nlp.context import (
    doc_text,
)
from transforms.nlp.quotes.cues import QuoteRules, cue_of
from transforms.nlp.quotes.marks import (
    QUOTE_CHARS,
    WORD,
    paragraphs_apart,
    strip_marks,
    trim_chars,
)
from transforms.nlp.quotes.records import Draft
from transforms.nlp.quotes.syntax import (
    char_bounds,
    cue_bounds,
    end_char,
    is_source_like,
    np_bounds,
    sent_bounds,
    speaker_token,
)

#: A quotation signed with a dash: "“...” ― Sonya Herridge".
_DASH_BYLINE = re.compile(
    r"[ \t\xa0]*(―|—|–)[ \t\xa0]*([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})(?=[ \t\xa0]*(?:[.\n]|$))"
)

#: A line opened by a speaker's name and a colon: "WALLACE: ...", "Pat Caddell: ...".
_TRANSCRIPT_LINE = re.compile(
    r"(?m)^[ \t\"“]*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):[ \t]+(\S[^\n]*)$"
)


def transcript_drafts(rules: QuoteRules, doc: Doc) -> list[Draft]:
    """Lines of a transcript or a headline that name their speaker before a colon
    ("PENCE: Gennifer Flowers will not be attending ...", "Pat Caddell: Democrat voters
    ..."): the rest of the line is what the speaker said.

    The name is one to four capitalised words that the tagger reads as proper nouns, or
    written in capitals; the interview convention of the AP and NYT style books.
    """
    text = doc_text(doc)
    out: list[Draft] = []
    for match in _TRANSCRIPT_LINE.finditer(text):
        name = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if name is None or not len(name):
            continue
        label = match.group(1)
        if label.lower() in rules.lexicon.line_labels:
            continue
        shouted = label.isupper() and len(label) > 2
        headline = match.start() == 0 or text[: match.start()].isspace()
        if not (shouted or headline) and not all(t.pos_ == "PROPN" for t in name):
            continue
        start, end = trim_chars(text, match.start(2), match.end(2))
        start, end = strip_marks(text, start, end)
        if len(WORD.findall(text, start, end)) < 3:
            continue
        if not headline:
            # a line inside the text says something: "New Hampshire: Ann Lee, Bo Park, ..."
            # (a list) or "Kasich: Now or never" (a section heading) is no turn of speech
            body = doc.char_span(start, end, alignment_mode="expand")
            if body is None or not any(t.pos_ in {"VERB", "AUX"} for t in body):
                continue
        out.append(
            Draft(
                start=start,
                end=end,
                kind="direct",
                speaker=(match.start(1), match.end(1)),
                cue=(match.end(1), match.end(1) + 1),
                cue_token=None,
                confidence=0.6,
            )
        )
    return out


def merge_marks(
    rules: QuoteRules,
    doc: Doc,
    drafts: list[Draft],
    marks: list[tuple[int, int]],
    double: list[tuple[int, int]],
    cue_tokens: list[Token],
) -> list[Draft]:
    text = doc_text(doc)
    double_set = set(double)
    by_cue: dict[int, Draft] = {d.cue_token: d for d in drafts if d.cue_token is not None}
    previous: Draft | None = None
    out = list(drafts)
    for q_start, q_end in marks:
        covering = [d for d in drafts if d.start < q_end and q_start < d.end]
        inside = [d for d in covering if d.start >= q_start - 1 and d.end <= q_end + 1]
        if inside or any(_covers_most(d, q_start, q_end) for d in covering):
            for d in covering:
                if (d.start >= q_start - 1 and d.end <= q_end + 1) or _covers_most(
                    d, q_start, q_end
                ):
                    d.start, d.end = min(d.start, q_start), max(d.end, q_end)
                    # "that “...”": a word of the writer makes the content a mixed one
                    outside = WORD.search(text, d.start, q_start) or WORD.search(text, q_end, d.end)
                    d.kind = "mixed" if outside else "direct"
                    previous = d
            continue
        if covering:
            for d in covering:
                if d.start <= q_start and d.end >= q_end:
                    d.kind = "mixed"
                else:
                    d.start, d.end = min(d.start, q_start), max(d.end, q_end)
                    d.kind = "mixed"
                if d.end <= q_end + 1 and d.speaker is not None:
                    # A reported clause that closes on a quotation ("she said she felt
                    # ... because “...,”"): a cueless quotation after it is the same
                    # speaker's.
                    previous = d
            continue
        n_words = len(WORD.findall(text, q_start, q_end))
        partial = (
            (
                # a title or a label closes on a full stop too ("on “Meet the Press.”")
                n_words <= rules.max_title_words
                or not re.search(r"[.?!]", text[q_start:q_end].rstrip(QUOTE_CHARS + ",")[-1:])
            )
            and n_words <= rules.max_partial_words
            and not _starts_sentence(doc, q_start)
        ) or (q_start, q_end) not in double_set
        if partial and (q_start, q_end) in double_set and _exclaims(text, q_start, q_end):
            # "a man yelled “Stay there!”", "she asked, “Really?”": a short exclamation or
            # question is an utterance, not a title or a scare-quoted label
            partial = False
        if not partial and _embedded_fragment(doc, q_start, q_end):
            partial = True
        if partial:
            draft = _governed(rules, doc, q_start, q_end)
            if draft is not None:
                out.append(draft)
            continue
        draft = _direct(rules, doc, q_start, q_end, cue_tokens, marks, by_cue, previous)
        if draft is not None:
            if draft not in out:
                out.append(draft)
            if draft.cue_token is not None:
                by_cue.setdefault(draft.cue_token, draft)
            previous = draft
    return _join_pieces(out)


def _embedded_fragment(doc: Doc, q_start: int, q_end: int) -> bool:
    """A quotation of any length inside a sentence of the writer, right after one of its words
    and closing on no punctuation ("launched the “... initiative” in 2010"): a name or a
    phrase the sentence uses, read as a partial quote (PolNeAR train: 9 of 27 such quotations
    read as direct quotes were annotated as one)."""
    text = doc_text(doc)
    closes = text[q_start:q_end].rstrip(QUOTE_CHARS)[-1:]
    before = text[:q_start].rstrip()[-1:]
    return (
        closes not in {".", "?", "!", ",", ";", ":"}
        and before.isalnum()
        and not _starts_sentence(doc, q_start)
    )


def _exclaims(text: str, q_start: int, q_end: int) -> bool:
    """Whether the quotation ``[q_start, q_end)`` closes on "!" or "?"."""
    return text[q_start:q_end].rstrip(QUOTE_CHARS + ",")[-1:] in {"!", "?"}


def _governed(rules: QuoteRules, doc: Doc, q_start: int, q_end: int) -> Draft | None:
    """A partial quote: attribute it to the cue that governs it in the parse."""
    span = doc.char_span(q_start, q_end, alignment_mode="expand")
    if span is None:
        return None
    token: Token = span.root
    for _ in range(8):
        if token.head.i == token.i:
            return None
        token = token.head
        if span.start <= token.i < span.end:
            continue
        entry = cue_of(token, rules.lexicon)
        if entry is not None:
            speaker = speaker_token(token, rules.lexicon)
            if speaker is None:
                return None
            start, end = _governed_content(token, span.start, span.end)
            start, end = trim_chars(doc_text(doc), doc[start].idx, end_char(doc, end))
            start, end = min(start, q_start), max(end, q_end)
            if len(WORD.findall(doc_text(doc), start, end)) <= rules.min_partial_words:
                # A scare-quoted word or two ("what he calls “hell”") is mostly the
                # writer's label, unannotated in PolNeAR unless a wider clause is content.
                return None
            return Draft(
                start=start,
                end=end,
                kind="mixed",
                speaker=char_bounds(doc, np_bounds(speaker)),
                cue=char_bounds(doc, cue_bounds(token)),
                cue_token=token.i,
                confidence=entry.confidence * 0.75,
            )
    return None


def _direct(
    rules: QuoteRules,
    doc: Doc,
    q_start: int,
    q_end: int,
    cue_tokens: list[Token],
    marks: list[tuple[int, int]],
    by_cue: dict[int, Draft],
    previous: Draft | None,
) -> Draft | None:
    """A full quotation: attribute it to the nearest cue in its sentences or paragraph."""
    dash = _DASH_BYLINE.match(doc_text(doc), q_end)
    if dash is not None:
        name = doc.char_span(dash.start(2), dash.end(2), alignment_mode="contract")
        if name is not None and len(name) and all(t.pos_ == "PROPN" for t in name):
            return Draft(
                start=q_start,
                end=q_end,
                kind="direct",
                speaker=(name.start_char, name.end_char),
                cue=(dash.start(1), dash.end(1)),
                cue_token=None,
                confidence=0.7,
            )
    cue = _nearest_cue(doc, q_start, q_end, cue_tokens, marks)
    follows = _follows(doc, previous, q_start)
    if (
        follows
        and cue is not None
        and previous is not None
        and previous.cue_token is not None
        and previous.end <= cue.idx < q_start
        and cue.sent.start == doc[previous.cue_token].sent.start
    ):
        # "“A,” Lee said, pointing to the map. “B.”": a cue between the two quotations, in
        # the sentence of the first one's cue, is part of that attribution.
        return _continuation(previous, q_start, q_end)
    if cue is not None:
        existing = by_cue.get(cue.i)
        if (
            existing is not None
            and existing.kind == "direct"
            and _joinable(existing.start, existing.end, q_start, q_end)
        ):
            existing.start, existing.end = (
                min(existing.start, q_start),
                max(existing.end, q_end),
            )
            return existing
        speaker = speaker_token(cue, rules.lexicon)
        if speaker is not None and q_start <= speaker.idx < q_end:
            # "“Every single amendment,” said Cruz": the parser takes a phrase of the
            # quotation for the subject of an inverted cue; the speaker follows the cue
            speaker = _inverted_speaker(rules, cue) or speaker
        if speaker is not None:
            entry = cue_of(cue, rules.lexicon)
            confidence = entry.confidence if entry is not None else 0.5
            return Draft(
                start=q_start,
                end=q_end,
                kind="direct",
                speaker=char_bounds(doc, np_bounds(speaker)),
                cue=char_bounds(doc, cue_bounds(cue)),
                cue_token=cue.i,
                confidence=confidence,
            )
    if follows and previous is not None:
        return _continuation(previous, q_start, q_end)
    if (
        rules.inherit_speaker
        and previous is not None
        and previous.speaker is not None
        and previous.kind in {"direct", "mixed"}
        and paragraphs_apart(doc_text(doc), previous.end, q_start) <= 1
        and _starts_sentence(doc, q_start)
    ):
        # A quotation inside a sentence of the writer ("... but to “B.”") is part of that
        # sentence, not the previous speaker's next words: on PolNeAR train this keeps 25
        # unannotated quotations out and loses 7 annotated ones.
        return Draft(
            start=q_start,
            end=q_end,
            kind="direct",
            speaker=previous.speaker,
            cue=None,
            cue_token=None,
            confidence=0.5,
        )
    if len(WORD.findall(doc_text(doc), q_start, q_end)) >= rules.min_orphan_words:
        # A long quotation with no cue near it is still quoted speech: on PolNeAR train,
        # 114 of 149 cueless passages of 13 words or more are annotated attributions
        # (block quotes after "X wrote:", tweets, statements).
        return _introduced(rules, doc, q_start, q_end)
    return None


def _follows(doc: Doc, previous: Draft | None, q_start: int) -> bool:
    """Whether a quotation at ``q_start`` follows the cue of the direct quote before it in the
    same paragraph ("“A,” she said. “B.”")."""
    return (
        previous is not None
        and previous.kind == "direct"
        and previous.cue is not None
        and previous.end <= previous.cue[0] < q_start
        and paragraphs_apart(doc_text(doc), previous.end, q_start) == 0
    )


def _continuation(previous: Draft, q_start: int, q_end: int) -> Draft:
    """``previous`` continued by the quotation ``[q_start, q_end)`` that follows its cue.

    PolNeAR annotates "“A,” said Lee, a nurse who ... . “B.”" as one attribution whose content
    is both quotations (on train, 25 of 28 such quotations that the rules gave a speaker of
    their own). The content stays one span: both quotations when the words between them are
    few enough (:func:`_joinable`), else the longer quotation (the writer's words would
    outweigh the quoted ones).
    """
    if _joinable(previous.start, previous.end, q_start, q_end):
        previous.end = q_end
    elif q_end - q_start > previous.end - previous.start:
        previous.start, previous.end = q_start, q_end
    return previous


def _introduced(rules: QuoteRules, doc: Doc, q_start: int, q_end: int) -> Draft:
    """A cueless quotation, attributed to the subject of a sentence before it that ends
    with a colon ("Cruz called them on it: “...”"), else to no one."""
    text = doc_text(doc)
    k = q_start - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    if k >= 0 and text[k] == ":":
        colon = doc.char_span(k, k + 1, alignment_mode="expand")
        if colon is not None:
            verb = colon[0].head
            speaker = speaker_token(verb, rules.lexicon) if verb.pos_ in {"VERB", "AUX"} else None
            if speaker is not None and is_source_like(speaker, rules.lexicon):
                return Draft(
                    start=q_start,
                    end=q_end,
                    kind="direct",
                    speaker=char_bounds(doc, np_bounds(speaker)),
                    cue=char_bounds(doc, cue_bounds(verb)),
                    cue_token=verb.i,
                    confidence=0.5,
                )
    return Draft(
        start=q_start,
        end=q_end,
        kind="direct",
        speaker=None,
        cue=None,
        cue_token=None,
        confidence=0.3,
    )


def _inverted_speaker(rules: QuoteRules, cue: Token) -> Token | None:
    """The source-like noun phrase right after a cue verb ("..., said Cruz, who ...")."""
    doc = cue.doc
    if cue.i + 1 >= len(doc):
        return None
    token = doc[cue.i + 1]
    while token.head.i != cue.i and cue.i < token.head.i <= cue.i + 6:
        token = token.head
    if token.head.i != cue.i or token.pos_ not in {"PROPN", "NOUN", "PRON"}:
        return None
    return token if is_source_like(token, rules.lexicon) else None


def _governed_content(cue: Token, q_start: int, q_end: int) -> tuple[int, int]:
    """Token bounds of the complement of ``cue`` that holds the quoted tokens
    ``[q_start, q_end)`` ("his call for a 'limitless' expansion of ..."), or the quote."""
    for child in cue.rights:
        if child.dep_ in {"punct", "cc", "conj", "appos", "relcl"}:
            continue
        left, right = child.left_edge.i, child.right_edge.i + 1
        if left <= q_start and q_end <= right and right - left <= 40:
            return left, right
    return q_start, q_end


def _join_pieces(drafts: list[Draft]) -> list[Draft]:
    """``drafts`` with the direct quotations of one cue joined into one attribution.

    "“A,” Tester said, “B.”": when the parse reads B as the cue's complement, B becomes a
    direct draft of the reported-speech path and A one of the quotation path; both carry
    the same cue token and make one attribution, as when they are found in order.
    """
    by_cue: dict[int, list[Draft]] = {}
    for d in drafts:
        if d.kind == "direct" and d.cue_token is not None:
            by_cue.setdefault(d.cue_token, []).append(d)
    dropped: set[int] = set()
    for pieces in by_cue.values():
        if len(pieces) < 2:
            continue
        pieces.sort(key=lambda d: d.start)
        head = pieces[0]
        for piece in pieces[1:]:
            around_cue = (
                head.cue is not None and head.end <= head.cue[0] and piece.start >= head.cue[1]
            )
            if around_cue and _joinable(head.start, head.end, piece.start, piece.end):
                head.end = max(head.end, piece.end)
                head.confidence = max(head.confidence, piece.confidence)
                dropped.add(id(piece))
                continue
            head = piece
    return [d for d in drafts if id(d) not in dropped]


def _joinable(start: int, end: int, q_start: int, q_end: int) -> bool:
    """Whether a quotation ``[q_start, q_end)`` and a content ``[start, end)`` of the same
    cue make one content: the words between them (the attribution, "“A,” she said. “B.”")
    must not outweigh the quoted ones, or the joined span is mostly the writer's. On PolNeAR
    train the gap is kept under 3/4 of the quoted characters (direct-quote F1 0.914 against
    0.911 at the full length): the annotators leave the attribution between the pieces out
    of the content, so a joined span must be mostly quotation to overlap theirs."""
    gap = max(q_start - end, start - q_end, 0)
    return 4 * gap < 3 * ((q_end - q_start) + (end - start))


def _covers_most(draft: Draft, q_start: int, q_end: int) -> bool:
    """The draft's content is the quotation plus at most a complementiser or a few
    characters of punctuation ("that “...”", a mixed content)."""
    if draft.start > q_start or draft.end < q_end:
        return False
    outside = (draft.end - draft.start) - (q_end - q_start)
    return outside <= 6


def _starts_sentence(doc: Doc, char: int) -> bool:
    token = doc.char_span(char, char + 1, alignment_mode="expand")
    if token is None:
        return False
    first = token[0]
    sent_start = sent_bounds(first)[0]
    return all(t.is_punct for t in doc[sent_start : first.i]) or doc[first.i - 1].text == ":"


def _nearest_cue(
    doc: Doc,
    q_start: int,
    q_end: int,
    cue_tokens: list[Token],
    marks: list[tuple[int, int]],
) -> Token | None:
    """The speech verb closest to a quotation, outside quotation marks, in the sentences the
    quotation starts and ends in (or the sentence right after it), on its own lines."""
    if not cue_tokens:
        return None
    first = doc.char_span(q_start, q_end, alignment_mode="expand")
    if first is None:
        return None
    lo, hi = sent_bounds(first[0])[0], sent_bounds(first[-1])[1]
    if hi < len(doc) and sent_bounds(doc[hi])[1] - hi <= 8:
        hi = sent_bounds(doc[hi])[1]
    text = doc_text(doc)
    best: tuple[int, Token] | None = None
    positions = [t.i for t in cue_tokens]
    k = bisect.bisect_left(positions, lo)
    while k < len(cue_tokens) and cue_tokens[k].i < hi:
        token = cue_tokens[k]
        k += 1
        if q_start <= token.idx < q_end:
            continue
        between = (token.idx, q_start) if token.idx < q_start else (q_end, token.idx)
        if "\n" in text[between[0] : between[1]]:
            # a line break ends a paragraph too where the text has no blank lines between
            # them: a cue on the next line is not this quotation's (PolNeAR train: direct
            # F1 +0.0015, speaker accuracy +0.0007)
            continue
        if any(s >= between[0] and e <= between[1] for s, e in marks):
            continue
        distance = between[1] - between[0]
        if best is None or distance < best[0]:
            best = (distance, token)
    if best is None:
        return _introducing_cue(doc, q_start, cue_tokens)
    return best[1]


def _introducing_cue(doc: Doc, q_start: int, cue_tokens: list[Token]) -> Token | None:
    """A cue that closes the paragraph before a quotation with a colon ("He said:" then the
    quotation as its own paragraph, the block-quote layout of transcripts and op-eds)."""
    text = doc_text(doc)
    colon = len(text[:q_start].rstrip()) - 1
    if colon < 0 or text[colon] != ":" or "\n" not in text[colon:q_start]:
        return None
    for token in reversed(cue_tokens):
        if token.idx < colon:
            word_end = token.idx + len(token.text)
            return token if not text[word_end:colon].strip() else None
    return None
