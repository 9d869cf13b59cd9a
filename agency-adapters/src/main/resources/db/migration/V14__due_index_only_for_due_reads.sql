-- Only the claims read adapter_head by due time; every other statement finds a head by its key (agency, subject_ref):
-- the head-of-line trigger's updates and deletes, the claim's head write, the heartbeat's give-back.
--
-- The report relay vacuums adapter_head while it publishes, and a vacuum of a table emptied just then records that
-- its pages (which it keeps: TRUNCATE false) hold no rows; until the next ANALYZE (PlannerStatistics, within
-- tongbao.adapters.statistics-interval) every plan takes the table for one row and costs both indexes alike. The
-- planner then found one head for the trigger through adapter_head_due by the agency alone, reading every head of the
-- agency: each settlement of a backlog that arrived in that state read the whole backlog's heads.
--
-- The same index, partial with a predicate that only a condition on next_attempt_at implies, is out of those
-- statements' reach: they can use only the primary key, whatever the statistics say. Every head has a due time
-- (the column is NOT NULL), so the index holds every head, as before.
DROP INDEX adapter_head_due;
CREATE INDEX adapter_head_due ON adapter_head (agency, next_attempt_at, sequence) WHERE next_attempt_at IS NOT NULL;
