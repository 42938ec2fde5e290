import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Store } from '../store/store.js';
import { adrHeaders } from './adr-headers.js';
import { API_PREFIX, type Contract } from './contract.js';
import { registerProblemHandling } from './problem-handler.js';
import { transactionIdOf } from './tracing.js';

/** Where the API reference page lives on the ops port. */
export const REFERENCE_PREFIX = '/referentie';

/**
 * The ops port: plain HTTP, bound to localhost by default, for the operator and the platform —
 * liveness, readiness (the store answers), Prometheus metrics, the contract without a client
 * certificate, and the API reference page (Swagger UI at `/referentie`). It never serves personal data.
 */
export async function buildOpsServer(deps: { store: Store; metrics: GatewayMetrics; contract: Contract; logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger.child({ port: 'ops' }), logController: new LogController({ disableRequestLogging: true }), genReqId: transactionIdOf }) as unknown as FastifyInstance;
  app.decorateReply('problemCode', undefined);
  registerProblemHandling(app, { bodyLimit: 1024 });
  const headers = adrHeaders(deps.contract.version);
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(headers).header('fsc-transaction-id', request.id);
    // The reference page is HTML with scripts and styles of its own: the API's `default-src 'none'` would blank it.
    if (request.url.startsWith(REFERENCE_PREFIX)) reply.removeHeader('content-security-policy');
  });
  // The contract is served as written (static mode): nothing is generated from routes.
  await app.register(swagger, { mode: 'static', specification: { document: deps.contract.document as never } });
  await app.register(swaggerUi, { routePrefix: REFERENCE_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } });

  app.get('/health/live', async () => ({ status: 'UP' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      await deps.store.ping();
      return { status: 'UP', store: deps.store.engine };
    } catch {
      return reply.code(503).send({ status: 'DOWN', store: deps.store.engine });
    }
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  app.get(`${API_PREFIX}/openapi.json`, async (_request, reply) =>
    reply.header('access-control-allow-origin', '*').type('application/json; charset=utf-8').send(deps.contract.json));
  app.get(`${API_PREFIX}/openapi.yaml`, async (_request, reply) =>
    reply.header('access-control-allow-origin', '*').type('application/yaml; charset=utf-8').send(deps.contract.yaml));
  app.get('/', async (_request, reply) => reply.redirect(`${REFERENCE_PREFIX}/`));
  return app;
}
