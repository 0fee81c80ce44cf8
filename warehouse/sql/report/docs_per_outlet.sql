-- Documents and stories per outlet.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    o.outlet,
    count(*) AS documents,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS stories,
    min(d.published_at) AS first_published,
    max(d.published_at) AS last_published
FROM docs AS d
JOIN document_outlets AS o USING (doc_id)
GROUP BY ALL
ORDER BY documents DESC, outlet
LIMIT 30
