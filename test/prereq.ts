/**
 * The one place a test may depend on something outside the repository (a reference file on
 * this machine, an optional module). Locally a missing prerequisite skips the test; under CI
 * (`env().CI`) it fails, so a suite can never go green by silently running nothing.
 * test/no-silent-skip.test.ts keeps every skip in src/ and test/ going through here.
 */
import { env } from '../src/config/env.ts';

/**
 * `it.skipIf(requireOrSkip(ok, why))(…)`: false (run) when the prerequisite holds; when it
 * does not, true (skip) on a developer machine and a thrown error under CI.
 * @param ok whether the prerequisite is present
 * @param reason what is missing, for the CI failure message
 */
export function requireOrSkip(ok: boolean, reason: string, ci: boolean = env().CI): boolean {
  if (ok) return false;
  if (ci) throw new Error(`测试前提缺失（CI 下不允许跳过）：${reason} / test prerequisite missing under CI: ${reason}`);
  return true;
}
