-- Headline figures of the period.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    (SELECT count(*) FROM docs) AS documents,
    (SELECT count(DISTINCT coalesce(story_id, doc_id)) FROM docs) AS stories,
    (SELECT count(DISTINCT m.entity_id) FROM entity_mentions AS m SEMI JOIN docs USING (doc_id))
        AS entities,
    (SELECT count(*) FROM quotes SEMI JOIN docs USING (doc_id)) AS quotes,
    (SELECT count(*) FROM events SEMI JOIN docs USING (doc_id)) AS events,
    (SELECT min(published_at) FROM docs) AS first_published,
    (SELECT max(published_at) FROM docs) AS last_published,
    (SELECT count(*) FROM runs) AS runs
