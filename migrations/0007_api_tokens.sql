-- API tokens for `/api/v1/`: only a SHA-256 hash of each token is kept (the token itself is
-- shown once, when it is created). Times are Unix time in milliseconds.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    -- Lowercase hex SHA-256 of the whole token.
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
