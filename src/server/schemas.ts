/**
 * Shared JSON schemas for route declarations (they feed the OpenAPI document at /docs/json).
 */

/** The error body of API.md. */
export const errorSchema = {
  $id: 'ErrorBody',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { id: { type: 'string' }, message: { type: 'string' } },
      required: ['id', 'message'],
    },
  },
  required: ['error'],
} as const;

const ref = { $ref: 'ErrorBody#' } as const;

/** Error responses to spread into a route's `response` schema. */
export const errorResponses = { 400: ref, 401: ref, 403: ref, 404: ref, 409: ref, 429: ref, 500: ref } as const;

/** `page` (from 1) and `page_size` (≤ 500, default 50), API.md "Lists". */
export const pageQueryProperties = {
  page: { type: 'integer', minimum: 1, default: 1 },
  page_size: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
} as const;

/** A query schema with paging plus the given properties. */
export function listQuery(props: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'object', properties: { ...pageQueryProperties, ...props }, additionalProperties: false };
}

/** `{"items":[…],"total":N}`. */
export function listOf(item: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', properties: { items: { type: 'array', items: item }, total: { type: 'integer' } }, required: ['items', 'total'] };
}

/** An object schema whose undeclared fields pass through (response schemas strip them otherwise). */
export function openObject(props: Record<string, unknown> = {}, required: string[] = []): Record<string, unknown> {
  return { type: 'object', properties: props, required, additionalProperties: true };
}

/** Paging values of a validated query. */
export function paging(q: { page?: number; page_size?: number }): { limit: number; offset: number } {
  const size = Math.min(q.page_size ?? 50, 500);
  return { limit: size, offset: ((q.page ?? 1) - 1) * size };
}
