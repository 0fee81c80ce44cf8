-- Rejected inputs by reason, with one example each.
SELECT reason, count(*) AS inputs, min(source_uri) AS example
FROM rejects
GROUP BY reason
ORDER BY inputs DESC, reason
