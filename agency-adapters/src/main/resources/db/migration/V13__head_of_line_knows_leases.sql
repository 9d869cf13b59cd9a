-- A claim read adapter_head in due order and passed over the heads whose deliveries were in flight (leased and not yet
-- settled): they stay the subjects' heads until settled, and being the oldest due rows they came first. With 64 tries
-- in flight per agency and as many settling, a claim read a page of 32 such heads, then 64, then 128, looking each up
-- in adapter_delivery: in a benchmark's drain of 154,000 deliveries the claims ran 19,600 statements and took 27.8 s
-- of the server's time, about as much as the settlements; with this, 10,300 statements and 21.0 s.
--
-- From here on a head's next_attempt_at is when it may next be *claimed*: its delivery's due time, or while the
-- delivery is leased the lease's end, whichever is later; leased_by names the lease's holder. A claim writes both into
-- the heads it leases, so the heads in flight leave the due range and a claim reads about as many heads as it leases.
-- The trigger keeps them (GREATEST ignores a null lease): a settlement or a release ends the lease, and the head is
-- due again at its delivery's time (or gone, if the delivery closed). A lease that lapses makes its head due when it
-- lapses, as the claim's lease check already said. A holder that stops heartbeating is the one case the head cannot
-- see by itself: every instance, on each heartbeat, gives the heads leased by instances that are not live their
-- deliveries' due times back (AdapterInstance), and a clean stop gives back its own at once.
--
-- The claim still checks the lease on adapter_delivery, so a head that does not know its lease (leased by an instance
-- of the version before this one, during a rolling deploy) is passed over as before, only not cheaply.
ALTER TABLE adapter_head ADD COLUMN leased_by uuid;
ALTER TABLE adapter_head ALTER COLUMN leased_by SET STATISTICS 0;

-- The heads of instances that stopped heartbeating, found without reading the others: only heads in flight have one.
CREATE INDEX adapter_head_leased ON adapter_head (leased_by) WHERE leased_by IS NOT NULL;

CREATE OR REPLACE FUNCTION adapter_head_recompute(p_agency text, p_subject text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_agency || chr(31) || p_subject, 7));
    DELETE FROM adapter_head h WHERE h.agency = p_agency AND h.subject_ref = p_subject;
    INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at, leased_by)
        SELECT o.agency, o.subject_ref, o.delivery_id, o.sequence, GREATEST(o.next_attempt_at, o.lease_until),
               o.leased_by
        FROM adapter_delivery o
        WHERE o.agency = p_agency AND o.subject_ref = p_subject AND o.status IN ('PENDING', 'RETRYING')
        ORDER BY o.sequence LIMIT 1;
END;
$$;

-- V6's trigger, with the head's time taken as GREATEST(due time, lease end) and its holder copied, and one more change
-- that touches the head: an open delivery whose lease ends (settled open, or released) is claimable at its own time
-- again. A lease being taken changes nothing here (the claim writes the head itself, without the subject's lock: it
-- holds the delivery's row, which every transaction that could close or move this head must lock first; and it passes
-- over a head row another transaction holds, so a claim waits for no lock: that head stays due and is passed over by
-- the claim's lease check, as before this version, until its lease ends).
CREATE OR REPLACE FUNCTION adapter_head_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_open boolean := NEW.status IN ('PENDING', 'RETRYING');
    was_open boolean := TG_OP = 'UPDATE' AND OLD.status IN ('PENDING', 'RETRYING');
    lease_ended boolean := TG_OP = 'UPDATE' AND OLD.lease_until IS NOT NULL AND NEW.lease_until IS NULL;
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.agency, OLD.subject_ref, OLD.sequence)
            IS DISTINCT FROM (NEW.agency, NEW.subject_ref, NEW.sequence) THEN
        PERFORM adapter_head_recompute(OLD.agency, OLD.subject_ref);
        PERFORM adapter_head_recompute(NEW.agency, NEW.subject_ref);
        RETURN NULL;
    END IF;
    IF NOT now_open AND NOT was_open
            OR now_open AND was_open AND NEW.next_attempt_at = OLD.next_attempt_at AND NOT lease_ended THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.agency || chr(31) || NEW.subject_ref, 7));
    IF now_open AND was_open THEN
        -- The head exists (this delivery was open) and does not follow it: it is this one or an earlier one.
        UPDATE adapter_head h
            SET next_attempt_at = GREATEST(NEW.next_attempt_at, NEW.lease_until), leased_by = NEW.leased_by
            WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.delivery_id = NEW.delivery_id;
    ELSIF now_open THEN
        -- DO NOTHING leaves an existing head unlocked and unwritten, the usual case for a later arrival.
        INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at, leased_by)
            VALUES (NEW.agency, NEW.subject_ref, NEW.delivery_id, NEW.sequence,
                    GREATEST(NEW.next_attempt_at, NEW.lease_until), NEW.leased_by)
            ON CONFLICT (agency, subject_ref) DO NOTHING;
        IF NOT FOUND THEN
            UPDATE adapter_head h
                SET delivery_id = NEW.delivery_id, sequence = NEW.sequence,
                    next_attempt_at = GREATEST(NEW.next_attempt_at, NEW.lease_until), leased_by = NEW.leased_by
                WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.sequence > NEW.sequence;
        END IF;
    ELSE
        DELETE FROM adapter_head h
            WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.delivery_id = NEW.delivery_id;
        IF FOUND THEN
            INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at, leased_by)
                SELECT o.agency, o.subject_ref, o.delivery_id, o.sequence, GREATEST(o.next_attempt_at, o.lease_until),
                       o.leased_by
                FROM adapter_delivery o
                WHERE o.agency = NEW.agency AND o.subject_ref = NEW.subject_ref
                  AND o.status IN ('PENDING', 'RETRYING')
                ORDER BY o.sequence LIMIT 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- V3 fired the trigger on every UPDATE naming status or next_attempt_at, and the function returned at once where
-- neither the open set nor a due time moved. A lease's end (a settlement, which names them too, or a release, which did
-- not) now matters as well; the condition is evaluated before any call, so a claim's lease, which matters to no head,
-- queues no trigger event at all.
DROP TRIGGER adapter_head_on_update ON adapter_delivery;
CREATE TRIGGER adapter_head_on_update AFTER UPDATE ON adapter_delivery
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.next_attempt_at IS DISTINCT FROM NEW.next_attempt_at
          OR OLD.lease_until IS NOT NULL AND NEW.lease_until IS NULL
          OR (OLD.agency, OLD.subject_ref, OLD.sequence) IS DISTINCT FROM (NEW.agency, NEW.subject_ref, NEW.sequence))
    EXECUTE FUNCTION adapter_head_refresh();
