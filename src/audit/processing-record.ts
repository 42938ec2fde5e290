/**
 * One record of the processing log (Logboek Dataverwerkingen, Logius): one per processing
 * operation per data subject. Field names follow the standard's interface (`trace_id`,
 * `operation_id`, `status_code`, …) in camelCase; the `dpl.core.*` attributes are fields here.
 */
export interface ProcessingRecord {
  /** 32 hex: the trace this processing belongs to (the request's W3C trace id). */
  readonly traceId: string;
  /** 16 hex: this processing operation (the gateway's span of the request). */
  readonly operationId: string;
  /** 16 hex: the caller's span, when it sent a `traceparent` (the standard's `foreign_operation`). */
  readonly foreignOperationId?: string;
  /** Operation name, e.g. `aanwijzing.aanleveren`. */
  readonly name: string;
  readonly status: 'OK' | 'ERROR';
  readonly startTime: Date;
  readonly endTime: Date;
  /** `dpl.core.processing_activity_id`: URI into the register of processing activities. */
  readonly processingActivityId: string;
  /** `dpl.core.data_subject_id`: the pseudonymised BSN (keyed hash); never the BSN itself. */
  readonly dataSubjectId: string;
  /** OIN of the party that asked for the processing (the municipality when a vendor acts for it). */
  readonly requester: string;
  /** OIN of the vendor acting for the requester, if any. */
  readonly actor?: string;
  /** Id of the resource processed (an aanwijzing id, an opt-out id). */
  readonly resourceId?: string;
}
