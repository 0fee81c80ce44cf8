-- One row per canonical entity with how often and when it is mentioned.
CREATE OR REPLACE VIEW entity_summary AS
SELECT
    e.entity_id,
    e.name,
    e.type,
    e.n_mentions,
    e.n_docs,
    len(e.aliases) AS n_aliases,
    e.aliases,
    min(d.published_at) AS first_seen,
    max(d.published_at) AS last_seen
FROM entities AS e
LEFT JOIN entity_mentions AS m ON m.entity_id = e.entity_id
LEFT JOIN documents AS d ON d.doc_id = m.doc_id
GROUP BY ALL;
