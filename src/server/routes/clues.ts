/**
 * Clues (API.md "Clues and cases"): the inbox, one clue, manual intake, decisions.
 * Thin adapters over src/cases/queries.ts, src/clues/intake.ts and src/cases/service.ts.
 */
import type { FastifyInstance } from 'fastify';
import { clueDetail, listCluesFor } from '../../cases/queries.ts';
import { decideClue, type DecisionInput } from '../../cases/service.ts';
import { createManualClue, type ManualClueInput } from '../../clues/intake.ts';
import { errorResponses, listOf, listQuery, openObject } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const CLUE_STATES = ['new', 'triaged', 'merged', 'dismissed'];
const SOURCES = ['screening', 'complaint', 'media', 'audit', 'inspection', 'internet_search', 'onsite', 'platform', 'other'];

export const clueItemSchema = openObject({
  clue_id: str,
  source: { type: 'string', enum: SOURCES },
  channel: nstr,
  complaint_id: nstr,
  rule: nstr,
  subject: openObject({ type: nstr, id: nstr }),
  severity: nstr,
  score: { type: ['number', 'null'] },
  region_code: nstr,
  institution_id: nstr,
  state: { type: 'string', enum: CLUE_STATES },
  summary: nstr,
  created_at: str,
  overdue: { type: 'boolean' },
  case_id: nstr,
});

type ListQ = { state?: string; source?: string; rule?: string; institution_id?: string; region_code?: string; overdue?: boolean; page?: number; page_size?: number };

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { db } = opts;
  app.get<{ Querystring: ListQ }>(
    '/api/clues',
    {
      schema: {
        tags: ['clues'],
        summary: '线索列表（按辖区过滤）',
        querystring: listQuery({
          state: { type: 'string', enum: CLUE_STATES },
          source: { type: 'string', enum: SOURCES },
          rule: { type: 'string', description: '规则编号，如 TR-HOURS；TR-* 表示一类' },
          institution_id: str,
          region_code: { type: 'string', pattern: '^[0-9]{2,6}$' },
          overdue: { type: 'boolean' },
        }),
        response: { 200: listOf(clueItemSchema), ...errorResponses },
      },
    },
    async (req) => listCluesFor(db, req.actor, req.query),
  );

  app.get<{ Params: { clue_id: string } }>(
    '/api/clues/:clue_id',
    {
      schema: {
        tags: ['clues'],
        summary: '线索详情（证据、关联记录、版本、候选机构、决定记录）',
        params: { type: 'object', properties: { clue_id: str }, required: ['clue_id'] },
        response: { 200: openObject({ evidence: {}, related: { type: 'array' }, version: { type: 'integer' }, link_candidates: { type: 'array', items: str }, decisions: { type: 'array' } }), ...errorResponses },
      },
    },
    async (req) => clueDetail(db, req.actor, req.params.clue_id),
  );

  app.post<{ Body: ManualClueInput }>(
    '/api/clues',
    {
      schema: {
        tags: ['clues'],
        summary: '人工登记线索',
        body: {
          type: 'object',
          required: ['source', 'received_on', 'region_code', 'summary'],
          properties: {
            source: { type: 'string', enum: SOURCES.filter((s) => s !== 'screening') },
            channel: nstr,
            received_on: { type: 'string', format: 'date' },
            region_code: { type: 'string', pattern: '^[0-9]{6}$' },
            institution_id: nstr,
            subject_name: nstr,
            subject_uscc: nstr,
            summary: { type: 'string', minLength: 1 },
            evidence: { type: ['object', 'null'], additionalProperties: true },
          },
          additionalProperties: false,
        },
        response: { 201: openObject(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const id = await createManualClue(db, req.actor, req.body);
      reply.code(201);
      return clueDetail(db, req.actor, id);
    },
  );

  app.post<{ Params: { clue_id: string }; Body: DecisionInput }>(
    '/api/clues/:clue_id/decision',
    {
      schema: {
        tags: ['clues'],
        summary: '线索决定：分拣 / 排除（需理由）/ 并案',
        params: { type: 'object', properties: { clue_id: str }, required: ['clue_id'] },
        body: {
          type: 'object',
          required: ['action', 'version'],
          properties: { action: { type: 'string', enum: ['triage', 'dismiss', 'merge'] }, reason: nstr, case_id: nstr, version: { type: 'integer' } },
          additionalProperties: false,
        },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => {
      await decideClue(db, req.actor, req.params.clue_id, req.body);
      return clueDetail(db, req.actor, req.params.clue_id);
    },
  );
}
