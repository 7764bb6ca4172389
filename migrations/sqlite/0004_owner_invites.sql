-- Invitations to become a portal owner: a random token (stored hashed) for one address, used once.
CREATE TABLE owner_invites (
    token_hash BLOB PRIMARY KEY,
    email      TEXT NOT NULL COLLATE NOCASE,
    invited_by INTEGER REFERENCES owners(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
