/**
 * Certificates (API.md "Certificates (public)"): public verification by number and holder name,
 * rate-limited per client address (ZHILI_VERIFY_RATE_LIMIT a minute).
 */
import type { FastifyInstance } from 'fastify';
import { verifyCertificate } from '../../certificates/verify.ts';
import { env } from '../../config/env.ts';
import { httpErr } from '../../errors.ts';
import { SlidingWindowLimiter } from '../rate-limit.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const nullable = (type: string) => ({ type: [type, 'null'] });

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { db } = opts;
  // One limiter per app: read at build time so a test can set the variable before starting a server.
  const limiter = new SlidingWindowLimiter(env().ZHILI_VERIFY_RATE_LIMIT);
  app.get<{ Querystring: { certificate_no: string; name: string } }>(
    '/api/certificates/verify',
    {
      config: { public: true },
      schema: {
        tags: ['certificates'],
        summary: '证书公开查验（证书编号 + 持证人姓名）',
        querystring: {
          type: 'object',
          properties: { certificate_no: { type: 'string', maxLength: 100 }, name: { type: 'string', maxLength: 100 } },
          required: ['certificate_no', 'name'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['valid', 'void', 'revoked', 'not_found'] },
              certificate_no: { type: 'string' },
              occupation_code: nullable('string'),
              occupation_name: nullable('string'),
              level: nullable('integer'),
              issuer: nullable('string'),
              issued_on: nullable('string'),
            },
            required: ['status'],
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      if (!limiter.hit(req.ip ?? 'unknown')) throw httpErr(429, 'rate_limited', '查验请求过于频繁，请一分钟后再试');
      return verifyCertificate(db, req.query.certificate_no.trim(), req.query.name);
    },
  );
}
