-- The deliveries a replay chose when its command was applied. They are replayed a chunk per transaction, since one
-- transaction for all would take a head-of-line lock per subject (V3 trigger), more than PostgreSQL's lock table holds
-- for a replay of tens of thousands. Kept until the replay is done: a replay cut short (the process died, the database
-- went away) is finished when its command is delivered again, and a change that arrives meanwhile is told apart from
-- the replay's own deliveries.
CREATE TABLE replay_item (
    command_id  uuid    NOT NULL,
    position    bigint  NOT NULL,
    delivery_id uuid    NOT NULL,
    replayed    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (command_id, position),
    UNIQUE (command_id, delivery_id)
);
