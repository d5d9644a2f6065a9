/**
 * Liveness and readiness (API.md "Server"). /api/health never touches the store; /api/ready
 * answers 503 when the store does not answer.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../types.ts';

const status = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } as const;

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  app.get('/api/health', { config: { public: true }, schema: { tags: ['system'], summary: '存活检查（不访问数据库）', response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/api/ready', { config: { public: true }, schema: { tags: ['system'], summary: '就绪检查（数据库可用）', response: { 200: status, 503: status } } }, async (_req, reply) => {
    try {
      await opts.db.query('SELECT 1 AS one');
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
}
