-- The provider a sign-in in flight goes through, so that its callback reaches the same one.
ALTER TABLE auth_sessions ADD COLUMN service_type TEXT NOT NULL DEFAULT 'Office365';
