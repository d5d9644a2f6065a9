import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logDestination } from './log.ts';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _e, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { stream, text: () => out };
}

describe('log', () => {
  it('redacts sensitive fields and scrubs identifiers from messages', () => {
    const s = sink();
    const logger = createLogger(s.stream, 'info');
    logger.info({ id_number: '11010519491231002X', row: { phone: '13812345678' } }, '导入学员 11010519491231002X 失败');
    expect(s.text()).toContain('导入学员 110105********002X 失败');
    expect(s.text()).toContain('[masked]');
    expect(s.text()).not.toContain('11010519491231002X');
    expect(s.text()).not.toContain('13812345678');
  });

  it('scrubs identifiers inside any logged field, nested values and errors included', () => {
    const s = sink();
    const logger = createLogger(s.stream, 'info');
    logger.info(
      { reason: '证件号 11010519491231002X 校验失败', rows: [{ note: '联系 13812345678' }], err: new Error('账号 6222021234567890123 无效') },
      'quarantine',
    );
    const line = JSON.parse(s.text());
    expect(line.reason).toBe('证件号 110105********002X 校验失败');
    expect(line.rows[0].note).toBe('联系 138****5678');
    expect(line.err.message).toBe('账号 6222***********0123 无效');
    expect(s.text()).not.toMatch(/11010519491231002X|13812345678|6222021234567890123/);
  });

  it('writes to a file created with mode 0600 when given one, synchronously', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zhili-log-')), 'sub', 'zhili.log');
    const logger = createLogger(logDestination(file), 'info');
    logger.info({ event: 'test' }, 'hello');
    // No flush, no wait: the line is on disk as soon as the call returns.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ event: 'test', msg: 'hello' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
