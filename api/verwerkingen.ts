import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import { operationContext } from '../src/server/operation-context.js';
import type { ApiServices } from './services.js';

/** `/v1/verwerkingen`: the caller's processing-log records, and those about one person. */
export function verwerkingenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract, verwerkingen } = services;
    app.route(contractRoute(contract, 'haalVerwerkingen', async (request) =>
      verwerkingen.list(operationContext(request, request.receivedAt), request.query ?? {})));
    app.route(contractRoute(contract, 'zoekVerwerkingen', async (request) =>
      verwerkingen.search(operationContext(request, request.receivedAt), request.body)));
  };
}
