import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { startScheduler } from './scheduler.ts';

describe('startScheduler', () => {
  it('runs once at start, then periodically, never overlapping, survives errors and stops with the app', async () => {
    const app = Fastify();
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    startScheduler(
      app,
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        if (runs === 2) throw new Error('one bad run');
      },
      0.01,
    );
    expect(runs).toBe(1); // at start, synchronously begun
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    await app.close();
    const after = runs;
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toBe(after);
  });
});
