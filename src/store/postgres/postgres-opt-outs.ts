import type pg from 'pg';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow } from '../aanwijzing-rows.js';
import { scopeCovers, type NewOptOut, type OptOutChange, type OptOutRegistration, type OptOutRow } from '../opt-out-rows.js';
import type { PostgresAanwijzingen } from './postgres-aanwijzingen.js';
import type { PostgresProcessingLog } from './postgres-processing-log.js';
import { query, transaction, type Tx } from './postgres-transaction.js';

const COLUMNS = `id, bsn, scope, kanaal, geregistreerd_door AS "geregistreerdDoor", actor_oin AS "actorOin", ingang, einde,
  ingetrokken_door AS "ingetrokkenDoor", volgnummer`;

/**
 * The joint opt-out register in PostgreSQL. Registering locks the 'aanwijzing' counter and then
 * the 'opt_out' one: it runs one at a time with every delivery on every instance, so a delivery
 * committing concurrently is either seen (and suppressed) here or sees this opt-out in its own
 * check; there is no moment at which a new opt-out and an unsuppressed signal coexist.
 */
export class PostgresOptOuts {
  constructor(private readonly pool: pg.Pool, private readonly aanwijzingen: PostgresAanwijzingen, private readonly log: PostgresProcessingLog) {}

  register(row: NewOptOut, records: (registered: OptOutRow, suppressed: readonly AanwijzingRow[]) => readonly ProcessingRecord[]): Promise<OptOutRegistration> {
    return transaction(this.pool, async (tx): Promise<OptOutRegistration> => {
      await tx.lock('aanwijzing');
      await tx.lock('opt_out');
      const [existing] = await tx.rows<OptOutRow>(`SELECT ${COLUMNS} FROM opt_out WHERE bsn = $1 AND scope = $2 AND einde IS NULL`, [row.bsn, row.scope]);
      if (existing) return { outcome: 'existing', row: existing, suppressed: [] };
      const created: OptOutRow = { ...row, einde: null, ingetrokkenDoor: null, volgnummer: tx.next('opt_out') };
      await tx.run(`INSERT INTO opt_out (id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, volgnummer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [created.id, created.bsn, created.scope, created.kanaal, created.geregistreerdDoor, created.actorOin, created.ingang, created.volgnummer]);
      const suppressed = await this.aanwijzingen.suppressOpen(tx, row.bsn!, (regeling) => scopeCovers(row.scope, regeling), row.ingang);
      await this.log.append(tx, records(created, suppressed));
      return { outcome: 'created', row: created, suppressed };
    });
  }

  async find(tx: Tx, id: string): Promise<OptOutRow | undefined> {
    return (await tx.rows<OptOutRow>(`SELECT ${COLUMNS} FROM opt_out WHERE id = $1`, [id]))[0];
  }

  /** Reads one opt-out and logs the read; `records` returning undefined means "not for you". */
  read(id: string, records: (row: OptOutRow) => readonly ProcessingRecord[] | undefined): Promise<OptOutRow | undefined> {
    return transaction(this.pool, async (tx) => {
      const row = await this.find(tx, id);
      const written = row ? records(row) : undefined;
      if (!row || written === undefined) return undefined;
      await this.log.append(tx, written);
      return row;
    });
  }

  /** Ends an active opt-out (history kept); `decide` may refuse by throwing, or hide it by returning false. */
  withdraw(id: string, by: string, now: number, decide: (row: OptOutRow) => boolean, records: (row: OptOutRow) => readonly ProcessingRecord[]): Promise<OptOutRow | undefined> {
    return transaction(this.pool, async (tx) => {
      await tx.lock('opt_out');
      const row = await this.find(tx, id);
      if (!row || !decide(row)) return undefined;
      if (row.einde !== null) return row; // withdrawn already: idempotent
      const ended: OptOutRow = { ...row, einde: now, ingetrokkenDoor: by, volgnummer: tx.next('opt_out') };
      await tx.run('UPDATE opt_out SET einde = $2, ingetrokken_door = $3, volgnummer = $4 WHERE id = $1', [id, now, by, ended.volgnummer]);
      await this.log.append(tx, records(ended));
      return ended;
    });
  }

  /** The active scopes of many people at once (a file's batch), per BSN; call inside the writing transaction. */
  async activeScopes(tx: Tx, bsns: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await tx.rows<{ bsn: string; scope: string }>(
      'SELECT bsn, scope FROM opt_out WHERE einde IS NULL AND bsn = ANY($1::text[]) ORDER BY bsn, scope COLLATE "C"', [bsns]);
    const found = new Map<string, string[]>();
    for (const { bsn, scope } of rows) found.set(bsn, [...(found.get(bsn) ?? []), scope]);
    return found;
  }

  /** The active scopes per BSN, for up to 10,000 BSNs in one query; the look-up is logged per person in the same transaction. */
  lookup(bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<Map<string, string[]>> {
    return transaction(this.pool, async (tx) => {
      const found = await this.activeScopes(tx, bsns);
      await this.log.append(tx, records());
      return found;
    });
  }

  /**
   * Loads opt-outs in bulk in one statement, skipping rows whose (person, scope) is active already
   * (also twice in the input). Each row takes its own feed position, skipped ones too, as in SQLite.
   * No suppression pass: nothing can have been delivered for them here yet.
   */
  importMany(rows: readonly NewOptOut[]): Promise<number> {
    return transaction(this.pool, async (tx) => {
      await tx.lock('opt_out');
      const base = tx.advance('opt_out', rows.length);
      const column = <K extends keyof NewOptOut>(key: K) => rows.map((r) => r[key]);
      return tx.run(`INSERT INTO opt_out (id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, volgnummer)
        SELECT id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, $8 + n
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
          WITH ORDINALITY AS r (id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, n)
        ORDER BY n ON CONFLICT DO NOTHING`,
      [column('id'), column('bsn'), column('scope'), column('kanaal'), column('geregistreerdDoor'), column('actorOin'), column('ingang'), base]);
    });
  }

  /** Removes the BSN of opt-outs withdrawn before `before` (retention); the history without the person stays. */
  async purgeWithdrawn(before: number): Promise<number> {
    return (await query(this.pool, 'UPDATE opt_out SET bsn = NULL WHERE einde IS NOT NULL AND einde < $1 AND bsn IS NOT NULL', [before])).rowCount ?? 0;
  }

  /** Places follow indications (idempotent), one statement; returns how many were new. */
  follow(owner: string, bsns: readonly string[], now: number, records: () => readonly ProcessingRecord[]): Promise<number> {
    return transaction(this.pool, async (tx) => {
      const added = await tx.run(`INSERT INTO volgindicatie (eigenaar_oin, bsn, geplaatst)
        SELECT $1, bsn, $3 FROM unnest($2::text[]) AS b (bsn) ON CONFLICT DO NOTHING`, [owner, bsns, now]);
      await this.log.append(tx, records());
      return added;
    });
  }

  /** Removes follow indications (idempotent), one statement; returns how many existed. */
  unfollow(owner: string, bsns: readonly string[], records: () => readonly ProcessingRecord[]): Promise<number> {
    return transaction(this.pool, async (tx) => {
      const removed = await tx.run('DELETE FROM volgindicatie WHERE eigenaar_oin = $1 AND bsn = ANY($2::text[])', [owner, bsns]);
      await this.log.append(tx, records());
      return removed;
    });
  }

  /**
   * Opt-out changes after `after` for the BSNs `owner` follows, in commit order, and the feed's
   * head. The head is read from the database every time (other instances write too) and bounds the
   * page: every position up to it had committed when it was read, so a short page may move `last`
   * to the head without passing a change it did not see.
   */
  async changes(owner: string, after: number, limit: number, records: (changes: readonly OptOutChange[]) => readonly ProcessingRecord[]): Promise<{ changes: OptOutChange[]; last: number; head: number }> {
    const head = (await query<{ waarde: number }>(this.pool, "SELECT waarde FROM teller WHERE naam = 'opt_out'")).rows[0]!.waarde;
    if (after >= head) return { changes: [], last: after, head };
    const changes = (await query<OptOutChange>(this.pool, `SELECT o.volgnummer, o.bsn, o.scope, o.ingang, o.einde FROM opt_out o
      JOIN volgindicatie v ON v.bsn = o.bsn AND v.eigenaar_oin = $1
      WHERE o.volgnummer > $2 AND o.volgnummer <= $3 AND o.bsn IS NOT NULL ORDER BY o.volgnummer LIMIT $4`, [owner, after, head, limit])).rows;
    // Only a page that discloses changes writes its processing records.
    if (changes.length > 0) await transaction(this.pool, (tx) => this.log.append(tx, records(changes)));
    return { changes, last: changes.length < limit ? head : changes.at(-1)!.volgnummer, head };
  }
}
