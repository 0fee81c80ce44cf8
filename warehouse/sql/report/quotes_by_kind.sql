-- Quotes by kind, with how many have a resolved speaker.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    q.kind,
    count(*) AS quotes,
    count(q.speaker_entity_id) AS with_speaker
FROM quotes AS q SEMI JOIN docs USING (doc_id)
GROUP BY q.kind
ORDER BY quotes DESC, kind
