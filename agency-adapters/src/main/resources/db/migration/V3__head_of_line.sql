-- Head of line kept explicitly, so that a claim reads O(batch) rows instead of every due row of the agency:
-- adapter_head holds, per (agency, subject_ref), the open delivery (PENDING or RETRYING) with the lowest sequence.
CREATE TABLE adapter_head (
    agency          text        NOT NULL,
    subject_ref     text        NOT NULL,
    delivery_id     uuid        NOT NULL,
    sequence        bigint      NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    PRIMARY KEY (agency, subject_ref)
);

-- The claim: an index range scan in due order, stopped by its LIMIT.
CREATE INDEX adapter_head_due ON adapter_head (agency, next_attempt_at, sequence);

-- The open deliveries of one subject by sequence: the head's recomputation and the claim's order check, without
-- walking the subject's settled history.
CREATE INDEX adapter_delivery_open_subject ON adapter_delivery (agency, subject_ref, sequence)
    WHERE status IN ('PENDING', 'RETRYING');

-- Recomputes the subject's head after every change that can open or close a delivery or move its due time.
-- A trigger, so no code path (arrival, settlement, supersession, parking, cancel, retry, replay) can forget it.
-- The transaction-scoped advisory lock serializes recomputations per subject: whoever recomputes last has seen
-- every other committed change of that subject (READ COMMITTED takes a fresh snapshot per statement), so the head
-- row is never missing while an open delivery exists, and never names a closed one once all have committed.
CREATE FUNCTION adapter_head_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status AND NEW.next_attempt_at = OLD.next_attempt_at THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.agency || chr(31) || NEW.subject_ref, 7));
    INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at)
        SELECT o.agency, o.subject_ref, o.delivery_id, o.sequence, o.next_attempt_at
        FROM adapter_delivery o
        WHERE o.agency = NEW.agency AND o.subject_ref = NEW.subject_ref AND o.status IN ('PENDING', 'RETRYING')
        ORDER BY o.sequence LIMIT 1
        ON CONFLICT (agency, subject_ref) DO UPDATE
            SET delivery_id = EXCLUDED.delivery_id, sequence = EXCLUDED.sequence,
                next_attempt_at = EXCLUDED.next_attempt_at
            WHERE (adapter_head.delivery_id, adapter_head.next_attempt_at)
                IS DISTINCT FROM (EXCLUDED.delivery_id, EXCLUDED.next_attempt_at);
    IF NOT FOUND THEN
        DELETE FROM adapter_head h
        WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref
          AND NOT EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = NEW.agency
                          AND o.subject_ref = NEW.subject_ref AND o.status IN ('PENDING', 'RETRYING'));
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER adapter_head_on_insert AFTER INSERT ON adapter_delivery
    FOR EACH ROW EXECUTE FUNCTION adapter_head_refresh();
CREATE TRIGGER adapter_head_on_update AFTER UPDATE OF status, next_attempt_at ON adapter_delivery
    FOR EACH ROW EXECUTE FUNCTION adapter_head_refresh();

INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at)
    SELECT DISTINCT ON (agency, subject_ref) agency, subject_ref, delivery_id, sequence, next_attempt_at
    FROM adapter_delivery WHERE status IN ('PENDING', 'RETRYING')
    ORDER BY agency, subject_ref, sequence;
