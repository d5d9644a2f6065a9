/**
 * Records (API.md "Records"): 一机构一档 and a person's record, jurisdiction- and role-aware.
 */
import type { FastifyInstance } from 'fastify';
import { institutionProfile } from '../../records/institution.ts';
import { personRecord } from '../../records/person.ts';
import { errorResponses, openObject } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { db } = opts;
  app.get<{ Params: { institution_id: string } }>(
    '/api/institutions/:institution_id',
    {
      schema: {
        tags: ['records'],
        summary: '一机构一档',
        params: { type: 'object', properties: { institution_id: { type: 'string' } }, required: ['institution_id'] },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => institutionProfile(db, req.actor, req.params.institution_id),
  );
  app.get<{ Params: { id_number: string } }>(
    '/api/persons/:id_number',
    {
      schema: {
        tags: ['records'],
        summary: '人员档案（按角色脱敏）',
        params: { type: 'object', properties: { id_number: { type: 'string' } }, required: ['id_number'] },
        response: { 200: openObject(), ...errorResponses },
      },
    },
    async (req) => personRecord(db, req.actor, req.params.id_number),
  );
}
