import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import { operationContext } from '../src/server/operation-context.js';
import type { ApiServices } from './services.js';

/** `/v1/opt-outs` (the joint register, its changes feed) and `/v1/volgindicaties`. */
export function optOutsApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract, optOuts } = services;
    app.route(contractRoute(contract, 'registreerOptOut', async (request, reply) => {
      const { created, optOut } = await optOuts.register(operationContext(request, request.receivedAt), request.body);
      return reply.code(created ? 201 : 200).header('location', `/v1/opt-outs/${optOut.id}`).send(optOut);
    }));
    app.route(contractRoute(contract, 'zoekOptOuts', async (request) =>
      optOuts.lookup(operationContext(request, request.receivedAt), request.body)));
    app.route(contractRoute(contract, 'haalOptOutWijzigingen', async (request, reply) => {
      const answer = await optOuts.changes(operationContext(request, request.receivedAt), request.query ?? {}, request.headers['if-none-match']);
      reply.header('etag', answer.etag);
      return answer.status === 304 ? reply.code(304).send() : answer.body;
    }));
    app.route(contractRoute(contract, 'haalOptOut', async (request) =>
      optOuts.get(operationContext(request, request.receivedAt), request.params.id)));
    app.route(contractRoute(contract, 'trekOptOutIn', async (request) =>
      optOuts.withdraw(operationContext(request, request.receivedAt), request.params.id)));
    app.route(contractRoute(contract, 'plaatsVolgindicaties', async (request) =>
      optOuts.follow(operationContext(request, request.receivedAt), request.body.burgerservicenummers)));
    app.route(contractRoute(contract, 'verwijderVolgindicaties', async (request) =>
      optOuts.unfollow(operationContext(request, request.receivedAt), request.body.burgerservicenummers)));
  };
}
