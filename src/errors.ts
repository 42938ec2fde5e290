/**
 * The one error hierarchy of Ketenpoort.
 *
 * Every refusal the gateway gives is a {@link KetenpoortError}: a stable `code` (which is also the
 * last segment of the problem `type` URI), an HTTP status, a short fixed `title` and a `detail`
 * written for the caller. The HTTP layer maps these to `application/problem+json` in exactly one
 * place (`src/server/problem-handler.ts`); domain and security code only throw.
 *
 * Library errors (jose, fastify, undici, better-sqlite3) are translated into these classes at the
 * boundary where they are caught, on their `code` property, never on message text.
 */

/** Prefix of every problem `type`; the code is appended. A URN: stable, and it promises no web page. */
export const PROBLEM_TYPE_PREFIX = 'urn:nld:ketenpoort:probleem:';

/** One invalid item of a 400 answer: where it was, what was wrong, in words and as a keyword. */
export interface InvalidParam {
  /** `body`, `query`, `path` or `header`. */
  in: 'body' | 'query' | 'path' | 'header';
  /** Location inside that part: a dotted path such as `aanleiding.criteria[1]`, or the parameter name. */
  name: string;
  /** Machine-readable reason, e.g. the JSON Schema keyword that failed (`required`, `pattern`). */
  code: string;
  /** Human-readable reason. */
  reason: string;
}

/** Options shared by all errors. */
export interface ErrorOptions {
  /** Extra response headers (`WWW-Authenticate`, `Allow`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Extension members added to the problem body (never internals). */
  extensions?: Record<string, unknown>;
  /** The underlying error, for the log only. */
  cause?: unknown;
}

/** Base of every error the gateway throws on purpose. */
export class KetenpoortError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(code: string, status: number, title: string, detail: string, options: ErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.title = title;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  /** The problem `type` URI. */
  get type(): string {
    return PROBLEM_TYPE_PREFIX + this.code;
  }
}

/** 400: the request does not match the contract; lists every invalid item at once. */
export class InvalidInputError extends KetenpoortError {
  readonly invalidParams: InvalidParam[];
  constructor(detail: string, invalidParams: InvalidParam[], code = 'invalid-input') {
    super(code, 400, 'Invalid input', detail, { extensions: { invalidParams } });
    this.invalidParams = invalidParams;
  }
}

/** 401: no usable credentials. Always carries a `WWW-Authenticate` challenge (RFC 6750). */
export class UnauthenticatedError extends KetenpoortError {
  constructor(code: string, detail: string, oauthError: 'invalid_request' | 'invalid_token' | 'invalid_client') {
    const challenge = oauthError === 'invalid_client'
      ? 'Bearer realm="ketenpoort"'
      : `Bearer realm="ketenpoort", error="${oauthError}", error_description="${detail.replace(/["\\]/g, '')}"`;
    super(code, 401, 'Not authenticated', detail, {
      headers: { 'www-authenticate': challenge },
      extensions: { error: oauthError },
    });
  }
}

/** 403: the caller is known (or its certificate was refused) but may not do this. */
export class ForbiddenError extends KetenpoortError {
  constructor(code: string, detail: string, options: ErrorOptions = {}) {
    super(code, 403, 'Forbidden', detail, options);
  }
}

/** 404: no such resource, or one the caller may not know exists. */
export class NotFoundError extends KetenpoortError {
  constructor(detail: string, code = 'not-found') {
    super(code, 404, 'Not found', detail);
  }
}

/** 405: the path exists but not with this method. */
export class MethodNotAllowedError extends KetenpoortError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method-not-allowed', 405, 'Method not allowed', `${method} is not supported on ${path}; use ${allowed.join(', ')}.`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

/** 406: none of the media types in `Accept` can be produced. */
export class NotAcceptableError extends KetenpoortError {
  constructor(accept: string, available: readonly string[]) {
    super('not-acceptable', 406, 'Not acceptable', `Cannot answer with any of "${accept}"; available: ${available.join(', ')}.`);
  }
}

/** 409: the request conflicts with the state of the resource. */
export class ConflictError extends KetenpoortError {
  constructor(code: string, detail: string) {
    super(code, 409, 'Conflict', detail);
  }
}

/** 413: the body is larger than allowed. */
export class PayloadTooLargeError extends KetenpoortError {
  constructor(limit: number) {
    super('payload-too-large', 413, 'Payload too large', `The request body exceeds the limit of ${limit} bytes.`);
  }
}

/** 415: the body's media type is not one this operation accepts. */
export class UnsupportedMediaTypeError extends KetenpoortError {
  constructor(contentType: string | undefined, accepted: readonly string[]) {
    super('unsupported-media-type', 415, 'Unsupported media type',
      `Content-Type "${contentType ?? '(none)'}" is not accepted here; use ${accepted.join(' or ')}.`);
  }
}

/** 429: the caller sent more requests than its allowance. */
export class TooManyRequestsError extends KetenpoortError {
  constructor(retryAfterSeconds: number, limit: number) {
    super('too-many-requests', 429, 'Too many requests',
      `More than ${limit} requests in the current window; retry after ${retryAfterSeconds} s.`,
      { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

/** 503: a dependency (the store) is unavailable; safe to retry later. */
export class ServiceUnavailableError extends KetenpoortError {
  constructor(detail: string, retryAfterSeconds = 5, cause?: unknown) {
    super('service-unavailable', 503, 'Service unavailable', detail,
      { headers: { 'retry-after': String(retryAfterSeconds) }, cause });
  }
}

/** 500: anything unexpected. Its detail is fixed so that no internals reach a caller. */
export class InternalError extends KetenpoortError {
  constructor(cause?: unknown) {
    super('internal-error', 500, 'Internal server error',
      'The gateway could not handle the request. Quote the Fsc-Transaction-Id when you report this.', { cause });
  }
}

/** A configuration problem found at start-up; names the setting or field that is wrong. */
export class ConfigurationError extends Error {
  readonly code = 'configuration-error';
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigurationError';
  }
}
