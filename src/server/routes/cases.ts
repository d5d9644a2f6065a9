/**
 * Cases (API.md "Clues and cases"): list, detail, transitions, measures, approvals,
 * rectification verification, recoveries, the major flag, transfer feedback.
 */
import type { FastifyInstance } from 'fastify';
import { decideApproval, proposeMeasure, type MeasureInput } from '../../cases/measures.ts';
import { CASE_STATES, MEASURE_TYPES } from '../../cases/model.ts';
import { caseDetail, listCasesFor } from '../../cases/queries.ts';
import { recordRecovery, setMajor, transferFeedback, transitionCase, verifyRectification } from '../../cases/service.ts';
import { errorResponses, listOf, listQuery, openObject } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const date = { type: 'string', format: 'date' } as const;
const version = { type: 'integer' } as const;
const caseParams = { type: 'object', properties: { case_id: str }, required: ['case_id'] } as const;

const caseItem = openObject({
  case_id: str,
  subject: openObject({ type: str, id: str }),
  institution_id: nstr,
  region_code: nstr,
  state: { type: 'string', enum: [...CASE_STATES] },
  major: { type: 'boolean' },
  opened_at: str,
  deadline: nstr,
  overdue: { type: 'boolean' },
  version,
});

type ListQ = { state?: string; institution_id?: string; region_code?: string; overdue?: boolean; major?: boolean; page?: number; page_size?: number };

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { db } = opts;
  app.get<{ Querystring: ListQ }>(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: '案件列表（按辖区过滤）',
        querystring: listQuery({
          state: { type: 'string', enum: [...CASE_STATES] },
          institution_id: str,
          region_code: { type: 'string', pattern: '^[0-9]{2,6}$' },
          overdue: { type: 'boolean' },
          major: { type: 'boolean' },
        }),
        response: { 200: listOf(caseItem), ...errorResponses },
      },
    },
    async (req) => listCasesFor(db, req.actor, req.query),
  );

  app.get<{ Params: { case_id: string } }>(
    '/api/cases/:case_id',
    { schema: { tags: ['cases'], summary: '案件详情（线索、措施、审批、期限、追缴台账、移送、时间线）', params: caseParams, response: { 200: openObject(), ...errorResponses } } },
    async (req) => caseDetail(db, req.actor, req.params.case_id),
  );

  app.post<{ Params: { case_id: string }; Body: { to: string; note?: string; version: number } }>(
    '/api/cases/:case_id/transitions',
    {
      schema: {
        tags: ['cases'],
        summary: '案件状态变更（结案需省级管理员审批）',
        params: caseParams,
        body: { type: 'object', required: ['to', 'version'], properties: { to: { type: 'string', enum: [...CASE_STATES] }, note: nstr, version }, additionalProperties: false },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => {
      await transitionCase(db, req.actor, req.params.case_id, req.body);
      return caseDetail(db, req.actor, req.params.case_id);
    },
  );

  app.post<{ Params: { case_id: string }; Body: MeasureInput }>(
    '/api/cases/:case_id/measures',
    {
      schema: {
        tags: ['cases'],
        summary: '采取处理措施（移出目录、终止备案、证书作废/撤销需双人复核）',
        params: caseParams,
        body: {
          type: 'object',
          required: ['type', 'version', 'decided_on'],
          properties: {
            type: { type: 'string', enum: MEASURE_TYPES.filter((t) => t !== 'close_case') },
            version,
            decided_on: date,
            legal_basis: nstr,
            note: nstr,
            deadline: date,
            amount_fen: { type: 'integer', minimum: 1 },
            decision_no: str,
            fine_fen: { type: 'integer', minimum: 0 },
            certificate_nos: { type: 'array', items: str, minItems: 1 },
            exam_id: str,
            id_numbers: { type: 'array', items: str },
            project_id: str,
            receiving_body: str,
          },
          additionalProperties: false,
        },
        response: { 201: openObject(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const m = await proposeMeasure(db, req.actor, req.params.case_id, req.body);
      reply.code(201);
      return m;
    },
  );

  app.post<{ Params: { case_id: string; measure_id: string }; Body: { decision: string; note?: string; version: number } }>(
    '/api/cases/:case_id/measures/:measure_id/approval',
    {
      schema: {
        tags: ['cases'],
        summary: '审批措施（省级管理员，不能审批本人提出的措施）',
        params: { type: 'object', properties: { case_id: str, measure_id: str }, required: ['case_id', 'measure_id'] },
        body: { type: 'object', required: ['decision', 'version'], properties: { decision: { type: 'string', enum: ['approve', 'reject'] }, note: nstr, version }, additionalProperties: false },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => decideApproval(db, req.actor, req.params.case_id, req.params.measure_id, req.body),
  );

  app.post<{ Params: { case_id: string }; Body: { verified_on: string; note?: string; version: number } }>(
    '/api/cases/:case_id/rectification-verified',
    {
      schema: {
        tags: ['cases'],
        summary: '整改验收',
        params: caseParams,
        body: { type: 'object', required: ['verified_on', 'version'], properties: { verified_on: date, note: nstr, version }, additionalProperties: false },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => {
      await verifyRectification(db, req.actor, req.params.case_id, req.body);
      return caseDetail(db, req.actor, req.params.case_id);
    },
  );

  app.post<{ Params: { case_id: string }; Body: { amount_fen: number; received_on: string; note?: string; version: number } }>(
    '/api/cases/:case_id/recoveries',
    {
      schema: {
        tags: ['cases'],
        summary: '登记追回补贴资金（分）',
        params: caseParams,
        body: { type: 'object', required: ['amount_fen', 'received_on', 'version'], properties: { amount_fen: { type: 'integer', minimum: 1 }, received_on: date, note: nstr, version }, additionalProperties: false },
        response: { 200: openObject({ due_fen: { type: 'integer' }, recovered_fen: { type: 'integer' }, outstanding_fen: { type: 'integer' }, entries: { type: 'array' } }), ...errorResponses },
      },
    },
    async (req) => recordRecovery(db, req.actor, req.params.case_id, req.body),
  );

  app.post<{ Params: { case_id: string }; Body: { major: boolean; reason?: string; version: number } }>(
    '/api/cases/:case_id/major',
    {
      schema: {
        tags: ['cases'],
        summary: '标记重大要情',
        params: caseParams,
        body: { type: 'object', required: ['major', 'version'], properties: { major: { type: 'boolean' }, reason: nstr, version }, additionalProperties: false },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => {
      await setMajor(db, req.actor, req.params.case_id, req.body);
      return caseDetail(db, req.actor, req.params.case_id);
    },
  );

  app.post<{ Params: { case_id: string; measure_id: string }; Body: { received_on?: string; feedback?: string; version: number } }>(
    '/api/cases/:case_id/transfers/:measure_id/feedback',
    {
      schema: {
        tags: ['cases'],
        summary: '移送接收与反馈（纪检监察联络员）',
        params: { type: 'object', properties: { case_id: str, measure_id: str }, required: ['case_id', 'measure_id'] },
        body: { type: 'object', required: ['version'], properties: { received_on: date, feedback: nstr, version }, additionalProperties: false },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => {
      await transferFeedback(db, req.actor, req.params.case_id, req.params.measure_id, req.body);
      return caseDetail(db, req.actor, req.params.case_id);
    },
  );
}
