/**
 * Listening and graceful shutdown (API.md "Server"): on SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish, stop the scheduler, close the store, exit 0.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.ts';
import { buildApp } from './app.ts';
import { startScheduler } from './scheduler.ts';

export interface ServeOptions {
  db: Db;
  host?: string;
  port?: number;
  logger?: boolean;
  /** Periodic work (deadline checks); run at start and every ZHILI_SCHEDULER_INTERVAL_S. */
  scheduled?: (() => Promise<unknown>)[];
  /** Install SIGTERM/SIGINT handlers that close and exit (the CLI; not in tests). */
  handleSignals?: boolean;
}

export interface Running {
  app: FastifyInstance;
  url: string;
  /** Stop accepting, finish in-flight requests, close the store. */
  close(): Promise<void>;
}

/** Build the app, start the scheduled tasks and listen. */
export async function startServer(o: ServeOptions): Promise<Running> {
  const app = await buildApp({ db: o.db, logger: o.logger });
  for (const fn of o.scheduled ?? []) startScheduler(app, fn);
  // fastify's close() stops accepting, waits for in-flight requests, then runs onClose hooks.
  app.addHook('onClose', async () => {
    await o.db.close();
  });
  const address = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 8080 });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= app.close());
  if (o.handleSignals) {
    const onSignal = (sig: string) => {
      process.stderr.write(`收到 ${sig}，正在停止服务… / ${sig}: shutting down\n`);
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { app, url: address.replace('[::1]', 'localhost'), close };
}
