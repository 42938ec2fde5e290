import type { FastifyPluginAsync } from 'fastify';
import { describeCaller } from '../src/domain/who-am-i.js';
import { contractRoute } from '../src/server/contract-routes.js';
import type { ApiServices } from './services.js';

/** `GET /v1/partijen/mij`: who the gateway sees behind this certificate and token. */
export function partijenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    app.route(contractRoute(services.contract, 'haalPartijMij', async (request) => describeCaller(request.caller!)));
  };
}
