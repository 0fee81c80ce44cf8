"""``presslake_entities_v1``: resolved entity mentions on ``doc._.pl_mentions``, and their rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from transforms.ids import row_id
from transforms.nlp.context import DocContext, doc_context
from transforms.nlp.entities.descriptions import descriptions, gender_hint
from transforms.nlp.entities.gazetteer import GAZETTEER_FUNCTION, Gazetteer, load_gazetteer
from transforms.nlp.entities.names import (
    Name,
    appos_descriptor,
    make_mention,
    resolve_names,
    trim,
    vote_labels,
)
from transforms.nlp.entities.pronouns import pronouns
from transforms.nlp.entities.records import ENTITY_LABELS, Mention, MentionRecord, norm


def resolve_mentions(ctx: DocContext, gaz: Gazetteer) -> list[Mention]:
    """Every entity mention of the context's Doc: names, descriptions and pronouns."""
    doc = ctx.doc
    sent_of = ctx.sentence_of_token
    names: list[Name] = []
    ents = doc.ents
    for ent in ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        span = trim(ent)
        key = norm(span.text)
        if not key:
            continue
        label = span.label_
        if label in {"GPE", "ORG", "LOC", "NORP"} and (
            (d := appos_descriptor(span, gaz)) is not None and d.lemma_.lower() in gaz.descriptors
        ):
            label = "PERSON"
        names.append(Name(span, label, key, tuple(key.split()), sent_of[span.start]))
    vote_labels(names, gaz)
    clusters = resolve_names(doc, names, gaz)
    mentions: list[Mention] = []
    for name, cluster in zip(names, clusters, strict=True):
        if not cluster.gender and name.label == "PERSON":
            cluster.gender = gender_hint(doc, name.span, gaz)
        mentions.append(
            make_mention(ctx, name.span.start, name.span.end, name.label, "name", cluster)
        )
    mentions.extend(descriptions(ctx, ents, names, clusters, gaz))
    if doc.has_annotation("DEP"):
        mentions.extend(pronouns(ctx, names, clusters, sent_of))
    unique = {(m.start_char, m.end_char): m for m in reversed(mentions)}
    return sorted(unique.values(), key=lambda m: (m.start_char, -m.end_char))


class EntityResolver:
    """Pipeline component: attach resolved mentions to ``doc._.pl_mentions``."""

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        """Args:
        gazetteer: Known names; the packaged one by default.
        """
        self.gaz = gazetteer or load_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        """Resolve the Doc's entity mentions."""
        doc._.pl_mentions = resolve_mentions(doc_context(doc), self.gaz)
        return doc


@Language.factory(
    "presslake_entities_v1",
    requires=["doc.ents", "token.dep", "token.lemma", "token.tag"],
    assigns=["doc._.pl_mentions"],
    default_config={"gazetteer": {"@misc": GAZETTEER_FUNCTION, "directory": ""}},
)
def make_entity_resolver(nlp: Language, name: str, gazetteer: Gazetteer) -> EntityResolver:
    """Create the ``presslake_entities_v1`` component.

    Args:
        gazetteer: The names and word classes to resolve with (``[components.
            presslake_entities.gazetteer]`` in ``config.cfg``).
    """
    return EntityResolver(gazetteer=gazetteer)


def extract_entity_mentions(doc: Doc, *, doc_id: str) -> Iterator[MentionRecord]:
    """Yield one ``entity_mentions`` row per resolved mention of ``doc``."""
    for m in doc._.pl_mentions or []:
        yield MentionRecord(
            mention_id=row_id("m", doc_id, m.start_char, m.end_char),
            doc_id=doc_id,
            entity_id=m.entity_id,
            text=m.text,
            label=m.label,
            start_char=m.start_char,
            end_char=m.end_char,
            sentence_index=m.sentence_index,
            mention_kind=m.kind,
            entity_name=m.entity_name,
            entity_type=m.entity_type,
            entity_key=m.entity_key,
        )


def entity_keys(mentions: Iterable[Mention]) -> dict[str, list[str]]:
    """Surface forms per entity key (handy for tests and reports)."""
    forms: dict[str, list[str]] = defaultdict(list)
    for m in mentions:
        if m.text not in forms[m.entity_key]:
            forms[m.entity_key].append(m.text)
    return dict(forms)
