-- Fewer index entries per delivery. A status change is never a heap-only update (the open rows' partial index names
-- status), so every arrival and every settlement writes an entry into each index whose predicate the new row meets.

-- The claim has read adapter_head since V3, and the open deliveries' count (DeliveryBacklog) reads the partial index on
-- open rows as well; nothing else reads this index. Without it, next_attempt_at is in no index, so a retry that leaves a
-- delivery RETRYING (all but the first of an outage's failures) can be a heap-only update.
DROP INDEX adapter_delivery_due;

-- Replays and their counts look rows up by when they were first delivered; a row never delivered (every arrival, every
-- first failure) needs no entry.
CREATE INDEX adapter_delivery_delivered ON adapter_delivery (agency, first_delivered_at)
    WHERE first_delivered_at IS NOT NULL;
DROP INDEX adapter_delivery_replay;
ALTER INDEX adapter_delivery_delivered RENAME TO adapter_delivery_replay;

-- Writes a batch of state changes in one call, each only if its row is still at the revision the change was made from;
-- returns the positions (from 1) of those written. One UPDATE per row, in the arrays' order: each fires the head-of-line
-- trigger (V3), which takes the subject's lock, and those locks must be taken in the caller's lock order. A single
-- UPDATE ... FROM unnest(...) would update (and lock) in whatever order its plan produces; on a table of a few hundred
-- rows that is a hash join probed by a sequential scan, in the heap's order.
CREATE FUNCTION adapter_delivery_settle(
    p_ids uuid[], p_revisions_before bigint[], p_statuses text[], p_attempts integer[], p_revisions bigint[],
    p_reasons text[], p_next_attempts timestamptz[], p_attempts_before_retry integer[], p_now timestamptz)
RETURNS SETOF integer LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM unnest(p_ids, p_revisions_before, p_statuses, p_attempts, p_revisions, p_reasons,
                                  p_next_attempts, p_attempts_before_retry) WITH ORDINALITY
                 AS u(id, revision_before, status, attempts, revision, reason, next_attempt_at, attempts_before_retry, n)
             ORDER BY n
    LOOP
        UPDATE adapter_delivery SET status = c.status, attempts = c.attempts, revision = c.revision,
            reason = c.reason, next_attempt_at = c.next_attempt_at, attempts_before_retry = c.attempts_before_retry,
            lease_until = NULL, leased_by = NULL, cancel_reason = NULL,
            first_delivered_at = COALESCE(first_delivered_at, CASE WHEN c.status = 'DELIVERED' THEN p_now END),
            updated_at = p_now
        WHERE delivery_id = c.id AND revision = c.revision_before;
        IF FOUND THEN
            RETURN NEXT c.n::integer;
        END IF;
    END LOOP;
END;
$$;
