/**
 * The fastify application (contract for route modules: src/server/README.md).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { env } from '../config/env.ts';
import { log } from '../log.ts';
import { scrubText } from '../privacy/mask.ts';
import { presentForActor } from '../privacy/present.ts';
import type { Db } from '../store/db.ts';
import { installAuthHook } from './auth.ts';
import { installErrorHandler } from './errors.ts';
import auditRoutes from './routes/audit.ts';
import authRoutes from './routes/auth.ts';
import caseRoutes from './routes/cases.ts';
import clueRoutes from './routes/clues.ts';
import directiveRoutes from './routes/directives.ts';
import recordRoutes from './routes/records.ts';
import certificateRoutes from './routes/certificates.ts';
import systemRoutes from './routes/system.ts';
import { errorSchema } from './schemas.ts';
import type { RouteOptions } from './types.ts';

export interface AppOptions {
  db: Db;
  /** Log requests (pino, JSON to stderr). Default false. */
  logger?: boolean;
}

type RouteModule = (app: FastifyInstance, opts: RouteOptions) => Promise<void>;

/**
 * THE ROUTE LIST. Every route module of src/server/routes/ is imported above and listed here.
 * Integrator: add g-cases' modules when merging —
 *   import clueRoutes from './routes/clues.ts';
 *   import caseRoutes from './routes/cases.ts';
 *   import recordRoutes from './routes/records.ts';
 * and append clueRoutes, caseRoutes, recordRoutes to this list.
 */
export const ROUTE_MODULES: RouteModule[] = [systemRoutes, authRoutes, auditRoutes, clueRoutes, caseRoutes, recordRoutes, directiveRoutes, certificateRoutes];

/**
 * The console's build (web/dist) under the project root: the nearest folder above this module
 * with a package.json — the same from src/server/ (tsx) and from the bundled dist/.
 */
function webDist(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'web', 'dist');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'web', 'dist');
}
const WEB_DIST = webDist();

const PLACEHOLDER = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>治理 zhili</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.6">
<h1>治理 zhili</h1><p>职业技能培训和评价问题专项治理平台。</p>
<p>网页控制台尚未构建（web/dist 不存在）。接口说明见 <a href="/docs">/docs</a>，健康检查 <a href="/api/health">/api/health</a>。</p>
</body></html>`;

/** Build the app with every route registered (not listening). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // The project's logger (stderr, identifiers redacted); fastify's own request lines are off
    // because they carry raw URLs (/api/persons/{id_number}): the onResponse hook logs a scrubbed one.
    ...(opts.logger ? { loggerInstance: log as unknown as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a reverse proxy the TLS termination sets x-forwarded-proto (cookie Secure flag).
    trustProxy: env().ZHILI_TRUST_PROXY,
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.decorateRequest('actor', null as never);
  app.decorateRequest('authKind', null);
  app.decorateRequest('sessionHash', null);
  app.decorateRequest('csrfToken', null);
  app.addSchema(errorSchema);

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '治理 zhili API', description: 'API.md (v1): clues, cases, records, identity, audit', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zhili_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  installErrorHandler(app);
  installAuthHook(app, opts.db);
  // The safety net: whatever a route returns is masked for roles that read personal data masked.
  app.addHook('preSerialization', async (req, _reply, payload) => {
    if (req.actor && payload && typeof payload === 'object') return presentForActor(payload, req.actor);
    return payload;
  });

  if (opts.logger) {
    app.addHook('onResponse', async (req, reply) => {
      req.log.info({ method: req.method, url: scrubText(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime), user: req.actor?.username }, 'request');
    });
  }

  for (const mod of ROUTE_MODULES) await app.register(mod, { db: opts.db });

  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PLACEHOLDER));
  }
  return app;
}
