import type Database from 'better-sqlite3';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import { IndexBehind } from './index-behind.js';
import { sameOperation, toPositionedRecord, type ProcessingLogPage, type ProcessingLogQuery, type ProcessingLogRow } from '../processing-log-query.js';

/** Subject rows per multi-row insert (4 parameters each, far under SQLite's parameter limit). */
const BATCH = 250;

const COLUMNS = `s.nr, v.trace_id AS traceId, v.operation_id AS operationId, v.foreign_operation_id AS foreignOperationId,
  v.naam AS name, v.status, v.start_tijd AS startTime, v.eind_tijd AS endTime, v.verwerkingsactiviteit AS processingActivityId,
  s.betrokkene AS subject, v.verzoeker_oin AS requester, v.actor_oin AS actor, s.resource_id AS resourceId`;

/**
 * The processing log (Logboek Dataverwerkingen) in SQLite, append-only. Normalised: the fields a
 * processing operation shares (trace, span, name, times, activity, requester) are stored once per
 * operation, and each data subject gets a narrow row; a record as the standard defines it is the
 * join of the two. A 10,000-BSN look-up thus writes one operation row and 10,000 small rows.
 *
 * The per-person index (migration 4) is filled behind the log ({@link IndexBehind}, scheduled
 * after each write): a request only appends. Searches for a person read the index up to its mark
 * and scan the records after the mark, so they are complete at every moment.
 */
export class SqliteProcessingLog {
  readonly #insertOperation: Database.Statement;
  readonly #insertSubject: Database.Statement;
  readonly #insertSubjects: Database.Statement;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #removeBefore: Database.Statement<[number]>;
  /** The per-person index, kept behind the log. */
  readonly personIndex: IndexBehind;

  constructor(private readonly db: Database.Database) {
    this.#insertOperation = db.prepare(`INSERT INTO verwerking (trace_id, operation_id, foreign_operation_id, naam, status, start_tijd,
      eind_tijd, verwerkingsactiviteit, verzoeker_oin, actor_oin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const subjects = 'INSERT INTO verwerking_betrokkene (verwerking, verzoeker_oin, betrokkene, resource_id) VALUES ';
    this.#insertSubject = db.prepare(`${subjects}(?, ?, ?, ?)`);
    this.#insertSubjects = db.prepare(subjects + Array(BATCH).fill('(?, ?, ?, ?)').join(', '));
    this.#removeBefore = db.prepare('DELETE FROM verwerking WHERE eind_tijd < ?');
    this.personIndex = new IndexBehind(db, {
      counter: 'verwerking_persoon',
      lastSql: 'SELECT coalesce(max(nr), 0) FROM verwerking_betrokkene',
      // Sorted by the index key, so the inserts walk the newest bucket's pages in order.
      fillSql: `INSERT INTO verwerking_persoon (emmer, kort, nr)
        SELECT nr >> 16, substr(betrokkene, 1, 8), nr FROM verwerking_betrokkene WHERE nr > ? AND nr <= ? ORDER BY 1, 2`,
    });
    this.personIndex.schedule();
  }

  /** Appends records; call inside the transaction of the change they describe. */
  append(records: readonly ProcessingRecord[]): void {
    if (records.length === 0) return;
    let previous: ProcessingRecord | undefined;
    let operation: number | bigint = 0;
    let pending: unknown[] = [];
    for (const r of records) {
      // Records of one operation come together and share every field but the subject and resource.
      if (!previous || !sameOperation(previous, r)) {
        operation = this.#insertOperation.run(r.traceId, r.operationId, r.foreignOperationId ?? null, r.name, r.status, r.startTime.getTime(),
          r.endTime.getTime(), r.processingActivityId, r.requester, r.actor ?? null).lastInsertRowid;
        previous = r;
      }
      pending.push(operation, r.requester, Buffer.from(r.dataSubjectId, 'hex'), r.resourceId ?? null);
      if (pending.length === BATCH * 4) {
        this.#insertSubjects.run(pending);
        pending = [];
      }
    }
    for (let i = 0; i < pending.length; i += 4) this.#insertSubject.run(pending.slice(i, i + 4));
    this.personIndex.schedule();
  }

  query(query: ProcessingLogQuery): ProcessingLogPage {
    const where = ['s.verzoeker_oin = @requester', 's.nr > @after'];
    if (query.name !== undefined) where.push('v.naam = @name');
    // One person: the index bucket by bucket from the cursor's bucket up to the mark, then the tail after the mark.
    const sql = query.dataSubjectId === undefined
      ? `SELECT ${COLUMNS} FROM verwerking_betrokkene s JOIN verwerking v ON v.nr = s.verwerking
         WHERE ${where.join(' AND ')} ORDER BY s.nr LIMIT @limit`
      : `WITH RECURSIVE emmers (e) AS (SELECT @after >> 16 UNION ALL SELECT e + 1 FROM emmers WHERE e < @mark >> 16),
         kandidaat (nr) AS (
           SELECT p.nr FROM emmers JOIN verwerking_persoon p ON p.emmer = emmers.e AND p.kort = substr(@subject, 1, 8) AND p.nr > @after
           UNION ALL
           SELECT nr FROM verwerking_betrokkene WHERE nr > max(@after, @mark) AND betrokkene = @subject)
         SELECT ${COLUMNS} FROM kandidaat k JOIN verwerking_betrokkene s ON s.nr = k.nr JOIN verwerking v ON v.nr = s.verwerking
         WHERE ${where.join(' AND ')} AND s.betrokkene = @subject ORDER BY s.nr LIMIT @limit`;
    let select = this.#queries.get(sql);
    if (!select) {
      select = this.db.prepare(sql);
      this.#queries.set(sql, select); // at most four variants
    }
    const rows = select.all({
      requester: query.requester, after: query.after, limit: query.limit,
      ...(query.dataSubjectId !== undefined ? { subject: Buffer.from(query.dataSubjectId, 'hex'), mark: this.personIndex.mark() } : {}),
      ...(query.name !== undefined ? { name: query.name } : {}),
    }) as ProcessingLogRow[];
    return {
      records: rows.map(toPositionedRecord),
    };
  }

  /** Removes records that ended before `before` (their retention period is over); returns how many subject records went. */
  removeBefore(before: number): number {
    const subjects = this.db.prepare('SELECT count(*) FROM verwerking_betrokkene s JOIN verwerking v ON v.nr = s.verwerking WHERE v.eind_tijd < ?').pluck();
    const count = subjects.get(before) as number;
    this.#removeBefore.run(before);
    return count;
  }
}
