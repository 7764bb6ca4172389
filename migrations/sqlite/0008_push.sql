-- Push channels: the provider's own subscription behind an app's subscription (a Graph
-- subscription), when the provider is asked to push changes rather than being asked for them.
ALTER TABLE subscriptions ADD COLUMN channel_id TEXT;
ALTER TABLE subscriptions ADD COLUMN channel_expires_at INTEGER;
-- SHA-256 of the secret the provider sends back with each notification (compared in constant time).
ALTER TABLE subscriptions ADD COLUMN channel_state_hash BLOB;
-- When the channel needs opening or renewing; NULL when the subscription is not pushed.
ALTER TABLE subscriptions ADD COLUMN channel_due_at INTEGER;
CREATE INDEX subscriptions_channel ON subscriptions (channel_id);
CREATE INDEX subscriptions_channel_due ON subscriptions (active, channel_due_at);
