-- A sample of quotes: the most confident one of each resolved speaker, one copy per story.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
), ranked AS (
    SELECT
        w.speaker, w.kind, w.cue, w.quote, w.doc_id, w.title, w.published_at, w.confidence,
        row_number() OVER (
            PARTITION BY w.speaker_entity_id ORDER BY w.confidence DESC, w.quote_id
        ) AS rank
    FROM who_said_what AS w SEMI JOIN docs USING (doc_id)
    WHERE w.speaker_entity_id IS NOT NULL
      AND ($entity_id IS NULL OR w.speaker_entity_id = $entity_id)
)
SELECT speaker, kind, cue, quote, doc_id, title, published_at, confidence
FROM ranked
WHERE $entity_id IS NOT NULL OR rank = 1
ORDER BY confidence DESC, speaker, doc_id
LIMIT $limit
