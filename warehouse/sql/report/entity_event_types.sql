-- Events of one entity per PLOVER type, as actor and as target.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    CASE WHEN t.actor_entity_id = $entity_id THEN 'actor' ELSE 'target' END AS role,
    t.event_type,
    count(*) AS events
FROM event_timeline AS t SEMI JOIN docs USING (doc_id)
WHERE t.actor_entity_id = $entity_id OR t.target_entity_id = $entity_id
GROUP BY ALL
ORDER BY role, events DESC, event_type
