import type { Party } from '../domain/party-registry.js';
import type { ProcessingRecord } from './processing-record.js';

/**
 * Who asks for a processing operation and within which trace: what the domain needs to write
 * processing records, without knowing about HTTP.
 */
export interface OperationContext {
  /** The party whose authority is used (the municipality when a vendor acts for it). */
  readonly requester: Party;
  /** The vendor acting for `requester`, if any. */
  readonly actor?: Party;
  readonly traceId: string;
  /** The gateway's span of this request: the processing log's `operation_id`. */
  readonly spanId: string;
  /** The caller's span, from its `traceparent`. */
  readonly parentSpanId?: string;
  readonly startTime: Date;
}

/**
 * A successful processing record of this operation for one data subject: the trace, span,
 * requester and times come from the context, the rest from the caller.
 */
export function processingRecordFor(ctx: OperationContext, fields: {
  name: string; processingActivityId: string; dataSubjectId: string; endTime: Date; resourceId?: string;
}): ProcessingRecord {
  return {
    traceId: ctx.traceId,
    operationId: ctx.spanId,
    ...(ctx.parentSpanId ? { foreignOperationId: ctx.parentSpanId } : {}),
    name: fields.name,
    status: 'OK',
    startTime: ctx.startTime,
    endTime: fields.endTime,
    processingActivityId: fields.processingActivityId,
    dataSubjectId: fields.dataSubjectId,
    requester: ctx.requester.oin,
    ...(ctx.actor ? { actor: ctx.actor.oin } : {}),
    ...(fields.resourceId ? { resourceId: fields.resourceId } : {}),
  };
}
