import type Database from 'better-sqlite3';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow } from '../aanwijzing-rows.js';
import { scopeCovers, type NewOptOut, type OptOutChange, type OptOutRegistration, type OptOutRow } from '../opt-out-rows.js';
import type { SqliteAanwijzingen } from './sqlite-aanwijzingen.js';
import type { SqliteProcessingLog } from './sqlite-processing-log.js';

const COLUMNS = `id, bsn, scope, kanaal, geregistreerd_door AS geregistreerdDoor, actor_oin AS actorOin, ingang, einde,
  ingetrokken_door AS ingetrokkenDoor, volgnummer`;

/**
 * The joint opt-out register in SQLite. Registering suppresses the person's open aanwijzingen in
 * the same transaction, so there is no moment at which a new opt-out and an unsuppressed signal
 * coexist; delivery checks the register inside its own transaction for the same reason.
 */
export class SqliteOptOuts {
  #lookupTransaction: Database.Transaction<(bsns: readonly string[], records: () => readonly ProcessingRecord[]) => Map<string, string[]>> | undefined;
  #readMany: Database.Statement<[string]> | undefined;
  readonly #next: Database.Statement<[]>;
  readonly #insert: Database.Statement;
  readonly #byId: Database.Statement<[string]>;
  readonly #active: Database.Statement<[string, string]>;
  readonly #activeForBsn: Database.Statement<[string]>;
  readonly #withdraw: Database.Statement;
  readonly #changes: Database.Statement<[{ after: number; owner: string; limit: number }]>;
  readonly #counter: Database.Statement<[]>;
  readonly #logChanges: (records: readonly ProcessingRecord[]) => void;
  /**
   * The feed's head (highest position committed) as last read, or undefined after a write of this
   * process. The embedded store has one process, so this answers the common empty poll without
   * touching the database; every write that takes a position clears it.
   */
  #head: number | undefined;

  constructor(private readonly db: Database.Database, private readonly aanwijzingen: SqliteAanwijzingen, private readonly log: SqliteProcessingLog) {
    this.#next = db.prepare("UPDATE teller SET waarde = waarde + 1 WHERE naam = 'opt_out' RETURNING waarde").pluck();
    this.#insert = db.prepare(`INSERT INTO opt_out (id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, volgnummer)
      VALUES (@id, @bsn, @scope, @kanaal, @geregistreerdDoor, @actorOin, @ingang, @volgnummer)`);
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM opt_out WHERE id = ?`);
    this.#active = db.prepare(`SELECT ${COLUMNS} FROM opt_out WHERE bsn = ? AND scope = ? AND einde IS NULL`);
    this.#activeForBsn = db.prepare('SELECT scope FROM opt_out WHERE bsn = ? AND einde IS NULL').pluck();
    this.#withdraw = db.prepare('UPDATE opt_out SET einde = @einde, ingetrokken_door = @door, volgnummer = @volgnummer WHERE id = @id');
    this.#changes = db.prepare(`SELECT o.volgnummer, o.bsn, o.scope, o.ingang, o.einde FROM opt_out o
      JOIN volgindicatie v ON v.bsn = o.bsn AND v.eigenaar_oin = @owner
      WHERE o.volgnummer > @after AND o.bsn IS NOT NULL ORDER BY o.volgnummer LIMIT @limit`);
    this.#counter = db.prepare("SELECT waarde FROM teller WHERE naam = 'opt_out'").pluck();
    this.#logChanges = db.transaction((written: readonly ProcessingRecord[]) => this.log.append(written));
  }

  /** The next feed position; call inside a write transaction (the cached head is dropped: it may move). */
  #take(): number {
    this.#head = undefined;
    return this.#next.get() as number;
  }

  register(row: NewOptOut, records: (registered: OptOutRow, suppressed: readonly AanwijzingRow[]) => readonly ProcessingRecord[]): OptOutRegistration {
    return this.db.transaction((): OptOutRegistration => {
      const existing = this.#active.get(row.bsn!, row.scope) as OptOutRow | undefined;
      if (existing) return { outcome: 'existing', row: existing, suppressed: [] };
      const created: OptOutRow = { ...row, einde: null, ingetrokkenDoor: null, volgnummer: this.#take() };
      this.#insert.run(created);
      const suppressed = this.aanwijzingen.suppressOpen(row.bsn!, (regeling) => scopeCovers(row.scope, regeling), row.ingang);
      this.log.append(records(created, suppressed));
      return { outcome: 'created', row: created, suppressed };
    }).immediate();
  }

  find(id: string): OptOutRow | undefined {
    return this.#byId.get(id) as OptOutRow | undefined;
  }

  /** Reads one opt-out and logs the read; `records` returning undefined means "not for you". */
  read(id: string, records: (row: OptOutRow) => readonly ProcessingRecord[] | undefined): OptOutRow | undefined {
    return this.db.transaction(() => {
      const row = this.find(id);
      const written = row ? records(row) : undefined;
      if (!row || written === undefined) return undefined;
      this.log.append(written);
      return row;
    }).immediate();
  }

  /** Ends an active opt-out (history kept); `decide` may refuse by throwing, or hide it by returning false. */
  withdraw(id: string, by: string, now: number, decide: (row: OptOutRow) => boolean, records: (row: OptOutRow) => readonly ProcessingRecord[]): OptOutRow | undefined {
    return this.db.transaction(() => {
      const row = this.find(id);
      if (!row || !decide(row)) return undefined;
      if (row.einde !== null) return row; // withdrawn already: idempotent
      const ended: OptOutRow = { ...row, einde: now, ingetrokkenDoor: by, volgnummer: this.#take() };
      this.#withdraw.run({ id, einde: now, door: by, volgnummer: ended.volgnummer });
      this.log.append(records(ended));
      return ended;
    }).immediate();
  }

  /** Whether an active opt-out of this person covers the regeling; call inside a write transaction. */
  covers(bsn: string, regeling: string): boolean {
    return (this.#activeForBsn.all(bsn) as string[]).some((scope) => scopeCovers(scope, regeling));
  }

  /**
   * The active scopes per BSN, for up to 10,000 BSNs, read and logged per person in one write
   * transaction (the large look-up: its records are most of its cost, and its answer is sent as
   * soon as they are committed).
   */
  lookup(bsns: readonly string[], records: () => readonly ProcessingRecord[]): Map<string, string[]> {
    // Statement and transaction function made once: preparing the statement on every call was ~5 %
    // of the CPU of a one-BSN look-up, and wrapping a new transaction function ~1 %.
    this.#lookupTransaction ??= this.db.transaction((list: readonly string[], recordsOf: () => readonly ProcessingRecord[]) => {
      const found = this.activeScopes(list);
      this.log.append(recordsOf());
      return found;
    });
    return this.#lookupTransaction.immediate(bsns, records);
  }

  /** The active scopes per BSN, read only (one statement, so a consistent read); the caller logs the look-up. */
  activeScopes(bsns: readonly string[]): Map<string, string[]> {
    const found = new Map<string, string[]>();
    if (bsns.length === 1) {
      // The common case of one person: an index look-up, not json_each (~12 % of a one-BSN request).
      const scopes = this.#activeForBsn.all(bsns[0]!) as string[];
      if (scopes.length > 0) found.set(bsns[0]!, scopes);
      return found;
    }
    this.#readMany ??= this.db.prepare('SELECT bsn, scope FROM opt_out WHERE einde IS NULL AND bsn IN (SELECT value FROM json_each(?))');
    for (const { bsn, scope } of this.#readMany.all(JSON.stringify(bsns)) as Array<{ bsn: string; scope: string }>) {
      found.set(bsn, [...(found.get(bsn) ?? []), scope]);
    }
    return found;
  }

  /**
   * Loads opt-outs in bulk (migrating an existing municipal register, or seeding a benchmark): one
   * transaction per batch, no suppression pass — nothing can have been delivered for them here yet.
   * Rows whose (person, scope) is active already are skipped. Returns how many were added.
   */
  importMany(rows: readonly NewOptOut[]): number {
    const insert = this.db.prepare(`INSERT INTO opt_out (id, bsn, scope, kanaal, geregistreerd_door, actor_oin, ingang, volgnummer)
      VALUES (@id, @bsn, @scope, @kanaal, @geregistreerdDoor, @actorOin, @ingang, @volgnummer) ON CONFLICT DO NOTHING`);
    return this.db.transaction(() => {
      let added = 0;
      for (const row of rows) {
        const volgnummer = this.#take();
        added += insert.run({ ...row, volgnummer }).changes;
      }
      return added;
    }).immediate();
  }

  /** Removes the BSN of opt-outs withdrawn before `before` (retention); the history without the person stays. */
  purgeWithdrawn(before: number): number {
    return this.db.prepare('UPDATE opt_out SET bsn = NULL WHERE einde IS NOT NULL AND einde < ? AND bsn IS NOT NULL').run(before).changes;
  }

  /** Places follow indications (idempotent); returns how many were new. */
  follow(owner: string, bsns: readonly string[], now: number, records: () => readonly ProcessingRecord[]): number {
    const insert = this.db.prepare('INSERT INTO volgindicatie (eigenaar_oin, bsn, geplaatst) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    return this.db.transaction(() => {
      let added = 0;
      for (const bsn of bsns) added += insert.run(owner, bsn, now).changes;
      this.log.append(records());
      return added;
    }).immediate();
  }

  /** Removes follow indications (idempotent); returns how many existed. */
  unfollow(owner: string, bsns: readonly string[], records: () => readonly ProcessingRecord[]): number {
    const remove = this.db.prepare('DELETE FROM volgindicatie WHERE eigenaar_oin = ? AND bsn = ?');
    return this.db.transaction(() => {
      let removed = 0;
      for (const bsn of bsns) removed += remove.run(owner, bsn).changes;
      this.log.append(records());
      return removed;
    }).immediate();
  }

  /**
   * Opt-out changes after `after` for the BSNs `owner` follows, in commit order, and the feed's head.
   * A short page means everything up to the head was examined: `last` moves there. A poll at the
   * head (nothing new, the common case) is answered from memory.
   */
  changes(owner: string, after: number, limit: number, records: (changes: readonly OptOutChange[]) => readonly ProcessingRecord[]): { changes: OptOutChange[]; last: number; head: number } {
    // Reads without a transaction: better-sqlite3 runs statements synchronously and the embedded
    // store has one writing process, so no write can land between the reads. Only a page that
    // discloses changes writes its processing records.
    const head = this.#head ??= this.#counter.get() as number;
    if (after >= head) return { changes: [], last: after, head };
    const changes = this.#changes.all({ after, owner, limit }) as OptOutChange[];
    if (changes.length > 0) this.#logChanges(records(changes));
    return { changes, last: changes.length < limit ? head : changes.at(-1)!.volgnummer, head };
  }

}
