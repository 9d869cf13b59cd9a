-- The relay now deletes each row the broker confirmed instead of marking it published: nothing ever read a published
-- row again, yet the table (about 1 KB a change) grew forever, and with autovacuum off every claim walked the dead
-- index entries of each row published since the last vacuum. The relay vacuums the outbox itself every
-- tongbao.outbox.vacuum-after rows it deleted.

-- published_at and its partial index outbox_unpublished stay: a gateway of the previous version, still running during a
-- rolling deploy, claims rows by them and marks what it publishes; the new relay claims and releases by them too (a
-- deleted row is simply no longer found). Rows such a gateway marks after this ran are never read; they stay until
-- deleted by hand (delete from outbox where published_at is not null) once no gateway of the previous version runs.

-- The rows published so far, which no version reads again. Their space is reused once the relay's first vacuum, or
-- one by hand (vacuum outbox), has run: a migration runs in a transaction, where VACUUM cannot.
delete from outbox where published_at is not null;

-- A vacuum leaves the emptied pages at the end of the table to be reused rather than handing them back: that takes a
-- lock which holds up filings (each inserts into the outbox) and the relay waiting for it; as metric_count_delta (V10).
alter table outbox set (vacuum_truncate = false);
