import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { connectionError, connectionMayRecover, isAbort } from './connection-errors.js';
import type { OperationId } from './contract-types.js';
import { OPERATION_ROUTES, operationPath } from './operation-routes.js';
import { parseRetryAfter, type RetryPolicy } from './retry-policy.js';
import { KetenpoortSdkError } from './sdk-error.js';

/** One request as it goes out; built again for every attempt (a fresh token, a fresh assertion). */
export interface PreparedRequest {
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A stream is made again by `prepare` for every attempt. */
  readonly body?: string | Uint8Array | Readable;
}

/** An answer the operation expects (a 2xx, or a 304 where the contract has one). */
export interface TransportResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What an observer is told after every attempt: for logging and metrics. */
export interface RequestEvent {
  readonly operationId: OperationId;
  readonly method: string;
  /** Path and query (no host); BSNs never travel in it. */
  readonly path: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** HTTP status, or undefined when the connection failed. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** Error code (problem code or SDK code) when it failed. */
  readonly code?: string;
}

/** How the transport is set up. */
export interface TransportOptions {
  readonly gatewayUrl: string;
  readonly dispatcher: Dispatcher;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  readonly now: () => number;
  readonly observer?: ((event: RequestEvent) => void) | undefined;
}

/**
 * Sends contract operations over undici: builds the URL from the operation table, repeats what may
 * be repeated (see {@link RetryPolicy}), and turns every refusal into a {@link KetenpoortSdkError}.
 */
export class HttpTransport {
  constructor(private readonly options: TransportOptions) {}

  get gatewayUrl(): string {
    return this.options.gatewayUrl;
  }

  /**
   * Sends one operation; `prepare` is called before every attempt.
   * @param expect the statuses that are an answer (default: any 2xx)
   * @throws KetenpoortSdkError for any other status or a connection failure
   */
  async send(operationId: OperationId, prepare: () => Promise<PreparedRequest> | PreparedRequest,
    options: { expect?: readonly number[]; signal?: AbortSignal | undefined; sink?: (body: Readable) => Promise<void> } = {}): Promise<TransportResponse> {
    const route = OPERATION_ROUTES[operationId];
    const { retry } = this.options;
    for (let attempt = 1; ; attempt++) {
      const prepared = await prepare();
      const path = operationPath(operationId, prepared.pathParams) + queryString(prepared.query);
      const started = this.options.now();
      let response: Dispatcher.ResponseData;
      try {
        response = await request(this.options.gatewayUrl + path, {
          method: route.method,
          dispatcher: this.options.dispatcher,
          headers: { 'user-agent': this.options.userAgent, accept: 'application/json', ...prepared.headers },
          ...(prepared.body !== undefined ? { body: prepared.body } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        const failure = connectionError(error, this.options.gatewayUrl, operationId, options.signal);
        this.#observe({ operationId, method: route.method, path, attempt, status: undefined, durationMs: this.options.now() - started, code: failure.code });
        if (failure.code !== 'aborted' && attempt <= retry.retries && connectionMayRecover(error, route.retry)) {
          await this.#wait(retry.delayMs(attempt), options.signal, failure);
          continue;
        }
        throw failure;
      }
      const { statusCode: status, headers } = response;
      const expected = options.expect ? options.expect.includes(status) : status >= 200 && status < 300;
      if (expected && options.sink) {
        // A download streams to the sink (a file) instead of into memory.
        try {
          await options.sink(response.body);
        } catch (error) {
          if (error instanceof KetenpoortSdkError) throw error;
          throw connectionError(error, this.options.gatewayUrl, operationId, options.signal);
        }
        this.#observe({ operationId, method: route.method, path, attempt, status, durationMs: this.options.now() - started });
        return { status, headers, body: Buffer.alloc(0) };
      }
      const body = Buffer.from(await response.body.arrayBuffer());
      if (expected) {
        this.#observe({ operationId, method: route.method, path, attempt, status, durationMs: this.options.now() - started });
        return { status, headers, body };
      }
      const retryAfterSeconds = parseRetryAfter(headers['retry-after'], Date.now());
      const failure = KetenpoortSdkError.fromResponse(operationId, status, parseJson(body, headers), {
        transactionId: single(headers['fsc-transaction-id']), retryAfterSeconds,
      });
      this.#observe({ operationId, method: route.method, path, attempt, status, durationMs: this.options.now() - started, code: failure.code });
      if (attempt <= retry.retries && retry.retryableStatus(status, route.retry)) {
        await this.#wait(retry.delayMs(attempt, retryAfterSeconds), options.signal, failure);
        continue;
      }
      throw failure;
    }
  }

  async #wait(ms: number, signal: AbortSignal | undefined, failure: KetenpoortSdkError): Promise<void> {
    try {
      await this.options.retry.wait(ms, signal);
    } catch (error) {
      if (isAbort(error) || signal?.aborted) throw connectionError(error, this.options.gatewayUrl, failure.operationId, signal);
      throw error;
    }
  }

  #observe(event: RequestEvent): void {
    try {
      this.options.observer?.(event);
    } catch {
      // An observer that throws must not change the outcome of the request.
    }
  }
}

/** The JSON body of an answer, or undefined when it is empty or not JSON. */
export function parseJson(body: Buffer, headers: IncomingHttpHeaders): unknown {
  const type = single(headers['content-type']) ?? '';
  if (body.length === 0 || !/json/i.test(type)) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The first value of a header that may repeat. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function queryString(query: Readonly<Record<string, string | number | undefined>> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.append(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
