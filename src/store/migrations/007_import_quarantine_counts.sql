-- Exact quarantine counts per file, column and reason (src/importer). import_quarantine keeps
-- only the first rows of a file in detail (DETAIL_LIMIT in src/dataset/source.ts), so a file
-- with millions of bad rows does not turn into a report of hundreds of megabytes; the counts
-- here stay exact. Written in the same transaction as the file's import_files row.

CREATE TABLE import_quarantine_counts (
  "file" VARCHAR NOT NULL,
  "column_name" VARCHAR,
  "reason" VARCHAR NOT NULL,
  "rows" BIGINT NOT NULL
);
