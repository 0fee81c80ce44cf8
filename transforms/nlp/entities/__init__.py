"""Entity mentions and entity resolution within a document.

Two pipeline components live here:

* ``presslake_entity_ruler_v1`` (:mod:`.ruler`, after ``ner``) corrects the model's entity
  spans with the gazetteer (:mod:`.gazetteer`: countries and capitals from pycountry,
  demonyms, organisations and news agencies, heads of state; files under
  ``transforms/data/entities/`` or a directory named in the pipeline config): it trims
  titles, determiners, quote marks, trailing numbers and possessives, splits spans at line
  breaks and spaced dashes, adds gazetteer names the model missed and relabels exact
  gazetteer matches.
* ``presslake_entities_v1`` (:mod:`.component`) turns the entity spans into
  :class:`Mention` objects that carry a canonical entity key (:mod:`.names`), and adds
  description (:mod:`.descriptions`) and pronoun (:mod:`.pronouns`) mentions resolved by
  rules over the parse (precision first). ``extract_entity_mentions`` yields the rows.

The key (``TYPE|normalised canonical name``) is what the entity id is hashed from, so it is
chosen to be the same in every document where possible: gazetteer names for known entities
("U.S." -> ``GPE|united states``), the longest full name in the document for people.
"""

from transforms.nlp.entities.component import (
    EntityResolver,
    entity_keys,
    extract_entity_mentions,
    resolve_mentions,
)
from transforms.nlp.entities.gazetteer import Entry, Gazetteer, load_gazetteer
from transforms.nlp.entities.records import (
    ENTITY_LABELS,
    Mention,
    MentionRecord,
    make_key,
    norm,
)
from transforms.nlp.entities.ruler import EntityRuler, correct_span

__all__ = [
    "ENTITY_LABELS",
    "EntityResolver",
    "EntityRuler",
    "Entry",
    "Gazetteer",
    "Mention",
    "MentionRecord",
    "correct_span",
    "entity_keys",
    "extract_entity_mentions",
    "load_gazetteer",
    "make_key",
    "norm",
    "resolve_mentions",
]
