-- The head of line for arrivals, once per INSERT statement instead of once per row. The inbox stores a batch of
-- deliveries in one INSERT; the row trigger of V3/V13 then ran its function, a lock statement and a head insert for each
-- of them (a PL/pgSQL call and two executor starts a delivery). This trigger does the same work with three statements
-- for the whole batch. In the SQL replay of docs/benchmarks (100,000 deliveries inserted 500 a statement, twice each,
-- alternately) the inserts took 3.62 and 2.93 s against 4.38 and 3.92 s with the row trigger.
--
-- What it does is what the row trigger did for each arrival, in the same order:
--   * an arrival that is not open (stored already superseded or cancelled) touches no head;
--   * the subjects' head-of-line locks are taken in the order the rows were inserted, which is the caller's lock
--     order (DeliveryStore.LOCK_ORDER): a transition table is read back in the order its rows were captured, and the
--     scan below has no sort or join that could reorder it. Taking all of them before writing any head changes no
--     wait: a head row of these subjects can be held only by a transaction that holds the subject's lock, or by a
--     claim or a heartbeat's give-back, which lock head rows with SKIP LOCKED and wait for nothing;
--   * each subject's earliest open arrival becomes its head if it has none (ON CONFLICT DO NOTHING leaves an existing
--     head unlocked and unwritten, the usual case for a later arrival), or replaces a head with a higher sequence.
--     The UPDATE does not see the rows its own statement's INSERT adds, so it only ever moves heads that were there.
--
-- The transition table is estimated at a few rows whatever it holds, so the UPDATE probes adapter_head by its key for
-- each subject (a nested loop), whatever the statistics of adapter_head say (see V14).
--
-- Updates keep the row trigger of V13 (adapter_head_refresh, which no longer runs for inserts). Replaced in place:
-- CREATE OR REPLACE TRIGGER takes a SHARE ROW EXCLUSIVE lock, where DROP TRIGGER would also stop reads.
CREATE FUNCTION adapter_head_arrivals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(a.agency || chr(31) || a.subject_ref, 7))
        FROM arrived a
        WHERE a.status IN ('PENDING', 'RETRYING');
    WITH firsts AS (
        SELECT DISTINCT ON (a.agency, a.subject_ref) a.agency, a.subject_ref, a.delivery_id, a.sequence,
               GREATEST(a.next_attempt_at, a.lease_until) AS next_attempt_at, a.leased_by
        FROM arrived a
        WHERE a.status IN ('PENDING', 'RETRYING')
        ORDER BY a.agency, a.subject_ref, a.sequence),
    inserted AS (
        INSERT INTO adapter_head (agency, subject_ref, delivery_id, sequence, next_attempt_at, leased_by)
            SELECT f.agency, f.subject_ref, f.delivery_id, f.sequence, f.next_attempt_at, f.leased_by FROM firsts f
            ON CONFLICT (agency, subject_ref) DO NOTHING)
    UPDATE adapter_head h
        SET delivery_id = f.delivery_id, sequence = f.sequence, next_attempt_at = f.next_attempt_at,
            leased_by = f.leased_by
        FROM firsts f
        WHERE h.agency = f.agency AND h.subject_ref = f.subject_ref AND h.sequence > f.sequence;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER adapter_head_on_insert AFTER INSERT ON adapter_delivery
    REFERENCING NEW TABLE AS arrived
    FOR EACH STATEMENT EXECUTE FUNCTION adapter_head_arrivals();
