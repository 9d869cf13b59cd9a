-- Planner statistics only for the columns the adapters' statements filter, join or group on; ANALYZE
-- (PlannerStatistics, every 30 s while deliveries flow, autovacuum may be off) then skips the others (480,000
-- deliveries: adapter_delivery 325 -> 249 ms, adapter_head 88 -> 43 ms). A column list on ANALYZE itself would not
-- do: PostgreSQL resets a table's count of changes since the last ANALYZE only when every column was analyzed, so the
-- table would look stale, and be analyzed again, at every round.
--
-- adapter_delivery keeps agency and status (every read, and the (agency, status) statistics of V4 that the backlog's
-- estimate reads), subject_ref, sequence and change_type (head of line, supersession, replay), next_attempt_at,
-- lease_until and leased_by (the claim) and first_delivered_at (the replay window). Every other read of a row is by
-- delivery_id, which has a unique index, and the planner knows that without statistics.
ALTER TABLE adapter_delivery
    ALTER COLUMN delivery_id SET STATISTICS 0,
    ALTER COLUMN receipt SET STATISTICS 0,
    ALTER COLUMN change_id SET STATISTICS 0,
    ALTER COLUMN attempts SET STATISTICS 0,
    ALTER COLUMN attempts_before_retry SET STATISTICS 0,
    ALTER COLUMN revision SET STATISTICS 0,
    ALTER COLUMN reason SET STATISTICS 0,
    ALTER COLUMN cancel_reason SET STATISTICS 0,
    ALTER COLUMN received_at SET STATISTICS 0,
    ALTER COLUMN updated_at SET STATISTICS 0;

-- adapter_head is read in due order per agency (the claim); the trigger's reads and writes go by its primary key.
ALTER TABLE adapter_head
    ALTER COLUMN subject_ref SET STATISTICS 0,
    ALTER COLUMN delivery_id SET STATISTICS 0;
