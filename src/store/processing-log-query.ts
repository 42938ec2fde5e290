import type { ProcessingRecord } from '../audit/processing-record.js';

/** A page request on the processing log of one requesting party. */
export interface ProcessingLogQuery {
  readonly requester: string;
  readonly after: number;
  readonly limit: number;
  /** Only the records of one data subject (pseudonym). */
  readonly dataSubjectId?: string;
  readonly name?: string;
}

/** Records with their log position (the cursor). */
export interface ProcessingLogPage {
  readonly records: ReadonlyArray<{ readonly position: number; readonly record: ProcessingRecord }>;
}
