-- One row per story: a wire story and its near-duplicate copies across outlets.
-- story_id: Story id: the doc_id of its earliest-seen document.
-- title: Headline of that first document.
-- first_seen: Earliest publication time of a copy.
-- last_seen: Latest publication time of a copy.
-- first_loaded: When the first copy was loaded.
-- copies: Documents in the story.
-- outlets: Distinct outlets that ran it (source field, URL host or source of the record).
-- outlet_names: Those outlets, sorted.
-- titles: Distinct headlines the copies ran under, sorted.
-- n_words: Words of the longest copy.
CREATE OR REPLACE VIEW stories AS
WITH docs AS (
    SELECT
        coalesce(story_id, doc_id) AS story_id,
        doc_id,
        title,
        published_at,
        ingested_at,
        n_words,
        o.outlet
    FROM documents
    JOIN document_outlets AS o USING (doc_id)
)
SELECT
    s.story_id,
    first(s.title ORDER BY s.doc_id = s.story_id DESC, s.published_at) AS title,
    min(s.published_at) AS first_seen,
    max(s.published_at) AS last_seen,
    min(s.ingested_at) AS first_loaded,
    count(*) AS copies,
    count(DISTINCT s.outlet) AS outlets,
    list_sort(list_distinct(list(s.outlet))) AS outlet_names,
    list_sort(list_distinct(list(s.title))) AS titles,
    max(s.n_words) AS n_words
FROM docs AS s
GROUP BY s.story_id;
