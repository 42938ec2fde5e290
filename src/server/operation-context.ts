import type { FastifyRequest } from 'fastify';
import type { OperationContext } from '../audit/operation-context.js';

/** The domain's view of an authenticated request: who asks, for whom, in which trace. */
export function operationContext(request: FastifyRequest, startTime: Date): OperationContext {
  const caller = request.caller!;
  return {
    requester: caller.subject,
    ...(caller.actor ? { actor: caller.actor } : {}),
    traceId: request.trace.traceId,
    spanId: request.trace.spanId,
    ...(request.trace.parentSpanId ? { parentSpanId: request.trace.parentSpanId } : {}),
    startTime,
  };
}

/**
 * All values of one request header, in order. Node joins repeated unknown headers with ", ", which
 * would hide a second `Payload-Signature`; the raw header list does not.
 */
export function headerValues(request: FastifyRequest, name: string): string | string[] | undefined {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}
