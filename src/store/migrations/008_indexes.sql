-- Indexes for the server's lists (API.md "Lists"): the inbox and case lists filter by region
-- range (src/policies/jurisdiction.ts), a case's page reads its clues by case_id.
CREATE INDEX clues_region ON clues (region_code);
CREATE INDEX clues_case ON clues (case_id);
CREATE INDEX cases_region ON cases (region_code);
CREATE INDEX case_events_case ON case_events (case_id);
CREATE INDEX measures_case ON measures (case_id);
