import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { projectPath } from '../config/project-paths.js';

/** JSON Schema as found in the contract (OpenAPI 3.1 = JSON Schema 2020-12), `$ref`s resolved. */
export type JsonSchema = Record<string, unknown>;

/** HTTP methods the contract may use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation of the contract, in the shape the HTTP layer needs. */
export interface ContractOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The contract path, e.g. `/partijen/{id}`. */
  readonly path: string;
  /** The Fastify URL with the `/v1` prefix, e.g. `/v1/partijen/:id`. */
  readonly url: string;
  /**
   * Token scopes required, as alternatives (OpenAPI security requirements are OR-ed; the scopes
   * within one are AND-ed); `null` when the operation needs only the client certificate.
   */
  readonly scopes: ReadonlyArray<readonly string[]> | null;
  /** Media types of the success response (what `Accept` is negotiated against). */
  readonly produces: readonly string[];
  /** Media types of the request body; empty when there is none. */
  readonly consumes: readonly string[];
  readonly bodyRequired: boolean;
  /** The body is a file (`format: binary`): streamed to the handler unparsed, not validated as JSON. */
  readonly streamed: boolean;
  /** Request schemas per part, `$ref`s resolved. */
  readonly request: { params?: JsonSchema; querystring?: JsonSchema; headers?: JsonSchema; body?: JsonSchema };
}

/** The loaded contract. */
export interface Contract {
  readonly version: string;
  readonly document: Record<string, unknown>;
  /** The document serialised once, for `/openapi.json` and `/openapi.yaml`. */
  readonly json: string;
  readonly yaml: string;
  readonly operations: ReadonlyMap<string, ContractOperation>;
  /** Every contract path with the methods it supports, in Fastify URL form. */
  readonly paths: ReadonlyMap<string, readonly HttpMethod[]>;
  /** Scopes declared by the `oauth2` security scheme. */
  readonly scopes: readonly string[];
}

/** URL prefix of the API: the major version, as the contract's `servers` say. */
export const API_PREFIX = '/v1';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Default location of the contract. */
export const CONTRACT_FILE = projectPath('openapi', 'ketenpoort.yaml');

/** Reads and indexes the contract: the single source of route schemas, scopes and media types. */
export function loadContract(file: string = CONTRACT_FILE): Contract {
  const document = YAML.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  const resolve = (node: unknown): any => resolveRefs(document, node, 0);
  const operations = new Map<string, ContractOperation>();
  const paths = new Map<string, HttpMethod[]>();
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
    const url = API_PREFIX + path.replace(/\{([^}]+)\}/g, ':$1');
    const methods: HttpMethod[] = [];
    for (const method of METHODS) {
      const op = item[method.toLowerCase()];
      if (!op) continue;
      methods.push(method);
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve);
      const security = (op.security ?? document.security ?? []) as Array<Record<string, string[]>>;
      const oauth = security.filter((s) => 'oauth2' in s).map((s) => Object.freeze([...s.oauth2!]));
      const requestBody = op.requestBody ? resolve(op.requestBody) : undefined;
      const bodySchema = requestBody ? resolve(Object.values<any>(requestBody.content)[0].schema) : undefined;
      const streamed = bodySchema?.format === 'binary';
      const success = Object.entries<any>(op.responses ?? {}).find(([status]) => /^2/.test(status));
      const request: ContractOperation['request'] = {
        ...partSchema(parameters, 'path', 'params', false),
        ...partSchema(parameters, 'query', 'querystring', false),
        ...partSchema(parameters, 'header', 'headers', true),
        ...(bodySchema && !streamed ? { body: bodySchema } : {}),
      };
      operations.set(op.operationId, Object.freeze({
        operationId: op.operationId,
        method,
        path,
        url,
        scopes: oauth.length > 0 ? Object.freeze(oauth) : null,
        produces: Object.freeze(Object.keys(success ? resolve(success[1]).content ?? {} : {})),
        consumes: Object.freeze(Object.keys(requestBody?.content ?? {})),
        bodyRequired: requestBody?.required === true,
        streamed,
        request: Object.freeze(request),
      }));
    }
    paths.set(url, methods);
  }
  const scopes = Object.keys(document.components?.securitySchemes?.oauth2?.flows?.clientCredentials?.scopes ?? {});
  return Object.freeze({
    version: String(document.info.version),
    document,
    json: JSON.stringify(document),
    yaml: YAML.stringify(document),
    operations,
    paths,
    scopes: Object.freeze(scopes),
  });
}

/** Builds the JSON Schema of one request part from OpenAPI parameter objects. */
function partSchema(parameters: any[], location: string, part: 'params' | 'querystring' | 'headers', openEnded: boolean): Record<string, JsonSchema> {
  const mine = parameters.filter((p) => p.in === location);
  if (mine.length === 0 && openEnded) return {};
  const properties: Record<string, unknown> = {};
  for (const p of mine) properties[location === 'header' ? String(p.name).toLowerCase() : p.name] = p.schema ?? {};
  const required = mine.filter((p) => p.required).map((p) => (location === 'header' ? String(p.name).toLowerCase() : p.name));
  return {
    [part]: {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: openEnded,
    },
  };
}

/** Replaces local `$ref`s by their targets (keeping sibling keywords, as OpenAPI 3.1 allows). */
function resolveRefs(document: unknown, node: unknown, depth: number): unknown {
  if (depth > 64) throw new Error('contract: $ref nesting deeper than 64 (a recursive schema?)');
  if (Array.isArray(node)) return node.map((n) => resolveRefs(document, n, depth + 1));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const resolvedRest = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, resolveRefs(document, v, depth + 1)]));
  if (typeof $ref !== 'string') return resolvedRest;
  if (!$ref.startsWith('#/')) throw new Error(`contract: only local $refs are supported, found ${$ref}`);
  const target = $ref.slice(2).split('/').reduce<any>((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  if (target === undefined) throw new Error(`contract: unresolved $ref ${$ref}`);
  return { ...(resolveRefs(document, target, depth + 1) as object), ...resolvedRest };
}
