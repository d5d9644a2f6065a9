/**
 * Platform collaboration (API.md "Platforms"): directives to platform enterprises and the
 * operators' answers. Services: src/platforms/directives.ts.
 */
import type { FastifyInstance } from 'fastify';
import {
  createDirective,
  createFromClues,
  DIRECTIVE_KINDS,
  DIRECTIVE_STATES,
  getDirective,
  listDirectives,
  RESPONSE_ACTIONS,
  respondDirective,
  type CreateInput,
  type ListQuery,
  type ResponseInput,
} from '../../platforms/directives.ts';
import { errorResponses, listOf, listQuery, openObject } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const date = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const strList = { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 5000 } as const;
const params = { type: 'object', properties: { directive_id: str }, required: ['directive_id'] } as const;

const summaryProps = {
  directive_id: str,
  platform: str,
  kind: { type: 'string', enum: [...DIRECTIVE_KINDS] },
  terms: { type: 'array', items: str },
  deadline: str,
  note: nstr,
  state: { type: 'string', enum: [...DIRECTIVE_STATES] },
  overdue: { type: 'boolean', description: '期限已过且未全部答复' },
  listings_total: int,
  listings_pending: int,
  needs_decision: { ...int, description: '平台答复“保留”、退回发送方决定的商品数' },
  created_by: str,
  creator_role: str,
  region_code: str,
  created_at: nstr,
  version: int,
};
const summary = openObject(summaryProps);
const detail = openObject({
  ...summaryProps,
  listings: {
    type: 'array',
    items: openObject({ listing_id: str, clue_id: nstr, state: { type: 'string', enum: ['pending', 'removed', 'warned', 'needs_decision'] }, shop_name: nstr, title: nstr, url: nstr }),
  },
  responses: {
    type: 'array',
    items: openObject({ listing_id: nstr, action: { type: 'string', enum: [...RESPONSE_ACTIONS] }, note: nstr, responded_by: str, responded_at: nstr }),
  },
});

const createBody = {
  type: 'object',
  description: '二选一：{platform, kind, listing_ids?, terms?, deadline, note} 或 {from_clues, deadline, note}（按平台各生成一条指令，答复 {"items":[…]}）',
  required: ['deadline'],
  properties: {
    platform: { type: 'string', minLength: 1 },
    kind: { type: 'string', enum: [...DIRECTIVE_KINDS] },
    listing_ids: strList,
    terms: strList,
    from_clues: strList,
    deadline: date,
    note: nstr,
  },
  additionalProperties: false,
} as const;

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { db } = opts;

  app.post<{ Body: CreateInput }>(
    '/api/directives',
    {
      schema: {
        tags: ['platforms'],
        summary: '向平台企业发送合规提示或下架指令（部级分析员、省级管理员）',
        body: createBody,
        // The bulk answer first: a single directive has no `items`, so it falls through to `detail`.
        response: { 201: { anyOf: [{ type: 'object', properties: { items: { type: 'array', items: detail } }, required: ['items'] }, detail] }, ...errorResponses },
      },
    },
    async (req, reply) => {
      reply.code(201);
      if (req.body.from_clues) return { items: await createFromClues(db, req.actor, req.body) };
      return createDirective(db, req.actor, req.body);
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/directives',
    {
      schema: {
        tags: ['platforms'],
        summary: '指令列表（部级：全部；省级：本省发出的；平台运营人员：本平台的）',
        querystring: listQuery({
          platform: str,
          state: { type: 'string', enum: [...DIRECTIVE_STATES] },
          overdue: { type: 'boolean' },
          needs_decision: { type: 'boolean', description: '有平台答复“保留”、待发送方决定的商品' },
        }),
        response: { 200: listOf(summary), ...errorResponses },
      },
    },
    async (req) => listDirectives(db, req.actor, req.query),
  );

  app.get<{ Params: { directive_id: string } }>(
    '/api/directives/:directive_id',
    { schema: { tags: ['platforms'], summary: '指令详情（商品与答复）', params, response: { 200: detail, ...errorResponses } } },
    async (req) => getDirective(db, req.actor, req.params.directive_id),
  );

  app.post<{ Params: { directive_id: string }; Body: ResponseInput }>(
    '/api/directives/:directive_id/responses',
    {
      schema: {
        tags: ['platforms'],
        summary: '平台逐条答复（removed 已下架 / warned 已警示 / kept 保留，须说明理由）',
        params,
        body: {
          type: 'object',
          required: ['actions'],
          properties: {
            actions: {
              type: 'array',
              minItems: 1,
              maxItems: 5000,
              items: {
                type: 'object',
                required: ['action'],
                properties: { listing_id: nstr, action: { type: 'string', enum: [...RESPONSE_ACTIONS] }, note: nstr },
                additionalProperties: false,
              },
            },
          },
          additionalProperties: false,
        },
        response: { 200: detail, ...errorResponses },
      },
    },
    async (req) => respondDirective(db, req.actor, req.params.directive_id, req.body),
  );
}
