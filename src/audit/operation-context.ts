import type { Party } from '../domain/party-registry.js';

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
