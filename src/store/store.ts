import type { ProcessingRecord } from '../audit/processing-record.js';
import type { AanwijzingRow, DecideChange, FeedPage, FeedQuery, InsertOutcome, MaintenanceResult, NewAanwijzing, ReadRecordsFor, RecordsFor, StatisticsRow } from './aanwijzing-rows.js';
import type { AanleveringRow, ClassifyInsert, IngestCheckpoint, IngestLine, LineErrorRow, LineOutcome, NewAanlevering } from './aanlevering-rows.js';
import type { NewOptOut, OptOutChange, OptOutRegistration, OptOutRow } from './opt-out-rows.js';
import type { ProcessingLogPage, ProcessingLogQuery } from './processing-log-query.js';

/**
 * The one storage interface of the gateway. Everything outside `src/store` talks to this and knows
 * no SQL. Implementations: the embedded SQLite store (default) and, later, PostgreSQL. Methods are
 * async so both engines fit behind it; multi-instance correctness comes from the database (unique
 * keys, transactions), never from memory.
 */
export interface Store {
  /** Which engine this is, for health output and metrics. */
  readonly engine: 'sqlite' | 'postgres';

  /** Resolves when the database answers a trivial query; rejects with `ServiceUnavailableError` otherwise. */
  ping(): Promise<void>;

  /**
   * Records that a client assertion with this (issuer, jti) was used. Returns false when it had
   * been used before (a replay); atomic across instances because of a unique key.
   */
  consumeAssertionId(issuer: string, jti: string, expiresAt: Date): Promise<boolean>;

  /** Deletes used assertion ids that have expired; returns how many. */
  purgeExpiredAssertionIds(now: Date): Promise<number>;

  /**
   * Stores a new aanwijzing unless (sender, kenmerk) exists, with its processing records, in one
   * transaction. With `replaces`, the aanwijzing named in `row.vervangt` is changed in the same
   * transaction (a correction).
   */
  insertAanwijzing(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces?: DecideChange): Promise<InsertOutcome>;

  /** Reads one aanwijzing and logs the read atomically; undefined when absent or not the caller's. */
  readAanwijzing(id: string, records: ReadRecordsFor): Promise<AanwijzingRow | undefined>;

  /** Changes one aanwijzing (status, feedback) as `decide` says, with its processing records, atomically. */
  changeAanwijzing(id: string, decide: DecideChange, records: RecordsFor<AanwijzingRow>): Promise<AanwijzingRow | undefined>;

  /** One page of a receiver's feed; the read is logged per data subject in the same transaction. */
  aanwijzingFeed(query: FeedQuery, records: RecordsFor<readonly AanwijzingRow[]>): Promise<FeedPage>;

  /** Counts of one sender's signals delivered in [from, to) (epoch ms), without personal data. */
  aanwijzingStatistics(aanleveraarOin: string, from: number, to: number): Promise<StatisticsRow[]>;

  /**
   * The periodic maintenance: expire open signals past `geldigTot` (before `today`), remove the
   * personal data of signals closed before `purgeClosedBefore`, and processing-log records that
   * ended before `purgeLogBefore`, and the BSN of opt-outs withdrawn before `purgeWithdrawnOptOutsBefore` (epoch ms).
   */
  runMaintenance(options: { today: string; now: number; purgeClosedBefore: number; purgeLogBefore: number; purgeWithdrawnOptOutsBefore: number }): Promise<MaintenanceResult>;

  /**
   * Registers an opt-out unless the same (person, scope) is active already, and suppresses the
   * person's open aanwijzingen it covers, with the processing records, in one transaction.
   */
  registerOptOut(row: NewOptOut, records: (registered: OptOutRow, suppressed: readonly AanwijzingRow[]) => readonly ProcessingRecord[]): Promise<OptOutRegistration>;

  /** Reads one opt-out and logs the read; undefined when absent or not for the caller. */
  readOptOut(id: string, records: (row: OptOutRow) => readonly ProcessingRecord[] | undefined): Promise<OptOutRow | undefined>;

  /** Ends an active opt-out (its history stays); idempotent. */
  withdrawOptOut(id: string, by: string, now: number, decide: (row: OptOutRow) => boolean, records: (row: OptOutRow) => readonly ProcessingRecord[]): Promise<OptOutRow | undefined>;

  /** Active opt-out scopes per BSN for up to 10,000 BSNs; the look-up is logged per person in the same transaction. */
  lookupOptOuts(bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<Map<string, string[]>>;

  /** Bulk-loads opt-outs (migration of an existing register); skips what is active already. */
  importOptOuts(rows: readonly NewOptOut[]): Promise<number>;

  /** Places follow indications of `owner` on these BSNs (idempotent); returns how many were new. */
  follow(owner: string, bsns: readonly string[], now: number, records: () => readonly ProcessingRecord[]): Promise<number>;

  /** Removes follow indications (idempotent); returns how many existed. */
  unfollow(owner: string, bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<number>;

  /** Opt-out changes after a feed position, only for BSNs `owner` follows, in commit order; `head` is the highest position committed. */
  optOutChanges(owner: string, after: number, limit: number, records: (changes: readonly OptOutChange[]) => readonly ProcessingRecord[]): Promise<{ changes: OptOutChange[]; last: number; head: number }>;

  /** A page of a receiver's signals delivered in [from, to) (epoch ms), in delivery order, after the keyset position; the page's records written first. */
  aanwijzingListPage(ontvangerOin: string, from: number, to: number, after: { aangeboden: number; id: string } | undefined, limit: number,
    records: RecordsFor<readonly AanwijzingRow[]>): Promise<AanwijzingRow[]>;

  /** Creates an aanlevering (a delivered file), or returns the sender's earlier one with the same digest. */
  createAanlevering(row: NewAanlevering): Promise<{ created: boolean; row: AanleveringRow }>;

  readAanlevering(id: string): Promise<AanleveringRow | undefined>;

  /** Aanleveringen whose lines are not all processed (to resume after a restart), oldest first. */
  unfinishedAanleveringen(): Promise<AanleveringRow[]>;

  /**
   * Inserts a batch of lines of an aanlevering, each exactly as a single delivery (with opt-out
   * suppression), stores their outcomes and moves the checkpoint, in one transaction. Undefined
   * when the checkpoint had already passed this batch (nothing written).
   */
  ingestAanleveringBatch(id: string, lines: readonly IngestLine[], classify: ClassifyInsert, checkpoint: IngestCheckpoint): Promise<LineOutcome[] | undefined>;

  /** Marks an aanlevering processed when the rest of its file held no lines. */
  finishAanlevering(id: string, checkpoint: IngestCheckpoint): Promise<void>;

  /** Rejected lines of an aanlevering after line `after`, in line order. */
  aanleveringErrors(id: string, after: number, limit: number): Promise<LineErrorRow[]>;

  /** Appends processing records on their own (operations that change nothing else). */
  appendProcessingRecords(records: readonly ProcessingRecord[]): Promise<void>;

  /** One page of a party's processing log. */
  processingLog(query: ProcessingLogQuery): Promise<ProcessingLogPage>;

  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
