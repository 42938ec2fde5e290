import pg from 'pg';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow, DecideChange, FeedPage, FeedQuery, InsertOutcome, MaintenanceResult, NewAanwijzing, ReadRecordsFor, RecordsFor, StatisticsRow } from '../aanwijzing-rows.js';
import type { AanleveringRow, ClassifyInsert, IngestCheckpoint, IngestLine, LineErrorRow, LineOutcome, NewAanlevering } from '../aanlevering-rows.js';
import type { NewOptOut, OptOutChange, OptOutRegistration, OptOutRow } from '../opt-out-rows.js';
import type { ProcessingLogPage, ProcessingLogQuery } from '../processing-log-query.js';
import type { Migration } from '../sqlite/migrations.js';
import type { Store } from '../store.js';
import { PostgresAanleveringen } from './postgres-aanleveringen.js';
import { PostgresAanwijzingen } from './postgres-aanwijzingen.js';
import { appliedMigrations, migrate, POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresOptOuts } from './postgres-opt-outs.js';
import { PostgresProcessingLog } from './postgres-processing-log.js';
import { query, transaction } from './postgres-transaction.js';

/** BIGINT (int8) and NUMERIC (what sum() gives) come back as JS numbers: epoch ms and counters stay far below 2^53. */
const NUMBER_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (NUMBER_OIDS.has(oid) && format !== 'binary'
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/**
 * The shared store: one PostgreSQL database for any number of gateway instances. All correctness
 * across instances comes from the database: unique keys, row locks on the feed counters (see
 * `Tx.lock`), advisory locks for migrations; nothing is cached in memory. Every statement uses
 * unqualified table names, so the URL's `search_path` chooses the schema.
 */
export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #log: PostgresProcessingLog;
  readonly #aanwijzingen: PostgresAanwijzingen;
  readonly #optOuts: PostgresOptOuts;
  readonly #aanleveringen: PostgresAanleveringen;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#log = new PostgresProcessingLog(pool);
    this.#aanwijzingen = new PostgresAanwijzingen(pool, this.#log);
    this.#optOuts = new PostgresOptOuts(pool, this.#aanwijzingen, this.#log);
    this.#aanleveringen = new PostgresAanleveringen(pool, this.#aanwijzingen, this.#optOuts, this.#log);
  }

  /**
   * Connects (once, to fail early with the driver's own error code), applies pending migrations
   * and returns the store.
   * @param url `postgres://user@host:port/database`, libpq parameters (sslmode, options) included
   */
  static async open(url: string, options: { poolSize?: number } = {}, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      // A request waits at most this long for a connection when the database is gone, then gets a 503.
      connectionTimeoutMillis: 5000,
      // TCP keep-alive notices a database host that vanished without closing the connection.
      keepAlive: true,
      types,
    });
    // An idle connection that dies (the database restarted) is dropped by the pool; without a
    // listener its 'error' event would end the process. The next request simply connects anew.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      client.release();
      await migrate(pool, migrations);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error; // openStore reports it as a configuration error, with the driver's code from its cause
    }
    return new PostgresStore(pool);
  }

  /** Versions of the applied migrations, oldest first. */
  appliedMigrations(): Promise<number[]> {
    return appliedMigrations(this.#pool);
  }

  async ping(): Promise<void> {
    await query(this.#pool, 'SELECT 1');
  }

  async consumeAssertionId(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const result = await query(this.#pool, 'INSERT INTO gebruikte_assertion_id (uitgever, jti, verloopt) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [issuer, jti, expiresAt.getTime()]);
    return result.rowCount === 1;
  }

  async purgeExpiredAssertionIds(now: Date): Promise<number> {
    return (await query(this.#pool, 'DELETE FROM gebruikte_assertion_id WHERE verloopt < $1', [now.getTime()])).rowCount ?? 0;
  }

  insertAanwijzing(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces?: DecideChange): Promise<InsertOutcome> {
    return this.#aanwijzingen.insert(row, records, replaces);
  }

  readAanwijzing(id: string, records: ReadRecordsFor): Promise<AanwijzingRow | undefined> {
    return this.#aanwijzingen.read(id, records);
  }

  changeAanwijzing(id: string, decide: DecideChange, records: RecordsFor<AanwijzingRow>): Promise<AanwijzingRow | undefined> {
    return this.#aanwijzingen.change(id, decide, records);
  }

  aanwijzingFeed(q: FeedQuery, records: RecordsFor<readonly AanwijzingRow[]>): Promise<FeedPage> {
    return this.#aanwijzingen.feed(q, records);
  }

  aanwijzingStatistics(aanleveraarOin: string, from: number, to: number): Promise<StatisticsRow[]> {
    return this.#aanwijzingen.statistics(aanleveraarOin, from, to);
  }

  /** Safe on many instances at once: each part counts only the rows its own statements changed, so the results add up. */
  async runMaintenance(options: { today: string; now: number; purgeClosedBefore: number; purgeLogBefore: number; purgeWithdrawnOptOutsBefore: number }): Promise<MaintenanceResult> {
    const expired = await this.#aanwijzingen.expire(options.today, options.now);
    const purged = await this.#aanwijzingen.purge(options.purgeClosedBefore);
    const logRecordsRemoved = await transaction(this.#pool, (tx) => this.#log.removeBefore(tx, options.purgeLogBefore));
    const optOutsPurged = await this.#optOuts.purgeWithdrawn(options.purgeWithdrawnOptOutsBefore);
    return { expired, purged, logRecordsRemoved, optOutsPurged };
  }

  registerOptOut(row: NewOptOut, records: (registered: OptOutRow, suppressed: readonly AanwijzingRow[]) => readonly ProcessingRecord[]): Promise<OptOutRegistration> {
    return this.#optOuts.register(row, records);
  }

  readOptOut(id: string, records: (row: OptOutRow) => readonly ProcessingRecord[] | undefined): Promise<OptOutRow | undefined> {
    return this.#optOuts.read(id, records);
  }

  withdrawOptOut(id: string, by: string, now: number, decide: (row: OptOutRow) => boolean, records: (row: OptOutRow) => readonly ProcessingRecord[]): Promise<OptOutRow | undefined> {
    return this.#optOuts.withdraw(id, by, now, decide, records);
  }

  lookupOptOuts(bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<Map<string, string[]>> {
    return this.#optOuts.lookup(bsns, records);
  }

  importOptOuts(rows: readonly NewOptOut[]): Promise<number> {
    return this.#optOuts.importMany(rows);
  }

  follow(owner: string, bsns: readonly string[], now: number, records: () => readonly ProcessingRecord[]): Promise<number> {
    return this.#optOuts.follow(owner, bsns, now, records);
  }

  unfollow(owner: string, bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<number> {
    return this.#optOuts.unfollow(owner, bsns, records);
  }

  optOutChanges(owner: string, after: number, limit: number, records: (changes: readonly OptOutChange[]) => readonly ProcessingRecord[]): Promise<{ changes: OptOutChange[]; last: number; head: number }> {
    return this.#optOuts.changes(owner, after, limit, records);
  }

  aanwijzingListPage(ontvangerOin: string, from: number, to: number, after: { aangeboden: number; id: string } | undefined, limit: number,
    records: RecordsFor<readonly AanwijzingRow[]>): Promise<AanwijzingRow[]> {
    return this.#aanwijzingen.listPage(ontvangerOin, from, to, after, limit, records);
  }

  createAanlevering(row: NewAanlevering): Promise<{ created: boolean; row: AanleveringRow }> {
    return this.#aanleveringen.create(row);
  }

  readAanlevering(id: string): Promise<AanleveringRow | undefined> {
    return this.#aanleveringen.find(id);
  }

  unfinishedAanleveringen(): Promise<AanleveringRow[]> {
    return this.#aanleveringen.unfinished();
  }

  ingestAanleveringBatch(id: string, lines: readonly IngestLine[], classify: ClassifyInsert, checkpoint: IngestCheckpoint): Promise<LineOutcome[] | undefined> {
    return this.#aanleveringen.ingest(id, lines, classify, checkpoint);
  }

  finishAanlevering(id: string, checkpoint: IngestCheckpoint): Promise<void> {
    return this.#aanleveringen.finish(id, checkpoint);
  }

  aanleveringErrors(id: string, after: number, limit: number): Promise<LineErrorRow[]> {
    return this.#aanleveringen.errors(id, after, limit);
  }

  async appendProcessingRecords(records: readonly ProcessingRecord[]): Promise<void> {
    if (records.length > 0) await transaction(this.#pool, (tx) => this.#log.append(tx, records));
  }

  processingLog(q: ProcessingLogQuery): Promise<ProcessingLogPage> {
    return this.#log.query(q);
  }

  /** Ends the pool; idempotent. */
  async close(): Promise<void> {
    if (!this.#pool.ended && !this.#pool.ending) await this.#pool.end();
  }
}
