import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import Negotiator from 'negotiator';
import { NotAcceptableError, UnsupportedMediaTypeError } from '../errors.js';
import type { BearerAuthorizer } from '../security/bearer-authorization.js';
import type { ContractOperation } from './contract.js';
import type { ConnectionIdentifier } from '../security/client-certificate.js';

/**
 * The checks every API request passes before its handler, in this order: the client certificate
 * (403), the bearer token and its scope (401/403), then `Accept` (406) and `Content-Type` (415).
 * Authentication comes first so that nothing about an operation is revealed to a stranger.
 *
 * A callback hook, synchronous unless the token is new (a token seen before is in the verified
 * cache): no promise and microtask per request. What that saves was below this machine's noise.
 */
export function accessControlHook(deps: { identifier: ConnectionIdentifier; authorizer: BearerAuthorizer }) {
  return function checkAccess(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const identity = deps.identifier.identify(request.raw.socket);
    request.identity = identity;
    const operation = request.routeOptions.config.operation;
    if (!operation) return done();
    if (operation.scopes === null) return done(contentProblem(request, operation));
    const query = request.query as Record<string, unknown> | undefined;
    const tokenElsewhere = query !== undefined && query !== null && 'access_token' in query;
    const caller = deps.authorizer.authorizeCached(identity, request.headers.authorization, tokenElsewhere, operation.scopes);
    if (caller) {
      request.caller = caller;
      return done(contentProblem(request, operation));
    }
    deps.authorizer.authorize(identity, request.headers.authorization, tokenElsewhere, operation.scopes).then((verified) => {
      request.caller = verified;
      return contentProblem(request, operation);
    }).then(done, done);
  };
}

/** The 406 or 415 a request earns by what it accepts or sends, if any. */
function contentProblem(request: FastifyRequest, operation: ContractOperation): Error | undefined {
  const accept = request.headers.accept;
  if (accept !== undefined && accept !== '*/*' && operation.produces.length > 0 && accept !== operation.produces[0]) {
    if (!new Negotiator({ headers: { accept } }).mediaType([...operation.produces])) {
      return new NotAcceptableError(accept, operation.produces);
    }
  }
  if (hasBody(request)) {
    const type = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
    if (type === undefined || !operation.consumes.includes(type)) {
      return new UnsupportedMediaTypeError(request.headers['content-type'], operation.consumes.length > 0 ? operation.consumes : ['no body']);
    }
  }
  return undefined;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
