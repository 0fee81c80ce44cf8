"""Reported speech read off the parse: "X said (that) ...", "according to X", stance
adjectives, cue nouns and framed findings ("In the latest poll, ...")."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.nlp.context import (
    doc_text,
)
from transforms.nlp.quotes.cues import FALLBACK_FRAMES, Cue, QuoteRules, cue_of
from transforms.nlp.quotes.marks import trim_chars
from transforms.nlp.quotes.records import Draft
from transforms.nlp.quotes.syntax import (
    SOURCE_ENTS,
    char_bounds,
    clause_end,
    clip_paragraph,
    content_bounds,
    cue_bounds,
    drop_aside,
    end_char,
    is_addressee,
    is_source_like,
    np_bounds,
    sent_bounds,
    speaker_token,
    subject_of,
)

#: Prepositions that introduce the content of a cue noun ("criticism of", "concern about").
_NOUN_PREPS = frozenset({"about", "of", "on", "for", "against", "over"})


def reported_draft(rules: QuoteRules, token: Token, entry: Cue) -> Draft | None:
    if entry.pos == "NOUN":
        return _noun_reported(rules, token, entry)
    if entry.pos == "ADJ":
        return _stance(rules, token, entry)
    if entry.pos != "VERB":
        return None
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    if "c" not in entry.frames and infinitive:
        # "vowed to attack ...": an infinitive of a non-speech cue is the content of
        # another attribution, not one of its own.
        return None
    bounds = content_bounds(token, entry, rules.lexicon)
    doc = token.doc
    speaker = speaker_token(token, rules.lexicon)
    if bounds is None and speaker is None and "c" in entry.frames:
        postposed = _postposed_speaker(token)
        if postposed is not None:
            speaker, content_end = postposed
            bounds = (sent_bounds(token)[0], content_end)
    confidence = entry.confidence
    if (
        bounds is None
        and speaker is not None
        and not infinitive
        and is_source_like(speaker, rules.lexicon)
    ):
        # "Trump rejected the plan", "Clinton agreed to debate": a cue of the lexicon
        # used with an object or an infinitive instead of its usual complement still
        # attributes that complement to its named or pronoun subject (not when the cue
        # is itself an infinitive: "called for ... to counter U.S. threats").
        bounds = content_bounds(token, FALLBACK_FRAMES, rules.lexicon)
        if (
            bounds is not None
            and "x" in entry.frames
            and is_addressee(token, bounds, rules.lexicon)
        ):
            # "warned the North not to ...": the object of a verb of telling is whom
            # the speaker addresses, not what is said
            bounds = None
        confidence *= 0.8
    if bounds is None:
        return None
    bounds = drop_aside(doc, bounds)
    words = [t for t in doc[bounds[0] : bounds[1]] if not t.is_punct]
    if len(words) < 2 and not (
        # a named object is a content of its own ("endorsed Clinton", "attacked Machado")
        len(words) == 1 and words[0].dep_ == "dobj" and words[0].ent_type_ in SOURCE_ENTS
    ):
        return None
    if speaker is None:
        confidence *= 0.6
    return _indirect_draft(
        doc,
        bounds,
        token,
        speaker=char_bounds(doc, np_bounds(speaker)) if speaker is not None else None,
        cue=char_bounds(doc, cue_bounds(token)),
        confidence=confidence,
    )


def _noun_reported(rules: QuoteRules, token: Token, entry: Cue) -> Draft | None:
    """A cue noun with its content: "X's claim that ...", "his disdain for ...",
    "critics voiced concern about ...".

    The content is an appositive "that" clause (frame ``c``) or the object of a
    preposition (frame ``o``); the speaker is a source-like possessor or the subject of
    the verb the noun is the object of. After the nominal attributions of PARC 3.0
    (Pareti 2016) and the noun cues of PolNeAR.
    """
    bounds: tuple[int, int] | None = None
    for child in token.rights:
        if (
            "c" in entry.frames
            and child.dep_ in {"acl", "ccomp"}
            and any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
        ):
            bounds = child.left_edge.i, clause_end(child, token, rules.lexicon)
            break
        if (
            "x" in entry.frames
            and child.dep_ == "acl"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
        ):
            # "his decision to meet with ...", "an agreement to curb emissions"
            bounds = child.left_edge.i, child.right_edge.i + 1
            break
        if "o" in entry.frames and child.dep_ == "prep" and child.lower_ in _NOUN_PREPS:
            obj = next((c for c in child.children if c.dep_ in {"pobj", "pcomp"}), None)
            if obj is not None:
                bounds = obj.left_edge.i, obj.right_edge.i + 1
                break
    if bounds is None:
        return None
    speaker = speaker_token(token, rules.lexicon)
    if speaker is None or not is_source_like(speaker, rules.lexicon):
        return None
    doc = token.doc
    bounds = drop_aside(doc, bounds)
    if bounds[1] - bounds[0] < 1 or doc[bounds[0] : bounds[1]].root.is_punct:
        return None
    return _indirect_draft(
        doc,
        bounds,
        token,
        speaker=char_bounds(doc, np_bounds(speaker)),
        cue=char_bounds(doc, (token.i, token.i + 1)),
        confidence=entry.confidence * 0.8,
    )


def _stance(rules: QuoteRules, token: Token, entry: Cue) -> Draft | None:
    """An adjective of stance with a clausal complement: "X is sure that ...", "was
    confident (that) ...", "it is clear that ...".

    The adjective is the predicate (``acomp``) of a copula; the clause hangs from the
    adjective or from the copula after it. The speaker is the copula's source-like
    subject; an expletive "it" gives a sourceless attribution. After the stance
    adjectives of Biber et al. (1999, "Longman Grammar", 9.4.5) that PolNeAR marks as
    cues.
    """
    if token.dep_ != "acomp":
        return None
    head = token.head
    clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
    if clause is None:
        clause = next((c for c in head.rights if c.dep_ == "ccomp" and c.i > token.i), None)
    if clause is None or clause.pos_ not in {"VERB", "AUX"}:
        return None
    subject = subject_of(head)
    if subject is None:
        return None
    if subject.dep_ == "nsubj" and subject.lower_ == "it":
        speaker: Token | None = None
    elif is_source_like(subject, rules.lexicon):
        speaker = subject
    else:
        return None
    doc = token.doc
    bounds = drop_aside(doc, (clause.left_edge.i, clause_end(clause, token, rules.lexicon)))
    if sum(1 for t in doc[bounds[0] : bounds[1]] if not t.is_punct) < 3:
        return None
    return _indirect_draft(
        doc,
        bounds,
        token,
        speaker=char_bounds(doc, np_bounds(speaker)) if speaker is not None else None,
        cue=char_bounds(doc, (token.i, token.i + 1)),
        confidence=entry.confidence * (0.8 if speaker is not None else 0.6),
    )


def according_draft(rules: QuoteRules, token: Token) -> Draft | None:
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None:
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        to = nxt if nxt is not None and nxt.lower_ == "to" else None
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    doc = token.doc
    head = token.head
    if head.i != token.i and head.pos_ in {"VERB", "AUX"}:
        span_start, span_end = head.left_edge.i, head.right_edge.i + 1
    else:
        span_start, span_end = sent_bounds(token)
    phrase = (token.i, max(source.right_edge.i, to.i) + 1)
    if phrase[0] <= span_start:
        span_start = phrase[1]
    elif phrase[1] >= span_end - 1:
        span_end = phrase[0]
    elif phrase[0] - span_start >= 4:
        # "A, according to X, B": the clause before the phrase is what X reports; B is
        # mostly the writer's comparison or aside ("..., more than twice what ...")
        span_end = phrase[0]
    if span_end - span_start < 2:
        return None
    return _indirect_draft(
        doc,
        (span_start, span_end),
        token,
        speaker=char_bounds(doc, np_bounds(source)),
        cue=(token.idx, to.idx + len(to.text)),
        confidence=0.8,
    )


def evidence_draft(rules: QuoteRules, token: Token) -> Draft | None:
    """A clause framed by the study it reports: "In the latest poll, Clinton led Trump by
    five points", "In its report, the agency found ...". The preposition heads a phrase
    that opens the clause, and its object is a poll, survey, study or report."""
    head = token.head
    if token.dep_ != "prep" or head.pos_ not in {"VERB", "AUX"} or token.i > head.i:
        return None
    source = next((c for c in token.children if c.dep_ == "pobj"), None)
    if source is None or source.lemma_.lower() not in rules.lexicon.evidence_nouns:
        return None
    if token.i != head.left_edge.i or cue_of(head, rules.lexicon) is not None:
        return None
    start, end = token.right_edge.i + 1, head.right_edge.i + 1
    if end - start < 3:
        return None
    doc = token.doc
    return _indirect_draft(
        doc,
        (start, end),
        token,
        speaker=char_bounds(doc, np_bounds(source)),
        cue=(token.idx, token.idx + len(token.text)),
        confidence=0.6,
    )


def _postposed_speaker(cue: Token) -> tuple[Token, int] | None:
    """A speaker named after the content and before a subjectless cue, as in "...,
    Hwang Ildo, a professor at the academy, wrote in a study": returns the head of the
    speaker phrase and the token where the content ends.

    The parser often folds such a speaker into the content as a conjunct; reading the comma
    segments before the cue recovers it (a proper name, or a name followed by its
    description).
    """
    doc = cue.doc
    sent_start = sent_bounds(cue)[0]
    segments: list[tuple[int, int]] = []
    end = cue.i
    if end - 1 <= sent_start or doc[end - 1].text != ",":
        return None
    end -= 1
    for _ in range(2):
        start = end
        while start > sent_start and doc[start - 1].text not in {",", ";", ":"}:
            start -= 1
        if start == end or end - start > 10 or start <= sent_start:
            break
        segments.append((start, end))
        end = start - 1
    if not segments:
        return None

    def is_name(seg: tuple[int, int]) -> bool:
        return all(doc[i].pos_ == "PROPN" or doc[i].tag_ == "POS" for i in range(*seg))

    nearest = segments[0]
    if is_name(nearest):
        speaker = nearest
    elif len(segments) == 2 and is_name(segments[1]) and doc[nearest[0]].pos_ == "DET":
        speaker = segments[1]
    else:
        return None
    head = max(
        range(*speaker),
        key=lambda i: (doc[i].head.i < speaker[0] or doc[i].head.i >= speaker[1], i),
    )
    return doc[head], speaker[0] - 1


def _indirect_draft(
    doc: Doc,
    bounds: tuple[int, int],
    cue_token: Token,
    *,
    speaker: tuple[int, int] | None,
    cue: tuple[int, int],
    confidence: float,
) -> Draft | None:
    """An indirect attribution whose content is the tokens ``bounds``, kept to the cue's
    paragraph and trimmed; None when nothing is left."""
    text = doc_text(doc)
    start, end = clip_paragraph(text, doc[bounds[0]].idx, end_char(doc, bounds[1]), cue_token)
    start, end = trim_chars(text, start, end)
    if end <= start:
        return None
    return Draft(
        start=start,
        end=end,
        kind="indirect",
        speaker=speaker,
        cue=cue,
        cue_token=cue_token.i,
        confidence=confidence,
    )
