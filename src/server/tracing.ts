import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { v7 as uuidv7, validate as isUuid } from 'uuid';

/** W3C trace context of one request. */
export interface TraceContext {
  /** 32 hex: from an incoming `traceparent`, or new. */
  readonly traceId: string;
  /** 16 hex: the caller's span, when it sent one. */
  readonly parentSpanId: string | undefined;
  /** 16 hex: the gateway's span for this request. */
  readonly spanId: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const ALL_ZERO_TRACE = '0'.repeat(32);
const ALL_ZERO_SPAN = '0'.repeat(16);

/**
 * Random hex for trace and span ids, taken from a pool filled 4 KiB at a time: a `randomBytes`
 * call per id was ~2 % of a cheap request.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

/** Honours a valid incoming `traceparent` (W3C Trace Context level 1); starts a new trace otherwise. */
export function traceFrom(header: string | string[] | undefined): TraceContext {
  const spanId = randomHex(8);
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (match && match[1] !== ALL_ZERO_TRACE && match[2] !== ALL_ZERO_SPAN) {
    return { traceId: match[1]!, parentSpanId: match[2]!, spanId };
  }
  return { traceId: randomHex(16), parentSpanId: undefined, spanId };
}

/** The outgoing `traceparent` for this request's span. */
export function traceparentOf(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-01`;
}

/**
 * The FSC transaction id of a request (used as Fastify's request id): an incoming
 * `Fsc-Transaction-Id` that is a UUID is kept, so one id follows the call through the chain;
 * otherwise a new UUIDv7.
 */
export function transactionIdOf(request: IncomingMessage): string {
  const incoming = request.headers['fsc-transaction-id'];
  return typeof incoming === 'string' && incoming.length === 36 && isUuid(incoming) ? incoming.toLowerCase() : uuidv7();
}
