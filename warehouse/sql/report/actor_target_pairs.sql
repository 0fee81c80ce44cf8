-- The strongest actor -> target pairs: events between two resolved entities, by stories.
WITH docs AS (
    SELECT * FROM documents
    WHERE ($since IS NULL OR published_at >= $since)
      AND ($until IS NULL OR published_at < $until)
)
SELECT
    t.actor,
    t.target,
    count(*) AS events,
    count(DISTINCT t.story_id) AS stories,
    list_sort(list_distinct(list(t.event_type))) AS event_types
FROM event_timeline AS t SEMI JOIN docs USING (doc_id)
WHERE t.actor_entity_id IS NOT NULL AND t.target_entity_id IS NOT NULL
  AND t.actor_entity_id <> t.target_entity_id
GROUP BY ALL
ORDER BY stories DESC, events DESC, actor, target
LIMIT $limit
