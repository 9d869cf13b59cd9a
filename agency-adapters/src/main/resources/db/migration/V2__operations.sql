-- Restart recovery: who holds a lease, and which adapter instances are alive (heartbeats, in database time).
ALTER TABLE adapter_delivery ADD COLUMN leased_by uuid;
CREATE TABLE adapter_instance (
    instance_id  uuid        PRIMARY KEY,
    host         text        NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);

-- Operator commands: tries made before the last operator retry or replay (the schedule counts from there),
-- when a delivery first reached its agency (the replay window), and a cancel waiting for an in-flight try.
ALTER TABLE adapter_delivery ADD COLUMN attempts_before_retry integer NOT NULL DEFAULT 0;
ALTER TABLE adapter_delivery ADD COLUMN first_delivered_at timestamptz;
ALTER TABLE adapter_delivery ADD COLUMN cancel_reason text;
UPDATE adapter_delivery SET first_delivered_at = updated_at WHERE status IN ('DELIVERED', 'APPLIED');
CREATE INDEX adapter_delivery_replay ON adapter_delivery (agency, first_delivered_at);

-- Commands already applied, so a redelivered or resent command changes nothing.
CREATE TABLE applied_command (
    command_id uuid        PRIMARY KEY,
    kind       text        NOT NULL,
    agency     text        NOT NULL,
    actor      text        NOT NULL,
    outcome    text        NOT NULL,
    applied_at timestamptz NOT NULL
);

-- The outbox also carries operator alerts; a row's kind says where the relay sends it.
ALTER TABLE report_outbox ADD COLUMN kind text NOT NULL DEFAULT 'DELIVERY_REPORTED';
ALTER TABLE report_outbox ALTER COLUMN delivery_id DROP NOT NULL;
