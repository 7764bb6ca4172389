-- Slots of a mailbox's share of Microsoft Graph, held by calls from any instance on this
-- database; a slot whose lease ran out (its holder died) is free again.
CREATE TABLE mailbox_slots (
    mailbox TEXT   NOT NULL,
    slot    BIGINT NOT NULL,
    holder  TEXT   NOT NULL,
    until   BIGINT NOT NULL,
    PRIMARY KEY (mailbox, slot)
);
