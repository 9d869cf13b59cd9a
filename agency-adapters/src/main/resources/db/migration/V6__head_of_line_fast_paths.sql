-- V3's head-of-line trigger recomputed a subject's head from adapter_delivery for every row it fired on, and that was
-- most of the inbox insert's and the settlement update's cost. This version applies each row's change to the head row
-- it finds instead, which is exact for the reason V3's recomputation is: every transaction that changes a subject's
-- open set (or the due time of an open delivery) takes the subject's advisory lock in this trigger and holds it until
-- it commits, and statements here take a fresh snapshot (READ COMMITTED) once the lock is held. So the head row this
-- trigger reads is the one the subject's previous lock holder left, right for every change committed so far (a
-- change whose trigger did not take the lock did not touch the open set or an open delivery's due time, and a
-- rolled-back transaction leaves neither row changed), updated by the triggers this transaction has run before.
--
-- The change in hand is then one of these, each exact against such a head:
-- - a delivery opens (arrives open, or is retried or replayed): the head changes only when there is none or when the
--   delivery precedes it, so no look-up of adapter_delivery;
-- - an open delivery closes: the head changes only when it was this delivery, and then the next head is the first
--   entry of the open-subject index (one probe), or none;
-- - an open delivery's due time moves: only the head row's copy of it can be stale, and only when it is this one;
-- - a closed delivery arrives or changes, or an open one changes status but not its due time: the open set and the
--   head's copy are as they were, so nothing is done and no lock is taken.
-- The lock is still needed where nothing turns out to change: without it, closing a delivery behind the head could
-- commit unseen by a concurrent transaction that closes the head and names that delivery as the next one.
--
-- One statement can change several deliveries of a subject before their row triggers run (they run at the end of the
-- statement), and a look-up of the next head already sees them all. That look-up then names the lowest delivery open
-- once the statement is done, with its final due time, and the triggers still to come find nothing to change: an
-- opening delivery does not precede that head, a closing one is not it, a moved one that is it already has its time.
-- Until that look-up, the head is the one from before the statement, or a delivery the statement opened that
-- precedes it; the head from before is replaced when its own closing trigger runs, if the statement closed it.
--
-- Anything else (an update that moves a delivery to another subject or sequence, which nothing does today) falls
-- back to recomputing both subjects from scratch, as V3 did.
CREATE FUNCTION adapter_head_recompute(p_agency text, p_subject text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_agency || chr(31) || p_subject, 7));
    DELETE FROM adapter_head h WHERE h.agency = p_agency AND h.subject_ref = p_subject;
    INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at)
        SELECT o.agency, o.subject_ref, o.delivery_id, o.sequence, o.next_attempt_at
        FROM adapter_delivery o
        WHERE o.agency = p_agency AND o.subject_ref = p_subject AND o.status IN ('PENDING', 'RETRYING')
        ORDER BY o.sequence LIMIT 1;
END;
$$;

CREATE OR REPLACE FUNCTION adapter_head_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_open boolean := NEW.status IN ('PENDING', 'RETRYING');
    was_open boolean := TG_OP = 'UPDATE' AND OLD.status IN ('PENDING', 'RETRYING');
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.agency, OLD.subject_ref, OLD.sequence)
            IS DISTINCT FROM (NEW.agency, NEW.subject_ref, NEW.sequence) THEN
        PERFORM adapter_head_recompute(OLD.agency, OLD.subject_ref);
        PERFORM adapter_head_recompute(NEW.agency, NEW.subject_ref);
        RETURN NULL;
    END IF;
    IF NOT now_open AND NOT was_open
            OR now_open AND was_open AND NEW.next_attempt_at = OLD.next_attempt_at THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.agency || chr(31) || NEW.subject_ref, 7));
    IF now_open AND was_open THEN
        -- The head exists (this delivery was open) and does not follow it: it is this one or an earlier one.
        UPDATE adapter_head h SET next_attempt_at = NEW.next_attempt_at
            WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.delivery_id = NEW.delivery_id;
    ELSIF now_open THEN
        -- DO NOTHING leaves an existing head unlocked and unwritten, the usual case for a later arrival.
        INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at)
            VALUES (NEW.agency, NEW.subject_ref, NEW.delivery_id, NEW.sequence, NEW.next_attempt_at)
            ON CONFLICT (agency, subject_ref) DO NOTHING;
        IF NOT FOUND THEN
            UPDATE adapter_head h
                SET delivery_id = NEW.delivery_id, sequence = NEW.sequence, next_attempt_at = NEW.next_attempt_at
                WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.sequence > NEW.sequence;
        END IF;
    ELSE
        DELETE FROM adapter_head h
            WHERE h.agency = NEW.agency AND h.subject_ref = NEW.subject_ref AND h.delivery_id = NEW.delivery_id;
        IF FOUND THEN
            INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at)
                SELECT o.agency, o.subject_ref, o.delivery_id, o.sequence, o.next_attempt_at
                FROM adapter_delivery o
                WHERE o.agency = NEW.agency AND o.subject_ref = NEW.subject_ref
                  AND o.status IN ('PENDING', 'RETRYING')
                ORDER BY o.sequence LIMIT 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
