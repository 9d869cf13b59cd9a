-- A filing no longer writes the first step of each delivery's timeline (PENDING, when the change was submitted,
-- revision 0): it said nothing the delivery and change rows do not already say, and per delivery it cost a row, two
-- index entries (the key and `at`), recorded_at's block range and a foreign-key check that locks the delivery row.
-- The filing's statements replayed in SQL (2,000 transactions of 16 changes to 5 agencies) took 6.7-6.9 s without
-- it and 10.9-12.5 s with it (docs/benchmarks/2026-11-26-findings.md).
-- Timelines are read from this view, which adds that step to every delivery ...
--
-- ... except to one whose filing wrote it: those filed before this version, and those a gateway of the previous version
-- files during a rolling deploy. No row is deleted or rewritten, so the migration takes no time on a large database,
-- and both versions' timelines read the same. The check is a look-up of the delivery's first timeline rows by the
-- primary key (delivery_id, id), made only where a timeline is read (a citizen's change, an operator's delivery).
--
-- The step sorts first, as the written one did: timelines are read in (revision, id) order, and it has revision 0 and
-- id 0 (written steps' ids start at 1); reports' steps start at revision 1. Its recorded_at is the submission time. The
-- report lag (GatewayMetrics) reads delivery_event itself, and only steps from revision 1 on.
--
-- Read it by delivery id (delivery_id = any(...) or in (...)): each branch then looks its rows up by key. A condition it
-- can only reach through a join or a subquery (the deliveries of some changes) has PostgreSQL build the whole view first:
-- 1.1 s at 200,000 changes, against 12 ms for 500 delivery ids.
create view delivery_timeline as
select d.id as delivery_id,
       0::bigint as id,
       'PENDING'::varchar(16) as status,
       c.submitted_at as at,
       0::bigint as revision,
       null::text as reason,
       null::integer as attempt_number,
       null::integer as http_status,
       null::bigint as duration_ms,
       null::text as response_excerpt,
       null::text as error,
       c.submitted_at as recorded_at
from delivery d
join change c on c.id = d.change_id
where not exists (select 1 from delivery_event w
                  where w.delivery_id = d.id and w.revision = 0 and w.status = 'PENDING')
union all
select e.delivery_id, e.id, e.status, e.at, e.revision, e.reason, e.attempt_number, e.http_status, e.duration_ms,
       e.response_excerpt, e.error, e.recorded_at
from delivery_event e;
