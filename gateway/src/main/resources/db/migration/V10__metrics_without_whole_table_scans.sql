-- The gateway's metrics (health.GatewayMetrics) read counts and the report lag at a cost that does not grow with the
-- tables: they used to count every change and delivery ever filed, and scan every timeline step for the last minute's,
-- on each refresh (150 ms at 200,000 deliveries, growing forever).

-- Exact row counts of change by type and delivery by status, kept as totals plus the deltas not yet folded into them.
-- A writer only ever appends a delta, in its own transaction, so the counts commit with the rows they count and no
-- two gateways' transactions wait on a shared counter; health.MetricsUpkeep folds the deltas into the totals.
create table metric_count (
    -- 'change.type' or 'delivery.status'
    series  varchar(32) not null,
    label   varchar(32) not null,
    total   bigint      not null,
    constraint metric_count_key primary key (series, label)
);

-- No key and no index: appended to, then read whole and emptied by each fold. Emptied pages are reused once the fold's
-- VACUUM records them (autovacuum may be off); never truncating them spares writers the exclusive lock that takes.
create table metric_count_delta (
    series  varchar(32) not null,
    label   varchar(32) not null,
    delta   bigint      not null
) with (vacuum_truncate = false);

-- Statement triggers with transition tables: one delta row per label per statement, however many rows it touched (a
-- filing batch's deliveries, a report batch's moves), and every statement that changes the tables is counted, so no
-- path (filing, reports, acknowledgements, a repair by hand) can leave the counts behind the rows.
create function count_changes_by_type() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into metric_count_delta (series, label, delta)
        select 'change.type', type, count(*) from new_rows group by type;
    elsif tg_op = 'DELETE' then
        insert into metric_count_delta (series, label, delta)
        select 'change.type', type, -count(*) from old_rows group by type;
    else
        insert into metric_count_delta (series, label, delta)
        select 'change.type', type, sum(delta)
        from (select type, 1 as delta from new_rows union all select type, -1 from old_rows) as moved
        group by type
        having sum(delta) <> 0;
    end if;
    return null;
end;
$$;

create function count_deliveries_by_status() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        insert into metric_count_delta (series, label, delta)
        select 'delivery.status', status, count(*) from new_rows group by status;
    elsif tg_op = 'DELETE' then
        insert into metric_count_delta (series, label, delta)
        select 'delivery.status', status, -count(*) from old_rows group by status;
    else
        insert into metric_count_delta (series, label, delta)
        select 'delivery.status', status, sum(delta)
        from (select status, 1 as delta from new_rows union all select status, -1 from old_rows) as moved
        group by status
        having sum(delta) <> 0;
    end if;
    return null;
end;
$$;

-- TRUNCATE holds its table exclusively, so no uncounted write to it is in flight: its series simply starts again.
create function forget_counts() returns trigger language plpgsql as $$
begin
    delete from metric_count_delta where series = tg_argv[0];
    delete from metric_count where series = tg_argv[0];
    return null;
end;
$$;

create trigger change_counted_insert after insert on change
    referencing new table as new_rows for each statement execute function count_changes_by_type();
create trigger change_counted_update after update on change
    referencing old table as old_rows new table as new_rows for each statement execute function count_changes_by_type();
create trigger change_counted_delete after delete on change
    referencing old table as old_rows for each statement execute function count_changes_by_type();
create trigger change_counted_truncate after truncate on change
    for each statement execute function forget_counts('change.type');

create trigger delivery_counted_insert after insert on delivery
    referencing new table as new_rows for each statement execute function count_deliveries_by_status();
create trigger delivery_counted_update after update on delivery
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_deliveries_by_status();
create trigger delivery_counted_delete after delete on delivery
    referencing old table as old_rows for each statement execute function count_deliveries_by_status();
create trigger delivery_counted_truncate after truncate on delivery
    for each statement execute function forget_counts('delivery.status');

-- The rows already there, counted once. After the triggers: creating them locked both tables against writes until
-- this migration commits, so a gateway still running the previous version cannot add a row counted by neither.
insert into metric_count (series, label, total)
select 'change.type', type, count(*) from change group by type;
insert into metric_count (series, label, total)
select 'delivery.status', status, count(*) from delivery group by status;

-- The report lag reads only the last minute's timeline steps. Steps are only ever appended, recorded_at is when, so
-- the table is in recorded_at order and a block-range index finds the last minute's pages at no cost to writers: a
-- range gets its summary from MetricsUpkeep once it is full (autovacuum, which would, may be off), and until then
-- every scan reads it, which is what a scan for recent steps wants anyway. 32 pages (256 kB) per range keep that
-- unsummarized tail small.
create index delivery_event_recorded on delivery_event using brin (recorded_at) with (pages_per_range = 32);

-- The planner needs recorded_at's statistics (V9 turned them off while no statement filtered on it) to see that few
-- rows are that recent; without them it guesses a third of the table and scans all of it. Analyzed now, not at the
-- next refresh, which a large table may not need for days.
alter table delivery_event alter column recorded_at set statistics -1;
analyze delivery_event (recorded_at);
