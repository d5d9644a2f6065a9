-- Clues (WORKFLOW.md) and the screening runs that produce them.
-- A clue's id is derived from source + rule + subject, so re-running screening on the same
-- data updates a clue instead of adding one; JSON columns are text (both engines).
-- No secondary indexes: DuckDB scans these columns fast, and its indexes complicate updates.

CREATE TABLE screening_runs (
  id INTEGER PRIMARY KEY,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  engine VARCHAR,
  rules_ran INTEGER,
  rules_skipped INTEGER,
  rules_disabled INTEGER,
  rules_failed INTEGER,
  clues_total INTEGER,
  clues_new INTEGER,
  clues_deactivated INTEGER,
  rules VARCHAR
);

CREATE TABLE clues (
  clue_id VARCHAR PRIMARY KEY,
  source VARCHAR NOT NULL,
  rule VARCHAR,
  subject_type VARCHAR,
  subject_id VARCHAR,
  severity VARCHAR,
  score DOUBLE PRECISION,
  region_code VARCHAR,
  institution_id VARCHAR,
  summary VARCHAR,
  evidence VARCHAR,
  related VARCHAR,
  state VARCHAR NOT NULL,
  first_seen_run INTEGER,
  last_seen_run INTEGER,
  active BOOLEAN NOT NULL,
  inactive_since_run INTEGER,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
