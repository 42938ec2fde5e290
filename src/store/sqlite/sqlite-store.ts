import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ServiceUnavailableError } from '../../errors.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow, DecideChange, FeedPage, FeedQuery, InsertOutcome, MaintenanceResult, NewAanwijzing, ReadRecordsFor, RecordsFor, StatisticsRow } from '../aanwijzing-rows.js';
import type { ProcessingLogPage, ProcessingLogQuery } from '../processing-log-query.js';
import type { Store } from '../store.js';
import { LogGroupCommit } from './log-group-commit.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SQLITE_MIGRATIONS, type Migration } from './migrations.js';
import { SqliteAanwijzingen } from './sqlite-aanwijzingen.js';
import { SqliteOptOuts } from './sqlite-opt-outs.js';
import { SqliteAanleveringen } from './sqlite-aanleveringen.js';
import type { AanleveringRow, ClassifyInsert, IngestCheckpoint, IngestLine, LineErrorRow, LineOutcome, NewAanlevering } from '../aanlevering-rows.js';
import { SqliteProcessingLog } from './sqlite-processing-log.js';
import type { NewOptOut, OptOutChange, OptOutRegistration, OptOutRow } from '../opt-out-rows.js';

/**
 * Look-ups of at most this many persons have their processing records written by group commit;
 * larger ones in a transaction of their own. Why a bound: a group-committed request answers in a
 * later turn of the event loop, and Node 20 reset about one keep-alive TLS connection in six
 * (`HPE_PAUSED`) when a ~0.5 MB answer of a 10,000-person look-up was deferred like that (tested
 * in tests/api/opt-outs.test.ts). The answer for 100 persons stays well below the socket's 16 KB
 * high-water mark, and a large look-up has enough records to fill a transaction of its own.
 */
export const GROUP_COMMIT_MAX_BSNS = 100;

/** Page size of a new database file. */
export const PAGE_SIZE = 8192;

/** The writer checkpoints the WAL itself once it holds this much (in pages of the file's size). */
const AUTOCHECKPOINT_BYTES = 40 * 2 ** 20;

/** How long the WAL checkpointer thread outlives the last file batch. */
const CHECKPOINTER_IDLE_MS = 2_000;

/**
 * The embedded store: one SQLite file in WAL mode, opened by one gateway process. Statements are
 * prepared once. better-sqlite3 is synchronous, which is fine for the short statements used here and
 * keeps each call atomic with respect to the event loop.
 */
export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #insertJti: Database.Statement<[string, string, number]>;
  readonly #purgeJti: Database.Statement<[number]>;
  readonly #log: SqliteProcessingLog;
  readonly #logGroup: LogGroupCommit;
  readonly #aanwijzingen: SqliteAanwijzingen;
  readonly #optOuts: SqliteOptOuts;
  readonly #aanleveringen: SqliteAanleveringen;

  /** The database file, or undefined in memory (no WAL, no checkpointer). */
  readonly #file: string | undefined;
  #checkpointer: WalCheckpointer | undefined;
  #checkpointerIdle: NodeJS.Timeout | undefined;

  private constructor(db: Database.Database, file: string | undefined) {
    this.#db = db;
    this.#file = file;
    this.#log = new SqliteProcessingLog(db);
    this.#logGroup = new LogGroupCommit(db, this.#log);
    this.#aanwijzingen = new SqliteAanwijzingen(db, this.#log);
    this.#optOuts = new SqliteOptOuts(db, this.#aanwijzingen, this.#log);
    this.#aanleveringen = new SqliteAanleveringen(db, this.#aanwijzingen, this.#optOuts, this.#log);
    this.#insertJti = db.prepare('INSERT OR IGNORE INTO gebruikte_assertion_id (uitgever, jti, verloopt) VALUES (?, ?, ?)');
    this.#purgeJti = db.prepare('DELETE FROM gebruikte_assertion_id WHERE verloopt < ?');
  }

  /**
   * Opens (creating if needed) the database file and applies pending migrations.
   * @param file a path, or `:memory:` for tests
   */
  static open(file: string, migrations: readonly Migration[] = SQLITE_MIGRATIONS): SqliteStore {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    // Pages of 8 KiB for a new file (an existing one keeps its size: WAL mode cannot change it).
    // A monthly file's signal costs ~9 % less CPU to store than with 4 KiB (`npm run bench:indexen
    // -- --paginas 4096,8192`: fewer pages a row, fewer WAL frames a commit).
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A 10,000-person look-up writes 10,000 processing records (a few MB of pages): a 32 MB page
    // cache keeps the log's newest index pages in memory (64 MB gave the same `_zoek`, 73 vs 78 ms,
    // and 36 MB more peak RSS during a monthly file), and checkpointing the WAL every 40 MB instead
    // of every 4 MB stops nearly every such request from paying for a checkpoint.
    db.pragma('cache_size = -32768');
    db.pragma(`wal_autocheckpoint = ${Math.round(AUTOCHECKPOINT_BYTES / (db.pragma('page_size', { simple: true }) as number))}`);
    migrate(db, migrations);
    return new SqliteStore(db, file === ':memory:' ? undefined : file);
  }

  /** Versions of the applied migrations, oldest first. */
  appliedMigrations(): number[] {
    return this.#db.prepare('SELECT version FROM schema_migratie ORDER BY version').pluck().all() as number[];
  }

  async ping(): Promise<void> {
    try {
      this.#db.prepare('SELECT 1').get();
    } catch (error) {
      throw new ServiceUnavailableError('The embedded store does not answer.', 5, error);
    }
  }

  async consumeAssertionId(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    return this.#insertJti.run(issuer, jti, expiresAt.getTime()).changes === 1;
  }

  async purgeExpiredAssertionIds(now: Date): Promise<number> {
    return this.#purgeJti.run(now.getTime()).changes;
  }

  async insertAanwijzing(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces?: DecideChange): Promise<InsertOutcome> {
    return this.#aanwijzingen.insert(row, records, replaces, (bsn, regeling) => this.#optOuts.covers(bsn, regeling));
  }

  async readAanwijzing(id: string, records: ReadRecordsFor): Promise<AanwijzingRow | undefined> {
    return this.#aanwijzingen.read(id, records);
  }

  async changeAanwijzing(id: string, decide: DecideChange, records: RecordsFor<AanwijzingRow>): Promise<AanwijzingRow | undefined> {
    return this.#aanwijzingen.change(id, decide, records);
  }

  async aanwijzingFeed(query: FeedQuery, records: RecordsFor<readonly AanwijzingRow[]>): Promise<FeedPage> {
    return this.#aanwijzingen.feed(query, records);
  }

  async aanwijzingStatistics(aanleveraarOin: string, from: number, to: number): Promise<StatisticsRow[]> {
    return this.#aanwijzingen.statistics(aanleveraarOin, from, to);
  }

  async runMaintenance(options: { today: string; now: number; purgeClosedBefore: number; purgeLogBefore: number; purgeWithdrawnOptOutsBefore: number }): Promise<MaintenanceResult> {
    const expired = this.#aanwijzingen.expire(options.today, options.now);
    const purged = this.#aanwijzingen.purge(options.purgeClosedBefore);
    const logRecordsRemoved = this.#log.removeBefore(options.purgeLogBefore);
    const optOutsPurged = this.#optOuts.purgeWithdrawn(options.purgeWithdrawnOptOutsBefore);
    return { expired, purged, logRecordsRemoved, optOutsPurged };
  }

  async registerOptOut(row: NewOptOut, records: (registered: OptOutRow, suppressed: readonly AanwijzingRow[]) => readonly ProcessingRecord[]): Promise<OptOutRegistration> {
    return this.#optOuts.register(row, records);
  }

  async readOptOut(id: string, records: (row: OptOutRow) => readonly ProcessingRecord[] | undefined): Promise<OptOutRow | undefined> {
    return this.#optOuts.read(id, records);
  }

  async withdrawOptOut(id: string, by: string, now: number, decide: (row: OptOutRow) => boolean, records: (row: OptOutRow) => readonly ProcessingRecord[]): Promise<OptOutRow | undefined> {
    return this.#optOuts.withdraw(id, by, now, decide, records);
  }

  async lookupOptOuts(bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<Map<string, string[]>> {
    if (bsns.length > GROUP_COMMIT_MAX_BSNS) return this.#optOuts.lookup(bsns, records);
    // Read and logged in the next group transaction, with the other small look-ups of this turn of
    // the event loop; the answer goes out only once that transaction has committed.
    return this.#logGroup.run(() => this.#optOuts.activeScopes(bsns), records);
  }

  async importOptOuts(rows: readonly NewOptOut[]): Promise<number> {
    return this.#optOuts.importMany(rows);
  }

  async follow(owner: string, bsns: readonly string[], now: number, records: () => readonly ProcessingRecord[]): Promise<number> {
    return this.#optOuts.follow(owner, bsns, now, records);
  }

  async unfollow(owner: string, bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<number> {
    return this.#optOuts.unfollow(owner, bsns, records);
  }

  async optOutChanges(owner: string, after: number, limit: number, records: (changes: readonly OptOutChange[]) => readonly ProcessingRecord[]): Promise<{ changes: OptOutChange[]; last: number; head: number }> {
    return this.#optOuts.changes(owner, after, limit, records);
  }

  async aanwijzingListPage(ontvangerOin: string, from: number, to: number, after: { aangeboden: number; id: string } | undefined, limit: number,
    records: RecordsFor<readonly AanwijzingRow[]>): Promise<AanwijzingRow[]> {
    return this.#aanwijzingen.listPage(ontvangerOin, from, to, after, limit, records);
  }

  async createAanlevering(row: NewAanlevering): Promise<{ created: boolean; row: AanleveringRow }> {
    return this.#aanleveringen.create(row);
  }

  async readAanlevering(id: string): Promise<AanleveringRow | undefined> {
    return this.#aanleveringen.find(id);
  }

  async unfinishedAanleveringen(): Promise<AanleveringRow[]> {
    return this.#aanleveringen.unfinished();
  }

  async ingestAanleveringBatch(id: string, lines: readonly IngestLine[], classify: ClassifyInsert, checkpoint: IngestCheckpoint): Promise<LineOutcome[] | undefined> {
    this.#checkpointWhileFilesRun();
    return this.#aanleveringen.ingest(id, lines, classify, checkpoint);
  }

  async finishAanlevering(id: string, checkpoint: IngestCheckpoint): Promise<void> {
    this.#aanleveringen.finish(id, checkpoint);
  }

  async aanleveringErrors(id: string, after: number, limit: number): Promise<LineErrorRow[]> {
    return this.#aanleveringen.errors(id, after, limit);
  }

  async appendProcessingRecords(records: readonly ProcessingRecord[]): Promise<void> {
    this.#db.transaction(() => this.#log.append(records)).immediate();
  }

  async processingLog(query: ProcessingLogQuery): Promise<ProcessingLogPage> {
    return this.#log.query(query);
  }

  /** Brings the per-person index of the processing log up to date now (it otherwise follows within a second); returns the positions covered. */
  async indexProcessingLog(): Promise<number> {
    return this.#log.personIndex.fillAll();
  }

  /** Brings the index of the periodic list up to date now (it otherwise follows within a second); returns the positions covered. */
  async indexReceiverLists(): Promise<number> {
    return this.#aanwijzingen.listIndex.fillAll();
  }

  /**
   * While files are processed, the WAL is copied back into the file by a checkpointer thread
   * (a monthly file on the full benchmark's database: 19,306–19,827 → 21,912–22,225 lines/s); it
   * stops two seconds after the last batch. Not always on: alternating runs of `bench:opt-outs`
   * gave a 10,000-BSN `_zoek` a median of 105–125 ms with it and 79–108 ms without. The writer's
   * own checkpoint stays on as the backstop either way.
   */
  #checkpointWhileFilesRun(): void {
    if (!this.#file) return;
    this.#checkpointer ??= WalCheckpointer.start(this.#file);
    clearTimeout(this.#checkpointerIdle);
    this.#checkpointerIdle = setTimeout(() => {
      const done = this.#checkpointer;
      this.#checkpointer = undefined;
      void done?.stop();
    }, CHECKPOINTER_IDLE_MS).unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.#checkpointerIdle);
    await this.#checkpointer?.stop();
    this.#logGroup.flush();
    this.#log.personIndex.stop();
    this.#aanwijzingen.listIndex.stop();
    if (this.#db.open) this.#db.close();
  }
}

function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migratie (
    version INTEGER PRIMARY KEY, naam TEXT NOT NULL, toegepast TEXT NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migratie').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migratie (version, naam, toegepast) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}
