"""The learned quote span model: CONTENT, CUE and SOURCE spans from PolNeAR train.

The model is a small spaCy pipeline (``tok2vec`` + ``ner``) trained by ``make train`` from
``training/quote_spans.cfg``; its weights live under ``transforms/data/quotes/model/``. It reads
the words and the parse of the presslake pipeline, so it runs on a copy of the Doc after the
parser and leaves ``doc.ents`` alone. ``presslake.parsed_spans.v1`` is the corpus reader that
gives it parsed Docs during training (spaCy's own reader would keep only the words).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, NORM, ORTH, POS, SPACY, TAG
from spacy.language import Language
from spacy.ml.models import MultiHashEmbed
from spacy.parts_of_speech import VERB
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from thinc.api import Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d

from transforms.nlp.lexicons import (
    LexiconError,
    LexiconSource,
    file_stamp,
    lexicon_path,
    register_lexicon,
)
from transforms.nlp.quotes.records import Quote

MODEL_FUNCTION = "presslake.quote_model.v1"
_MODEL_DIR = "quotes/model"

LABELS = ("CONTENT", "CUE", "SOURCE")

#: The model's features beside the parse and the token vectors are strings it writes into
#: columns of its own copy of the Doc (the copy is the model's alone, so the columns are free):
#: ``LEMMA`` holds the rules' label of the token (:func:`rule_tags`), ``NORM`` the relation of
#: the token's clause to the word governing it with that word's lemma ("ccomp>warn": inside the
#: complement clause of "warned"), ``TAG`` the lemma of the token's own clause head. The
#: training config hashes these three columns (``attrs`` of the embedding).
RULE_TAG, GOVERNOR, CLAUSE = LEMMA, NORM, TAG


@dataclass(frozen=True, slots=True)
class LearnedSpan:
    """A span the model predicts, in tokens of the Doc it was given."""

    label: str
    start: int
    end: int


def rule_tags(doc: Doc, quotes: Sequence[Quote]) -> list[str]:
    """Per token, the part of the rules' attributions it is in: ``C-<kind>`` for content,
    ``CUE``, ``SRC``, or ``O``."""
    tags = ["O"] * len(doc)

    def mark(start: int | None, end: int | None, tag: str) -> None:
        if start is None or end is None:
            return
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            tags[span.start : span.end] = [tag] * len(span)

    for q in quotes:
        mark(q.start_char, q.end_char, f"C-{q.kind}")
    for q in quotes:
        mark(q.cue_start, q.cue_end, "CUE")
        mark(q.speaker_start, q.speaker_end, "SRC")
    return tags


def model_copy(doc: Doc, tags: Sequence[str]) -> Doc:
    """The Doc the model reads: ``doc``'s words, parse and token vectors, with the rule
    ``tags`` and the clause features in its free columns (see RULE_TAG) and its entities
    cleared to *missing*, not *outside* (the span model would keep preset ``O`` tokens out
    of its spans). Built from the Doc's arrays: no Token objects."""
    strings = doc.vocab.strings
    columns = doc.to_array([ORTH, SPACY, POS, HEAD, DEP, LEMMA])
    orth, space, pos, dep, lemma = (columns[:, k].tolist() for k in (0, 1, 2, 4, 5))
    heads = [i + h for i, h in enumerate(columns[:, 3].astype("int64").tolist())]
    copy = Doc(doc.vocab, words=[strings[o] for o in orth], spaces=[bool(x) for x in space])
    clause = list(range(len(doc)))
    for i in range(len(doc)):  # heads come before or after: walk up, at most 50 steps
        j = i
        for _ in range(50):
            if pos[j] == VERB or heads[j] == j:
                break
            j = heads[j]
        clause[i] = j
    governor: dict[int, tuple[int, int]] = {}
    for j in set(clause):
        relation = f"{strings[dep[j]]}>{strings[lemma[heads[j]]].lower()}"
        governor[j] = (strings.add(relation), strings.add(strings[lemma[j]].lower()))
    features = numpy.empty((len(doc), 6), dtype="uint64")
    features[:, :3] = columns[:, 2:5]  # POS, HEAD, DEP as they are
    features[:, 3:] = numpy.array(
        [(strings.add(tag), *governor[clause[i]]) for i, tag in enumerate(tags)], dtype="uint64"
    ).reshape(len(doc), 3)
    copy.from_array([POS, HEAD, DEP, RULE_TAG, GOVERNOR, CLAUSE], features)
    copy.tensor = doc.tensor
    copy.set_ents([], default="missing")
    return copy


def _training_doc(doc: Doc) -> Doc:
    """A Doc of the training corpus: its token vectors and rule tags are in ``user_data``
    (``scripts/build_quote_corpus.py``)."""
    doc.tensor = doc.user_data["tensor"]
    return model_copy(doc, doc.user_data["rule_tags"])


@spacy.registry.architectures("presslake.TensorEmbed.v1")
def tensor_embed(
    width: int, attrs: list[str], rows: list[int], tensor_width: int
) -> Model[list[Doc], list[Floats2d]]:
    """Token vectors of width ``width`` from hashed attributes (``spacy.MultiHashEmbed.v2``)
    and the Doc's ``tensor``: the context vectors the pipeline's own ``tok2vec`` left there
    for its tagger and parser, so the span model reads them at no cost."""
    hashed = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=False)
    model: Model[list[Doc], list[Floats2d]] = chain(
        concatenate(hashed, _doc_tensors(tensor_width)),
        with_array(Maxout(width, width + tensor_width, nP=3, normalize=True)),
    )
    model.set_dim("nO", width)
    return model


def _doc_tensors(width: int) -> Model[list[Doc], list[Floats2d]]:
    def forward(
        model: Model[list[Doc], list[Floats2d]], docs: list[Doc], is_train: bool
    ) -> tuple[list[Floats2d], Callable[[list[Floats2d]], list[Doc]]]:
        out = []
        for doc in docs:
            tensor = doc.tensor
            if tensor is None or tensor.shape != (len(doc), width):
                raise ValueError(
                    f"the quote span model reads the pipeline's token vectors (width {width}); "
                    f"this Doc has a tensor of shape {getattr(tensor, 'shape', None)}"
                )
            out.append(model.ops.asarray2f(tensor))
        return out, lambda d_out: []

    return Model("doc_tensors", forward, dims={"nO": width})


@spacy.registry.readers("presslake.parsed_spans.v1")
def parsed_spans_corpus(path: Path) -> Callable[[Language], Iterator[Example]]:
    """Examples whose predicted Doc keeps the stored parse and whose reference carries the
    gold spans as entities (``scripts/build_quote_corpus.py`` writes such DocBins)."""

    def read(nlp: Language) -> Iterator[Example]:
        for doc in DocBin(store_user_data=True).from_disk(path).get_docs(nlp.vocab):
            yield Example(_training_doc(doc), doc)

    return read


class QuoteSpanModel:
    """Predicts attribution spans for parsed Docs with the trained pipeline at ``path``.

    Attributes:
        sources: The model directory and a digest of its files (the pipeline version
            changes with the weights). Reading them does not load the weights: the version
            is computed before a run knows whether it has documents to analyse.
    """

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        self.path = path
        self.sources = (LexiconSource(str(path), _model_digest(path)),)

    @cached_property
    def nlp(self) -> Language:
        """The trained pipeline, loaded on first use."""
        return spacy.load(self.path)

    def spans(self, docs: Iterable[tuple[Doc, Sequence[Quote]]]) -> Iterator[list[LearnedSpan]]:
        """For each Doc and the rules' attributions in it, the predicted spans in token
        order."""

        def prepared(doc: Doc, quotes: Sequence[Quote]) -> Doc:
            for label in LABELS:
                doc.vocab.strings.add(label)
            return model_copy(doc, rule_tags(doc, quotes))

        for copy in self.nlp.pipe(prepared(doc, quotes) for doc, quotes in docs):
            yield [LearnedSpan(e.label_, e.start, e.end) for e in copy.ents]


def _model_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@cache
def _load_model(path: str, stamp: object) -> QuoteSpanModel:
    return QuoteSpanModel(Path(path))


@register_lexicon(MODEL_FUNCTION)
def quote_model_v1(path: str = "") -> QuoteSpanModel:
    """The quote span model at ``path`` (empty: the packaged ``transforms/data/quotes/model``).

    Raises:
        LexiconError: when ``path`` holds no trained pipeline.
    """
    directory = lexicon_path(path or None, _MODEL_DIR)
    if not (directory / "config.cfg").is_file():
        raise LexiconError(str(directory), 0, "no trained quote model here (make train)")
    return _load_model(str(directory), file_stamp(directory / "meta.json"))
