-- Audit log (WORKFLOW.md "Audit"): append-only and hash-chained. Each entry's hash covers the
-- previous entry's hash and its own fields (src/audit/log.ts), so `zhili audit verify` detects an
-- edit, insertion or deletion made directly in the database.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  logged_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  actor_role VARCHAR,
  action VARCHAR NOT NULL,
  target_type VARCHAR NOT NULL,
  target_id VARCHAR,
  region_code VARCHAR,
  before_json VARCHAR,
  after_json VARCHAR,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
);
