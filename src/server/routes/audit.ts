/**
 * GET /api/audit?target=… (API.md "Audit"): ministry analysts see all entries, province admins
 * those of their region. `target` is `type:id` (e.g. `case:K1`) or an id alone.
 */
import type { FastifyInstance } from 'fastify';
import { listAudit } from '../../audit/index.ts';
import { regionFilterSql } from '../../policies/jurisdiction.ts';
import { assertCan } from '../../policies/permissions.ts';
import { errorResponses, listOf, listQuery, openObject, paging } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const entry = openObject({
  seq: { type: 'integer' },
  at: { type: 'string' },
  actor: { type: 'string' },
  actor_role: { type: ['string', 'null'] },
  action: { type: 'string' },
  target_type: { type: 'string' },
  target_id: { type: ['string', 'null'] },
  region_code: { type: ['string', 'null'] },
  before: {},
  after: {},
  hash: { type: 'string' },
});

/** Entries matching the same filter as listAudit (src/audit has no count; kept here, read-only). */
async function countAudit(db: RouteOptions['db'], whereSql: string, base: unknown[], type?: string, id?: string): Promise<number> {
  const params = [...base];
  const conds = [whereSql];
  if (type) {
    params.push(type);
    conds.push(`target_type = $${params.length}`);
  }
  if (id) {
    params.push(id);
    conds.push(`target_id = $${params.length}`);
  }
  const [r] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${conds.join(' AND ')}`, params);
  return Number(r?.n ?? 0);
}

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  app.get<{ Querystring: { target?: string; target_type?: string; page?: number; page_size?: number } }>(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: '审计日志（部级分析员；省级管理员限本省）',
        querystring: listQuery({ target: { type: 'string', description: 'type:id，如 case:K1；或仅 id' }, target_type: { type: 'string' } }),
        response: { 200: listOf(entry), ...errorResponses },
      },
    },
    async (req) => {
      assertCan(req.actor, 'audit.read');
      const params: unknown[] = [];
      const whereSql = regionFilterSql(req.actor, 'region_code', params);
      let target_type = req.query.target_type;
      let target_id: string | undefined;
      if (req.query.target) {
        const t = req.query.target;
        const i = t.indexOf(':');
        if (i > 0) {
          target_type = t.slice(0, i);
          target_id = t.slice(i + 1);
        } else target_id = t;
      }
      const { limit, offset } = paging(req.query);
      const items = await listAudit(opts.db, { whereSql, params, target_type, target_id, limit, offset });
      return { items, total: await countAudit(opts.db, whereSql, params, target_type, target_id) };
    },
  );
}
