-- The entity a name refers to: canonical name first, then an alias; the most mentioned wins.
SELECT entity_id, name, type, aliases, n_mentions, n_docs
FROM entities
WHERE lower(name) = lower($name)
   OR list_contains(list_transform(aliases, a -> lower(a)), lower($name))
ORDER BY lower(name) = lower($name) DESC, n_mentions DESC, entity_id
LIMIT 1
