-- Portal owners (the people who run apps), their sign-in sessions, and which owner an app belongs to.

CREATE TABLE owners (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE owner_sessions (
    token_hash BLOB PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES owners(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX owner_sessions_expiry ON owner_sessions (expires_at);

ALTER TABLE apps ADD COLUMN owner_id INTEGER REFERENCES owners(id) ON DELETE SET NULL;
