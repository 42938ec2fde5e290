import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import type { TokenRequest } from '../src/security/token-endpoint.js';
import type { ApiServices } from './services.js';

/** A token request is a few form fields and one assertion (at most 8 KiB): anything larger is refused early. */
const TOKEN_REQUEST_LIMIT = 16 * 1024;

/** `POST /v1/oauth/token`: client-credentials tokens bound to the caller's certificate. */
export function oauthTokenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    app.route(contractRoute(services.contract, 'vraagToken', async (request) =>
      services.tokenEndpoint.handle(request.identity!, request.body as TokenRequest), { bodyLimit: TOKEN_REQUEST_LIMIT }));
  };
}
