-- One row per canonical entity with how often and when it is mentioned.
-- entity_id: Canonical entity id.
-- name: Canonical name.
-- type: OntoNotes type (PERSON, ORG, GPE, ...).
-- n_mentions: Mentions across the warehouse.
-- n_docs: Documents that mention it (copies of one story count each).
-- n_stories: Stories that mention it (near-duplicate copies count once).
-- n_aliases: Number of surface forms.
-- aliases: Every surface form seen for it, sorted.
-- first_seen: Publication time of the first document that mentions it.
-- last_seen: Publication time of the last document that mentions it.
CREATE OR REPLACE VIEW entity_summary AS
SELECT
    e.entity_id,
    e.name,
    e.type,
    e.n_mentions,
    e.n_docs,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories,
    len(e.aliases) AS n_aliases,
    e.aliases,
    min(d.published_at) AS first_seen,
    max(d.published_at) AS last_seen
FROM entities AS e
LEFT JOIN entity_mentions AS m ON m.entity_id = e.entity_id
LEFT JOIN documents AS d ON d.doc_id = m.doc_id
GROUP BY ALL;
