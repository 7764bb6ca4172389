-- Master keys added by `switchboard keys rotate`, each kept wrapped (encrypted) under the key
-- that was in use when it was added, so that every running instance takes it up without a
-- restart. An instance encrypts with the newest key whose `use_from` has come.
CREATE TABLE master_keys (
    id         TEXT   NOT NULL PRIMARY KEY,
    wrapped    TEXT   NOT NULL,
    wrapped_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    use_from   BIGINT NOT NULL
);
