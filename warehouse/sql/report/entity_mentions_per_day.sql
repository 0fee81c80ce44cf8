-- Mentions of one entity per publication day and outlet.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    CAST(d.published_at AS DATE) AS day,
    o.outlet,
    count(*) AS mentions,
    count(DISTINCT m.doc_id) AS documents,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS stories
FROM entity_mentions AS m
JOIN docs AS d USING (doc_id)
JOIN document_outlets AS o USING (doc_id)
WHERE m.entity_id = $entity_id AND d.published_at IS NOT NULL
GROUP BY ALL
ORDER BY day, outlet
