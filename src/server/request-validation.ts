import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { InvalidInputError, type InvalidParam } from '../errors.js';
import type { Contract, JsonSchema } from './contract.js';

// ajv-formats is CommonJS with an `exports.default`; require gives one shape under tsx, tsc and Node alike.
const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

type Part = 'params' | 'querystring' | 'headers' | 'body';
const LOCATION: Readonly<Record<Part, InvalidParam['in']>> = { params: 'path', querystring: 'query', headers: 'header', body: 'body' };
const PARTS: readonly Part[] = ['params', 'querystring', 'headers', 'body'];

/** The parts of a request to validate. */
export interface RequestParts {
  params: unknown;
  querystring: unknown;
  headers: unknown;
  body: unknown;
}

function newAjv(coerceTypes: boolean): Ajv2020 {
  // allErrors: ADR wants every problem listed at once. Safe because the contract bounds every
  // string and array (maxLength, maxItems), so the work per request is bounded too.
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: coerceTypes ? 'array' : false, useDefaults: true, strict: true, keywords: ['example'] });
  addFormats(ajv);
  return ajv;
}

/**
 * A validator of one body schema, as the contract's operations validate theirs (every problem
 * listed, no coercion); for bodies that do not arrive as a request, such as the lines of a file.
 * @returns every problem of a value; empty when it is valid
 */
export function bodyValidator(schema: JsonSchema): (body: unknown) => InvalidParam[] {
  const validate = newAjv(false).compile(schema);
  return (body) => (validate(body) ? [] : (validate.errors ?? []).map((e) => toInvalidParam('body', e)));
}

/**
 * Validates requests against the contract: every part (path, query, headers, body) of an
 * operation is checked and all errors are reported together, which Fastify's built-in validation
 * (first failing part only) does not do. Validators are compiled once, at start-up.
 */
export class RequestValidator {
  readonly #validators = new Map<string, Partial<Record<Part, ValidateFunction>>>();

  constructor(contract: Contract) {
    const coercing = newAjv(true);
    const strictTypes = newAjv(false);
    for (const op of contract.operations.values()) {
      const compiled: Partial<Record<Part, ValidateFunction>> = {};
      for (const part of PARTS) {
        const schema = op.request[part] as JsonSchema | undefined;
        if (schema) compiled[part] = (part === 'body' ? strictTypes : coercing).compile(schema);
      }
      this.#validators.set(op.operationId, compiled);
    }
  }

  /**
   * Validates (and, for path, query and headers, coerces in place) one request.
   * @throws InvalidInputError listing every invalid item
   */
  validate(operationId: string, request: RequestParts, bodyRequired: boolean): void {
    const validators = this.#validators.get(operationId);
    if (!validators) return;
    const invalid: InvalidParam[] = [];
    for (const part of PARTS) {
      const validate = validators[part];
      if (!validate) continue;
      if (part === 'body' && (request.body === undefined || request.body === null)) {
        if (bodyRequired) invalid.push({ in: 'body', name: '', code: 'required', reason: 'A request body is required.' });
        continue;
      }
      if (!validate(request[part] ?? {})) invalid.push(...(validate.errors ?? []).map((e) => toInvalidParam(part, e)));
    }
    if (invalid.length > 0) {
      throw new InvalidInputError(`The request has ${invalid.length} invalid item${invalid.length === 1 ? '' : 's'}; see invalidParams.`, invalid);
    }
  }
}

function toInvalidParam(part: Part, error: ErrorObject): InvalidParam {
  let name = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') name = join(name, String(params.missingProperty));
  if (error.keyword === 'additionalProperties') name = join(name, String(params.additionalProperty));
  let reason = error.message ?? 'is invalid';
  if ('allowedValues' in params) reason += `: ${(params.allowedValues as unknown[]).join(', ')}`;
  if ('allowedValue' in params) reason += `: ${String(params.allowedValue)}`;
  if (error.keyword === 'additionalProperties') reason = 'is not allowed here';
  return { in: LOCATION[part], name, code: error.keyword, reason };
}

/** `/aanleiding/criteria/1` → `aanleiding.criteria[1]`. */
function pointerToPath(pointer: string): string {
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : join(acc, seg)), '');
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
