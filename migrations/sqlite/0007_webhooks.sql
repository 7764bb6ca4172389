-- Webhooks: each app's signing secret, the apps' subscriptions to an account's changes (with
-- where switchboard stands in the provider's changes for each), and the notifications to deliver
-- to the apps, kept until they are delivered or given up on.
ALTER TABLE apps ADD COLUMN signing_secret_enc TEXT;

CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id           INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource         TEXT NOT NULL,
    notification_url TEXT NOT NULL,
    filters          TEXT NOT NULL,
    -- The provider-neutral feed watched (JSON), and the provider's position in its changes.
    feed             TEXT NOT NULL,
    cursor           TEXT,
    -- While the feed's first round is read: its changes are what was there, not news.
    quiet            INTEGER NOT NULL DEFAULT 1,
    active           INTEGER NOT NULL DEFAULT 1,
    fail_since       INTEGER,
    fail_description TEXT,
    -- When the changes are next looked at (a claim moves it on, so one instance takes it).
    poll_at          INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (account_id, resource, notification_url)
);
CREATE INDEX subscriptions_due ON subscriptions (active, poll_at);
CREATE INDEX subscriptions_by_app ON subscriptions (app_id, id);

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id          INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    subscription_id INTEGER REFERENCES subscriptions(id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the next attempt is due (a claim moves it on past the attempt's time-out).
    next_at         INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
