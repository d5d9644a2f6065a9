/**
 * Where the compiled CLI lives and whether it is up to date with the sources (shared by
 * bin/zhili.mjs and bin/build.mjs). Up to date means: no file under src/ changed after the
 * build started. The check stats the source tree (a few milliseconds), so an edited or pulled
 * checkout never runs stale JavaScript — it falls back to tsx until `npm run build`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(ROOT, 'dist');
export const DIST_ENTRY = join(DIST_DIR, 'main.js');
export const STAMP_FILE = 'build-stamp.json';

/** Newest modification time (ms) of the non-test files under src/ (directories included: deletions and renames count). */
export function newestSource(dir = join(ROOT, 'src')) {
  let newest = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/ holds a build at least as new as every source file. */
export function distIsFresh() {
  try {
    const { sourcesAt } = JSON.parse(readFileSync(join(DIST_DIR, STAMP_FILE), 'utf8'));
    return typeof sourcesAt === 'number' && newestSource() <= sourcesAt;
  } catch {
    return false;
  }
}
