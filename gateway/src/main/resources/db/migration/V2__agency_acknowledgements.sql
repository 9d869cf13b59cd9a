-- Acknowledgements from agencies (CONTRACT §5): each signed webhook-id is answered once; a replay gets the same
-- answer again and changes nothing. Answers that ask the agency to retry later are not kept.

create table agency_acknowledgement (
    agency       varchar(12)  not null,
    webhook_id   varchar(255) not null,
    delivery_id  uuid,
    received_at  timestamptz  not null,
    http_status  integer      not null,
    -- the exact answer body given the first time
    answer       text         not null,
    constraint agency_acknowledgement_once primary key (agency, webhook_id)
);

create index agency_acknowledgement_delivery on agency_acknowledgement (delivery_id);
