-- Who did what to whom and when: one row per event, actor and target resolved.
-- date: Event date, else the publication date.
-- date_precision: Precision of date ('published' when it is the publication date; null when there is no date).
-- date_text: The words that give the date.
-- actor: Actor (canonical name, else as written).
-- event_type: PLOVER category or OTHER.
-- trigger: Trigger word(s).
-- target: Target (canonical name, else as written).
-- modality: asserted, negated, future, hypothetical or requested.
-- title: Headline of the document.
-- event_id: Event id.
-- doc_id: Document.
-- actor_entity_id: Canonical actor, if resolved.
-- target_entity_id: Canonical target, if resolved.
-- story_id: Story of the document (count distinct story_id to count copies once).
CREATE OR REPLACE VIEW event_timeline AS
WITH actor AS (
    SELECT p.event_id, first(coalesce(e.name, p.text) ORDER BY p.start_char) AS actor,
           first(p.entity_id ORDER BY p.start_char) AS actor_entity_id
    FROM event_participants AS p
    LEFT JOIN entities AS e ON e.entity_id = p.entity_id
    WHERE p.role = 'actor'
    GROUP BY p.event_id
), target AS (
    SELECT p.event_id, first(coalesce(e.name, p.text) ORDER BY p.start_char) AS target,
           first(p.entity_id ORDER BY p.start_char) AS target_entity_id
    FROM event_participants AS p
    LEFT JOIN entities AS e ON e.entity_id = p.entity_id
    WHERE p.role = 'target'
    GROUP BY p.event_id
)
SELECT
    coalesce(ev.event_date, CAST(d.published_at AS DATE)) AS date,
    CASE
        WHEN ev.event_date IS NOT NULL THEN ev.date_precision
        WHEN d.published_at IS NOT NULL THEN 'published'
    END AS date_precision,
    ev.date_text,
    a.actor,
    ev.event_type,
    ev.trigger_text AS trigger,
    t.target,
    ev.modality,
    d.title,
    ev.event_id,
    ev.doc_id,
    a.actor_entity_id,
    t.target_entity_id,
    coalesce(d.story_id, d.doc_id) AS story_id
FROM events AS ev
JOIN documents AS d ON d.doc_id = ev.doc_id
LEFT JOIN actor AS a ON a.event_id = ev.event_id
LEFT JOIN target AS t ON t.event_id = ev.event_id;
