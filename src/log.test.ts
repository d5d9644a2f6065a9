import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

describe('log', () => {
  it('redacts sensitive fields and scrubs identifiers from messages', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk);
        cb();
      },
    });
    const logger = createLogger(sink, 'info');
    logger.info({ id_number: '11010519491231002X', row: { phone: '13812345678' } }, '导入学员 11010519491231002X 失败');
    expect(out).toContain('导入学员 110105********002X 失败');
    expect(out).toContain('[masked]');
    expect(out).not.toContain('11010519491231002X');
    expect(out).not.toContain('13812345678');
  });
});
