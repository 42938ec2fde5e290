import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  InternalError, InvalidInputError, KetenpoortError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError,
} from '../errors.js';

/** Media type of every error answer (RFC 9457). */
export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/**
 * Fastify's own errors → ours, on their stable `code`. Anything with a 4xx status that is not listed
 * keeps its status under the generic `invalid-input` code; everything else is a 500.
 */
const FASTIFY_ERRORS: Readonly<Record<string, (error: FastifyError, request: FastifyRequest, bodyLimit: number) => KetenpoortError>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (_e, request) => new UnsupportedMediaTypeError(request.headers['content-type'],
    request.routeOptions.config.operation?.consumes ?? ['(no body)']),
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, request, bodyLimit) => new PayloadTooLargeError(request.routeOptions.bodyLimit ?? bodyLimit),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new InvalidInputError('The body is empty but Content-Type says JSON.',
    [{ in: 'body', name: '', code: 'required', reason: 'A JSON body is required.' }], 'invalid-json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new InvalidInputError('The body is not valid JSON.',
    [{ in: 'body', name: '', code: 'syntax', reason: 'Not valid JSON.' }], 'invalid-json'),
};

/** Turns anything thrown into one of our errors. */
export function toKetenpoortError(error: unknown, request: FastifyRequest, bodyLimit: number): KetenpoortError {
  if (error instanceof KetenpoortError) return error;
  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (mapped) return mapped(fastifyError as FastifyError, request, bodyLimit);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A 4xx from Fastify or a plugin we have not mapped yet: keep the status, and its message,
    // which such errors write for the client.
    return new KetenpoortError('invalid-input', status, 'Bad request', String(fastifyError.message ?? 'The request was refused.'));
  }
  return new InternalError(error);
}

/** Writes a problem+json answer; the ADR headers were set when the request arrived. */
export function sendProblem(reply: FastifyReply, error: KetenpoortError): FastifyReply {
  reply.problemCode = error.code;
  return reply
    .code(error.status)
    .headers(error.headers)
    .type(PROBLEM_JSON)
    .send({
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance: `urn:uuid:${reply.request.id}`,
      ...error.extensions,
    });
}

/**
 * Installs the one error handler and the not-found handler: every 4xx/5xx of the API, Fastify's own
 * included, becomes problem+json; 5xx details are hidden from callers and logged once, with the
 * transaction id.
 */
export function registerProblemHandling(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toKetenpoortError(error, request, options.bodyLimit);
    if (problem.status >= 500) request.log.error({ transactionId: request.id, err: problem.cause ?? error, code: problem.code }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request) => {
    const path = request.url.split('?')[0]!;
    const hint = path.length > 1 && path.endsWith('/') ? ` Paths have no trailing slash: try ${path.replace(/\/+$/, '')}.` : '';
    throw new NotFoundError(`There is no resource at ${path.slice(0, 200)}.${hint}`);
  });
}
