-- What a link must also check before the account is saved: the address the user must sign in
-- with (authEmail) and a read of each kind of data the scopes allow (ensureAccess).
ALTER TABLE auth_sessions ADD COLUMN expected_email TEXT;
ALTER TABLE auth_sessions ADD COLUMN ensure_access INTEGER NOT NULL DEFAULT 0;
