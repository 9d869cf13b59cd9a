-- The adapters' inbox and schedule: one row per delivery (one change for one agency).
CREATE TABLE adapter_delivery (
    delivery_id     uuid        PRIMARY KEY,
    agency          text        NOT NULL,
    subject_ref     text        NOT NULL,
    sequence        bigint      NOT NULL,
    change_type     text        NOT NULL,
    receipt         text        NOT NULL,
    message         jsonb       NOT NULL,
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    revision        bigint      NOT NULL DEFAULT 0,
    reason          text,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    received_at     timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- The dispatcher's claim: due open deliveries of one agency.
CREATE INDEX adapter_delivery_due ON adapter_delivery (agency, status, next_attempt_at);
-- Head of line and supersession: the open deliveries of one agency and subject, by sequence.
CREATE INDEX adapter_delivery_subject ON adapter_delivery (agency, subject_ref, sequence);

-- Reports to the gateway, written in the same transaction as each state change, published in id order.
CREATE TABLE report_outbox (
    id          bigserial   PRIMARY KEY,
    delivery_id uuid        NOT NULL,
    body        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL
);

-- Messages that can never be delivered (unparseable, unknown agency, not addressed here), kept for operators.
CREATE TABLE poison_message (
    id          bigserial   PRIMARY KEY,
    queue       text        NOT NULL,
    reason      text        NOT NULL,
    body        bytea       NOT NULL,
    received_at timestamptz NOT NULL
);

-- Per-agency switches the dispatcher reads before claiming: paused by an operator, disabled by a 410.
CREATE TABLE agency_state (
    agency     text        PRIMARY KEY,
    paused     boolean     NOT NULL DEFAULT false,
    disabled   boolean     NOT NULL DEFAULT false,
    reason     text,
    updated_at timestamptz NOT NULL
);
