-- A change's message, stored once for all the agencies it is addressed to (it was copied into every delivery row).
-- Text, not jsonb: it is only ever stored and read back whole, so jsonb would parse it on insert and print it on read.
CREATE TABLE adapter_message (
    change_id uuid PRIMARY KEY,
    message   text NOT NULL
);

INSERT INTO adapter_message (change_id, message)
    SELECT DISTINCT ON (change_id) change_id, message
    FROM (SELECT (message ->> 'changeId')::uuid AS change_id, message::text AS message FROM adapter_delivery) m
    ORDER BY change_id;

-- Room on every page for the claim's lease update (lease_until, leased_by: no index) to stay on the page as a HOT
-- update, and for the settlement's new version next to it, so that neither writes index entries for a lease nor
-- spreads a delivery's versions over several pages. 80 leaves about 1.6 KB a page, eight versions of a ~200-byte
-- row; more would mostly be wasted on settled rows, which are never updated again.
ALTER TABLE adapter_delivery SET (fillfactor = 80);

-- One rewrite of the table (the USING expression forces it) fills change_id, drops the message bytes from every row
-- and lays the rows out with the new fillfactor.
ALTER TABLE adapter_delivery ADD COLUMN change_id uuid;
ALTER TABLE adapter_delivery
    ALTER COLUMN change_id TYPE uuid USING (message ->> 'changeId')::uuid,
    DROP COLUMN message;
ALTER TABLE adapter_delivery ALTER COLUMN change_id SET NOT NULL;

-- The relay publishes the stored JSON as it is and reads nothing inside it but the revision it logs.
ALTER TABLE report_outbox ADD COLUMN revision bigint;
ALTER TABLE report_outbox
    ALTER COLUMN revision TYPE bigint USING (body ->> 'revision')::bigint,
    ALTER COLUMN body TYPE text USING body::text;

-- The health snapshot's backlog beyond the exact count (see DeliveryBacklog): the planner's estimate of an agency's
-- open deliveries, which these statistics make a joint frequency instead of the product of two independent ones.
CREATE STATISTICS adapter_delivery_agency_status (mcv) ON agency, status FROM adapter_delivery;
ANALYZE adapter_delivery;

CREATE FUNCTION adapter_open_estimate(p_agency text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM adapter_delivery WHERE agency = %L'
                   ' AND status IN (''PENDING'', ''RETRYING'')', p_agency) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END;
$$;
