-- The operator's agency overview (GET /api/v1/ops/agencies, polled every few seconds by the console) reads each
-- agency's deliveries by status from the counts V10 keeps, instead of counting every delivery ever filed on each call:
-- the deliveries are now counted by agency and status (series 'delivery.agency_status', label 'NTA PENDING'), which
-- replaces the count by status (health.GatewayMetrics adds up the agencies). A label is at most 12 + 1 + 16 = 29
-- characters (delivery.agency and delivery.status), within metric_count's 32; widening either column means widening
-- the labels first, or the triggers below would refuse the writes. A gateway still running the previous version keeps
-- its last figures of the deliveries by status until it is replaced: it does not know the new series.

-- No fold while the series changes: one that began before would otherwise write the old series' total back after it
-- was deleted below ("tgcounts", health.MetricsUpkeep.FOLD_LOCK; gateways' folds skip their rounds until this commits).
select pg_advisory_xact_lock(8387782161363530867);

-- Before anything else, and until this migration commits: no write to delivery is in flight, so the rows counted below
-- are every row written under the old triggers, and every later write is counted by the new ones. Reads go on.
lock table delivery in share row exclusive mode;

-- As V10's count by status: one delta row per (agency, status) a statement touched, however many rows it touched.
create function count_deliveries_by_agency_and_status() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into metric_count_delta (series, label, delta)
        select 'delivery.agency_status', agency || ' ' || status, count(*) from new_rows group by agency, status;
    elsif tg_op = 'DELETE' then
        insert into metric_count_delta (series, label, delta)
        select 'delivery.agency_status', agency || ' ' || status, -count(*) from old_rows group by agency, status;
    else
        insert into metric_count_delta (series, label, delta)
        select 'delivery.agency_status', agency || ' ' || status, sum(delta)
        from (select agency, status, 1 as delta from new_rows union all select agency, status, -1 from old_rows) as moved
        group by agency, status
        having sum(delta) <> 0;
    end if;
    return null;
end;
$$;

-- Replaced in place: CREATE OR REPLACE TRIGGER takes the same lock as above, where DROP TRIGGER would also stop reads.
create or replace trigger delivery_counted_insert after insert on delivery
    referencing new table as new_rows for each statement execute function count_deliveries_by_agency_and_status();
create or replace trigger delivery_counted_update after update on delivery
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_deliveries_by_agency_and_status();
create or replace trigger delivery_counted_delete after delete on delivery
    referencing old table as old_rows for each statement execute function count_deliveries_by_agency_and_status();
create or replace trigger delivery_counted_truncate after truncate on delivery
    for each statement execute function forget_counts('delivery.agency_status');

drop function count_deliveries_by_status();

-- The rows there, counted once, in place of the count by status and its unfolded deltas.
delete from metric_count_delta where series = 'delivery.status';
delete from metric_count where series = 'delivery.status';
insert into metric_count (series, label, total)
select 'delivery.agency_status', agency || ' ' || status, count(*) from delivery group by agency, status;
