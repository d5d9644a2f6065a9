-- Identity (API.md "Identity"): users with a role and a region, browser sessions (user_sessions: `sessions` are training sessions), API tokens and
-- login attempts. Secrets are never stored: passwords as argon2id hashes, session ids and API
-- tokens as SHA-256 hex. Times are local Asia/Shanghai wall-clock from src/clock.ts.
CREATE TABLE users (
  user_id VARCHAR PRIMARY KEY,
  username VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  region_code VARCHAR NOT NULL,
  platform VARCHAR,
  password_hash VARCHAR NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  failed_count INTEGER NOT NULL DEFAULT 0,
  locked_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL
);
-- Names are unique: checked by the user service inside its transaction. No UNIQUE constraint:
-- DuckDB's over-eager check refuses a second UPDATE of a row with a unique key in one session
-- ("Duplicate key … violates unique constraint", seen with failed_count updates).

CREATE TABLE user_sessions (
  id_hash VARCHAR PRIMARY KEY,
  user_id VARCHAR NOT NULL,
  csrf_token VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  address VARCHAR
);

CREATE TABLE api_tokens (
  token_hash VARCHAR PRIMARY KEY,
  user_id VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  revoked_at TIMESTAMP,
  last_used TIMESTAMP
);

CREATE TABLE login_attempts (
  attempted_at TIMESTAMP NOT NULL,
  username VARCHAR NOT NULL,
  address VARCHAR,
  ok BOOLEAN NOT NULL
);
