-- Cheaper writes per filing and per delivery report (PostgreSQL is the whole system's bottleneck; see
-- docs/benchmarks/2026-11-26-findings.md).

-- A report changes a delivery's status, and with status in an index every report was a non-HOT update that added an
-- entry to each of the table's indexes. No hot statement reads deliveries by (agency, status): the operator console's
-- counts and unfiltered search scan the whole table anyway, and its status filter is an occasional operator read.
-- Without it no index holds a column a report changes, so a report's update can stay on its page (HOT) ...
drop index delivery_agency_status;
-- ... when the page has room for the new version: a delivery gets a few reports (delivered, applied, retries) soon
-- after it is filed, and pages filled to 80 % leave room for about a dozen new versions between on-page prunes
-- (which need no vacuum, so they also work with autovacuum off). Applies to pages written from now on.
alter table delivery set (fillfactor = 80);

-- Timeline rows are only ever read per delivery in id order; no statement looks one up by id alone, so one index on
-- (delivery_id, id) serves as the key instead of two.
alter table delivery_event drop constraint delivery_event_pkey;
drop index delivery_event_delivery;
alter table delivery_event add constraint delivery_event_pkey primary key (delivery_id, id);

-- Written once and only ever read back whole: no need to parse them into jsonb on every filing. Kept as the exact
-- text written, a replayed answer is now the very bytes of the first one.
alter table change alter column response type text using response::text;
alter table outbox alter column payload type text using payload::text;
