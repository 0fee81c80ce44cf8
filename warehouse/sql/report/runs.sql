-- The latest runs of the ledger.
SELECT
    run_id,
    status,
    started_at,
    round(epoch(finished_at - started_at), 1) AS seconds,
    n_seen,
    n_new,
    n_replaced,
    n_unchanged,
    n_duplicates,
    n_rejected
FROM runs
ORDER BY started_at DESC
LIMIT 20
