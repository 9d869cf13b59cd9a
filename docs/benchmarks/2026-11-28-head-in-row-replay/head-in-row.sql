-- Variant B: no adapter_head and no trigger; a head carries head_at (when it may next be claimed, as adapter_head's
-- next_attempt_at since V13) and a partial index on it. The settlement clears it and promotes the subject's next open
-- delivery under the subject's advisory lock; the insert sets it unless an earlier open delivery exists (rounds.sql).
DROP TRIGGER adapter_head_on_insert ON adapter_delivery;
DROP TRIGGER adapter_head_on_update ON adapter_delivery;
DROP TABLE adapter_head;
ALTER TABLE adapter_delivery ADD COLUMN head_at timestamptz;
CREATE INDEX adapter_delivery_head ON adapter_delivery (agency, head_at, sequence) WHERE head_at IS NOT NULL;
CREATE OR REPLACE FUNCTION adapter_delivery_settle(
    p_ids uuid[], p_revisions_before bigint[], p_statuses text[], p_attempts integer[], p_revisions bigint[],
    p_reasons text[], p_next_attempts timestamptz[], p_attempts_before_retry integer[], p_now timestamptz)
RETURNS SETOF integer LANGUAGE plpgsql AS $$
DECLARE
    c record; r record;
BEGIN
    FOR c IN SELECT * FROM unnest(p_ids, p_revisions_before, p_statuses, p_attempts, p_revisions, p_reasons,
                                  p_next_attempts, p_attempts_before_retry) WITH ORDINALITY
                 AS u(id, revision_before, status, attempts, revision, reason, next_attempt_at, attempts_before_retry, n)
             ORDER BY n
    LOOP
        UPDATE adapter_delivery SET status = c.status, attempts = c.attempts, revision = c.revision,
            reason = c.reason, next_attempt_at = c.next_attempt_at, attempts_before_retry = c.attempts_before_retry,
            lease_until = NULL, leased_by = NULL, cancel_reason = NULL,
            head_at = CASE WHEN c.status IN ('PENDING', 'RETRYING') THEN c.next_attempt_at END,
            first_delivered_at = COALESCE(first_delivered_at, CASE WHEN c.status = 'DELIVERED' THEN p_now END),
            updated_at = p_now
        WHERE delivery_id = c.id AND revision = c.revision_before
        RETURNING agency, subject_ref INTO r;
        IF FOUND THEN
            IF c.status NOT IN ('PENDING', 'RETRYING') THEN
                PERFORM pg_advisory_xact_lock(hashtextextended(r.agency || chr(31) || r.subject_ref, 7));
                UPDATE adapter_delivery SET head_at = next_attempt_at
                    WHERE delivery_id = (SELECT o.delivery_id FROM adapter_delivery o
                        WHERE o.agency = r.agency AND o.subject_ref = r.subject_ref
                          AND o.status IN ('PENDING', 'RETRYING') ORDER BY o.sequence LIMIT 1)
                      AND head_at IS NULL;
            END IF;
            RETURN NEXT c.n::integer;
        END IF;
    END LOOP;
END;
$$;
