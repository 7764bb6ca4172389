-- Where an app is told of its accounts' events (linked, re-authorized, dead, deleted, …) and of
-- problems with its own credentials; NULL: nowhere. Events of the app itself have account 0.
ALTER TABLE apps ADD COLUMN events_url TEXT;
CREATE INDEX account_events_latest ON account_events (app_id, account_id, id);
