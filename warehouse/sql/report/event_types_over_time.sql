-- Events per PLOVER type and month of the event date (or publication date).
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    date_trunc('month', t.date) AS month,
    t.event_type,
    count(*) AS events,
    count(DISTINCT t.story_id) AS stories
FROM event_timeline AS t SEMI JOIN docs USING (doc_id)
WHERE t.date IS NOT NULL
GROUP BY ALL
ORDER BY month, event_type
