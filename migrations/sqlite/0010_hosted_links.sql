-- Hosted links: a single-use, expiring sign-in link an app hands its user (by e-mail, …). The
-- token is stored as a hash; the sign-in it starts carries the link, which is used up only when
-- an account is linked through it.
CREATE TABLE hosted_links (
    token_hash  BLOB PRIMARY KEY,
    app_id      INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    -- What the link asks for (JSON: serviceType, scopes, returnUrl, state, accountId).
    params      TEXT NOT NULL,
    name        TEXT,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX hosted_links_expiry ON hosted_links (expires_at);
ALTER TABLE auth_sessions ADD COLUMN link_hash BLOB;
ALTER TABLE auth_sessions ADD COLUMN link_name TEXT;
