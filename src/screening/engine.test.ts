import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { ENGINES } from '../store/testing.ts';
import { runScreening } from './engine.ts';
import { classRow, insert, useStore } from './kit/testkit.ts';
import { RULES } from './rules/index.ts';
import type { Rule } from './types.ts';

/** A rule that always fails, with an identity number in its error (it must not reach the log). */
const BROKEN: Rule = {
  kind: 'sql',
  id: 'FK-BROKEN',
  title: '出错规则',
  family: 'training',
  subject: 'class',
  severity: 'low',
  needs: ['classes'],
  params: [],
  description: '测试规则。',
  detect: () => `SELECT * FROM no_such_table_110101199003071234`,
  finding: () => {
    throw new Error('unreachable');
  },
};

describe.each(ENGINES)('screening logs structured events on %s', (engine) => {
  const s = useStore(engine);

  it('run start and end, one event per rule (id, status, clues, ms, reason), errors at error level, no identity numbers', async () => {
    await insert(s.db, 'projects', [{ project_id: 'P1', name: '项目', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' }]);
    await insert(s.db, 'classes', [classRow('C1', 'I1')]);
    let out = '';
    const logger = createLogger(
      new Writable({
        write(chunk, _e, cb) {
          out += String(chunk);
          cb();
        },
      }),
      'info',
    );
    const hours = RULES.find((r) => r.id === 'TR-HOURS')!;
    const subcontract = RULES.find((r) => r.id === 'TR-SUBCONTRACT')!;
    await runScreening(s.db, { catalog: [hours, subcontract, BROKEN], logger });
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.event, e.rule ?? null, e.status ?? null])).toEqual([
      ['screening.start', null, null],
      ['screening.rule', 'TR-HOURS', 'skipped'],
      ['screening.rule', 'TR-SUBCONTRACT', 'ran'],
      ['screening.rule', 'FK-BROKEN', 'failed'],
      ['screening.end', null, null],
    ]);
    expect(events[0]).toMatchObject({ engine, rules: 3 });
    expect(events[1]).toMatchObject({ clues: 0, reason: expect.stringContaining('attendance') });
    expect(events[2]).toMatchObject({ clues: 0, ms: expect.any(Number) });
    expect(events[3]).toMatchObject({ level: 50, reason: expect.stringContaining('执行出错') });
    expect(events[4]).toMatchObject({ ran: 1, skipped: 1, failed: 1, clues: 0 });
    expect(out).not.toContain('110101199003071234');
  });
});
