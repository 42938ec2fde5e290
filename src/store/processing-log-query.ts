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

/** A joined row of the normalised log as both stores select it (COLUMNS in their processing-log files). */
export type ProcessingLogRow = Record<string, unknown> & { nr: number; subject: Buffer };

/** A selected row as a record at its position; optional fields absent when empty, as the standard's records are. */
export function toPositionedRecord({ nr, subject, startTime, endTime, foreignOperationId, actor, resourceId, ...rest }: ProcessingLogRow):
  ProcessingLogPage['records'][number] {
  return {
    position: nr,
    record: {
      ...(rest as unknown as ProcessingRecord),
      dataSubjectId: subject.toString('hex'),
      startTime: new Date(startTime as number),
      endTime: new Date(endTime as number),
      ...(foreignOperationId ? { foreignOperationId: foreignOperationId as string } : {}),
      ...(actor ? { actor: actor as string } : {}),
      ...(resourceId ? { resourceId: resourceId as string } : {}),
    },
  };
}

/** Whether two records belong to one operation row of the normalised log (all but subject and resource equal). */
export function sameOperation(a: ProcessingRecord, b: ProcessingRecord): boolean {
  return a.traceId === b.traceId && a.operationId === b.operationId && a.name === b.name && a.status === b.status
    && a.processingActivityId === b.processingActivityId && a.requester === b.requester && a.actor === b.actor
    && a.foreignOperationId === b.foreignOperationId && a.startTime.getTime() === b.startTime.getTime() && a.endTime.getTime() === b.endTime.getTime();
}
