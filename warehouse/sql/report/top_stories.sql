-- The stories of the period: most copies first, then the latest.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    s.story_id AS doc_id,
    s.title,
    count(*) AS copies,
    count(DISTINCT o.outlet) AS outlets,
    min(d.published_at) AS first_seen
FROM docs AS d
JOIN stories AS s ON s.story_id = coalesce(d.story_id, d.doc_id)
JOIN document_outlets AS o ON o.doc_id = d.doc_id
GROUP BY ALL
ORDER BY copies DESC, first_seen DESC NULLS LAST, doc_id
LIMIT $limit
