import type pg from 'pg';
import { isRetryable, isUnavailable, markIfConnectionFailure, translate } from './postgres-errors.js';

/** Runs of a transaction function in all: the first, and up to three retries after a serialization failure, deadlock or lost race. */
const ATTEMPTS = 4;

/**
 * The feed counters, in the one order a transaction may lock them: a writer of aanwijzingen and
 * opt-outs (registering an opt-out) always locks 'aanwijzing' first, so two instances never deadlock.
 */
const COUNTER_ORDER = ['aanwijzing', 'opt_out'] as const;
export type CounterName = (typeof COUNTER_ORDER)[number];

/**
 * One open transaction: its queries, and the feed counters it holds. A counter is locked with
 * `SELECT … FOR UPDATE` on its `teller` row; that row lock serialises every writer of that feed on
 * every instance until COMMIT, so feed positions follow commit order (a reader paging by position
 * never skips a row that commits later with a lower number). Numbers are handed out in memory and
 * written back with the COMMIT.
 */
export class Tx {
  readonly #client: pg.PoolClient;
  readonly #counters = new Map<CounterName, { value: number; stored: number }>();
  #savepoints = 0;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  /** The rows of one statement. */
  async rows<R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.#query<R>(text, values)).rows;
  }

  /** Runs one statement; returns how many rows it touched. */
  async run(text: string, values: readonly unknown[] = []): Promise<number> {
    return (await this.#query(text, values)).rowCount ?? 0;
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#client.query<R>(text, values as unknown[]);
    } catch (error) {
      throw markIfConnectionFailure(error);
    }
  }

  /** Locks a feed counter for the rest of the transaction (once; later calls are free). */
  async lock(name: CounterName): Promise<void> {
    if (this.#counters.has(name)) return;
    const later = COUNTER_ORDER.slice(COUNTER_ORDER.indexOf(name) + 1);
    if (later.some((other) => this.#counters.has(other))) throw new Error(`counter ${name} locked after a later one: lock order is ${COUNTER_ORDER.join(', ')}`);
    const [row] = await this.rows<{ waarde: number }>('SELECT waarde FROM teller WHERE naam = $1 FOR UPDATE', [name]);
    if (!row) throw new Error(`no counter ${name}`);
    this.#counters.set(name, { value: row.waarde, stored: row.waarde });
  }

  /** The next position of a locked counter. */
  next(name: CounterName): number {
    return this.advance(name, 1) + 1;
  }

  /** Takes `count` positions of a locked counter at once (for a statement that numbers its rows itself); returns the last one taken before. */
  advance(name: CounterName, count: number): number {
    const counter = this.#counters.get(name);
    if (!counter) throw new Error(`counter ${name} is not locked in this transaction`);
    const before = counter.value;
    counter.value += count;
    return before;
  }

  /**
   * Runs `fn` in a savepoint: when it throws, what it wrote is undone, the counters too (so no
   * position is skipped, as in SQLite), and the error is thrown on.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const name = `sp${++this.#savepoints}`;
    const counters = new Map([...this.#counters].map(([key, c]) => [key, c.value]));
    await this.run(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await this.run(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      if (!isUnavailable(error)) {
        await this.run(`ROLLBACK TO SAVEPOINT ${name}`);
        await this.run(`RELEASE SAVEPOINT ${name}`);
        for (const [key, value] of counters) this.#counters.get(key)!.value = value;
      }
      throw error;
    }
  }

  /**
   * Writes the counters that moved back to `teller` and commits, in one round trip (a simple
   * query of several statements; if the update fails, COMMIT does not run): every round trip
   * while the counter is locked is time every other writer on every instance waits.
   */
  async commit(): Promise<void> {
    const updates = [...this.#counters].filter(([, c]) => c.value !== c.stored).map(([name, c]) => {
      // Inlined, not bound: the simple protocol takes no parameters. Both are ours: a safe integer and a fixed name.
      if (!Number.isSafeInteger(c.value)) throw new Error(`counter ${name} out of range`);
      return `UPDATE teller SET waarde = ${c.value} WHERE naam = '${name}'; `;
    });
    await this.run(`${updates.join('')}COMMIT`);
    for (const counter of this.#counters.values()) counter.stored = counter.value;
  }
}

/**
 * Runs `fn` in one READ COMMITTED transaction on a pooled connection: COMMIT when it resolves,
 * ROLLBACK when it throws. A serialization failure, deadlock or lost unique race runs the whole
 * function again (up to three times). Domain errors (`KetenpoortError`) pass through unchanged;
 * a database that does not answer becomes a `ServiceUnavailableError` here, the only place
 * errors of this store are translated. A connection that failed is discarded, not returned to
 * the pool.
 */
export async function transaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      // Anything failing to hand out a connection is the database (or the pool's wait for it).
      throw translate(markIfConnectionFailure(error));
    }
    let broken: Error | undefined;
    // A checked-out client has no error listener of the pool's: without this one, the connection
    // dying between two statements would be an unhandled 'error' event and end the process. The
    // next statement then fails with a connection error, which is handled below.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      const tx = new Tx(client);
      await tx.run('BEGIN');
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (error) {
      if (isUnavailable(error)) {
        broken ??= error instanceof Error ? error : new Error(String(error));
      } else if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      }
      if (!broken && attempt < ATTEMPTS && isRetryable(error)) continue;
      throw translate(error);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

/**
 * One statement outside a transaction (a read, or a write that is atomic by itself), with the same
 * error translation; a deadlock between two instances running the same bulk statement (two
 * maintenance runs purging one set of rows) runs it again.
 */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<R>(text, values as unknown[]);
    } catch (error) {
      if (attempt < ATTEMPTS && isRetryable(error)) continue;
      // pool.query runs no code of ours: an error without a SQLSTATE came from the pool or the connection.
      throw translate(markIfConnectionFailure(error));
    }
  }
}
