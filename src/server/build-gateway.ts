import Fastify, { LogController, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { contractApi } from '../../api/contract.js';
import { oauthTokenApi } from '../../api/oauth-token.js';
import { aanwijzingenApi } from '../../api/aanwijzingen.js';
import { partijenApi } from '../../api/partijen.js';
import { verwerkingenApi } from '../../api/verwerkingen.js';
import { optOutsApi } from '../../api/opt-outs.js';
import type { ApiServices } from '../../api/services.js';
import type { GatewayConfig } from '../config/config-schema.js';
import { ProcessingLogService } from '../audit/processing-log-service.js';
import { AanwijzingService, type PayloadSignatureCheck } from '../domain/aanwijzingen/aanwijzing-service.js';
import { AanleveringService, FILE_FORMATS } from '../domain/aanleveringen/aanlevering-service.js';
import { FileSpool } from '../domain/aanleveringen/spool.js';
import { fileSignatureCheck } from '../security/payload-signature-check.js';
import { aanleveringenApi } from '../../api/aanleveringen.js';
import { OptOutService } from '../domain/opt-outs/opt-out-service.js';
import type { PartyRegistry } from '../domain/party-registry.js';
import type { Regelingen } from '../domain/regelingen-config.js';
import { TooManyRequestsError } from '../errors.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { REDACTED } from '../observability/logger.js';
import type { AccessTokens } from '../security/access-tokens.js';
import { BearerAuthorizer } from '../security/bearer-authorization.js';
import { ClientAssertionVerifier } from '../security/client-assertion.js';
import { ConnectionIdentifier } from '../security/client-certificate.js';
import type { Clock } from '../security/clock.js';
import { TokenEndpoint } from '../security/token-endpoint.js';
import type { Store } from '../store/store.js';
import { accessControlHook } from './access-control.js';
import { adrHeaders } from './adr-headers.js';
import { clientErrorHandler } from './client-error.js';
import { API_PREFIX, loadContract, type Contract, type JsonSchema } from './contract.js';
import { registerMethodNotAllowed } from './contract-routes.js';
import { registerProblemHandling } from './problem-handler.js';
import { RequestValidator } from './request-validation.js';
import './request-context.js';
import { traceFrom, transactionIdOf } from './tracing.js';
import { tlsServerOptions, type TlsMaterial } from './tls-options.js';
import { WorkerLineChecker } from './worker-line-checker.js';
import { ParallelPseudonymiser } from './parallel-pseudonymiser.js';

/** Everything the gateway needs from outside; the launcher builds these, tests pass their own. */
export interface GatewayDeps {
  readonly store: Store;
  readonly registry: PartyRegistry;
  readonly tokens: AccessTokens;
  readonly clock: Clock;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly regelingen: Regelingen;
  /** Key of the keyed hash that pseudonymises BSNs in the processing log. */
  readonly pseudonymKey: Buffer;
  /** Verifies payload signatures of deliveries. */
  readonly signatures: PayloadSignatureCheck;
  /** Server certificate, key, trust anchors and CRLs. Without it the app speaks plain HTTP and refuses every request (no client certificate). */
  readonly tls?: TlsMaterial;
  readonly contract?: Contract;
}

/**
 * Builds the API gateway (a Fastify instance) without listening: the launcher calls `listen`,
 * tests call `inject` or listen on port 0.
 */
export async function buildGateway(config: GatewayConfig, deps: GatewayDeps): Promise<FastifyInstance> {
  const contract = deps.contract ?? loadContract();
  const app = Fastify({
    loggerInstance: deps.logger,
    // One access-log line per request is written in onResponse; Fastify's own two are off.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (~2 % of a cheap request): the two lines a request can write (the
    // access line below, a 5xx in the error handler) name their transaction id themselves.
    childLoggerFactory: (logger) => logger,
    genReqId: transactionIdOf,
    requestIdHeader: false,
    bodyLimit: config.api.bodyLimitBytes,
    // ADR: `/x/` is another resource than `/x` (a 404), never a redirect.
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    return503OnClosing: true,
    clientErrorHandler: clientErrorHandler(adrHeaders(contract.version)),
    forceCloseConnections: 'idle',
    ...(deps.tls ? { https: tlsServerOptions(deps.tls, config.tls.minVersion) } : {}),
  }) as unknown as FastifyInstance;

  const identifier = new ConnectionIdentifier(deps.registry, { production: config.mode === 'production' });
  const authorizer = new BearerAuthorizer({ tokens: deps.tokens, registry: deps.registry });
  const validator = new RequestValidator(contract);
  const tokenEndpointUrl = `${config.api.publicUrl}${API_PREFIX}/oauth/token`;
  const pseudonymiser = new ParallelPseudonymiser(deps.pseudonymKey, {
    onWorkerLost: (error) => deps.logger.warn({ err: error }, 'the pseudonym worker stopped; its jobs are computed on the request thread, the next large look-up starts a new one'),
  });
  const aanwijzingen = new AanwijzingService({
    store: deps.store,
    registry: deps.registry,
    regelingen: deps.regelingen,
    clock: deps.clock,
    pseudonymiser,
    signatures: deps.signatures,
  });
  const services: ApiServices = {
    contract,
    registry: deps.registry,
    store: deps.store,
    clock: deps.clock,
    aanwijzingen,
    aanleveringen: new AanleveringService({
      store: deps.store,
      registry: deps.registry,
      clock: deps.clock,
      aanwijzingen,
      signatures: fileSignatureCheck(deps.clock),
      lineChecker: new WorkerLineChecker({
        parties: deps.registry.parties, regelingen: deps.regelingen, bodySchema: contract.operations.get('leverAanwijzingAan')!.request.body as JsonSchema, pseudonymKey: deps.pseudonymKey,
      }),
      spool: new FileSpool(config.files.spoolDir),
      maxBytes: config.files.maxBytes,
      onError: (error, aanlevering) => deps.logger.error({ err: error, aanlevering }, 'processing a delivered file failed; it resumes at the next start'),
    }),
    verwerkingen: new ProcessingLogService({ store: deps.store, clock: deps.clock, pseudonymiser }),
    optOuts: new OptOutService({ store: deps.store, registry: deps.registry, regelingen: deps.regelingen, clock: deps.clock, pseudonymiser }),
    tokenEndpoint: new TokenEndpoint({
      registry: deps.registry,
      tokens: deps.tokens,
      assertions: new ClientAssertionVerifier({ store: deps.store, clock: deps.clock, tokenEndpointUrl }),
    }),
  };

  app.decorateRequest('identity', undefined);
  app.decorateRequest('caller', undefined);
  app.decorateRequest('trace', undefined as never);
  app.decorateRequest('receivedAt', undefined as never);
  app.decorateRequest('rawBody', undefined);
  app.decorateReply('problemCode', undefined);
  registerProblemHandling(app, { bodyLimit: config.api.bodyLimitBytes });

  const headers = adrHeaders(contract.version);
  // The hooks below are callback hooks: an async hook costs a promise and a microtask per request.
  app.addHook('onRequest', (request, reply, done) => {
    request.trace = traceFrom(request.headers.traceparent);
    request.receivedAt = deps.clock.now();
    reply.headers(headers).header('fsc-transaction-id', request.id);
    const extra = request.routeOptions.config.headers;
    if (extra) reply.headers(extra);
    done();
  });
  if (config.rateLimit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowSeconds * 1000,
      keyGenerator: (request) => identifier.tryIdentify(request.raw.socket)?.oin ?? request.ip,
      errorResponseBuilder: (_request, context) => new TooManyRequestsError(Math.max(1, Math.ceil(context.ttl / 1000)), context.max),
    });
  }
  app.addHook('onRequest', accessControlHook({ identifier, authorizer }));
  app.addHook('preValidation', (request, _reply, done) => {
    const operation = request.routeOptions.config.operation;
    if (operation) {
      validator.validate(operation.operationId, {
        params: request.params, querystring: request.query, headers: request.headers, body: request.body,
      }, operation.bodyRequired);
    }
    done();
  });
  // The access line holds only the fields below, none personal or secret, so it skips pino's path
  // redaction (~10 µs a line); the line scrubber of the logger still runs over it.
  const accessLog = deps.logger.child({}, { redact: { paths: [], censor: REDACTED } });
  app.addHook('onResponse', (request, reply, done) => {
    const operation = request.routeOptions.config.operation?.operationId ?? 'none';
    const seconds = reply.elapsedTime / 1000;
    deps.metrics.requests.inc({ operation, status: String(reply.statusCode) });
    deps.metrics.duration.observe({ operation }, seconds);
    if (reply.problemCode) deps.metrics.refusals.inc({ code: reply.problemCode });
    accessLog.info({
      transactionId: request.id,
      method: request.method,
      path: request.url.split('?')[0]!.slice(0, 200),
      operation,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      oin: request.identity?.oin,
      traceId: request.trace.traceId,
      ...(reply.problemCode ? { problem: reply.problemCode } : {}),
    }, 'request');
    done();
  });

  await app.register(formbody);
  // JSON bodies are parsed as usual (secure-json-parse) but their exact bytes are kept: a payload
  // signature covers the bytes, not the parsed value.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  // Files stream to their handler unparsed (the handler reads `request.raw`), whatever their size.
  app.addContentTypeParser(Object.keys(FILE_FORMATS), (_request, _payload, done) => done(null, undefined));
  await app.register(contractApi(services));
  await app.register(oauthTokenApi(services));
  await app.register(partijenApi(services));
  await app.register(aanwijzingenApi(services));
  await app.register(verwerkingenApi(services));
  await app.register(optOutsApi(services));
  await app.register(aanleveringenApi(services));
  // Files whose processing a stop interrupted continue; their checkpoint makes every line count once.
  app.addHook('onReady', async () => {
    await services.aanleveringen.resume();
  });
  app.addHook('onClose', async () => {
    await services.aanleveringen.stop();
    await pseudonymiser.close();
  });
  registerMethodNotAllowed(app, contract);
  return app;
}
