/**
 * No identity number, phone or bank account in the logs (COMMON rule; brief "Privacy"): runs the
 * main job end to end as a user does — `zhili demo`, then a messy dataset through
 * `zhili generate` / `zhili import` / `zhili screen`, and `zhili scan` of a text holding
 * identifiers — with ZHILI_LOG_LEVEL=debug and ZHILI_LOG_FILE, and searches every log line
 * (and stderr) for unmasked identifiers.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zhili } from './cli-bin.ts';

/** Unmasked personal identifiers (masked forms contain '*'). Boundaries exclude longer alphanumeric runs such as hashes. */
export const LEAKS: Record<string, RegExp> = {
  'identity number (18, GB 11643)': /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/,
  'identity number (15 digits)': /(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])/,
  phone: /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/,
  'bank account (16–19 digits)': /(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])/,
};

/** The identifiers found in a text, by kind (empty when clean). */
export function leaks(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    for (const [kind, re] of Object.entries(LEAKS)) {
      const m = re.exec(line);
      if (m) found.push(`${kind}: ${m[0]} in ${line.slice(0, 300)}`);
    }
  }
  return found;
}

describe('logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhili-logs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'zhili.log');
  const logEnv = { ZHILI_LOG_LEVEL: 'debug', ZHILI_LOG_FILE: logFile, NO_COLOR: '1' };

  it('the detector finds what it must (so that a clean log means something)', () => {
    expect(leaks('{"msg":"导入 11010519491231002X"}')).toHaveLength(1);
    expect(leaks('{"msg":"旧证 110105491231002"}')).toHaveLength(1);
    expect(leaks('{"phone":"13812345678"}')).toHaveLength(1);
    expect(leaks('{"acct":"6222021234567890123"}')).toHaveLength(1);
    expect(leaks('{"msg":"110105********002X 138****5678 6222***********0123","time":1796102784801,"hash":"ab12345678901234567890cd"}')).toEqual([]);
  });

  it('hold no unmasked identity number, phone or bank account after the main job at debug level', async () => {
    const stderr: string[] = [];
    const run = async (args: string[]) => {
      const r = await zhili(args, logEnv);
      stderr.push(r.stderr);
      expect(r.code, `zhili ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    };
    const db = join(dir, 'zhili.duckdb');
    await run(['demo', '--no-serve', '--dir', join(dir, 'demo'), '--scale', '0.01', '--seed', '7', '--db', db]);
    const messy = join(dir, 'messy');
    await run(['generate', '--out', messy, '--scale', '0.01', '--seed', '3', '--variant', 'messy']);
    await run(['import', messy, '--db', join(dir, 'messy.duckdb')]);
    await run(['screen', '--db', join(dir, 'messy.duckdb'), '--out', join(dir, 'clues.jsonl')]);
    await run(['scan', '报名咨询 13812345678，身份证 11010519491231002X，学费转账 6222021234567890123，包过']);

    // The data really holds identifiers: a leak would have had something to leak.
    const persons = readdirSync(join(dir, 'demo')).find((f) => f.startsWith('persons'))!;
    expect(readFileSync(join(dir, 'demo', persons), 'utf8')).toMatch(LEAKS['identity number (18, GB 11643)']!);

    expect(existsSync(logFile)).toBe(true);
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(logFile, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    const events = lines.map((l) => JSON.parse(l) as { event?: string; command?: string; exit_code?: number });
    // Every command logged its start and its end, with exit code 0.
    for (const command of ['demo', 'generate', 'import', 'screen', 'scan']) {
      expect(events.filter((e) => e.event === 'command.start' && e.command === command)).toHaveLength(1);
      expect(events.find((e) => e.event === 'command.end' && e.command === command)?.exit_code).toBe(0);
    }
    expect(lines.filter((l) => /import/.test(l)).length).toBeGreaterThan(0);
    expect(lines.filter((l) => /screen/.test(l)).length).toBeGreaterThan(0);

    expect(leaks(text)).toEqual([]);
    // Nothing was logged to stderr instead of the file, and what stderr shows holds no identifier either.
    expect(stderr.join('')).not.toMatch(/"level":\d+/);
    expect(leaks(stderr.join('\n'))).toEqual([]);
  }, 600_000);
});
