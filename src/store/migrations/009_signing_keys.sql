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

-- Public certificate verification (GET /api/certificates/verify) reads one certificate by number
-- with its holder and issuer per request: point lookups instead of full scans.
CREATE INDEX certificates_no ON certificates (certificate_no);
CREATE INDEX persons_id ON persons (id_number);
CREATE INDEX institutions_id ON institutions (institution_id);
