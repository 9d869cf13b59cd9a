-- One round: 100 changes' messages, 500 deliveries (100 new subjects for each of five agencies) inserted in one
-- transaction, claimed 32 at a time per agency (variant A: the adapters' claim statement of ClaimStatement, written out;
-- B: the same read of due heads from the delivery row), each claim settled DELIVERED 26 rows a call through
-- adapter_delivery_settle, each its own transaction. Times and WAL per phase go to exp_result.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
INSERT INTO adapter_instance VALUES ('00000000-0000-0000-0000-000000000001', 'exp', now(), now() + interval '1 day')
    ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS exp_result (variant text, phase text, seconds double precision, wal bigint, n bigint);
CREATE OR REPLACE PROCEDURE run_rounds(p_variant text, p_rounds int, p_from int DEFAULT 1) LANGUAGE plpgsql AS $$
DECLARE
    v_inst uuid := '00000000-0000-0000-0000-000000000001';
    v_agencies text[] := ARRAY['NTA', 'NHIA', 'MVDIS', 'BLI', 'POST'];
    v_agency text; v_now timestamptz; v_lease timestamptz;
    t0 timestamptz; w0 pg_lsn;
    ins_s double precision := 0; ins_w bigint := 0; clm_s double precision := 0; clm_w bigint := 0;
    stl_s double precision := 0; stl_w bigint := 0; claims bigint := 0; settled bigint := 0;
    ids uuid[]; revs bigint[]; got int; k int; n int;
BEGIN
    FOR r IN p_from..p_from + p_rounds - 1 LOOP
        t0 := clock_timestamp(); w0 := pg_current_wal_insert_lsn();
        INSERT INTO adapter_message (change_id, message)
            SELECT md5('c' || p_variant || r || '-' || i)::uuid, repeat('x', 900) FROM generate_series(1, 100) i;
        COMMIT;
        IF p_variant = 'A' THEN
            INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt, status,
                attempts, revision, reason, next_attempt_at, attempts_before_retry, change_id, received_at, updated_at)
            SELECT gen_random_uuid(), a, 'S' || r || '-' || i || '-' || a, 1, 'ADDRESS', 'TB-' || r || '-' || i,
                'PENDING', 0, 0, NULL, clock_timestamp(), 0, md5('c' || p_variant || r || '-' || i)::uuid, now(), now()
            FROM unnest(v_agencies) a, generate_series(1, 100) i ORDER BY a, i
            ON CONFLICT (delivery_id) DO NOTHING;
        ELSE
            INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt, status,
                attempts, revision, reason, next_attempt_at, attempts_before_retry, change_id, received_at, updated_at,
                head_at)
            SELECT u.id, u.a, u.s, 1, 'ADDRESS', u.rc, 'PENDING', 0, 0, NULL, u.t, 0, u.c, now(), now(),
                CASE WHEN EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = u.a AND o.subject_ref = u.s
                    AND o.status IN ('PENDING', 'RETRYING') AND o.sequence < 1) THEN NULL ELSE u.t END
            FROM (SELECT gen_random_uuid() AS id, a, 'S' || r || '-' || i || '-' || a AS s, 'TB-' || r || '-' || i AS rc,
                    clock_timestamp() AS t, md5('c' || p_variant || r || '-' || i)::uuid AS c,
                    pg_advisory_xact_lock(hashtextextended(a || chr(31) || ('S' || r || '-' || i || '-' || a), 7)) AS l
                  FROM unnest(v_agencies) a, generate_series(1, 100) i ORDER BY a, i) u
            ON CONFLICT (delivery_id) DO NOTHING;
        END IF;
        COMMIT;
        ins_s := ins_s + extract(epoch FROM clock_timestamp() - t0); ins_w := ins_w + (pg_current_wal_insert_lsn() - w0);

        FOREACH v_agency IN ARRAY v_agencies LOOP
            LOOP
                v_now := clock_timestamp(); v_lease := v_now + interval '60 seconds';
                t0 := clock_timestamp(); w0 := pg_current_wal_insert_lsn();
                IF p_variant = 'A' THEN
                    WITH heads AS (SELECT ctid AS head_ctid, delivery_id, next_attempt_at, sequence
                        FROM adapter_head WHERE agency = v_agency AND next_attempt_at <= v_now
                        AND NOT EXISTS (SELECT 1 FROM agency_state s WHERE s.agency = v_agency AND s.disabled)
                        ORDER BY next_attempt_at, sequence LIMIT 32),
                    candidates AS (SELECT c.delivery_id, c.agency, c.subject_ref, c.sequence, c.status,
                        c.next_attempt_at, c.lease_until, c.leased_by FROM adapter_delivery c
                        WHERE c.delivery_id = ANY(ARRAY(SELECT delivery_id FROM heads)) FOR UPDATE OF c SKIP LOCKED),
                    due AS (SELECT c.delivery_id FROM candidates c WHERE c.agency = v_agency
                        AND c.status IN ('PENDING', 'RETRYING') AND c.next_attempt_at <= v_now
                        AND NOT (c.lease_until IS NOT NULL AND c.lease_until >= v_now
                            AND (c.leased_by IS NULL OR c.leased_by IN (SELECT i.instance_id FROM adapter_instance i
                            WHERE i.heartbeat_at >= clock_timestamp() - make_interval(secs => 30))))
                        AND NOT EXISTS (SELECT 1 FROM adapter_delivery o WHERE o.agency = c.agency
                            AND o.subject_ref = c.subject_ref AND o.status IN ('PENDING', 'RETRYING')
                            AND o.sequence < c.sequence OFFSET 0)
                        ORDER BY c.next_attempt_at, c.sequence LIMIT 32),
                    leased AS (UPDATE adapter_delivery d SET lease_until = v_lease, leased_by = v_inst
                        FROM due WHERE d.delivery_id = due.delivery_id RETURNING d.*),
                    headed AS (UPDATE adapter_head h SET next_attempt_at = v_lease, leased_by = v_inst
                        WHERE h.ctid = ANY(ARRAY(SELECT f.ctid FROM adapter_head f
                          WHERE f.ctid = ANY(ARRAY(SELECT heads.head_ctid FROM heads
                            WHERE heads.delivery_id = ANY(ARRAY(SELECT delivery_id FROM leased))))
                          FOR UPDATE OF f SKIP LOCKED)))
                    SELECT array_agg(l.delivery_id), array_agg(l.revision), count(m.message)
                        INTO ids, revs, n
                        FROM leased l LEFT JOIN adapter_message m ON m.change_id = l.change_id;
                ELSE
                    WITH heads AS (SELECT d.ctid AS at FROM adapter_delivery d
                        WHERE d.agency = v_agency AND d.head_at <= v_now
                        AND NOT EXISTS (SELECT 1 FROM agency_state s WHERE s.agency = v_agency AND s.disabled)
                        ORDER BY d.head_at, d.sequence LIMIT 32 FOR UPDATE OF d SKIP LOCKED),
                    leased AS (UPDATE adapter_delivery c SET lease_until = v_lease, leased_by = v_inst, head_at = v_lease
                        FROM heads WHERE c.ctid = heads.at AND c.status IN ('PENDING', 'RETRYING')
                        AND NOT (c.lease_until IS NOT NULL AND c.lease_until >= v_now
                            AND (c.leased_by IS NULL OR c.leased_by IN (SELECT i.instance_id FROM adapter_instance i
                            WHERE i.heartbeat_at >= clock_timestamp() - make_interval(secs => 30))))
                        RETURNING c.*)
                    SELECT array_agg(l.delivery_id), array_agg(l.revision), count(m.message)
                        INTO ids, revs, n
                        FROM leased l LEFT JOIN adapter_message m ON m.change_id = l.change_id;
                END IF;
                COMMIT;
                clm_s := clm_s + extract(epoch FROM clock_timestamp() - t0);
                clm_w := clm_w + (pg_current_wal_insert_lsn() - w0);
                claims := claims + 1;
                got := coalesce(array_length(ids, 1), 0);
                EXIT WHEN got = 0;
                -- settle in batches of 26, as the benchmark's settlements ran at 500/s
                k := 1;
                WHILE k <= got LOOP
                    t0 := clock_timestamp(); w0 := pg_current_wal_insert_lsn();
                    PERFORM * FROM adapter_delivery_settle(ids[k:k + 25], revs[k:k + 25],
                        array_fill('DELIVERED'::text, ARRAY[least(26, got - k + 1)]),
                        array_fill(1, ARRAY[least(26, got - k + 1)]),
                        (SELECT array_agg(x + 1) FROM unnest(revs[k:k + 25]) x),
                        array_fill(NULL::text, ARRAY[least(26, got - k + 1)]),
                        array_fill(clock_timestamp(), ARRAY[least(26, got - k + 1)]),
                        array_fill(0, ARRAY[least(26, got - k + 1)]), clock_timestamp());
                    COMMIT;
                    stl_s := stl_s + extract(epoch FROM clock_timestamp() - t0);
                    stl_w := stl_w + (pg_current_wal_insert_lsn() - w0);
                    settled := settled + least(26, got - k + 1);
                    k := k + 26;
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;
    INSERT INTO exp_result VALUES (p_variant, 'insert', ins_s, ins_w, p_rounds * 500),
        (p_variant, 'claim', clm_s, clm_w, claims), (p_variant, 'settle', stl_s, stl_w, settled);
    COMMIT;
END;
$$;
