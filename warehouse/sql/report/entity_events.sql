-- Events of one entity as actor or as target.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    CASE WHEN t.actor_entity_id = $entity_id THEN 'actor' ELSE 'target' END AS role,
    t.date,
    t.actor,
    t.event_type,
    t.trigger,
    t.target,
    t.modality,
    t.doc_id,
    t.title
FROM event_timeline AS t SEMI JOIN docs USING (doc_id)
WHERE t.actor_entity_id = $entity_id OR t.target_entity_id = $entity_id
ORDER BY role, t.date, t.event_type, t.event_id
LIMIT $limit
