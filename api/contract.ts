import type { FastifyPluginAsync } from 'fastify';
import { contractRoute } from '../src/server/contract-routes.js';
import type { ApiServices } from './services.js';

const CORS = { 'access-control-allow-origin': '*' };

/** `GET /v1/openapi.json` and `/v1/openapi.yaml`: the contract itself, no token needed, CORS `*`. */
export function contractApi(services: ApiServices): FastifyPluginAsync {
  return async (app) => {
    const { contract } = services;
    app.route(contractRoute(contract, 'haalContractJson', async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(contract.json), { headers: CORS }));
    app.route(contractRoute(contract, 'haalContractYaml', async (_request, reply) =>
      reply.type('application/yaml; charset=utf-8').send(contract.yaml), { headers: CORS }));
  };
}
