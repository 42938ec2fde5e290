import type Database from 'better-sqlite3';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { ProcessingLogPage, ProcessingLogQuery } from '../processing-log-query.js';

/** Rows per multi-row insert (12 parameters each, well under SQLite's parameter limit). */
const BATCH = 200;

function columns(r: ProcessingRecord): unknown[] {
  return [r.traceId, r.operationId, r.foreignOperationId ?? null, r.name, r.status, r.startTime.getTime(), r.endTime.getTime(),
    r.processingActivityId, r.dataSubjectId, r.requester, r.actor ?? null, r.resourceId ?? null];
}

/** The processing log (Logboek Dataverwerkingen) in SQLite: append-only, one row per data subject. */
export class SqliteProcessingLog {
  readonly #insert: Database.Statement;
  readonly #insertBatch: Database.Statement;
  readonly #queries = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    const insert = `INSERT INTO verwerking (trace_id, operation_id, foreign_operation_id, naam, status, start_tijd,
      eind_tijd, verwerkingsactiviteit, betrokkene, verzoeker_oin, actor_oin, resource_id) VALUES `;
    const row = `(${Array(12).fill('?').join(', ')})`;
    this.#insert = db.prepare(insert + row);
    this.#insertBatch = db.prepare(insert + Array(BATCH).fill(row).join(', '));
  }

  /**
   * Appends records; call inside the transaction of the change they describe. Large batches (a
   * 10,000-BSN look-up) go in multi-row statements of {@link BATCH} rows: one statement per row
   * costs several times more.
   */
  append(records: readonly ProcessingRecord[]): void {
    let i = 0;
    for (; i + BATCH <= records.length; i += BATCH) {
      const values: unknown[] = [];
      for (let j = i; j < i + BATCH; j++) values.push(...columns(records[j]!));
      this.#insertBatch.run(values);
    }
    for (; i < records.length; i++) this.#insert.run(columns(records[i]!));
  }

  query(query: ProcessingLogQuery): ProcessingLogPage {
    const where = ['verzoeker_oin = @requester', 'nr > @after'];
    if (query.dataSubjectId !== undefined) where.push('betrokkene = @dataSubjectId');
    if (query.name !== undefined) where.push('naam = @name');
    const sql = `SELECT nr, trace_id AS traceId, operation_id AS operationId, foreign_operation_id AS foreignOperationId,
      naam AS name, status, start_tijd AS startTime, eind_tijd AS endTime, verwerkingsactiviteit AS processingActivityId,
      betrokkene AS dataSubjectId, verzoeker_oin AS requester, actor_oin AS actor, resource_id AS resourceId
      FROM verwerking WHERE ${where.join(' AND ')} ORDER BY nr LIMIT @limit`;
    let select = this.#queries.get(sql);
    if (!select) {
      select = this.db.prepare(sql);
      this.#queries.set(sql, select); // at most four variants
    }
    const rows = select.all(query) as Array<Record<string, unknown> & { nr: number }>;
    return {
      records: rows.map(({ nr, startTime, endTime, foreignOperationId, actor, resourceId, ...rest }) => ({
        position: nr,
        record: {
          ...(rest as unknown as ProcessingRecord),
          startTime: new Date(startTime as number),
          endTime: new Date(endTime as number),
          ...(foreignOperationId ? { foreignOperationId: foreignOperationId as string } : {}),
          ...(actor ? { actor: actor as string } : {}),
          ...(resourceId ? { resourceId: resourceId as string } : {}),
        },
      })),
    };
  }

  /** Removes records that ended before `before` (their retention period is over). */
  removeBefore(before: number): number {
    return this.db.prepare('DELETE FROM verwerking WHERE eind_tijd < ?').run(before).changes;
  }
}
