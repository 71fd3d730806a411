-- API tokens of the server: only the SHA-256 of each token is kept.
CREATE TABLE api_token (
  n          INTEGER PRIMARY KEY,
  id         TEXT    NOT NULL UNIQUE,
  name       TEXT    NOT NULL,
  sha256     TEXT    NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
) STRICT;
