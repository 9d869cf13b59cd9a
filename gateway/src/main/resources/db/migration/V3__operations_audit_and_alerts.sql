-- Operating the gateway: the append-only, hash-chained audit log; alerts from the adapters; when each delivery event
-- was recorded (so the report lag can be measured).

create table audit_log (
    id             bigint       primary key,
    at             timestamptz  not null,
    actor          text         not null,
    actor_name     text,
    roles          text         not null,
    action         text         not null,
    target         text,
    reason         text,
    details        jsonb        not null,
    -- hash of the row before (64 zeros for the first); hash = SHA-256 of this row's canonical text + previous_hash
    previous_hash  char(64)     not null,
    hash           char(64)     not null unique
);

create sequence audit_log_id_seq owned by audit_log.id;

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % of row % refused', tg_op, old.id;
end;
$$;

create trigger audit_log_append_only
    before update or delete on audit_log
    for each row execute function audit_log_refuse_change();

create function audit_log_refuse_truncate() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: TRUNCATE refused';
end;
$$;

-- row triggers do not see TRUNCATE
create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_refuse_truncate();

create table agency_alert (
    id           bigserial    primary key,
    agency       varchar(12)  not null,
    kind         varchar(32)  not null,
    detail       text,
    at           timestamptz  not null,
    received_at  timestamptz  not null default now()
);

create index agency_alert_newest on agency_alert (id desc);

alter table delivery_event add column recorded_at timestamptz not null default now();

create index delivery_event_recent on delivery_event (at);
