-- The documents the report links to.
SELECT
    d.doc_id,
    d.title,
    d.published_at,
    o.outlet,
    coalesce(d.story_id, d.doc_id) AS story_id,
    json_extract_string(d.metadata, '$.url') AS url,
    d.source_uri,
    d.n_words
FROM documents AS d
JOIN document_outlets AS o USING (doc_id)
WHERE list_contains($doc_ids, d.doc_id)
ORDER BY d.published_at, d.doc_id
