/**
 * The Ed25519 key pairs that sign certificate credentials. Made at first use and kept with the
 * store, never in the repository: `ZHILI_SIGNING_KEY` (a key file path) when set, else beside a
 * DuckDB file (`zhili-signing-key.json`, mode 0600), else the `signing_keys` table (PostgreSQL,
 * in-memory DuckDB). Rotation adds a key and keeps the old ones: the newest signs, all verify.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localTimestamp } from '../clock.ts';
import { env } from '../config/env.ts';
import type { Db } from '../store/db.ts';

/** One stored key pair (JWKs as JSON objects). */
export interface SigningKey {
  kid: string;
  private_jwk: JsonWebKey & { kid?: string };
  public_jwk: JsonWebKey & { kid?: string };
  created_at: string;
}

/** The key file's path when keys live in a file, else null (table). */
export function keyFilePath(db: Db): string | null {
  const override = env().ZHILI_SIGNING_KEY ?? '';
  if (override) return override;
  if (db.dialect === 'duckdb' && db.location && db.location !== ':memory:' && existsSync(db.location)) {
    return join(dirname(db.location), 'zhili-signing-key.json');
  }
  return null;
}

async function newKey(): Promise<SigningKey> {
  const { exportJWK, generateKeyPair } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(publicKey);
  // kid: a short thumbprint-like digest of the public key, stable for the key's life.
  const kid = createHash('sha256').update(String(pub.x)).digest('base64url').slice(0, 16);
  return {
    kid,
    private_jwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' } as SigningKey['private_jwk'],
    public_jwk: { ...pub, kid, alg: 'EdDSA', use: 'sig' } as SigningKey['public_jwk'],
    created_at: localTimestamp(),
  };
}

function readFile(path: string): SigningKey[] {
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as { keys: SigningKey[] }).keys;
}

function writeFile(path: string, keys: SigningKey[]): void {
  writeFileSync(path, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** All key pairs, newest first (empty when none was made yet); a key file lists them newest first. */
export async function listKeys(db: Db): Promise<SigningKey[]> {
  const path = keyFilePath(db);
  const keys = path
    ? readFile(path)
    : (await db.query<{ kid: string; private_jwk: string; public_jwk: string; created_at: string }>('SELECT kid, private_jwk, public_jwk, created_at FROM signing_keys ORDER BY seq DESC')).map((r) => ({
        kid: r.kid,
        private_jwk: JSON.parse(r.private_jwk),
        public_jwk: JSON.parse(r.public_jwk),
        created_at: r.created_at,
      }));
  return keys;
}

/** Add a new key pair (it signs from now on); the old ones stay for verification. */
export async function rotateKey(db: Db): Promise<SigningKey> {
  const key = await newKey();
  const path = keyFilePath(db);
  if (path) writeFile(path, [key, ...readFile(path)]);
  else
    await db.query('INSERT INTO signing_keys (kid, seq, private_jwk, public_jwk, created_at) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM signing_keys', [key.kid, JSON.stringify(key.private_jwk), JSON.stringify(key.public_jwk), key.created_at]);
  return key;
}

const making = new WeakMap<Db, Promise<SigningKey>>();
/** The signing key: the newest, made at first use. */
export async function currentKey(db: Db): Promise<SigningKey> {
  const [k] = await listKeys(db);
  if (k) return k;
  // Two first requests at once must not make two keys.
  let p = making.get(db);
  if (!p) {
    p = rotateKey(db).finally(() => making.delete(db));
    making.set(db, p);
  }
  return p;
}

/** The public keys as a JWKS document (`/.well-known/zhili/jwks.json`). */
export async function jwks(db: Db): Promise<{ keys: JsonWebKey[] }> {
  await currentKey(db);
  return { keys: (await listKeys(db)).map((k) => k.public_jwk) };
}
