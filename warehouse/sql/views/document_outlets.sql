-- The outlet of every document: the record's source field, else its URL's host, else where it was read from.
-- doc_id: Document.
-- outlet: Outlet name.
CREATE OR REPLACE VIEW document_outlets AS
SELECT
    doc_id,
    coalesce(
        json_extract_string(metadata, '$.source'),
        nullif(regexp_extract(
            coalesce(json_extract_string(metadata, '$.url'), source_uri),
            '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)', 1), ''),
        regexp_replace(source_uri, '#.*$', '')
    ) AS outlet
FROM documents;
