/**
 * Public certificate verification over HTTP, both engines: valid / void (a measure's effect) /
 * revoked / not_found, a wrong name answers exactly like an unknown number, no personal data in
 * any answer (property over random certificates), and the per-address rate limit.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEffects } from '../src/cases/effects.ts';
import { sameName } from '../src/certificates/verify.ts';
import { resetEnv } from '../src/config/env.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import { SlidingWindowLimiter } from '../src/server/rate-limit.ts';
import { startServer, type Running } from '../src/server/serve.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';

const ID = '440106199001011234';
const PHONE = '13800138000';
const BANK = '6222020200112233445';

async function serve(s: TestStore, limit: string): Promise<{ srv: Running; base: string }> {
  process.env.ZHILI_VERIFY_RATE_LIMIT = limit;
  resetEnv();
  try {
    const srv = await startServer({ db: s.db, port: 0, logger: false, scheduled: [] });
    return { srv, base: srv.url.replace('localhost', '127.0.0.1') };
  } finally {
    delete process.env.ZHILI_VERIFY_RATE_LIMIT;
    resetEnv();
  }
}

describe.each(ENGINES)('certificate verification over HTTP on %s', (engine) => {
  let s: TestStore;
  let srv: Running;
  let base: string;
  beforeAll(async () => {
    s = await freshStore(engine);
    await insert(s.db, 'institutions', [{ institution_id: 'I1', name: '广州市华信职业技能鉴定所', uscc: '91440101MA5AAAAA1X', kind: 'evaluation', region_code: '440106' }]);
    await insert(s.db, 'persons', [
      { id_number: ID, name: '张三', phone: PHONE, bank_account: BANK, region_code: '440106' },
      { id_number: '440106199202023456', name: '李四', phone: '13900139000', bank_account: '6222020200999988887', region_code: '440106' },
    ]);
    await insert(s.db, 'certificates', [
      { certificate_no: 'C-VALID', id_number: ID, occupation_code: '6-31-01-03', level: 4, institution_id: 'I1', issued_on: '2023-06-01' },
      { certificate_no: 'C-VOID', id_number: ID, occupation_code: '4-03-02-01', level: 3, institution_id: 'I1', issued_on: '2023-06-02', status: 'valid' },
      { certificate_no: 'C-REVOKED', id_number: '440106199202023456', occupation_code: '4-03-02-01', level: 5, institution_id: 'I1', issued_on: '2023-06-03', status: 'revoked' },
    ]);
    ({ srv, base } = await serve(s, '0'));
  });
  afterAll(async () => {
    await srv?.close();
    await s?.drop().catch(() => undefined);
  });

  const verify = async (no: string, name: string) => {
    const r = await fetch(`${base}/api/certificates/verify?certificate_no=${encodeURIComponent(no)}&name=${encodeURIComponent(name)}`);
    return { status: r.status, text: await r.text() };
  };

  it('answers valid with the public content, no login needed', async () => {
    const r = await verify('C-VALID', '张三');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({
      status: 'valid',
      certificate_no: 'C-VALID',
      occupation_code: '6-31-01-03',
      occupation_name: expect.stringMatching(/电工/),
      level: 4,
      issuer: '广州市华信职业技能鉴定所',
      issued_on: '2023-06-01',
    });
  });

  it('answers void at once after a measure voids the certificate', async () => {
    expect(JSON.parse((await verify('C-VOID', '张三')).text).status).toBe('valid');
    await s.db.transaction(() => applyEffects(s.db, 'M-TEST-1', [{ target: 'certificates.status', key: 'C-VOID', value: 'void' }]));
    const body = JSON.parse((await verify('C-VOID', '张三')).text);
    expect(body).toMatchObject({ status: 'void', certificate_no: 'C-VOID', occupation_name: '中式烹调师', level: 3 });
  });

  it('answers revoked', async () => {
    expect(JSON.parse((await verify('C-REVOKED', '李四')).text)).toMatchObject({ status: 'revoked', level: 5 });
  });

  it('answers only not_found for an unknown number or a wrong name — no hint the number exists', async () => {
    const unknown = await verify('C-NOPE', '张三');
    const wrongName = await verify('C-VALID', '李四');
    const partName = await verify('C-VALID', '张');
    for (const r of [unknown, wrongName, partName]) {
      expect(r.status).toBe(200);
      expect(r.text).toBe('{"status":"not_found"}');
    }
    // Spaces typed inside the name do not matter.
    expect(JSON.parse((await verify('C-VALID', ' 张 三 ')).text).status).toBe('valid');
  });

  it('requires both parameters', async () => {
    const r = await fetch(`${base}/api/certificates/verify?certificate_no=C-VALID`);
    expect(r.status).toBe(400);
  });

  it('never answers with an identity number, phone or bank account (random certificates)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          id: fc.stringMatching(/^[1-6]\d{16}[\dX]$/),
          phone: fc.stringMatching(/^1[3-9]\d{9}$/),
          bank: fc.stringMatching(/^62\d{14,17}$/),
          name: fc.string({ minLength: 1, maxLength: 6 }).filter((x) => x.trim() !== ''),
          level: fc.integer({ min: 1, max: 5 }),
          status: fc.constantFrom('valid', 'void', 'revoked', null),
          askRight: fc.boolean(),
        }),
        async (c) => {
          const no = `C-PROP-${n++}`;
          await insert(s.db, 'persons', [{ id_number: c.id, name: c.name, phone: c.phone, bank_account: c.bank, region_code: '440106' }]);
          await insert(s.db, 'certificates', [{ certificate_no: no, id_number: c.id, occupation_code: '4-03-02-01', level: c.level, institution_id: 'I1', issued_on: '2023-07-01', status: c.status }]);
          const r = await verify(no, c.askRight ? c.name : `${c.name}X`);
          for (const secret of [c.id, c.phone, c.bank, c.id.slice(-6)]) expect(r.text).not.toContain(secret);
          const body = JSON.parse(r.text);
          expect(body.status).toBe(c.askRight ? (c.status ?? 'valid') : 'not_found');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answers 429 rate_limited after ZHILI_VERIFY_RATE_LIMIT requests a minute from one address', async () => {
    const limited = await serve(s, '3');
    try {
      const statuses: number[] = [];
      let last = '';
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${limited.base}/api/certificates/verify?certificate_no=C-VALID&name=${encodeURIComponent('张三')}`);
        statuses.push(r.status);
        last = await r.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(JSON.parse(last).error.id).toBe('rate_limited');
    } finally {
      await limited.srv.close();
    }
  });
});

describe('verification helpers', () => {
  it('compares names exactly (after removing spaces)', () => {
    expect(sameName('张三', '张三')).toBe(true);
    expect(sameName('张三', ' 张 三')).toBe(true);
    expect(sameName('张三', '张三丰')).toBe(false);
    expect(sameName('张三', '')).toBe(false);
  });
  it('the sliding window forgets hits older than a minute; 0 is off', () => {
    const l = new SlidingWindowLimiter(2, 60_000);
    expect([l.hit('a', 0), l.hit('a', 1), l.hit('a', 2), l.hit('b', 3)]).toEqual([true, true, false, true]);
    expect(l.hit('a', 60_001)).toBe(true);
    const off = new SlidingWindowLimiter(0);
    expect(Array.from({ length: 100 }, () => off.hit('a')).every(Boolean)).toBe(true);
  });
});
