-- Times are Unix seconds (UTC). Secrets are AES-256-GCM ciphertexts ("v1.<key id>.<data>") or hashes.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE apps (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE app_return_urls (
    app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    url    TEXT NOT NULL,
    PRIMARY KEY (app_id, url)
);

CREATE TABLE app_office365 (
    app_id            INTEGER PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    azure_client_id   TEXT NOT NULL,
    client_secret_enc TEXT,
    authority         TEXT NOT NULL,
    secret_expires_at INTEGER,
    problem_code      TEXT,
    problem_message   TEXT,
    problem_at        INTEGER,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE auth_sessions (
    state_hash        BLOB PRIMARY KEY,
    app_id            INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    return_url        TEXT NOT NULL,
    app_state         TEXT,
    scopes            TEXT NOT NULL,
    permissions       TEXT NOT NULL,
    ensure_scopes     INTEGER NOT NULL,
    account_id        INTEGER,
    pkce_verifier_enc TEXT NOT NULL,
    expires_at        INTEGER NOT NULL
);
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id           INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    service_type     TEXT NOT NULL,
    tenant_id        TEXT NOT NULL,
    object_id        TEXT NOT NULL,
    email            TEXT,
    name             TEXT,
    timezone         TEXT,
    auth_scopes      TEXT NOT NULL,
    permissions      TEXT NOT NULL,
    token_status     TEXT NOT NULL,
    token_error_code TEXT,
    token_error      TEXT,
    auth_obtained_at INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (app_id, tenant_id, object_id)
);

CREATE TABLE account_tokens (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX account_tokens_account ON account_tokens (account_id);

CREATE TABLE provider_tokens (
    account_id        INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    access_token_enc  TEXT NOT NULL,
    refresh_token_enc TEXT,
    access_expires_at INTEGER NOT NULL,
    refreshed_at      INTEGER,
    lease_owner       TEXT,
    lease_until       INTEGER
);

CREATE TABLE auth_codes (
    code_hash  BLOB PRIMARY KEY,
    app_id     INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE account_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id     INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX account_events_app ON account_events (app_id, id);
