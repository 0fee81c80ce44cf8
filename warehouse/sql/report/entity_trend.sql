-- Mentions per publication day of the entities in most stories.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
), top AS (
    SELECT m.entity_id
    FROM entity_mentions AS m JOIN docs AS d USING (doc_id)
    GROUP BY m.entity_id
    ORDER BY count(DISTINCT coalesce(d.story_id, d.doc_id)) DESC, count(*) DESC, m.entity_id
    LIMIT $limit
)
SELECT
    CAST(d.published_at AS DATE) AS day,
    e.name,
    count(*) AS mentions,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS stories
FROM entity_mentions AS m
JOIN top USING (entity_id)
JOIN docs AS d USING (doc_id)
JOIN entities AS e ON e.entity_id = m.entity_id
WHERE d.published_at IS NOT NULL
GROUP BY ALL
ORDER BY day, name
