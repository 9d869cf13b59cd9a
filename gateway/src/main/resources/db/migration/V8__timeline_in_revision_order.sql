-- Timelines are read in revision order, not in the order their rows were written: a report that reaches the gateway
-- after a later one is recorded then (ReportVerdict.LATE) and must still appear before it. Acknowledgement steps were
-- written without a revision; they follow the adapters' step before them, so they take its revision.
update delivery_event e
set revision = coalesce((select p.revision from delivery_event p
                         where p.delivery_id = e.delivery_id and p.id < e.id and p.revision is not null
                         order by p.id desc limit 1), 0)
where e.revision is null;

alter table delivery_event alter column revision set not null;
