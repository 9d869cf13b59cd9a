-- The gateway's own database: changes as filed, their deliveries and timelines, and the outbox to the broker.

create table change (
    id               uuid primary key,
    receipt          varchar(20)  not null unique,
    type             varchar(32)  not null,
    subject_id       varchar(10)  not null,
    filer_id         varchar(10)  not null,
    subject_name     text,
    sequence         bigint       not null,
    effective_date   date         not null,
    submitted_at     timestamptz  not null,
    data             jsonb        not null,
    idempotency_key  varchar(255) not null,
    request_hash     char(64)     not null,
    -- the first answer, returned again for a repeated Idempotency-Key with the same body
    response         jsonb        not null,
    constraint change_idempotency_key unique (filer_id, idempotency_key),
    constraint change_subject_sequence unique (subject_id, sequence)
);

create index change_filer_newest on change (filer_id, submitted_at desc, receipt desc);
create index change_subject_type on change (subject_id, type, sequence desc);

-- per-subject counter; its row lock orders concurrent filings about one subject
create table subject_sequence (
    subject_id     varchar(10) primary key,
    last_sequence  bigint      not null
);

create table delivery (
    id               uuid primary key,
    change_id        uuid        not null references change (id),
    agency           varchar(12) not null,
    status           varchar(16) not null,
    attempts         integer     not null default 0,
    -- revision of the last delivery report applied; reports with a lower or equal one change nothing
    revision         bigint      not null default 0,
    reason           text,
    next_attempt_at  timestamptz,
    updated_at       timestamptz not null,
    constraint delivery_one_per_agency unique (change_id, agency)
);

create index delivery_agency_status on delivery (agency, status);

-- a delivery's timeline, with the details of the try that led to each step when there was one
create table delivery_event (
    id                bigserial primary key,
    delivery_id       uuid        not null references delivery (id),
    status            varchar(16) not null,
    at                timestamptz not null,
    revision          bigint,
    reason            text,
    attempt_number    integer,
    http_status       integer,
    duration_ms       bigint,
    response_excerpt  text,
    error             text
);

create index delivery_event_delivery on delivery_event (delivery_id, id);

create table outbox (
    id            bigserial primary key,
    change_id     uuid        not null references change (id),
    payload       jsonb       not null,
    created_at    timestamptz not null default now(),
    published_at  timestamptz
);

create index outbox_unpublished on outbox (id) where published_at is null;
