-- Ed25519 key pairs that sign certificate credentials (src/certificates/keys.ts). Used on
-- PostgreSQL and in-memory stores; a DuckDB file store keeps its keys beside the .duckdb file.
-- Old keys stay so credentials they signed still verify (rotation adds a row).
CREATE TABLE signing_keys (
  "kid" VARCHAR PRIMARY KEY,
  -- Order of making: the highest signs (created_at has only second resolution).
  "seq" INTEGER NOT NULL,
  "private_jwk" VARCHAR NOT NULL,
  "public_jwk" VARCHAR NOT NULL,
  "created_at" VARCHAR NOT NULL
);
