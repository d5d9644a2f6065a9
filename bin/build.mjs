#!/usr/bin/env node
/**
 * Builds the CLI to dist/ (compiled JavaScript, so `zhili` starts without transpiling TypeScript).
 * Run by `npm ci` / `npm install` through the package's `prepare` script, by `npm run build`
 * and by `npm test`. esbuild bundles src/cli/main.ts with code splitting: every `await import()`
 * of a command's heavy modules becomes its own chunk, loaded only when that command runs.
 * npm packages stay external (resolved from node_modules at run time), except zod/mini (used by
 * src/config/env.ts, checked at every start): bundled and tree-shaken it costs a few milliseconds
 * where loading the package costs ~150 ms. Classic `zod` (rule settings) stays external, so
 * that the bundled copy holds only what zod/mini needs.
 *
 * Files that the code reads at run time by path (`new URL('./x/', import.meta.url)`) are copied
 * beside the chunks; the build fails if the bundle refers to such a path that it does not provide.
 *
 * If esbuild is missing (an install without dev dependencies), it prints a note and exits 0:
 * bin/zhili.mjs then runs the TypeScript sources through tsx.
 */
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR, DIST_ENTRY, ROOT, STAMP_FILE, newestSource } from './dist.mjs';

/** Run-time assets: source directory → directory in dist/ (relative to the chunks). */
const ASSETS = {
  'src/text/lexicons': 'lexicons',
  'src/store/migrations': 'migrations',
};

/** Bare imports bundled into dist/; every other package is loaded from node_modules at run time. */
const BUNDLED = new Set(['zod/mini']);
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.has(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('zhili build: esbuild not installed, skipping (bin/zhili.mjs will run the sources through tsx)\n');
  process.exit(0);
}

const sourcesAt = newestSource(); // taken before building: an edit during the build makes dist stale
const tmp = `${DIST_DIR}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  logLevel: 'warning',
});

for (const [from, to] of Object.entries(ASSETS)) cpSync(join(ROOT, from), join(tmp, to), { recursive: true });

// Every `new URL('./…', import.meta.url)` left in the bundle must resolve inside dist/.
const missing = [];
for (const f of readdirSync(tmp).filter((f) => f.endsWith('.js'))) {
  const code = readFileSync(join(tmp, f), 'utf8');
  for (const m of code.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    const target = join(tmp, m[1]);
    if (!existsSync(target)) missing.push(`${f}: ${m[1]}`);
  }
}
if (missing.length) {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`zhili build: the bundle reads files that dist/ does not provide (add them to ASSETS in bin/build.mjs):\n  ${missing.join('\n  ')}\n`);
  process.exit(1);
}

writeFileSync(join(tmp, 'meta.json'), JSON.stringify(result.metafile));
writeFileSync(join(tmp, STAMP_FILE), JSON.stringify({ sourcesAt }) + '\n');
// Replace dist/ in one step so a concurrently starting `zhili` never sees half a build.
const old = `${DIST_DIR}.old-${process.pid}`;
if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
renameSync(tmp, DIST_DIR);
rmSync(old, { recursive: true, force: true });
if (!existsSync(DIST_ENTRY)) throw new Error('dist/main.js missing after build');
