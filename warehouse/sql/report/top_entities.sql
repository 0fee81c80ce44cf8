-- The entities most in the news: mentioned in the most stories, then documents.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    m.entity_id,
    any_value(e.name) AS name,
    any_value(e.type) AS type,
    count(*) AS mentions,
    count(DISTINCT m.doc_id) AS documents,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS stories
FROM entity_mentions AS m
JOIN docs AS d USING (doc_id)
JOIN entities AS e ON e.entity_id = m.entity_id
GROUP BY m.entity_id
ORDER BY stories DESC, documents DESC, mentions DESC, name
LIMIT $limit
