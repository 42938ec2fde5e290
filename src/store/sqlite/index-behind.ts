import type Database from 'better-sqlite3';

/** Positions added to an index per transaction: big enough to amortise, small enough not to hold the event loop long. */
const CHUNK = 50_000;
/** How soon after a write the index catches up (writes that follow each other share one run, sorted together). */
const DELAY_MS = 1000;
/** When a run left more to do: the next chunk soon, so the index keeps up under sustained load. */
const BEHIND_DELAY_MS = 20;

/** Where an index kept behind its rows takes its positions from, and how it adds them. */
export interface IndexBehindSpec {
  /** The row of `teller` holding the mark: every position up to it is in the index. */
  readonly counter: string;
  /** The newest position written (one value, no parameters). */
  readonly lastSql: string;
  /** Adds the rows with `mark < position <= upto` (parameters: mark, upto), sorted by the index key. */
  readonly fillSql: string;
  readonly chunk?: number;
  /** How soon after a write it catches up, and how soon the next chunk follows while behind (tests shorten them). */
  readonly delayMs?: number;
  readonly behindDelayMs?: number;
}

/**
 * A secondary index that is not written with its rows but added behind them, in sorted chunks,
 * a second after writes (and back to back while behind). An index whose key scatters (a random
 * pseudonym, the receiver of a signal in a file for 342 municipalities) dirties a page per row
 * when written with the row; added a chunk at a time, in key order, it dirties each page once.
 * A reader takes the index up to {@link mark} and scans the rows after it, so it misses nothing.
 * Only for entries that never change once written: the index is never corrected afterwards.
 */
export class IndexBehind {
  readonly #mark: Database.Statement<[]>;
  readonly #last: Database.Statement<[]>;
  readonly #fill: (mark: number, upto: number) => void;
  readonly #chunk: number;
  readonly #delayMs: number;
  readonly #behindDelayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly db: Database.Database, spec: IndexBehindSpec) {
    this.#chunk = spec.chunk ?? CHUNK;
    this.#delayMs = spec.delayMs ?? DELAY_MS;
    this.#behindDelayMs = spec.behindDelayMs ?? BEHIND_DELAY_MS;
    this.#mark = db.prepare('SELECT waarde FROM teller WHERE naam = ?').pluck().bind(spec.counter) as Database.Statement<[]>;
    this.#last = db.prepare(spec.lastSql).pluck();
    const fill = db.prepare(spec.fillSql);
    const setMark = db.prepare('UPDATE teller SET waarde = ? WHERE naam = ?');
    this.#fill = db.transaction((mark: number, upto: number) => {
      fill.run(mark, upto);
      setMark.run(upto, spec.counter);
    });
  }

  /** The last position in the index; read it in the transaction of the query that uses it. */
  mark(): number {
    return this.#mark.get() as number;
  }

  /** Adds up to `max` positions after the mark, in one transaction; returns how many (0: up to date). */
  fill(max = this.#chunk): number {
    const mark = this.mark();
    const upto = Math.min(mark + max, this.#last.get() as number);
    if (upto <= mark) return 0;
    this.#fill(mark, upto);
    return upto - mark;
  }

  /** Brings the index up to date now; returns the positions covered. */
  fillAll(): number {
    let total = 0;
    for (let n = this.fill(); n > 0; n = this.fill()) total += n;
    return total;
  }

  /** Arranges a catch-up after a write (one timer at a time; a no-op once stopped). */
  schedule(delay = this.#delayMs): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed || !this.db.open) return;
      // One chunk per turn of the event loop, so requests are served in between.
      const covered = this.fill();
      if (covered === this.#chunk) this.schedule(this.#behindDelayMs);
      else if (covered > 0) this.schedule();
    }, delay).unref();
  }

  /** Stops catching up (the store is closing); what is left is added after the next open. */
  stop(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
