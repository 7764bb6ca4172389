-- What is read of many accounts' tokens at once, beside the account id, so that it is read from
-- these indexes and never from the tokens' rows: Microsoft's tokens are kilobytes, a row
-- overflows its page into a chain of pages, and SQLite reads through the chain to reach a value
-- stored after the tokens.
-- An account's look-up (its token's expiry) and the search for idle accounts (the last refresh).
CREATE INDEX provider_tokens_times ON provider_tokens (account_id, access_expires_at, refreshed_at);
-- The search, at start and after a key rotation, for tokens sealed under another master key.
CREATE INDEX provider_tokens_access_key ON provider_tokens (substr(access_token_enc, 4, 8));
CREATE INDEX provider_tokens_refresh_key ON provider_tokens (substr(refresh_token_enc, 4, 8));
