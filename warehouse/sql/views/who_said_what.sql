-- Every quotation and piece of reported speech with its speaker and article.
CREATE OR REPLACE VIEW who_said_what AS
SELECT
    q.quote_id,
    coalesce(e.name, q.speaker_text) AS speaker,
    q.speaker_entity_id,
    e.type AS speaker_type,
    q.kind,
    q.cue_text AS cue,
    q.text AS quote,
    d.published_at,
    d.title,
    q.doc_id,
    q.start_char,
    q.end_char,
    q.confidence
FROM quotes AS q
JOIN documents AS d ON d.doc_id = q.doc_id
LEFT JOIN entities AS e ON e.entity_id = q.speaker_entity_id;
