-- The speakers quoted most, by kind of quote (resolved speakers only).
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
), top AS (
    SELECT q.speaker_entity_id
    FROM quotes AS q SEMI JOIN docs USING (doc_id)
    WHERE q.speaker_entity_id IS NOT NULL
    GROUP BY ALL
    ORDER BY count(*) DESC, q.speaker_entity_id
    LIMIT $limit
), counted AS (
    SELECT
        e.name AS speaker,
        e.type,
        q.kind,
        count(*) AS quotes,
        count(DISTINCT coalesce(d.story_id, d.doc_id)) AS stories
    FROM quotes AS q
    JOIN top USING (speaker_entity_id)
    JOIN docs AS d USING (doc_id)
    JOIN entities AS e ON e.entity_id = q.speaker_entity_id
    GROUP BY ALL
)
SELECT * FROM counted
ORDER BY sum(quotes) OVER (PARTITION BY speaker) DESC, speaker, kind
