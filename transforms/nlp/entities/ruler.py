"""``presslake_entity_ruler_v1``: gazetteer matches and span corrections on ``doc.ents``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from transforms.nlp.context import doc_text
from transforms.nlp.entities.gazetteer import GAZETTEER_FUNCTION, Gazetteer
from transforms.nlp.entities.learned import LearnedRules, RowWords, apply_rules
from transforms.nlp.entities.records import norm

#: Labels whose spans never end or start with a bare number ("Durham 114" -> "Durham").
_NO_NUMBER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})

_DETERMINERS = frozenset({"the", "a", "an"})

_QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»", "`", "``", "''"})

_DASHES = frozenset({"-", "--", "—", "–"})


def _is_number(token: Token) -> bool:
    return not any(ch.isalpha() for ch in token.text)


def _title_length(doc: Doc, start: int, end: int, gaz: Gazetteer) -> int:
    """Number of tokens of a title phrase at ``doc[start:end]``'s start (0 if none)."""
    words = tuple(doc[i].lower_ for i in range(start, end))
    for phrase in gaz.title_phrases:
        n = len(phrase)
        if n < end - start and words[:n] == phrase:
            return n
    return 0


def _pieces(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split ``[start, end)`` at line breaks and at dashes with spaces on both sides."""
    piece_start = start
    for i in range(start, end):
        token = doc[i]
        breaks = (
            "\n" in token.text
            or "\n" in token.whitespace_
            or (
                token.text in _DASHES and i > start and doc[i - 1].whitespace_ and token.whitespace_
            )
        )
        if token.is_space or (token.text in _DASHES and breaks):
            if i > piece_start:
                yield piece_start, i
            piece_start = i + 1
        elif breaks:
            yield piece_start, i + 1
            piece_start = i + 1
    if piece_start < end:
        yield piece_start, end


def correct_span(doc: Doc, start: int, end: int, label: str, gaz: Gazetteer) -> list[Span]:
    """The corrected spans for a model entity ``doc[start:end]`` with ``label``.

    Drops leading determiners and quote marks, leading titles of people ("President"),
    trailing possessives and quote marks, and numbers at either end; splits at line breaks and
    spaced dashes (CoNLL-style "Romania - Cosmin Contra"); drops names written all in lower
    case.
    """
    spans: list[Span] = []
    for lo, hi in _pieces(doc, start, end):
        while lo < hi:
            if _drop_leading(doc[lo], label):
                lo += 1
            elif label == "PERSON" and (n := _title_length(doc, lo, hi, gaz)):
                lo += n
            else:
                break
        while hi > lo and _drop_trailing(doc[hi - 1], label):
            hi -= 1
        if hi > lo and not (label in _CASED_LABELS and doc[lo:hi].text.islower()):
            spans.append(Span(doc, lo, hi, label=label))
    return spans


#: Names are written with a capital: an all-lowercase span with one of these labels is a
#: model error on a common word or abbreviation (Reuters' "cts", "mln"), not an entity.
_CASED_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT"})


def _drop_leading(token: Token, label: str) -> bool:
    """Determiners, punctuation and (for names) numbers do not start an entity."""
    if token.lower_ in _DETERMINERS or token.is_punct or token.is_space:
        return True
    return label in _NO_NUMBER_LABELS and _is_number(token)


def _drop_trailing(token: Token, label: str) -> bool:
    """Possessives, quote marks, punctuation but "." and ")", and numbers do not end one."""
    if token.tag_ == "POS" or token.text in _QUOTES or token.is_space:
        return True
    if token.is_punct:
        return token.text not in {".", ")"}
    return label in _NO_NUMBER_LABELS and _is_number(token)


class EntityRuler:
    """Pipeline component: gazetteer matches and span corrections on ``doc.ents``."""

    def __init__(self, nlp: Language, *, gazetteer: Gazetteer) -> None:
        """Build the phrase matchers once.

        Args:
            nlp: The pipeline (its vocab and tokenizer make the patterns).
            gazetteer: Names to match.
        """
        self.gaz = gazetteer
        self.rules = gazetteer.learned
        self.countries = frozenset(k for k, e in gazetteer.names.items() if e.type == "GPE")
        self.protected = frozenset(
            [*gazetteer.names, *gazetteer.demonyms, *gazetteer.capitals, *gazetteer.surnames]
        )
        self.row_words = RowWords(
            connectors=gazetteer.word_class("name_connector"),
            calendar=gazetteer.word_class("calendar_word"),
        )
        self.use_rules(nlp, gazetteer.learned)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.caps_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, label in gazetteer.patterns:
            by_label[label].append(text)
        for label, texts in sorted(by_label.items()):
            self.matcher.add(label, [nlp.make_doc(text) for text in texts])
            caps = [t for t in texts if len(t) > 3 and t not in gazetteer.ambiguous]
            self.caps_matcher.add(label, [nlp.make_doc(text) for text in caps])
        self.labels = {nlp.vocab.strings[label]: label for label in by_label}

    def use_rules(self, nlp: Language, rules: LearnedRules) -> None:
        """Apply ``rules`` from now on (the learning script switches them off)."""
        self.rules = rules
        self.added_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for surface, label in sorted(rules.additions.items()):
            self.added_matcher.add(label, [nlp.make_doc(surface)])

    def _matches(self, doc: Doc) -> list[Span]:
        found: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            text = doc[start:end].text
            if text not in self.gaz.ambiguous:
                found.append(Span(doc, start, end, label=self.labels[match_id]))
        for match_id, start, end in self.caps_matcher(doc):
            span = doc[start:end]
            if span.text.isupper():
                found.append(Span(doc, start, end, label=self.labels[match_id]))
        return found

    def _relabel(self, span: Span) -> Span:
        """The label the gazetteer gives an exact model span, if it knows the name."""
        key = norm(span.text)
        entry = self.gaz.names.get(key)
        label = span.label_
        if key in self.gaz.demonyms and label in {"NORP", "GPE", "LOC", "ORG", "LANGUAGE"}:
            label = "NORP" if label != "LANGUAGE" else label
        elif entry is not None and entry.type == "PERSON":
            label = "PERSON"
        elif entry is not None and span.text not in self.gaz.ambiguous and label != "PERSON":
            label = entry.type
        elif key in self.gaz.surnames and label in {"ORG", "GPE", "NORP", "LOC"}:
            label = "PERSON"
        return span if label == span.label_ else Span(span.doc, span.start, span.end, label=label)

    def __call__(self, doc: Doc) -> Doc:
        """Correct ``doc.ents`` in place."""
        corrected: list[Span] = []
        for ent in doc.ents:
            for span in correct_span(doc, ent.start, ent.end, ent.label_, self.gaz):
                corrected.append(self._relabel(span))
        corrected = apply_rules(
            doc,
            corrected,
            self.rules,
            text=doc_text(doc),
            countries=self.countries,
            protected=self.protected,
            words=self.row_words,
        )
        owner = [-1] * len(doc)
        for i, span in enumerate(corrected):
            for t in range(span.start, span.end):
                owner[t] = i
        added: list[Span] = []
        for match in self._matches(doc):
            hits = {owner[t] for t in range(match.start, match.end)}
            if hits == {-1}:
                added.append(match)
            elif -1 not in hits or len(hits) > 1:
                inside = all(
                    match.start <= corrected[i].start and corrected[i].end <= match.end
                    for i in hits
                    if i >= 0
                )
                longer = all(len(match) > len(corrected[i]) for i in hits if i >= 0)
                if inside and longer:
                    added.append(match)
                    for i in hits:
                        if i >= 0:
                            corrected[i] = match
        spans = filter_spans([*corrected, *added])
        if self.rules.additions:
            # Learned names the model tends to miss, where no entity is.
            taken = [False] * len(doc)
            for span in spans:
                taken[span.start : span.end] = [True] * len(span)
            for match_id, start, end in self.added_matcher(doc):
                if not any(taken[start:end]):
                    spans.append(Span(doc, start, end, label=doc.vocab.strings[match_id]))
                    taken[start:end] = [True] * (end - start)
            spans = filter_spans(spans)
        doc.ents = spans
        return doc


@Language.factory(
    "presslake_entity_ruler_v1",
    requires=["doc.ents", "token.tag"],
    assigns=["doc.ents"],
    default_config={"gazetteer": {"@misc": GAZETTEER_FUNCTION, "directory": ""}},
)
def make_entity_ruler(nlp: Language, name: str, gazetteer: Gazetteer) -> EntityRuler:
    """Create the ``presslake_entity_ruler_v1`` component.

    Args:
        gazetteer: The names to match (``[components.presslake_entity_ruler.gazetteer]``).
    """
    return EntityRuler(nlp, gazetteer=gazetteer)
