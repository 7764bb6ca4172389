-- Delta sync: one row per account and stream (`contacts`, `tasks:{list}`, `events:{calendar}`),
-- with where the provider's side stands, and a log of the changes pulled from it that the app's
-- two readers (updated, deleted) have not yet acknowledged.
CREATE TABLE syncs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stream          TEXT NOT NULL,
    params          TEXT NOT NULL,
    -- Bumped when the sync is started again: tokens of an earlier generation are expired.
    generation      INTEGER NOT NULL,
    -- The provider's own position (e.g. a Graph delta or next link); NULL before the first pull.
    cursor          TEXT,
    round_complete  INTEGER NOT NULL DEFAULT 0,
    updated_ack     INTEGER NOT NULL DEFAULT 0,
    deleted_ack     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    pulled_at       INTEGER,
    UNIQUE (account_id, stream)
);

CREATE TABLE sync_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    sync_id   INTEGER NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('updated', 'deleted')),
    item_id   TEXT NOT NULL,
    record    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX sync_changes_by_stream ON sync_changes (sync_id, kind, seq);
CREATE INDEX sync_changes_by_item ON sync_changes (sync_id, item_id);
