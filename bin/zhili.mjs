#!/usr/bin/env node
// The `zhili` command. Runs the compiled JavaScript in dist/ (built by `npm ci` / `npm install`
// through the `prepare` script, or `npm run build`) when it is up to date with src/; otherwise
// (a checkout without a build, or sources edited since) it runs the TypeScript sources through
// tsx, which compiles on load: same behaviour, slower start. See README, "Starting the CLI".
import { pathToFileURL } from 'node:url';
import { DIST_ENTRY, distIsFresh } from './dist.mjs';

if (distIsFresh()) {
  await import(pathToFileURL(DIST_ENTRY).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
