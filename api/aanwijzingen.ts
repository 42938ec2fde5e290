import type { FastifyPluginAsync } from 'fastify';
import type { FeedRequest } from '../src/domain/aanwijzingen/aanwijzing-service.js';
import { feedbackStatistics } from '../src/domain/aanwijzingen/feedback-statistics.js';
import { contractRoute } from '../src/server/contract-routes.js';
import { headerValues, operationContext } from '../src/server/operation-context.js';
import type { ApiServices } from './services.js';

/** `/v1/aanwijzingen`: deliver (signed), the receiver's feed, one aanwijzing, feedback and withdrawal, and the sender's statistics. */
export function aanwijzingenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract, aanwijzingen } = services;

    app.route(contractRoute(contract, 'leverAanwijzingAan', async (request, reply) => {
      const { created, aanwijzing } = await aanwijzingen.deliver(operationContext(request, request.receivedAt), request.body, {
        body: request.rawBody!,
        payloadSignature: headerValues(request, 'payload-signature'),
        digest: headerValues(request, 'digest'),
      });
      return reply.code(created ? 201 : 200).header('location', `/v1/aanwijzingen/${aanwijzing.id}`).send(aanwijzing);
    }));

    app.route(contractRoute(contract, 'haalAanwijzingenFeed', async (request) =>
      aanwijzingen.feed(operationContext(request, request.receivedAt), (request.query ?? {}) as FeedRequest)));

    app.route(contractRoute(contract, 'haalAanwijzing', async (request) =>
      aanwijzingen.get(operationContext(request, request.receivedAt), request.params.id)));

    app.route(contractRoute(contract, 'geefTerugkoppeling', async (request) =>
      aanwijzingen.feedback(operationContext(request, request.receivedAt), request.params.id, request.body)));

    app.route(contractRoute(contract, 'trekAanwijzingIn', async (request) =>
      aanwijzingen.withdraw(operationContext(request, request.receivedAt), request.params.id, request.body.reden)));

    app.route(contractRoute(contract, 'haalStatistieken', async (request) =>
      feedbackStatistics(services.store, operationContext(request, request.receivedAt), request.query)));
  };
}
