-- Import bookkeeping (src/importer). A file's row is written in the same transaction as
-- its dataset rows and quarantine rows, so a killed import never leaves a file half-loaded
-- and a re-run knows exactly which files are done (same name and SHA-256 → skipped).

CREATE TABLE import_runs (
  "run_id" VARCHAR NOT NULL,
  "dir" VARCHAR,
  "started_at" TIMESTAMP,
  "finished_at" TIMESTAMP,
  "files_loaded" INTEGER,
  "files_skipped" INTEGER
);

CREATE TABLE import_files (
  "file" VARCHAR NOT NULL,
  "entity" VARCHAR NOT NULL,
  "size" BIGINT,
  "sha256" VARCHAR NOT NULL,
  "encoding" VARCHAR,
  "rows_read" BIGINT NOT NULL,
  "rows_loaded" BIGINT NOT NULL,
  "rows_quarantined" BIGINT NOT NULL,
  "extra_columns" VARCHAR,
  "run_id" VARCHAR,
  "imported_at" TIMESTAMP
);

CREATE TABLE import_quarantine (
  "file" VARCHAR NOT NULL,
  "line" BIGINT,
  "column_name" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "content" VARCHAR
);
