-- Planner statistics only for the columns the gateway's statements filter, join or group on (V6 began with the
-- change's payloads); ANALYZE (PlannerStatistics, every 30 s while changes are filed, autovacuum may be off) then skips
-- the others (at 100,000 changes: `change` 258 -> 140 ms, `delivery_event` 209 -> 151 ms). A column list on ANALYZE
-- itself would not do: PostgreSQL resets a table's count of changes since the last ANALYZE only when every column was
-- analyzed, so the table would look stale, and be analyzed again, at every round.
--
-- Kept: change.filer_id and idempotency_key (a filer's changes, the idempotency look-up), subject_id and type (the
-- subject's name, the per-type counts); delivery.change_id (a citizen's timeline, every join to change), agency, status
-- and updated_at (the operator's search and counts); delivery_event.delivery_id (the timeline) and at (per-minute
-- figures). Ids and receipts have unique indexes, which tell the planner as much without statistics; the other columns
-- are only read, written or sorted after a look-up, or filtered by a scan that has no other path (the metrics' report
-- lag reads every event).
ALTER TABLE change
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN receipt SET STATISTICS 0,
    ALTER COLUMN subject_name SET STATISTICS 0,
    ALTER COLUMN sequence SET STATISTICS 0,
    ALTER COLUMN effective_date SET STATISTICS 0,
    ALTER COLUMN submitted_at SET STATISTICS 0,
    ALTER COLUMN request_hash SET STATISTICS 0;

ALTER TABLE delivery
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN attempts SET STATISTICS 0,
    ALTER COLUMN revision SET STATISTICS 0,
    ALTER COLUMN reason SET STATISTICS 0,
    ALTER COLUMN next_attempt_at SET STATISTICS 0;

ALTER TABLE delivery_event
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN status SET STATISTICS 0,
    ALTER COLUMN revision SET STATISTICS 0,
    ALTER COLUMN reason SET STATISTICS 0,
    ALTER COLUMN attempt_number SET STATISTICS 0,
    ALTER COLUMN http_status SET STATISTICS 0,
    ALTER COLUMN duration_ms SET STATISTICS 0,
    ALTER COLUMN response_excerpt SET STATISTICS 0,
    ALTER COLUMN error SET STATISTICS 0,
    ALTER COLUMN recorded_at SET STATISTICS 0;
