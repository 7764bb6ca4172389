-- Service accounts (a tenant's admin consent, app-only tokens) and the mailboxes managed through
-- them. `kind`: personal (a user linked it), daemon (a service account), managed (one mailbox of
-- a service account's tenant, `parent_id` its service account, `mailbox_user` its Graph user id).
-- A managed account's object_id is `managed:{user id}`, so that the same user may also be linked
-- as a personal account of the same app.
ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'personal';
ALTER TABLE accounts ADD COLUMN parent_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE;
ALTER TABLE accounts ADD COLUMN mailbox_user TEXT;
CREATE INDEX accounts_parent ON accounts (parent_id) WHERE parent_id IS NOT NULL;
ALTER TABLE auth_sessions ADD COLUMN daemon INTEGER NOT NULL DEFAULT 0;
