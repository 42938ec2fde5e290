import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { operations } from '../../openapi/ketenpoort.js';
import { MethodNotAllowedError } from '../errors.js';
import type { Contract, HttpMethod } from './contract.js';

type Operation<K extends keyof operations> = operations[K];
type ContentOf<T> = T extends { content: infer C } ? C[keyof C] : undefined;

/** Request body type of an operation, from the generated contract types. */
export type BodyOf<K extends keyof operations> = ContentOf<NonNullable<Operation<K>['requestBody']>>;
/** Query type of an operation. */
export type QueryOf<K extends keyof operations> = Operation<K>['parameters']['query'];
/** Path parameter type of an operation. */
export type ParamsOf<K extends keyof operations> = Operation<K>['parameters']['path'];
/** Success (2xx) response body type of an operation. */
export type SuccessOf<K extends keyof operations> = {
  [S in keyof Operation<K>['responses']]: S extends 200 | 201 | 202 ? ContentOf<Operation<K>['responses'][S]> : never
}[keyof Operation<K>['responses']];

/** A route handler typed by its contract operation. */
export type ContractHandler<K extends keyof operations> = (
  request: FastifyRequest<{ Body: BodyOf<K>; Querystring: QueryOf<K>; Params: ParamsOf<K> }>,
  reply: FastifyReply,
) => Promise<SuccessOf<K> | FastifyReply>;

/**
 * The route for one contract operation: method, URL, required scopes and media types all come from
 * the contract, so a handler states only what it does.
 */
export function contractRoute<K extends keyof operations & string>(
  contract: Contract, operationId: K, handler: ContractHandler<K>,
  options: { headers?: Record<string, string>; bodyLimit?: number } = {},
): RouteOptions {
  const operation = contract.operations.get(operationId);
  if (!operation) throw new Error(`contract has no operation ${operationId}`);
  return {
    method: operation.method,
    url: operation.url,
    config: { operation, ...(options.headers ? { headers: options.headers } : {}) },
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    handler: handler as unknown as RouteOptions['handler'],
  };
}

/**
 * Answers 405 with `Allow` for every method a contract path does not support (instead of Fastify's
 * 404), so a client learns it has the right path and the wrong method.
 */
export function registerMethodNotAllowed(app: FastifyInstance, contract: Contract): void {
  const all: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  for (const [url, methods] of contract.paths) {
    const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
    const missing = all.filter((m) => !methods.includes(m));
    if (missing.length === 0) continue;
    app.route({
      method: missing,
      url,
      handler: async (request) => {
        throw new MethodNotAllowedError(request.method, url, allowed);
      },
    });
  }
}

/** Operation ids of the contract that have no route in this app (a drift check). */
export function unimplementedOperations(app: FastifyInstance, contract: Contract): string[] {
  return [...contract.operations.values()]
    .filter((op) => !app.hasRoute({ method: op.method, url: op.url }))
    .map((op) => op.operationId);
}
