import type { FastifyPluginAsync } from 'fastify';
import { FILE_FORMATS, type FileMediaType } from '../src/domain/aanleveringen/aanlevering-service.js';
import { contractRoute } from '../src/server/contract-routes.js';
import { headerValues, operationContext } from '../src/server/operation-context.js';
import type { ApiServices } from './services.js';

/** `/v1/aanleveringen`: files of aanwijzingen in (streamed, signed), their status and their rejected lines. */
export function aanleveringenApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract, aanleveringen } = services;

    app.route(contractRoute(contract, 'leverBestandAan', async (request, reply) => {
      const mediaType = request.headers['content-type']!.split(';')[0]!.trim().toLowerCase() as FileMediaType; // checked against the contract (415) before
      const length = request.headers['content-length'];
      const { created, aanlevering } = await aanleveringen.receive(operationContext(request, request.receivedAt), {
        body: request.raw,
        mediaType: mediaType in FILE_FORMATS ? mediaType : 'application/x-ndjson',
        payloadSignature: headerValues(request, 'payload-signature'),
        digest: headerValues(request, 'digest'),
        ...(length !== undefined ? { contentLength: Number(length) } : {}),
        ...(request.query?.bestandsnaam !== undefined ? { bestandsnaam: request.query.bestandsnaam } : {}),
      });
      return reply.code(created ? 202 : 200).header('location', `/v1/aanleveringen/${aanlevering.id}`).send(aanlevering);
    }));

    app.route(contractRoute(contract, 'haalAanlevering', async (request) =>
      aanleveringen.get(operationContext(request, request.receivedAt), request.params.id)));

    app.route(contractRoute(contract, 'haalAanleveringFouten', async (request) =>
      aanleveringen.errors(operationContext(request, request.receivedAt), request.params.id, request.query ?? {})));
  };
}
