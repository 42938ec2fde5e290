import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import type { TokenRequest } from '../src/security/token-endpoint.js';
import type { ApiServices } from './services.js';

/** `POST /v1/oauth/token`: client-credentials tokens bound to the caller's certificate. */
export function oauthTokenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    app.route(contractRoute(services.contract, 'vraagToken', async (request) =>
      services.tokenEndpoint.handle(request.identity!, request.body as TokenRequest)));
  };
}
