import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import { operationContext } from '../src/server/operation-context.js';
import type { ApiServices } from './services.js';

/** `/v1/opt-outs`: the joint opt-out register. */
export function optOutsApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract, optOuts } = services;
    app.route(contractRoute(contract, 'registreerOptOut', async (request, reply) => {
      const { created, optOut } = await optOuts.register(operationContext(request, request.receivedAt), request.body);
      return reply.code(created ? 201 : 200).header('location', `/v1/opt-outs/${optOut.id}`).send(optOut);
    }));
    app.route(contractRoute(contract, 'zoekOptOuts', async (request) =>
      optOuts.lookup(operationContext(request, request.receivedAt), request.body)));
    app.route(contractRoute(contract, 'haalOptOut', async (request) =>
      optOuts.get(operationContext(request, request.receivedAt), request.params.id)));
    app.route(contractRoute(contract, 'trekOptOutIn', async (request) =>
      optOuts.withdraw(operationContext(request, request.receivedAt), request.params.id)));
  };
}
