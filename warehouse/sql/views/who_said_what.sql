-- Every quotation and piece of reported speech with its speaker and article.
-- quote_id: Quote id.
-- speaker: Canonical speaker name, else the speaker as written.
-- speaker_entity_id: Canonical speaker, if resolved.
-- speaker_type: Entity type of the speaker.
-- kind: direct, indirect or mixed.
-- cue: Cue verb or phrase.
-- quote: Content of the quote.
-- published_at: Publication time of the document.
-- title: Headline of the document.
-- doc_id: Document.
-- start_char: Content start.
-- end_char: Content end.
-- confidence: 0..1 confidence of the extractor.
-- story_id: Story of the document (count distinct story_id to count copies once).
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
    q.confidence,
    coalesce(d.story_id, d.doc_id) AS story_id
FROM quotes AS q
JOIN documents AS d ON d.doc_id = q.doc_id
LEFT JOIN entities AS e ON e.entity_id = q.speaker_entity_id;
