import type { FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { NotAcceptableError, UnsupportedMediaTypeError } from '../errors.js';
import type { BearerAuthorizer } from '../security/bearer-authorization.js';
import type { ConnectionIdentifier } from '../security/client-certificate.js';

/**
 * The checks every API request passes before its handler, in this order: the client certificate
 * (403), the bearer token and its scope (401/403), then `Accept` (406) and `Content-Type` (415).
 * Authentication comes first so that nothing about an operation is revealed to a stranger.
 */
export function accessControlHook(deps: { identifier: ConnectionIdentifier; authorizer: BearerAuthorizer }) {
  return async function checkAccess(request: FastifyRequest): Promise<void> {
    const identity = deps.identifier.identify(request.raw.socket);
    request.identity = identity;
    const operation = request.routeOptions.config.operation;
    if (!operation) return;
    if (operation.scopes !== null) {
      const query = request.query as Record<string, unknown> | undefined;
      request.caller = await deps.authorizer.authorize(identity, request.headers.authorization,
        query !== undefined && query !== null && 'access_token' in query, operation.scopes);
    }
    const accept = request.headers.accept;
    if (accept !== undefined && accept !== '*/*' && operation.produces.length > 0 && accept !== operation.produces[0]) {
      if (!new Negotiator({ headers: { accept } }).mediaType([...operation.produces])) {
        throw new NotAcceptableError(accept, operation.produces);
      }
    }
    if (hasBody(request)) {
      const type = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
      if (type === undefined || !operation.consumes.includes(type)) {
        throw new UnsupportedMediaTypeError(request.headers['content-type'], operation.consumes.length > 0 ? operation.consumes : ['no body']);
      }
    }
  };
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
