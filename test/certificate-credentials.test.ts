/**
 * Signed certificate credentials over HTTP, both engines: issue (logged in, jurisdiction),
 * verify on the server (signature, content, current status), a forged or altered token fails,
 * a credential of a certificate voided afterwards is authentic but `void`, the JWKS lists the
 * key (old keys kept after rotation), the key file's mode, and `zhili cert verify` offline.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEffects } from '../src/cases/effects.ts';
import { keyFilePath, rotateKey } from '../src/certificates/keys.ts';
import { resetEnv } from '../src/config/env.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import type { Running } from '../src/server/serve.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { serveForTest, usersWithTokens } from './http-kit.ts';
import { zhili } from './cli-bin.ts';

const ID = '440106199001011234';

describe.each(ENGINES)('certificate credentials on %s', (engine) => {
  let s: TestStore;
  let srv: Running;
  let base: string;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    process.env.ZHILI_VERIFY_RATE_LIMIT = '0';
    resetEnv();
    s = await freshStore(engine);
    await insert(s.db, 'institutions', [{ institution_id: 'I1', name: '广州市华信职业技能鉴定所', uscc: '91440101MA5AAAAA1X', kind: 'evaluation', region_code: '440106' }]);
    await insert(s.db, 'persons', [{ id_number: ID, name: '张三', phone: '13800138000', bank_account: '6222020200112233445', region_code: '440106' }]);
    await insert(s.db, 'certificates', [
      { certificate_no: 'C1', id_number: ID, occupation_code: '4-03-02-01', level: 4, institution_id: 'I1', issued_on: '2023-06-01' },
      { certificate_no: 'C2', id_number: ID, occupation_code: '4-03-02-01', level: 3, institution_id: 'I1', issued_on: '2023-06-02' },
    ]);
    Object.assign(tok, await usersWithTokens(s.db, [['gz', 'city_inspector', '4401'], ['sz', 'city_inspector', '4403']]));
    ({ srv, base } = await serveForTest(s.db));
  });
  afterAll(async () => {
    await srv?.close();
    await s?.drop().catch(() => undefined);
    delete process.env.ZHILI_VERIFY_RATE_LIMIT;
    resetEnv();
  });

  const credential = async (user: string, no: string) => {
    const r = await fetch(`${base}/api/certificates/${encodeURIComponent(no)}/credential`, { headers: { authorization: `Bearer ${tok[user]}` } });
    return { status: r.status, json: (await r.json()) as Record<string, any> };
  };
  const check = async (token: string) => {
    const r = await fetch(`${base}/api/certificates/verify-credential`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    expect(r.status).toBe(200);
    return (await r.json()) as Record<string, any>;
  };
  const flip = (t: string, part: number) => {
    const parts = t.split('.');
    const p = parts[part]!;
    parts[part] = (p[5] === 'A' ? 'B' : 'A') + p.slice(1, 5) + (p[5] === 'A' ? 'B' : 'A') + p.slice(6);
    return parts.join('.');
  };

  it('issues a signed credential with a QR code, in the jurisdiction only, logged in only', async () => {
    const r = await credential('gz', 'C1');
    expect(r.status).toBe(200);
    const { token, qr_png_base64, verify_url } = r.json;
    expect(token.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ certificate_no: 'C1', holder_name: '张三', occupation_code: '4-03-02-01', occupation_name: '中式烹调师', level: 4, issuer: '广州市华信职业技能鉴定所', issued_on: '2023-06-01' });
    expect(claims.id_number_masked).not.toBe(ID);
    expect(token).not.toContain(ID);
    expect(Buffer.from(qr_png_base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(verify_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/verify\?token=/);
    expect(verify_url.endsWith(token)).toBe(true);
    expect((await credential('sz', 'C1')).status).toBe(404);
    expect((await credential('gz', 'C-NOPE')).status).toBe(404);
    expect((await fetch(`${base}/api/certificates/C1/credential`)).status).toBe(401);
  });

  it('verifies an authentic credential; a forged or altered one fails', async () => {
    const { token } = (await credential('gz', 'C1')).json;
    expect(await check(token)).toMatchObject({ valid_signature: true, content_matches: true, status: 'valid', claims: { certificate_no: 'C1' } });
    // Altered payload: claim a higher level, keep the signature.
    const [h, , sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    const altered = [h, Buffer.from(JSON.stringify({ ...claims, level: 1 })).toString('base64url'), sig].join('.');
    expect(await check(altered)).toMatchObject({ valid_signature: false, status: 'not_found', claims: null });
    expect((await check(flip(token, 2))).valid_signature).toBe(false);
    // Forged: signed with a key the platform does not know.
    const { CompactSign, generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', kid: header(token).kid, typ: header(token).typ }).sign(privateKey);
    expect((await check(forged)).valid_signature).toBe(false);
    expect((await check('not-a-token')).valid_signature).toBe(false);
  });

  it('a credential of a certificate voided afterwards verifies as authentic but void', async () => {
    const { token } = (await credential('gz', 'C2')).json;
    await s.db.transaction(() => applyEffects(s.db, 'M-TEST-2', [{ target: 'certificates.status', key: 'C2', value: 'void' }]));
    expect(await check(token)).toMatchObject({ valid_signature: true, content_matches: true, status: 'void' });
  });

  it('publishes the public keys; old keys stay after rotation and still verify', async () => {
    const { token } = (await credential('gz', 'C1')).json;
    const before = (await (await fetch(`${base}/.well-known/zhili/jwks.json`)).json()) as { keys: Record<string, string>[] };
    expect(before.keys).toHaveLength(1);
    expect(before.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: header(token).kid });
    expect(before.keys[0]!.d).toBeUndefined();
    const fresh = await rotateKey(s.db);
    const after = (await (await fetch(`${base}/.well-known/zhili/jwks.json`)).json()) as { keys: Record<string, string>[] };
    expect(after.keys.map((k) => k.kid).sort()).toEqual([before.keys[0]!.kid, fresh.kid].sort());
    expect((await check(token)).valid_signature).toBe(true);
    const newer = (await credential('gz', 'C1')).json.token;
    expect(header(newer).kid).toBe(fresh.kid);
    const path = keyFilePath(s.db);
    if (engine === 'duckdb' && path) expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('zhili cert verify checks a credential offline against a JWKS file and says the status needs the server', async () => {
    const { token } = (await credential('gz', 'C1')).json;
    const dir = mkdtempSync(join(tmpdir(), 'zhili-jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, await (await fetch(`${base}/.well-known/zhili/jwks.json`)).text());
    const ok = await zhili(['cert', 'verify', token, '--jwks', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('签名有效');
    expect(ok.stdout).toContain('C1');
    expect(ok.stdout).toMatch(/status \(valid, void, revoked\) needs the server/);
    const bad = await zhili(['cert', 'verify', flip(token, 2), '--jwks', file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('签名无效');
  });
});

function header(token: string): { kid: string; typ: string } {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
}
