import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZhiliError } from '../errors.ts';
import { scanText } from '../text/scan.ts';
import { decodeText, formatHits, registerScan, visible } from './scan.ts';

async function run(args: string[]): Promise<string> {
  const program = new Command('zhili').exitOverride();
  registerScan(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('zhili scan', () => {
  it('prints JSON hits with UTF-16 offsets into the input and the original slice', async () => {
    const out = await run(['scan', '--json', '考证包\u200b过']);
    expect(out).toContain('"text":"包\\u200b过"'); // invisible characters escaped
    const { hits } = JSON.parse(out);
    expect(hits).toEqual([
      { rule: 'AD-TERMS', term: '包过', category: 'pass-guarantee', severity: 'high', start: 2, end: 5, text: '包\u200b过', via: ['noise'] },
    ]);
  });

  it('honours --kind', async () => {
    const text = '职业技能等级证书代办 快速拿证';
    expect(JSON.parse(await run(['scan', '--json', text])).hits).toEqual([]);
    const { hits } = JSON.parse(await run(['scan', '--json', '--kind', 'listing', text]));
    expect(hits.map((h: { rule: string }) => h.rule)).toEqual(['PL-LISTING']);
    await expect(run(['scan', '--kind', 'poster', text])).rejects.toThrow();
  });

  it('reads --file, including GB18030, with offsets into the decoded text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-scan-'));
    const f = join(dir, 'ad.txt');
    // GB18030 bytes of "第一行\n人社部颁发证书" (not valid UTF-8).
    const gb = Buffer.from('b5dad2bbd0d00ac8cbc9e7b2bfb0e4b7a2d6a4cae9', 'hex');
    writeFileSync(f, gb);
    const { hits } = JSON.parse(await run(['scan', '--json', '--file', f]));
    expect(hits).toMatchObject([{ rule: 'AD-AGENCY', term: '人社部', start: 4, end: 7, text: '人社部' }]);
  });

  it('keeps UTF-8 with a few invalid bytes as UTF-8 (bad bytes replaced), not GB18030', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-scan-'));
    const f = join(dir, 'ad.txt');
    const good = Buffer.from('培训通知：课程安排如下。\n结业证书由人社部颁发，全国通用。', 'utf8');
    // A stray Latin-1 byte and a truncated character, as in a badly cut export.
    const bad = Buffer.concat([Buffer.from('\xa9 ', 'latin1'), good.subarray(0, 6), good.subarray(7)]);
    writeFileSync(f, bad);
    const d = decodeText(bad);
    expect(d.encoding).toBe('utf-8');
    expect(d.invalidBytes).toBe(3);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { hits } = JSON.parse(await run(['scan', '--json', '--file', f]));
    expect(spy.mock.calls.map((c) => String(c[0])).join('')).toMatch(/3 个无法解码的字节/);
    expect(hits.map((h: { term: string }) => h.term)).toEqual(['人社部', '全国']);
    for (const h of hits) expect(d.text.slice(h.start, h.end)).toBe(h.text);
  });

  it('decides encodings: clean UTF-8, BOMs, GB18030', () => {
    expect(decodeText(Buffer.from('包过', 'utf8'))).toEqual({ text: '包过', encoding: 'utf-8', invalidBytes: 0 });
    expect(decodeText(Buffer.from('\ufeff包过', 'utf16le'))).toMatchObject({ text: '包过', encoding: 'utf-16le' });
    // GB18030 "人社部颁发证书，全国通用": mostly invalid as UTF-8.
    const gb = Buffer.from('c8cbc9e7b2bfb0e4b7a2d6a4cae9a3acc8abb9facda8d3c3', 'hex');
    expect(decodeText(gb)).toMatchObject({ text: '人社部颁发证书，全国通用', encoding: 'gb18030', invalidBytes: 0 });
    // Short GB18030 that is valid UTF-8 by accident (药师 = d2a9 cae6 → "ҩʦ"), but not Latin text.
    expect(decodeText(Buffer.from('d2a9caa6', 'hex'))).toMatchObject({ text: '药师', encoding: 'gb18030' });
    expect(decodeText(Buffer.from('café', 'utf8'))).toMatchObject({ text: 'café', encoding: 'utf-8' });
  });

  it('rejects a text together with --file, and a missing file, in Chinese first', async () => {
    await expect(run(['scan', 'x', '--file', 'y'])).rejects.toSatisfy(
      (e) => e instanceof ZhiliError && e.id === 'scan.two_inputs' && /^请/.test(e.message),
    );
    await expect(run(['scan', '--file', '/nonexistent/zhili.txt'])).rejects.toSatisfy(
      (e) => e instanceof ZhiliError && e.id === 'scan.file_unreadable',
    );
  });

  it('highlights the original text of each hit', async () => {
    const out = await run(['scan', '第一行没有\n证书 包 過，人社部颁发']);
    expect(out).toContain('第 2 行');
    expect(out).not.toContain('第 1 行');
    expect(out).toContain('【包 過】');
    expect(out).toContain('【人社部】〔颁发〕');
    expect(out).toMatch(/方式：繁体、插入干扰字符/);
  });
});

describe('formatHits', () => {
  it('says so when there is nothing', () => {
    expect(formatHits('面包过期', scanText('面包过期'), false)).toMatch(/^未发现违规用语/);
  });
  it('cuts long lines to a window around the hits', () => {
    const text = '培训'.repeat(100) + '包过' + '课程'.repeat(100);
    const out = formatHits(text, scanText(text), false);
    expect(out).toContain('…' + '培训'.repeat(20) + '【包过】' + '课程'.repeat(20) + '…');
  });
  it('shows invisible characters', () => {
    expect(visible('包\u200b过')).toBe('包⟨U+200B⟩过');
  });
});
