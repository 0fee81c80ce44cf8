-- How the documents of the period name one entity: each surface form and how often.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT m.text AS alias, m.mention_kind AS kind, count(*) AS mentions,
       count(DISTINCT m.doc_id) AS documents
FROM entity_mentions AS m SEMI JOIN docs USING (doc_id)
WHERE m.entity_id = $entity_id
GROUP BY ALL
ORDER BY mentions DESC, alias
LIMIT 40
