import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import Negotiator from 'negotiator';
import { formatList, LIST_MEDIA_TYPES, type ListMediaType } from '../src/domain/aanwijzingen/list-format.js';
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

    app.route(contractRoute(contract, 'haalAanwijzingenlijst', async (request, reply) => {
      const mediaType = preferredListType(request.headers.accept);
      const pages = aanwijzingen.list(operationContext(request, request.receivedAt), request.params.periode);
      return reply.type(mediaType === 'application/json' ? 'application/json; charset=utf-8' : `${mediaType}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="aanwijzingen-${request.params.periode}.${LIST_EXTENSIONS[mediaType]}"`)
        .send(Readable.from(formatList(pages, mediaType, request.params.periode)));
    }));

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

const LIST_EXTENSIONS: Record<ListMediaType, string> = { 'application/json': 'json', 'application/x-ndjson': 'ndjson', 'text/csv': 'csv' };

/** The list format `Accept` asks for (already checked against the contract: 406 otherwise); JSON when any will do. */
function preferredListType(accept: string | undefined): ListMediaType {
  return (new Negotiator({ headers: { accept: accept ?? '*/*' } }).mediaType([...LIST_MEDIA_TYPES]) ?? 'application/json') as ListMediaType;
}
