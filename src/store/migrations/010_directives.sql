-- Platform collaboration (WORKFLOW.md "Platform collaboration"): directives sent to a platform
-- enterprise, the listings they name and the operator's answer per listing. A listing answered
-- `kept` goes back to the sender: directive_listings.state = 'needs_decision'. Overdue is
-- computed from deadline and the clock; runDirectiveDeadlines also records it in `state`.

CREATE TABLE directives (
  directive_id VARCHAR PRIMARY KEY,
  platform VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,            -- 'prompt' (合规提示) | 'takedown' (下架指令)
  terms VARCHAR,                    -- JSON array of prohibited terms (prompts)
  deadline DATE NOT NULL,
  note VARCHAR,
  state VARCHAR NOT NULL,           -- 'sent' | 'partly_answered' | 'answered' | 'overdue'
  created_by VARCHAR NOT NULL,
  creator_role VARCHAR NOT NULL,
  region_code VARCHAR NOT NULL,     -- the sender's region ('00' = ministry)
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX directives_platform ON directives (platform);

CREATE TABLE directive_listings (
  directive_id VARCHAR NOT NULL,
  listing_id VARCHAR NOT NULL,
  clue_id VARCHAR,
  state VARCHAR NOT NULL,           -- 'pending' | 'removed' | 'warned' | 'needs_decision' (kept)
  PRIMARY KEY (directive_id, listing_id)
);

CREATE TABLE directive_responses (
  response_id VARCHAR PRIMARY KEY,
  directive_id VARCHAR NOT NULL,
  seq INTEGER NOT NULL,             -- order of the answers within the directive (timestamps may tie)
  listing_id VARCHAR,
  action VARCHAR NOT NULL,          -- 'removed' | 'warned' | 'kept'
  note VARCHAR,
  responded_by VARCHAR NOT NULL,
  responded_at TIMESTAMP NOT NULL
);
CREATE INDEX directive_responses_directive ON directive_responses (directive_id);
