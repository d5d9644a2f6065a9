/**
 * One error handler for the API (API.md "Errors"): `{"error":{"id","message"}}`, never a stack
 * trace or SQL. ZhiliErrors carry their status; fastify's schema-validation errors become 400
 * naming the field; anything else is a 500 that is logged (scrubbed) and answered generically.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZhiliError } from '../errors.ts';
import { scrubText } from '../privacy/mask.ts';

export interface ErrorBody {
  error: { id: string; message: string };
}

/** The body of an error answer. */
export function errorBody(id: string, message: string): ErrorBody {
  return { error: { id, message } };
}

const KEYWORD_ZH: Record<string, (p: Record<string, unknown>) => string> = {
  required: () => '必填',
  type: (p) => `类型应为 ${String(p.type)}`,
  enum: (p) => `取值应为 ${(p.allowedValues as unknown[] | undefined)?.join(' / ') ?? '规定值之一'}`,
  minLength: (p) => `长度至少 ${String(p.limit)}`,
  maxLength: (p) => `长度至多 ${String(p.limit)}`,
  minimum: (p) => `不得小于 ${String(p.limit)}`,
  maximum: (p) => `不得大于 ${String(p.limit)}`,
  pattern: () => '格式不正确',
  format: (p) => `格式应为 ${String(p.format)}`,
  additionalProperties: () => '包含未定义的字段',
  minItems: (p) => `至少 ${String(p.limit)} 项`,
  maxItems: (p) => `至多 ${String(p.limit)} 项`,
};

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** '字段 body.version：必填' from fastify's validation error. */
export function validationMessage(issues: AjvIssue[], context: string | undefined): { field: string; message: string } {
  const v = issues[0]!;
  let path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (v.keyword === 'required') path = [path, String(v.params.missingProperty)].filter(Boolean).join('.');
  if (v.keyword === 'additionalProperties') path = [path, String(v.params.additionalProperty)].filter(Boolean).join('.');
  const field = [context, path].filter(Boolean).join('.') || (context ?? 'body');
  const zh = KEYWORD_ZH[v.keyword]?.(v.params) ?? '无效';
  return { field, message: `字段 ${field}：${zh}` };
}

/** DuckDB's optimistic concurrency control refuses a concurrent write of the same rows. */
export function isWriteConflict(e: unknown): boolean {
  const m = (e as Error)?.message ?? '';
  return /write-write conflict|Conflict on tuple|TransactionContext Error/i.test(m);
}

/** Register the handler and the 404 answer for unknown routes. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ZhiliError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ZhiliError) {
      const status = err.status ?? 400;
      if (status >= 500) req.log.error({ id: err.id }, scrubText(err.message));
      return reply.status(status).send(errorBody(err.id, err.message));
    }
    const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
    if (fe.validation && fe.validation.length) {
      const v = validationMessage(fe.validation, fe.validationContext);
      return reply.status(400).send(errorBody('invalid', v.message));
    }
    if (isWriteConflict(err)) {
      return reply.status(409).send(errorBody('conflict.concurrent_write', '数据正被他人同时修改，请刷新后重试'));
    }
    const sc = fe.statusCode;
    if (typeof sc === 'number' && sc >= 400 && sc < 500) {
      // fastify's own client errors (bad JSON, wrong content type, body too large …).
      const zh: Record<number, string> = { 400: '请求格式不正确', 404: '资源不存在', 413: '请求体过大', 415: '不支持的内容类型', 429: '请求过于频繁，请稍后再试' };
      return reply.status(sc).send(errorBody(sc === 400 ? 'invalid' : `http.${sc}`, zh[sc] ?? '请求无效'));
    }
    req.log.error({ err_code: fe.code, err_name: err.name }, scrubText(err.message ?? String(err)));
    return reply.status(500).send(errorBody('internal', '服务器内部错误'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody('not_found', '资源不存在'));
  });
}
