import type Database from 'better-sqlite3';
import type { AanwijzingRow, DecideChange, FeedPage, FeedQuery, InsertOutcome, NewAanwijzing, ReadRecordsFor, RecordsFor, StatisticsRow } from '../aanwijzing-rows.js';
import { changedRow } from '../aanwijzing-rows.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { SqliteProcessingLog } from './sqlite-processing-log.js';
import { IndexBehind } from './index-behind.js';

/** Feed positions per bucket of the feed index (migration 6): `volgnummer >> FEED_BUCKET_BITS`. */
const FEED_BUCKET_BITS = 12;
/**
 * The feed-index bucket of a position, as SQLite computes it (`volgnummer >> 12`, 64-bit). Not
 * JavaScript's `>>`: that cuts to 32 bits, and a cursor may be any safe integer (past 2^31 it
 * would turn negative, and a feed would then walk half a million empty buckets).
 */
export function feedBucket(position: number): number {
  return Math.floor(position / 2 ** FEED_BUCKET_BITS);
}

const COLUMNS = `id, aanleveraar_oin AS aanleveraarOin, kenmerk, inhoud_hash AS inhoudHash, ontvanger_oin AS ontvangerOin,
  soort, regeling, gemeentecode, reden_code AS redenCode, bsn, inhoud, ondertekening, geldig_tot AS geldigTot, status, uitkomst, toelichting,
  teruggekoppeld, intrekkingsreden, vervangt, vervangen_door AS vervangenDoor, aangeboden, gewijzigd, volgnummer`;

/** {@link COLUMNS} of the signal aliased `a` in a join. */
const COLUMNS_OF_A = COLUMNS.split(',').map((column) => `a.${column.trim()}`).join(', ');

/**
 * Aanwijzingen in SQLite. Every change takes the next number from `teller` inside its
 * transaction, so feed positions follow commit order and a reader paging by volgnummer neither
 * skips nor repeats, whatever is written meanwhile. Processing records are written in the same
 * transaction as the change they describe: if they cannot be written, nothing is.
 */
export class SqliteAanwijzingen {
  readonly #next: Database.Statement<[]>;
  readonly #current: Database.Statement<[]>;
  readonly #insert: Database.Statement;
  readonly #byId: Database.Statement<[string]>;
  readonly #byKenmerk: Database.Statement<[string, string]>;
  readonly #update: Database.Statement;
  readonly #feedStatements = new Map<string, Database.Statement>();
  readonly #erase: Database.Statement<[string]>;
  #list: { indexed: Database.Statement; tail: Database.Statement } | undefined;
  /** The periodic list's index (receiver, delivery time, id), kept behind the signals (migration 6). */
  readonly listIndex: IndexBehind;
  readonly #setCounter: Database.Statement<[number]>;
  /** The last position handed out inside {@link withPositionsInMemory}; undefined outside it. */
  #batchPosition: number | undefined;

  constructor(private readonly db: Database.Database, private readonly log: SqliteProcessingLog) {
    this.#next = db.prepare("UPDATE teller SET waarde = waarde + 1 WHERE naam = 'aanwijzing' RETURNING waarde").pluck();
    this.#current = db.prepare("SELECT waarde FROM teller WHERE naam = 'aanwijzing'").pluck();
    this.#setCounter = db.prepare("UPDATE teller SET waarde = ? WHERE naam = 'aanwijzing'");
    // Positional parameters: binding 23 named ones from an object cost ~2 µs a row (a monthly file inserts a million).
    this.#insert = db.prepare(`INSERT INTO aanwijzing (id, aanleveraar_oin, kenmerk, inhoud_hash, ontvanger_oin, soort, regeling,
      gemeentecode, reden_code, bsn, inhoud, ondertekening, geldig_tot, status, uitkomst, toelichting, teruggekoppeld, intrekkingsreden, vervangt, vervangen_door,
      aangeboden, gewijzigd, volgnummer)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#update = db.prepare(`UPDATE aanwijzing SET status = @status, uitkomst = @uitkomst, toelichting = @toelichting,
      teruggekoppeld = @teruggekoppeld, intrekkingsreden = @intrekkingsreden, vervangen_door = @vervangenDoor, gewijzigd = @gewijzigd, volgnummer = @volgnummer
      WHERE id = @id`);
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM aanwijzing WHERE id = ?`);
    this.#erase = db.prepare('UPDATE aanwijzing SET bsn = NULL, inhoud = NULL, ondertekening = NULL WHERE id = ?');
    this.#byKenmerk = db.prepare(`SELECT ${COLUMNS} FROM aanwijzing WHERE aanleveraar_oin = ? AND kenmerk = ?`);
    // Suppressed signals (no receiver) are in no list. Rows are never deleted, so rowid is the order of writing.
    this.listIndex = new IndexBehind(db, {
      counter: 'aanwijzing_lijst',
      lastSql: 'SELECT coalesce(max(rowid), 0) FROM aanwijzing',
      fillSql: `INSERT INTO aanwijzing_lijst (ontvanger_oin, aangeboden, id)
        SELECT ontvanger_oin, aangeboden, id FROM aanwijzing WHERE rowid > ? AND rowid <= ? AND ontvanger_oin <> '' ORDER BY 1, 2, 3`,
    });
    this.listIndex.schedule();
  }

  /**
   * @param optedOut checked inside the transaction: when the person has an opt-out covering the
   *   regeling, the signal is stored suppressed — not routed (no receiver), without personal data.
   */
  insert(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined, optedOut: (bsn: string, regeling: string) => boolean): InsertOutcome {
    return this.db.transaction(() => this.insertInTransaction(row, records, replaces, optedOut)).immediate();
  }

  /**
   * {@link insert} for a caller that already holds the write transaction (a batch of file lines).
   * A plain insert refuses nothing after its first write, so it needs no savepoint of its own: a
   * savepoint per line halves the rate of a monthly file. A correction (`replaces`) decides on the
   * row it corrects and may refuse; it gets a savepoint, so a refusal leaves nothing behind.
   */
  insertInTransaction(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined,
    optedOut: (bsn: string, regeling: string) => boolean, logLater?: ProcessingRecord[]): InsertOutcome {
    if (!this.db.inTransaction) throw new Error('insertInTransaction needs an open transaction');
    if (replaces && row.vervangt) return this.db.transaction(() => this.#insertRow(row, records, replaces, optedOut, logLater))();
    return this.#insertRow(row, records, undefined, optedOut, logLater);
  }

  /** @param logLater when given, the records go here (the caller appends them in this transaction) instead of to the log. */
  #insertRow(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined,
    optedOut: (bsn: string, regeling: string) => boolean, logLater?: ProcessingRecord[]): InsertOutcome {
    const existing = this.#byKenmerk.get(row.aanleveraarOin, row.kenmerk) as AanwijzingRow | undefined;
    if (existing) return { outcome: 'existing', row: existing };
    if (replaces && row.vervangt) {
      if (!this.#apply(row.vervangt, replaces)) return { outcome: 'replaced-not-found', row: undefined };
    }
    const suppressed = row.bsn !== null && optedOut(row.bsn, row.regeling);
    const created: AanwijzingRow = {
      ...row,
      ...(suppressed ? { status: 'ONDERDRUKT', ontvangerOin: '', bsn: null, inhoud: null, ondertekening: null } : {}),
      volgnummer: this.#take(),
    };
    const r = created;
    this.#insert.run(r.id, r.aanleveraarOin, r.kenmerk, r.inhoudHash, r.ontvangerOin, r.soort, r.regeling, r.gemeentecode, r.redenCode, r.bsn, r.inhoud,
      r.ondertekening, r.geldigTot, r.status, r.uitkomst, r.toelichting, r.teruggekoppeld, r.intrekkingsreden, r.vervangt, r.vervangenDoor, r.aangeboden,
      r.gewijzigd, r.volgnummer);
    if (logLater) logLater.push(...records(created));
    else this.log.append(records(created));
    this.listIndex.schedule();
    return { outcome: 'created', row: created };
  }

  /**
   * Runs `fn` (inside the caller's write transaction) with feed positions counted in memory and
   * stored once at the end, instead of an UPDATE of the counter per row (~4 % of a file line). The
   * transaction holds the write lock, so nobody else takes a position meanwhile; a position taken
   * by a correction that is then refused (its savepoint rolled back) stays unused, a gap a reader
   * paging by position does not notice.
   */
  withPositionsInMemory<T>(fn: () => T): T {
    if (!this.db.inTransaction) throw new Error('withPositionsInMemory needs an open transaction');
    const start = this.#current.get() as number;
    this.#batchPosition = start;
    try {
      const result = fn();
      if (this.#batchPosition !== start) this.#setCounter.run(this.#batchPosition);
      return result;
    } finally {
      this.#batchPosition = undefined;
    }
  }

  /** The next feed position; call inside a write transaction. */
  #take(): number {
    if (this.#batchPosition !== undefined) return (this.#batchPosition += 1);
    return this.#next.get() as number;
  }

  change(id: string, decide: DecideChange, records: RecordsFor<AanwijzingRow>): AanwijzingRow | undefined {
    return this.db.transaction(() => {
      const changed = this.#apply(id, decide);
      if (changed) this.log.append(records(changed));
      return changed;
    }).immediate();
  }

  /** Applies a decided change with a new feed position; undefined when not found or not visible. */
  #apply(id: string, decide: DecideChange): AanwijzingRow | undefined {
    const row = this.find(id);
    if (!row) return undefined;
    const change = decide(row);
    if (!change) return undefined;
    if (change === 'unchanged') return row;
    const changed = changedRow(row, change, this.#take());
    this.#update.run(changed);
    return changed;
  }

  find(id: string): AanwijzingRow | undefined {
    return this.#byId.get(id) as AanwijzingRow | undefined;
  }

  /** Reads one aanwijzing and logs the read, atomically; `records` returning undefined means "not for you". */
  read(id: string, records: ReadRecordsFor): AanwijzingRow | undefined {
    return this.db.transaction(() => {
      const row = this.find(id);
      if (!row) return undefined;
      const written = records(row);
      if (written === undefined) return undefined;
      this.log.append(written);
      return row;
    }).immediate();
  }

  /**
   * A page of the receiver's feed: the feed index bucket by bucket (4,096 positions each) from
   * the cursor's bucket up to the counter's, until the page is full. A receiver at the head reads
   * one bucket; one that starts from the beginning one per 4,096 positions written since.
   */
  feed(query: FeedQuery, records: RecordsFor<readonly AanwijzingRow[]>): FeedPage {
    const where = [`volgnummer >> ${FEED_BUCKET_BITS} = @emmer`, 'ontvanger_oin = @ontvangerOin', 'volgnummer > @after'];
    if (query.status !== undefined) where.push('status = @status');
    if (query.regeling !== undefined) where.push('regeling = @regeling');
    if (query.soort !== undefined) where.push('soort = @soort');
    if (query.gewijzigdVanaf !== undefined) where.push('gewijzigd >= @gewijzigdVanaf');
    if (query.gewijzigdTot !== undefined) where.push('gewijzigd < @gewijzigdTot');
    // The statement text depends only on which filters are present: at most 32 variants, each prepared once.
    const sql = `SELECT ${COLUMNS} FROM aanwijzing WHERE ${where.join(' AND ')} ORDER BY volgnummer LIMIT @limit`;
    let select = this.#feedStatements.get(sql);
    if (!select) {
      select = this.db.prepare(sql);
      this.#feedStatements.set(sql, select);
    }
    return this.db.transaction((): FeedPage => {
      const head = this.#current.get() as number;
      const rows: AanwijzingRow[] = [];
      for (let emmer = feedBucket(query.after); emmer <= feedBucket(head) && rows.length < query.limit; emmer++) {
        rows.push(...select.all({ ...query, emmer, limit: query.limit - rows.length }) as AanwijzingRow[]);
      }
      this.log.append(records(rows));
      // A short page means everything up to the counter was examined: continue from there.
      const last = rows.length < query.limit ? Math.max(query.after, head) : rows.at(-1)!.volgnummer;
      return { rows, last };
    }).immediate();
  }

  /** Counts of one sender's signals delivered in [from, to), by regeling, reason, status and outcome. */
  statistics(aanleveraarOin: string, from: number, to: number): StatisticsRow[] {
    return this.db.prepare(`SELECT regeling, reden_code AS redenCode, status, uitkomst, count(*) AS aantal FROM aanwijzing
      WHERE aanleveraar_oin = ? AND aangeboden >= ? AND aangeboden < ?
      GROUP BY regeling, reden_code, status, uitkomst ORDER BY regeling, reden_code, status, uitkomst`).all(aanleveraarOin, from, to) as StatisticsRow[];
  }

  /**
   * Open signals whose last valid day is before `today` become VERLOPEN, each with a new feed
   * position so receivers see the change. Batched to keep each write transaction short.
   */
  expire(today: string, now: number, batch = 500): number {
    const select = this.db.prepare(`SELECT id FROM aanwijzing WHERE geldig_tot < ? AND status IN ('AANGEBODEN', 'ONTVANGEN', 'IN_BEHANDELING') LIMIT ?`).pluck();
    let total = 0;
    for (;;) {
      const done = this.db.transaction(() => {
        const ids = select.all(today, batch) as string[];
        for (const id of ids) this.#apply(id, () => ({ status: 'VERLOPEN', gewijzigd: now }));
        return ids.length;
      }).immediate();
      total += done;
      if (done < batch) return total;
    }
  }

  /**
   * Removes the personal data (BSN, content, signed bytes) of closed signals last changed before
   * `before`; what accountability needs stays (who sent what kind of signal to whom, when, and the
   * outcome). The feed position does not move: the state did not change.
   */
  purge(before: number): number {
    return this.db.prepare(`UPDATE aanwijzing SET bsn = NULL, inhoud = NULL, ondertekening = NULL
      WHERE bsn IS NOT NULL AND gewijzigd < ? AND status IN ('AFGEROND', 'INGETROKKEN', 'VERVANGEN', 'VERLOPEN', 'ONDERDRUKT')`).run(before).changes;
  }

  /**
   * Suppresses the open aanwijzingen of one person whose regeling `covers` says yes: status
   * ONDERDRUKT, personal data removed, and a new feed position so the receiver sees that it was
   * suppressed (without content). Call inside the opt-out's transaction.
   */
  suppressOpen(bsn: string, covers: (regeling: string) => boolean, now: number): AanwijzingRow[] {
    const open = this.db.prepare(`SELECT ${COLUMNS} FROM aanwijzing WHERE bsn = ? AND status IN ('AANGEBODEN', 'ONTVANGEN', 'IN_BEHANDELING')`)
      .all(bsn) as AanwijzingRow[];
    const suppressed: AanwijzingRow[] = [];
    for (const row of open.filter((r) => covers(r.regeling))) {
      const changed = this.#apply(row.id, () => ({ status: 'ONDERDRUKT', gewijzigd: now }));
      this.#erase.run(row.id);
      if (changed) suppressed.push({ ...changed, bsn: null, inhoud: null, ondertekening: null });
    }
    return suppressed;
  }

  /**
   * One page of a receiver's signals delivered in [from, to), in delivery order (keyset on
   * delivery time and id), with the page's processing records written first. The list's index
   * covers the signals up to its mark; those written after it are scanned and merged in.
   */
  listPage(ontvangerOin: string, from: number, to: number, after: { aangeboden: number; id: string } | undefined, limit: number,
    records: RecordsFor<readonly AanwijzingRow[]>): AanwijzingRow[] {
    this.#list ??= this.#listStatements();
    const list = this.#list;
    return this.db.transaction(() => {
      const params = { ontvangerOin, from, to, afterTime: after?.aangeboden ?? -1, afterId: after?.id ?? '', limit, mark: this.listIndex.mark() };
      const indexed = list.indexed.all(params) as AanwijzingRow[];
      const tail = list.tail.all(params) as AanwijzingRow[]; // at most `limit` too: a page holds no more than two
      const rows = tail.length === 0 ? indexed
        : [...indexed, ...tail].sort((a, b) => a.aangeboden - b.aangeboden || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit);
      if (rows.length > 0) this.log.append(records(rows));
      return rows;
    }).immediate();
  }

  /** The two reads of a list page: the index up to its mark, and the signals after the mark. */
  #listStatements(): { indexed: Database.Statement; tail: Database.Statement } {
    // `aangeboden >= @afterTime` is implied by the keyset, and stated so the index range starts at the cursor.
    const range = (t: string) => `${t}aangeboden >= @from AND ${t}aangeboden < @to AND ${t}aangeboden >= @afterTime
      AND (${t}aangeboden > @afterTime OR (${t}aangeboden = @afterTime AND ${t}id > @afterId))`;
    return {
      indexed: this.db.prepare(`SELECT ${COLUMNS_OF_A} FROM aanwijzing_lijst l CROSS JOIN aanwijzing a ON a.id = l.id
        WHERE l.ontvanger_oin = @ontvangerOin AND ${range('l.')} ORDER BY l.aangeboden, l.id LIMIT @limit`),
      // The tail is short while the index keeps up, but after a stop it can be long: bounded here as well.
      tail: this.db.prepare(`SELECT ${COLUMNS} FROM aanwijzing WHERE rowid > @mark AND ontvanger_oin = @ontvangerOin AND ${range('')}
        ORDER BY aangeboden, id LIMIT @limit`),
    };
  }
}
