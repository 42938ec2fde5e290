import type pg from 'pg';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import { sameOperation, toPositionedRecord, type ProcessingLogPage, type ProcessingLogQuery, type ProcessingLogRow } from '../processing-log-query.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { query, type Tx } from './postgres-transaction.js';

/** How long a reader of the log waits for transactions in flight to end before it answers with less. */
const HORIZON_WAIT_MS = 2000;
/** How often it looks. */
const HORIZON_POLL_MS = 5;
/** Records per bucket of the per-person index (`nr >> 16`, migration 6). */
const BUCKET = 65_536;

const COLUMNS = `s.nr, v.trace_id AS "traceId", v.operation_id AS "operationId", v.foreign_operation_id AS "foreignOperationId",
  v.naam AS name, v.status, v.start_tijd AS "startTime", v.eind_tijd AS "endTime", v.verwerkingsactiviteit AS "processingActivityId",
  s.betrokkene AS subject, v.verzoeker_oin AS requester, v.actor_oin AS actor, s.resource_id AS "resourceId"`;

/**
 * One statement writes any number of records: the operation rows get their numbers from the
 * identity's sequence up front (so the subjects can refer to them in the same statement), the
 * subjects follow in record order. A 10,000-BSN look-up is one round trip, not 10,000.
 */
const APPEND = `WITH operatie AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence('verwerking', 'nr')) AS nr, o.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[])
      WITH ORDINALITY AS o (trace_id, operation_id, foreign_operation_id, naam, status, start_tijd, eind_tijd, verwerkingsactiviteit, verzoeker_oin, actor_oin, i)
  ), vastgelegd AS (
    INSERT INTO verwerking (nr, trace_id, operation_id, foreign_operation_id, naam, status, start_tijd, eind_tijd, verwerkingsactiviteit, verzoeker_oin, actor_oin)
    OVERRIDING SYSTEM VALUE
    SELECT nr, trace_id, operation_id, foreign_operation_id, naam, status, start_tijd, eind_tijd, verwerkingsactiviteit, verzoeker_oin, actor_oin FROM operatie
  )
  INSERT INTO verwerking_betrokkene (verwerking, verzoeker_oin, betrokkene, resource_id)
  SELECT operatie.nr, operatie.verzoeker_oin, decode(s.betrokkene, 'hex'), s.resource_id
  FROM unnest($11::bigint[], $12::text[], $13::text[]) WITH ORDINALITY AS s (operatie, betrokkene, resource_id, j)
  JOIN operatie ON operatie.i = s.operatie
  ORDER BY s.j`;

/**
 * The processing log (Logboek Dataverwerkingen) in PostgreSQL, append-only and normalised as in
 * SQLite: one row per operation, one narrow row per data subject. PostgreSQL keeps a plain index
 * on (pseudonym, position); no index has to be filled behind the log.
 */
export class PostgresProcessingLog {
  constructor(private readonly pool: pg.Pool) {}

  /** Appends records; call inside the transaction of the change they describe. */
  async append(tx: Tx, records: readonly ProcessingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const operations: unknown[][] = Array.from({ length: 10 }, () => []);
    const subjects: unknown[][] = [[], [], []];
    let previous: ProcessingRecord | undefined;
    for (const r of records) {
      // Records of one operation come together and share every field but the subject and resource.
      if (!previous || !sameOperation(previous, r)) {
        [r.traceId, r.operationId, r.foreignOperationId ?? null, r.name, r.status, r.startTime.getTime(), r.endTime.getTime(),
          r.processingActivityId, r.requester, r.actor ?? null].forEach((value, column) => operations[column]!.push(value));
        previous = r;
      }
      subjects[0]!.push(operations[0]!.length);
      subjects[1]!.push(r.dataSubjectId);
      subjects[2]!.push(r.resourceId ?? null);
    }
    await tx.run(APPEND, [...operations, ...subjects]);
  }

  async query(q: ProcessingLogQuery): Promise<ProcessingLogPage> {
    const values: unknown[] = [q.requester, q.after, q.limit];
    const horizon = await this.#committedUpTo();
    if (horizon !== undefined && horizon <= q.after) return { records: [] };
    const where = ['s.verzoeker_oin = $1', 's.nr > $2'];
    if (horizon !== undefined) where.push(`s.nr <= $${values.push(horizon)}`);
    if (q.name !== undefined) where.push(`v.naam = $${values.push(q.name)}`);
    if (q.dataSubjectId !== undefined) {
      if (horizon === undefined) return { records: [] };
      // The per-person index is keyed by bucket (migration 6): name the buckets the page can be in.
      const buckets = Array.from({ length: Math.floor(horizon / BUCKET) - Math.floor(q.after / BUCKET) + 1 }, (_, i) => Math.floor(q.after / BUCKET) + i);
      where.push(`s.betrokkene = decode($${values.push(q.dataSubjectId)}, 'hex')`, `(s.nr >> 16) = ANY($${values.push(buckets)}::bigint[])`);
    }
    const { rows } = await query<ProcessingLogRow>(this.pool,
      `SELECT ${COLUMNS} FROM verwerking_betrokkene s JOIN verwerking v ON v.nr = s.verwerking
       WHERE ${where.join(' AND ')} ORDER BY s.nr LIMIT $3`, values);
    return {
      records: rows.map(toPositionedRecord),
    };
  }

  /**
   * The highest position below which every record is final (committed or rolled back), so a reader
   * paging by position never passes one that commits later with a lower number. Positions come
   * from a sequence when a record is inserted, not when it commits; with several writers (and
   * instances) a record can commit after a higher one. So: read the sequence, then wait until every
   * transaction in flight at that moment has ended — only those can still hold lower positions.
   * The reader waits as long as the longest write transaction (milliseconds); writers never wait.
   * Undefined when nothing was ever logged. A transaction still open after {@link HORIZON_WAIT_MS}
   * gives 0: the page is empty and the cursor stays, so it is late, never wrong.
   */
  async #committedUpTo(): Promise<number | undefined> {
    const [seq] = (await query<{ h: number | null }>(this.pool,
      "SELECT pg_sequence_last_value(pg_get_serial_sequence('verwerking_betrokkene', 'nr')::regclass) AS h")).rows;
    const horizon = seq?.h ?? undefined;
    if (horizon === undefined) return undefined;
    const [snapshot] = (await query<{ s: string }>(this.pool, 'SELECT pg_current_snapshot()::text AS s')).rows;
    const deadline = Date.now() + HORIZON_WAIT_MS;
    for (;;) {
      const [open] = (await query<{ n: number }>(this.pool,
        "SELECT count(*) AS n FROM pg_snapshot_xip($1::pg_snapshot) AS x WHERE pg_xact_status(x) = 'in progress'", [snapshot!.s])).rows;
      if (!open || Number(open.n) === 0) return horizon;
      if (Date.now() > deadline) return 0; // no position is provably final: an empty page, the cursor stays
      await sleep(HORIZON_POLL_MS);
    }
  }

  /**
   * Removes records that ended before `before` (their retention period is over); returns how many
   * subject records went. The count is taken from the operations this statement deleted, so two
   * instances running it together count each record once.
   */
  async removeBefore(tx: Tx, before: number): Promise<number> {
    // No foreign key (migration 6): the subjects of the deleted operations go in the same statement.
    const [row] = await tx.rows<{ aantal: number }>(`WITH weg AS (DELETE FROM verwerking WHERE eind_tijd < $1 RETURNING nr),
      betrokkenen AS (DELETE FROM verwerking_betrokkene WHERE verwerking IN (SELECT nr FROM weg) RETURNING 1)
      SELECT count(*) AS aantal FROM betrokkenen`, [before]);
    return row?.aantal ?? 0;
  }

}
