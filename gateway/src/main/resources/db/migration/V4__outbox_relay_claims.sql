-- The relay claims a batch of outbox rows for a while instead of holding them locked in a transaction while it waits
-- for the broker's confirms: a claimed row is not published by another gateway's relay until the claim lapses.
alter table outbox add column claimed_until timestamptz;
