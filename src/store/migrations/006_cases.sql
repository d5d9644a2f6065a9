-- Clue intake, cases, measures, approvals, recovery ledger, transfers (WORKFLOW.md v2).
-- Measures that change the world write the effective value onto the dataset row in the same
-- transaction and record it in measure_effects with the export's own value, so the effect is
-- kept apart from the imported facts and re-applied after every import (src/cases/effects.ts).

ALTER TABLE clues ADD COLUMN channel VARCHAR;
ALTER TABLE clues ADD COLUMN complaint_id VARCHAR;
ALTER TABLE clues ADD COLUMN received_on DATE;
ALTER TABLE clues ADD COLUMN subject_name VARCHAR;
ALTER TABLE clues ADD COLUMN subject_uscc VARCHAR;
ALTER TABLE clues ADD COLUMN link_candidates VARCHAR;
ALTER TABLE clues ADD COLUMN topic VARCHAR;
ALTER TABLE clues ADD COLUMN case_id VARCHAR;
ALTER TABLE clues ADD COLUMN created_by VARCHAR;
ALTER TABLE clues ADD COLUMN version INTEGER DEFAULT 1;

CREATE TABLE clue_decisions (
  decision_id VARCHAR PRIMARY KEY,
  clue_id VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  reason VARCHAR,
  case_id VARCHAR,
  from_state VARCHAR NOT NULL,
  to_state VARCHAR NOT NULL,
  actor VARCHAR NOT NULL,
  actor_role VARCHAR,
  decided_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL
);

CREATE TABLE cases (
  case_id VARCHAR PRIMARY KEY,
  subject_type VARCHAR NOT NULL,
  subject_id VARCHAR NOT NULL,
  institution_id VARCHAR,
  region_code VARCHAR,
  topic VARCHAR,
  state VARCHAR NOT NULL,
  major BOOLEAN NOT NULL,
  major_reason VARCHAR,
  deadline DATE,
  rectification_verified_on DATE,
  transferred_discipline BOOLEAN NOT NULL,
  opened_at TIMESTAMP NOT NULL,
  opened_by VARCHAR NOT NULL,
  closed_at TIMESTAMP,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL
);

-- At most one open case per institution (or per person where no institution is involved): the
-- key is taken when a case opens and given back when it closes; the primary key refuses a second.
CREATE TABLE open_cases (
  subject_key VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL
);

CREATE TABLE case_events (
  event_id VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL,
  event_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  from_state VARCHAR,
  to_state VARCHAR,
  note VARCHAR,
  data VARCHAR
);

CREATE TABLE measures (
  measure_id VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  decided_on DATE NOT NULL,
  legal_basis VARCHAR,
  note VARCHAR,
  params VARCHAR,
  proposed_by VARCHAR NOT NULL,
  proposed_at TIMESTAMP NOT NULL,
  approved_by VARCHAR,
  approved_at TIMESTAMP,
  approval_note VARCHAR,
  effective_at TIMESTAMP
);

CREATE TABLE measure_effects (
  effect_id VARCHAR PRIMARY KEY,
  measure_id VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  entity_key VARCHAR NOT NULL,
  key2 VARCHAR,
  column_name VARCHAR NOT NULL,
  exported_value VARCHAR,
  effective_value VARCHAR,
  applied_at TIMESTAMP NOT NULL
);

CREATE TABLE ledger_entries (
  entry_id VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  amount_fen BIGINT NOT NULL,
  on_date DATE NOT NULL,
  note VARCHAR,
  measure_id VARCHAR,
  actor VARCHAR NOT NULL,
  entered_at TIMESTAMP NOT NULL
);

CREATE TABLE transfers (
  measure_id VARCHAR PRIMARY KEY,
  case_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  receiving_body VARCHAR NOT NULL,
  received_on DATE,
  feedback VARCHAR,
  feedback_by VARCHAR,
  feedback_at TIMESTAMP
);
