import type Database from 'better-sqlite3';
import { ServiceUnavailableError } from '../../errors.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { SqliteProcessingLog } from './sqlite-processing-log.js';

interface Pending {
  readonly read: () => unknown;
  readonly records: (value: unknown) => readonly ProcessingRecord[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit for operations that read and write nothing but their processing records (a
 * look-up): the operations of every request that arrives within one turn of the event loop run in
 * one transaction — each its read, then its records — and each request continues only once that
 * transaction has committed, so a record is still written before its operation counts as done.
 * Under load this turns one BEGIN/COMMIT per request (with its WAL frames: ~30 % of a one-BSN
 * look-up's CPU) and one read transaction per request into one of each per batch.
 */
export class LogGroupCommit {
  #pending: Pending[] = [];
  #scheduled = false;
  readonly #commit: Database.Transaction<(batch: readonly Pending[]) => Outcome[]>;

  constructor(private readonly db: Database.Database, log: SqliteProcessingLog) {
    this.#commit = db.transaction((batch: readonly Pending[]) => batch.map((item) => {
      let value: unknown;
      try {
        value = item.read();
      } catch (error) {
        // A read writes nothing, so its failure is that request's alone.
        return { ok: false as const, error };
      }
      // A failing append throws out of the transaction: the whole batch is rolled back and fails.
      log.append(item.records(value));
      return { ok: true as const, value };
    }));
  }

  /**
   * Runs `read` and appends `records(result)` in the next group transaction; resolves with the
   * result once that transaction has committed, rejects when the read or the commit fails.
   */
  run<T>(read: () => T, records: (value: T) => readonly ProcessingRecord[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ read, records: records as (value: unknown) => readonly ProcessingRecord[], resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is pending now (at the end of the turn, and before the store closes). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let outcomes: Outcome[];
    try {
      if (!this.db.open) throw new ServiceUnavailableError('The embedded store is closed.');
      outcomes = this.#commit.immediate(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.error)));
  }
}
