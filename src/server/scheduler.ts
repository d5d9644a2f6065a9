/**
 * Periodic work of the server (WORKFLOW.md "Time": deadlines checked at start and periodically).
 * g-cases' deadline service is wired in by the caller of startServer (`scheduled` option).
 */
import type { FastifyInstance } from 'fastify';
import { env } from '../config/env.ts';
import { log } from '../log.ts';

export interface Scheduler {
  /** Resolves when the current run (if any) has finished. */
  stop(): Promise<void>;
  /** Run now (also what the timer does); never overlaps a running run. */
  runNow(): Promise<void>;
}

/**
 * Run `fn` once now and then every ZHILI_SCHEDULER_INTERVAL_S seconds (default 60) until the
 * app closes. Runs never overlap; an error is logged and the next run goes ahead.
 */
export function startScheduler(app: FastifyInstance, fn: () => Promise<unknown>, intervalS: number = env().ZHILI_SCHEDULER_INTERVAL_S): Scheduler {
  let running: Promise<void> | null = null;
  let stopped = false;
  const runNow = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= (async () => {
      try {
        await fn();
      } catch (e) {
        log.error({ err_name: (e as Error)?.name }, `scheduled task failed: ${(e as Error)?.message ?? String(e)}`);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runNow(), intervalS * 1000);
  timer.unref();
  void runNow();
  const stop = async () => {
    stopped = true;
    clearInterval(timer);
    if (running) await running;
  };
  app.addHook('onClose', stop);
  return { stop, runNow };
}
