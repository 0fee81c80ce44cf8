-- Data quality shares of the period.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
), ev AS (
    SELECT
        e.event_id,
        e.event_date,
        CAST(d.published_at AS DATE) AS published,
        EXISTS (SELECT 1 FROM event_participants AS p
                WHERE p.event_id = e.event_id AND p.role = 'actor') AS has_actor
    FROM events AS e JOIN docs AS d USING (doc_id)
)
SELECT 'events with an actor' AS measure,
       count(*) FILTER (WHERE has_actor) AS n, count(*) AS total FROM ev
UNION ALL
SELECT 'events dated other than their document',
       count(*) FILTER (WHERE event_date IS NOT NULL AND event_date IS DISTINCT FROM published),
       count(*) FROM ev
UNION ALL
SELECT 'quotes without a resolved speaker',
       count(*) FILTER (WHERE q.speaker_entity_id IS NULL), count(*)
FROM quotes AS q SEMI JOIN docs USING (doc_id)
UNION ALL
SELECT 'documents without a publication time',
       count(*) FILTER (WHERE published_at IS NULL), count(*) FROM docs
UNION ALL
SELECT 'documents that are copies of an earlier story',
       count(*) FILTER (WHERE story_id IS NOT NULL AND story_id <> doc_id), count(*) FROM docs
