/**
 * Certificates (API.md "Certificates (public)"): public verification by number and holder name,
 * rate-limited per client address (ZHILI_VERIFY_RATE_LIMIT a minute); signed credentials
 * (src/certificates/credential.ts) and the public keys that verify them.
 */
import type { FastifyInstance } from 'fastify';
import { issueCredential, verifyCredential } from '../../certificates/credential.ts';
import { jwks } from '../../certificates/keys.ts';
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

  app.get<{ Params: { certificate_no: string } }>(
    '/api/certificates/:certificate_no/credential',
    {
      schema: {
        tags: ['certificates'],
        summary: '签发证书电子凭证（签名令牌 + 二维码）',
        params: { type: 'object', properties: { certificate_no: { type: 'string' } }, required: ['certificate_no'] },
        response: {
          200: {
            type: 'object',
            properties: { token: { type: 'string' }, qr_png_base64: { type: 'string' }, verify_url: { type: 'string' } },
            required: ['token', 'qr_png_base64', 'verify_url'],
          },
          ...errorResponses,
        },
      },
    },
    async (req) => issueCredential(db, req.actor!, req.params.certificate_no, `${req.protocol}://${req.host}`),
  );
  app.post<{ Body: { token: string } }>(
    '/api/certificates/verify-credential',
    {
      config: { public: true },
      schema: {
        tags: ['certificates'],
        summary: '查验证书电子凭证（签名、内容、当前状态）',
        body: { type: 'object', properties: { token: { type: 'string', maxLength: 8000 } }, required: ['token'] },
        response: {
          200: {
            type: 'object',
            properties: {
              valid_signature: { type: 'boolean' },
              content_matches: { type: 'boolean' },
              status: { type: 'string', enum: ['valid', 'void', 'revoked', 'not_found'] },
              claims: { type: ['object', 'null'], additionalProperties: true },
            },
            required: ['valid_signature', 'content_matches', 'status', 'claims'],
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      // Same per-address budget as the number + name check: both are open to anyone.
      if (!limiter.hit(req.ip ?? 'unknown')) throw httpErr(429, 'rate_limited', '查验请求过于频繁，请一分钟后再试');
      return verifyCredential(db, req.body.token);
    },
  );
  app.get('/.well-known/zhili/jwks.json', { schema: { tags: ['certificates'], summary: '凭证签名公钥（JWKS）' } }, async () => jwks(db));
}
