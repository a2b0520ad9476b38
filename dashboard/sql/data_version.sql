-- Changes with every load and every undo, so caches keyed on it never serve stale numbers.
SELECT count(*) FILTER (WHERE undone_at IS NULL) AS live_loads, max(load_id) AS last_load, max(undone_at) AS last_undo
FROM loads
