import type pg from 'pg';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow, DecideChange, FeedPage, FeedQuery, InsertOutcome, NewAanwijzing, ReadRecordsFor, RecordsFor, StatisticsRow } from '../aanwijzing-rows.js';
import { changedRow } from '../aanwijzing-rows.js';
import { scopeCovers } from '../opt-out-rows.js';
import type { PostgresProcessingLog } from './postgres-processing-log.js';
import { query, transaction, type Tx } from './postgres-transaction.js';

/** Column name → row field, in table order. */
const FIELDS: ReadonlyArray<readonly [string, keyof AanwijzingRow]> = [
  ['id', 'id'], ['aanleveraar_oin', 'aanleveraarOin'], ['kenmerk', 'kenmerk'], ['inhoud_hash', 'inhoudHash'], ['ontvanger_oin', 'ontvangerOin'],
  ['soort', 'soort'], ['regeling', 'regeling'], ['gemeentecode', 'gemeentecode'], ['reden_code', 'redenCode'], ['bsn', 'bsn'], ['inhoud', 'inhoud'],
  ['ondertekening', 'ondertekening'], ['geldig_tot', 'geldigTot'], ['status', 'status'], ['uitkomst', 'uitkomst'], ['toelichting', 'toelichting'],
  ['teruggekoppeld', 'teruggekoppeld'], ['intrekkingsreden', 'intrekkingsreden'], ['vervangt', 'vervangt'], ['vervangen_door', 'vervangenDoor'],
  ['aangeboden', 'aangeboden'], ['gewijzigd', 'gewijzigd'], ['volgnummer', 'volgnummer'],
];
const COLUMNS = FIELDS.map(([column, field]) => (column === field ? column : `${column} AS "${field}"`)).join(', ');
const NAMES = FIELDS.map(([column]) => column).join(', ');
const OPEN = "status IN ('AANGEBODEN', 'ONTVANGEN', 'IN_BEHANDELING')";

/** Whether an active opt-out of this person covers the regeling, read in the caller's transaction. */
export type OptedOut = (tx: Tx, bsn: string, regeling: string) => Promise<boolean>;

/**
 * Aanwijzingen in PostgreSQL. Every transaction that gives an aanwijzing a feed position locks the
 * 'aanwijzing' counter first (see {@link Tx.lock}): such writers run one at a time across all
 * instances, so positions follow commit order, and every check made after the lock (does this
 * kenmerk exist, is this person opted out) sees everything committed before.
 */
export class PostgresAanwijzingen {
  constructor(private readonly pool: pg.Pool, private readonly log: PostgresProcessingLog) {}

  /** Stores a new aanwijzing unless its (sender, kenmerk) exists; the opt-out check runs in the same transaction. */
  insert(row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined): Promise<InsertOutcome> {
    return transaction(this.pool, async (tx) => {
      await tx.lock('aanwijzing');
      return this.insertInTransaction(tx, row, records, replaces);
    });
  }

  /**
   * {@link insert} inside the caller's transaction (which holds the 'aanwijzing' lock). A
   * correction decides on the row it corrects and may refuse: it runs in a savepoint, so a refusal
   * leaves nothing behind. A plain insert refuses nothing after its first write and needs none.
   * @param optedOut the opt-out check, when the caller knows the register already (a file's batch);
   *   else it is read together with the existence check
   * @param logLater when given, the records go here (the caller appends them) instead of to the log.
   */
  async insertInTransaction(tx: Tx, row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined,
    optedOut?: OptedOut, logLater?: ProcessingRecord[]): Promise<InsertOutcome> {
    if (replaces && row.vervangt) return tx.savepoint(() => this.#insertRow(tx, row, records, replaces, optedOut, logLater));
    return this.#insertRow(tx, row, records, undefined, optedOut, logLater);
  }

  async #insertRow(tx: Tx, row: NewAanwijzing, records: RecordsFor<AanwijzingRow>, replaces: DecideChange | undefined,
    optedOut: OptedOut | undefined, logLater?: ProcessingRecord[]): Promise<InsertOutcome> {
    let existing: AanwijzingRow | undefined;
    let scopes: string[] = [];
    if (optedOut) {
      [existing] = await tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE aanleveraar_oin = $1 AND kenmerk = $2`, [row.aanleveraarOin, row.kenmerk]);
    } else {
      // Both checks in one round trip (the counter is locked while it lasts). Reading the register
      // before a correction's change instead of after is the same: nothing here writes opt-outs.
      const [found] = await tx.rows<{ existing: AanwijzingRow | null; scopes: string[] }>(`SELECT
        (SELECT row_to_json(a) FROM (SELECT ${COLUMNS} FROM aanwijzing WHERE aanleveraar_oin = $1 AND kenmerk = $2) a) AS existing,
        ARRAY(SELECT scope FROM opt_out WHERE bsn = $3 AND einde IS NULL) AS scopes`, [row.aanleveraarOin, row.kenmerk, row.bsn]);
      existing = found!.existing ?? undefined;
      scopes = found!.scopes;
    }
    if (existing) return { outcome: 'existing', row: existing };
    if (replaces && row.vervangt) {
      if (!(await this.#apply(tx, row.vervangt, replaces))) return { outcome: 'replaced-not-found', row: undefined };
    }
    const suppressed = row.bsn !== null
      && (optedOut ? await optedOut(tx, row.bsn, row.regeling) : scopes.some((scope) => scopeCovers(scope, row.regeling)));
    const created: AanwijzingRow = {
      ...row,
      ...(suppressed ? { status: 'ONDERDRUKT', ontvangerOin: '', bsn: null, inhoud: null, ondertekening: null } : {}),
      volgnummer: tx.next('aanwijzing'),
    };
    await insertRows(tx, [created]);
    if (logLater) logLater.push(...records(created));
    else await this.log.append(tx, records(created));
    return { outcome: 'created', row: created };
  }

  change(id: string, decide: DecideChange, records: RecordsFor<AanwijzingRow>): Promise<AanwijzingRow | undefined> {
    return transaction(this.pool, async (tx) => {
      await tx.lock('aanwijzing');
      const changed = await this.#apply(tx, id, decide);
      if (changed) await this.log.append(tx, records(changed));
      return changed;
    });
  }

  /** Applies a decided change with a new feed position; undefined when not found or not visible. Needs the 'aanwijzing' lock. */
  async #apply(tx: Tx, id: string, decide: DecideChange): Promise<AanwijzingRow | undefined> {
    const row = await this.find(tx, id);
    if (!row) return undefined;
    const change = decide(row);
    if (!change) return undefined;
    if (change === 'unchanged') return row;
    const changed = changedRow(row, change, tx.next('aanwijzing'));
    await tx.run(`UPDATE aanwijzing SET status = $2, uitkomst = $3, toelichting = $4, teruggekoppeld = $5, intrekkingsreden = $6,
      vervangen_door = $7, gewijzigd = $8, volgnummer = $9 WHERE id = $1`, [id, changed.status, changed.uitkomst, changed.toelichting,
      changed.teruggekoppeld, changed.intrekkingsreden, changed.vervangenDoor, changed.gewijzigd, changed.volgnummer]);
    return changed;
  }

  async find(tx: Tx, id: string): Promise<AanwijzingRow | undefined> {
    return (await tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE id = $1`, [id]))[0];
  }

  /** The rows of these (sender, kenmerk) pairs that exist, in one query. */
  async findByKenmerk(tx: Tx, keys: ReadonlyArray<{ aanleveraarOin: string; kenmerk: string }>): Promise<AanwijzingRow[]> {
    return tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE (aanleveraar_oin, kenmerk) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [keys.map((k) => k.aanleveraarOin), keys.map((k) => k.kenmerk)]);
  }

  /** Reads one aanwijzing and logs the read, atomically; `records` returning undefined means "not for you". */
  read(id: string, records: ReadRecordsFor): Promise<AanwijzingRow | undefined> {
    return transaction(this.pool, async (tx) => {
      const row = await this.find(tx, id);
      if (!row) return undefined;
      const written = records(row);
      if (written === undefined) return undefined;
      await this.log.append(tx, written);
      return row;
    });
  }

  feed(q: FeedQuery, records: RecordsFor<readonly AanwijzingRow[]>): Promise<FeedPage> {
    const values: unknown[] = [q.ontvangerOin, q.after, q.limit];
    const where = ['ontvanger_oin = $1', 'volgnummer > $2'];
    if (q.status !== undefined) where.push(`status = $${values.push(q.status)}`);
    if (q.regeling !== undefined) where.push(`regeling = $${values.push(q.regeling)}`);
    if (q.soort !== undefined) where.push(`soort = $${values.push(q.soort)}`);
    if (q.gewijzigdVanaf !== undefined) where.push(`gewijzigd >= $${values.push(q.gewijzigdVanaf)}`);
    if (q.gewijzigdTot !== undefined) where.push(`gewijzigd < $${values.push(q.gewijzigdTot)}`);
    return transaction(this.pool, async (tx): Promise<FeedPage> => {
      // The head first: every position up to it had committed when it was read (positions follow
      // commit order), so the page, bounded by it, sees all of them, and a short page may move the
      // cursor to the head without passing a row it did not see.
      const [head] = await tx.rows<{ waarde: number }>("SELECT waarde FROM teller WHERE naam = 'aanwijzing'");
      const rows = await tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE ${where.join(' AND ')} AND volgnummer <= $${values.push(head!.waarde)}
        ORDER BY volgnummer LIMIT $3`, values);
      await this.log.append(tx, records(rows));
      const last = rows.length < q.limit ? Math.max(q.after, head!.waarde) : rows.at(-1)!.volgnummer;
      return { rows, last };
    });
  }

  /** Counts of one sender's signals delivered in [from, to), by regeling, reason, status and outcome. */
  async statistics(aanleveraarOin: string, from: number, to: number): Promise<StatisticsRow[]> {
    return (await query<StatisticsRow>(this.pool, `SELECT regeling, reden_code AS "redenCode", status, uitkomst, count(*) AS aantal FROM aanwijzing
      WHERE aanleveraar_oin = $1 AND aangeboden >= $2 AND aangeboden < $3
      GROUP BY regeling, reden_code, status, uitkomst
      ORDER BY regeling COLLATE "C", reden_code COLLATE "C", status COLLATE "C", uitkomst COLLATE "C" NULLS FIRST`, [aanleveraarOin, from, to])).rows;
  }

  /**
   * Open signals whose last valid day is before `today` become VERLOPEN, each with a new feed
   * position, in batches of one transaction each, one statement per batch. Safe on many instances
   * at once: each batch holds the 'aanwijzing' lock, so a second instance's batch runs after the
   * first committed and no longer finds the signals it expired; the counts add up.
   */
  async expire(today: string, now: number, batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await transaction(this.pool, async (tx) => {
        await tx.lock('aanwijzing');
        // Numbered in the statement from the locked counter's current value; the counter moves by the count after.
        const base = tx.advance('aanwijzing', 0);
        const count = await tx.run(`WITH doel AS (
            SELECT id, row_number() OVER (ORDER BY volgnummer) AS n FROM (
              SELECT id, volgnummer FROM aanwijzing WHERE geldig_tot < $1 AND ${OPEN} ORDER BY volgnummer LIMIT $2 FOR UPDATE) t)
          UPDATE aanwijzing a SET status = 'VERLOPEN', gewijzigd = $3, volgnummer = $4 + doel.n FROM doel WHERE a.id = doel.id`,
        [today, batch, now, base]);
        tx.advance('aanwijzing', count);
        return count;
      });
      total += done;
      if (done < batch) return total;
    }
  }

  /**
   * Removes the personal data of closed signals last changed before `before`; the feed position
   * does not move (the state did not change). One statement: a second instance doing the same
   * waits on the rows, then finds them purged and does not count them.
   */
  async purge(before: number): Promise<number> {
    return (await query(this.pool, `UPDATE aanwijzing SET bsn = NULL, inhoud = NULL, ondertekening = NULL
      WHERE bsn IS NOT NULL AND gewijzigd < $1 AND status IN ('AFGEROND', 'INGETROKKEN', 'VERVANGEN', 'VERLOPEN', 'ONDERDRUKT')`, [before])).rowCount ?? 0;
  }

  /**
   * Suppresses the open aanwijzingen of one person that `covers` says yes to: status ONDERDRUKT,
   * personal data removed, a new feed position. Call inside the opt-out's transaction (which holds
   * the 'aanwijzing' lock).
   */
  async suppressOpen(tx: Tx, bsn: string, covers: (regeling: string) => boolean, now: number): Promise<AanwijzingRow[]> {
    const open = await tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE bsn = $1 AND ${OPEN} ORDER BY volgnummer`, [bsn]);
    const suppressed: AanwijzingRow[] = [];
    for (const row of open.filter((r) => covers(r.regeling))) {
      const changed = await this.#apply(tx, row.id, () => ({ status: 'ONDERDRUKT', gewijzigd: now }));
      await tx.run('UPDATE aanwijzing SET bsn = NULL, inhoud = NULL, ondertekening = NULL WHERE id = $1', [row.id]);
      if (changed) suppressed.push({ ...changed, bsn: null, inhoud: null, ondertekening: null });
    }
    return suppressed;
  }

  /** One page of a receiver's signals delivered in [from, to), in delivery order, with the page's records written first. */
  listPage(ontvangerOin: string, from: number, to: number, after: { aangeboden: number; id: string } | undefined, limit: number,
    records: RecordsFor<readonly AanwijzingRow[]>): Promise<AanwijzingRow[]> {
    return transaction(this.pool, async (tx) => {
      const rows = await tx.rows<AanwijzingRow>(`SELECT ${COLUMNS} FROM aanwijzing WHERE ontvanger_oin = $1 AND aangeboden >= $2 AND aangeboden < $3
        AND (aangeboden > $4 OR (aangeboden = $4 AND id COLLATE "C" > $5)) ORDER BY aangeboden, id COLLATE "C" LIMIT $6`,
      [ontvangerOin, from, to, after?.aangeboden ?? -1, after?.id ?? '', limit]);
      if (rows.length > 0) await this.log.append(tx, records(rows));
      return rows;
    });
  }
}

/** Exactly the stored fields of a row, as a read of it would return them. */
export function storedFields(row: AanwijzingRow): AanwijzingRow {
  return Object.fromEntries(FIELDS.map(([, field]) => [field, row[field]])) as unknown as AanwijzingRow;
}

/** Inserts complete rows in one statement (one row or a file's batch): the rows travel as one JSON array. */
export async function insertRows(tx: Tx, rows: readonly AanwijzingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((row) => Object.fromEntries(FIELDS.map(([column, field]) => [column, row[field]])));
  await tx.run(`INSERT INTO aanwijzing (${NAMES}) SELECT ${NAMES} FROM jsonb_populate_recordset(NULL::aanwijzing, $1::jsonb)`, [JSON.stringify(json)]);
}
