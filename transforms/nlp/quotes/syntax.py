"""Syntax helpers of the quote rules: speakers, cue and content bounds over the parse."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Token

from transforms.nlp.context import (
    sentence_token_starts,
)
from transforms.nlp.quotes.cues import GENERAL_CUE, Cue, QuoteLexicon, cue_of
from transforms.nlp.quotes.marks import PARAGRAPH_BREAK

#: Dependencies along which a cue with no subject of its own inherits one from its head
#: ("..., adding that", "vowed to ... and said", "issued a statement warning ...").
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "conj", "acl", "dobj", "pobj", "prep", "pcomp"})

#: Right-hand children that end a speaker noun phrase ("Hwang Ildo, a professor at ...").
_NP_STOP_DEPS = frozenset({"relcl", "appos", "punct", "acl", "advcl", "parataxis"})

#: Complements that carry the content of an object-frame cue ("described X as Y").
_OBJECT_DEPS = frozenset({"dobj", "oprd", "prep", "dative", "xcomp", "ccomp", "attr", "advcl"})

#: Prepositions that open a second complement of an object-frame cue ("described X as Y",
#: "blamed X for Y", "urged X to Y"); others ("in a ruling", "on Thursday") are adjuncts.
_OBJECT_PREPS = frozenset({"as", "for", "of", "to", "about", "into", "with"})

#: Entity types of a prepositional object that dates or measures rather than reports.
_TIME_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY"})

#: Dependencies of a comma-set aside at the end of a content ("..., which ...").
_ASIDE_DEPS = frozenset({"relcl", "appos", "advcl", "acl"})

_RELATIVE_TAGS = frozenset({"WDT", "WP"})

_PRONOUN_TAGS = frozenset({"PRP", "PRP$"})

#: Pronouns that can stand for a source ("he argued that"); "it", "this", "there" cannot.
_SOURCE_PRONOUNS = frozenset({"i", "he", "she", "we", "they", "who"})

#: Named-entity types of a source (people, organisations, nationalities, governments).
SOURCE_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def subject_of(token: Token) -> Token | None:
    """The speaker-like subject of ``token``: ``nsubj``, or the agent of a passive."""
    for child in token.children:
        if child.dep_ == "nsubj":
            return child
    for child in token.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def speaker_token(cue: Token, cues: QuoteLexicon) -> Token | None:
    """Find who speaks through ``cue``, climbing from a subjectless cue to its governor.

    A relative pronoun subject ("officials who said") stands for the noun it modifies; a
    pronoun possessor of a cue noun ("his call") defers to the subject of the governing verb
    when there is one. A conjunct whose head is the complement of another cue ("X said A flew
    balloons and issued a statement warning ...") belongs to that cue's speaker, a frequent
    attachment error of the parser.
    """
    token = cue
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ == "poss" and child.tag_ not in _PRONOUN_TAGS:
                return child
    for _ in range(6):
        subject = subject_of(token)
        if subject is not None and token.pos_ != "NOUN":
            if subject.tag_ in _RELATIVE_TAGS and token.dep_ == "relcl":
                return token.head
            return subject
        if token.dep_ not in _CLIMB_DEPS or token.head.i == token.i:
            break
        if token.dep_ == "conj":
            head = token.head
            if head.dep_ == "ccomp" and cue_of(head.head, cues) is not None:
                return subject_of(head.head)
        token = token.head
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ == "poss":
                return child
    return None


def np_bounds(token: Token) -> tuple[int, int]:
    """Token bounds ``[start, end)`` of the noun phrase headed by ``token``, without
    appositions, relative clauses and trailing punctuation."""
    start = token.left_edge.i
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in _NP_STOP_DEPS:
            break
        end = child.right_edge.i + 1
    doc = token.doc
    for i in range(token.i - 1, start - 1, -1):
        if "\n" in doc[i].text_with_ws:
            start = i + 1
            break
    while start < token.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > token.i and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc"):
        end -= 1
    return start, end


def is_source_like(token: Token, lex: QuoteLexicon) -> bool:
    """Whether ``token`` can head the source of an attribution: a personal pronoun, a name
    (an entity of a source type or a proper noun), or a common noun that names people, bodies
    or documents."""
    if token.tag_ in _PRONOUN_TAGS or token.tag_ in _RELATIVE_TAGS:
        return token.lower_ in _SOURCE_PRONOUNS
    if token.ent_type_ in SOURCE_ENTS or token.pos_ == "PROPN":
        return True
    return token.pos_ == "NOUN" and token.lemma_.lower() in lex.source_nouns


def attribution_frame(token: Token, lex: QuoteLexicon) -> Cue | None:
    """A verb outside the lexicon that attributes its clausal complement to a source.

    After the "attribution relation" of Pareti (2016, "PARC 3.0") and the verb classes of
    VerbNet ``say``/``conjecture``/``want``: a verb with a finite clausal complement after
    it (a ``ccomp`` with a subject, or one opened by "that") whose own subject is source-like
    ("Trump has pooh-poohed that ...", "critics contend ...").
    """
    if token.pos_ != "VERB" or token.lemma_.lower() in lex.non_attribution:
        return None
    subject = subject_of(token)
    if subject is None or not is_source_like(subject, lex):
        return None
    # a complement before the verb ("A big question remains, Mexico could retaliate") is
    # mostly the parser's reading of an opening clause, not a report through the verb
    complement = next((c for c in token.rights if c.dep_ == "ccomp"), None)
    if (
        complement is not None
        and complement.pos_ in {"VERB", "AUX"}
        and any(c.dep_ in {"nsubj", "nsubjpass", "expl", "mark"} for c in complement.children)
    ):
        return GENERAL_CUE
    return None


def cue_bounds(token: Token) -> tuple[int, int]:
    """Cue token bounds: the verb with an adjacent particle ("pointed out", "called for")."""
    start, end = token.i, token.i + 1
    for child in token.rights:
        if child.dep_ == "prt" and child.i == end:
            end += 1
    return start, end


def content_bounds(cue: Token, entry: Cue, cues: QuoteLexicon) -> tuple[int, int] | None:
    """Token bounds of the content governed by ``cue`` under the frames of ``entry``."""
    children = list(cue.children)
    if "c" in entry.frames:
        clauses = [child for child in children if child.dep_ == "ccomp"]
        if len(clauses) > 1 and _broken_off(clauses[0], cue):
            # "It's unlikely; Clinton's team says she'll continue": the clause before the
            # colon or semicolon is the writer's, the one after the cue is reported
            clauses = clauses[1:]
        if clauses:
            return clauses[0].left_edge.i, clause_end(clauses[0], cue, cues, reports=True)
        if cue.dep_ == "parataxis":
            head = cue.head
            return _minus(head.left_edge.i, head.right_edge.i + 1, cue)
    if "x" in entry.frames:
        for child in children:
            if child.dep_ == "xcomp" and child.i > cue.i:
                return child.left_edge.i, child.right_edge.i + 1
    if "o" in entry.frames:
        rights: list[Token] = []
        for child in cue.rights:
            if child.dep_ in _OBJECT_DEPS and not (
                child.dep_ == "prep" and not _content_prep(child, cues)
            ):
                rights.append(child)
            elif rights and child.dep_ not in {"prt", "advmod"}:
                break
        if rights:
            return rights[0].left_edge.i, _predicate_end(cue, rights[-1])
    return None


def _broken_off(clause: Token, cue: Token) -> bool:
    """Whether a colon or semicolon stands between ``clause`` (before ``cue``) and the
    cue's own clause."""
    if clause.i > cue.i:
        return False
    doc = cue.doc
    return any(doc[i].text in {":", ";"} for i in range(clause.right_edge.i + 1, cue.i))


def _predicate_end(cue: Token, last: Token) -> int:
    """Token end of an object-frame content whose last token is ``last``, carried on to the
    object's predicate ("called her vote in favor of the war a mistake", "called the
    citation and the demand for X a ploy"): the parser hangs the predicate noun on the verb,
    past a phrase or a conjunct that closes the object."""
    end = last.right_edge.i + 1
    rights = [c for c in cue.rights if c.i >= end]
    oprd = next((k for k, c in enumerate(rights) if c.dep_ == "oprd"), None)
    if oprd is None or any(c.dep_ not in {"prep", "cc", "conj"} for c in rights[:oprd]):
        return end
    return rights[oprd].right_edge.i + 1


def is_addressee(cue: Token, bounds: tuple[int, int], lex: QuoteLexicon) -> bool:
    """Whether the tokens ``bounds`` are just a source-like direct object of ``cue``."""
    obj = next((c for c in cue.rights if c.dep_ in {"dobj", "dative"}), None)
    return (
        obj is not None
        and is_source_like(obj, lex)
        and obj.left_edge.i == bounds[0]
        and obj.right_edge.i + 1 >= bounds[1]
    )


def _content_prep(prep: Token, lex: QuoteLexicon) -> bool:
    """Whether the prepositional phrase ``prep`` can carry the content of an object-frame
    cue ("spoke about X", "blamed X for Y") rather than name the addressee ("spoke to
    reporters") or the time ("spoke for about five minutes")."""
    if prep.lower_ not in _OBJECT_PREPS:
        return False
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return True
    if obj.ent_type_ in _TIME_ENTS:
        return False
    return not (prep.lower_ in {"to", "with"} and is_source_like(obj, lex))


def clause_end(clause: Token, cue: Token, cues: QuoteLexicon, *, reports: bool = False) -> int:
    """Token end of a clausal complement, cut before a conjoined report verb of the same
    speaker that the parser attached inside it ("said that A and suggested that B", "said
    A and issued a statement warning ...") or before a conjoined turn of speech ("said A,
    and when pressed, she replied ...")."""
    end = clause.right_edge.i + 1
    for child in clause.rights:
        if (
            child.dep_ == "conj"
            and child.i > cue.i
            and (
                (
                    subject_of(child) is None
                    and (
                        any(c.dep_ == "ccomp" for c in child.children)
                        or (reports and _reports(child, cues))
                    )
                )
                # "..., and when pressed, the mother of three replied ...": a new report
                or child.lemma_.lower() in cues.turn
            )
        ):
            start = child.left_edge.i
            doc = clause.doc
            while start > clause.i + 1 and (doc[start - 1].dep_ == "cc" or doc[start - 1].is_punct):
                start -= 1
            return start
    return end


def drop_aside(doc: Doc, bounds: tuple[int, int]) -> tuple[int, int]:
    """``bounds`` without a comma-set aside that closes them: a non-restrictive relative
    clause or apposition ("..., which forced her to leave", "NATO, the existing alliance")
    or a participial adjunct ("..., encouraging his supporters to ...").

    Such asides are the writer's, not the source's; PolNeAR's annotators mostly leave them
    out of the content span (Newell et al. 2018).
    """
    start, end = bounds
    for i in range(start + 2, end - 1):
        if doc[i - 1].text != ",":
            continue
        node = doc[i]
        while node.head.i != node.i and node.head.left_edge.i == i:
            node = node.head
        if node.left_edge.i != i or node.right_edge.i + 1 < end:
            continue
        if node.dep_ in _ASIDE_DEPS and start <= node.head.i < i - 1:
            return start, i - 1
    return start, end


def _reports(verb: Token, cues: QuoteLexicon) -> bool:
    """Whether ``verb`` is itself a speech verb of the lexicon or takes a cue noun that
    carries a speech verb as its object ("issued a statement warning ...")."""
    if verb.lemma_.lower() in cues.speech:
        return True
    for child in verb.children:
        if child.dep_ == "dobj" and cue_of(child, cues) is not None:
            return any(c.dep_ == "acl" and cue_of(c, cues) is not None for c in child.children)
    return False


def _minus(start: int, end: int, cue: Token) -> tuple[int, int]:
    """``[start, end)`` without the cue's own subtree when it sits at either edge."""
    left, right = cue.left_edge.i, cue.right_edge.i + 1
    if right >= end:
        return start, left
    if left <= start:
        return right, end
    return start, end


def sent_bounds(token: Token) -> tuple[int, int]:
    """Token bounds of the sentence holding ``token``.

    ``Token.sent`` walks the Doc on every call; the sentence starts are computed once per Doc.
    """
    doc = token.doc
    starts = sentence_token_starts(doc)
    k = bisect.bisect_right(starts, token.i) - 1
    end = starts[k + 1] if k + 1 < len(starts) else len(doc)
    return starts[k], end


def clip_paragraph(text: str, start: int, end: int, cue: Token) -> tuple[int, int]:
    """``[start, end)`` cut to the paragraph of ``cue``.

    The parser sometimes runs a sentence across a paragraph break (a paragraph that opens
    with a quotation mark: "... not say.\n\n''I have never ...,'' Mr. King told me."), and
    a clausal complement read off it then swallows the paragraph before. Reported speech
    does not cross paragraphs; quotations that do are joined by ``direct._merge_marks``.
    """
    breaks = [match.end() for match in PARAGRAPH_BREAK.finditer(text, start, cue.idx)]
    if breaks:
        start = breaks[-1]
    after = PARAGRAPH_BREAK.search(text, cue.idx, end)
    if after is not None:
        end = after.start()
    return start, end


def end_char(doc: Doc, token_end: int) -> int:
    last = doc[token_end - 1]
    return last.idx + len(last.text)


def char_bounds(doc: Doc, bounds: tuple[int, int]) -> tuple[int, int]:
    return doc[bounds[0]].idx, end_char(doc, bounds[1])
