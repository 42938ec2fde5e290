import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { AanwijzingRow, InsertOutcome } from '../aanwijzing-rows.js';
import type { IngestLine } from '../aanlevering-rows.js';
import { scopeCovers } from '../opt-out-rows.js';
import { insertRows, storedFields, type PostgresAanwijzingen } from './postgres-aanwijzingen.js';
import type { PostgresOptOuts } from './postgres-opt-outs.js';
import type { Tx } from './postgres-transaction.js';

type Insert = NonNullable<IngestLine['insert']>;

const key = (aanleveraarOin: string, kenmerk: string): string => `${aanleveraarOin}\n${kenmerk}`;

/**
 * The aanwijzingen of one batch of a file, inserted with the outcome each line would have had as
 * a single delivery, in few round trips: the existing (sender, kenmerk) rows and the active
 * opt-outs of the batch's people are read in one query each, new rows are collected and written in
 * one multi-row insert. The batch's transaction holds the 'aanwijzing' lock, so nothing else
 * changes these rows meanwhile; a line sees the lines before it through the map of known rows
 * (the same kenmerk twice in one file is 'existing' the second time).
 *
 * A correction (a line that replaces another) writes what is pending first and then runs exactly
 * the single-delivery insert, in its savepoint; afterwards the known rows are read again, since it
 * changed the row it corrects.
 */
export class LineBatch {
  #known: Map<string, AanwijzingRow> | undefined;
  #scopes: Map<string, string[]> | undefined;
  #pending: AanwijzingRow[] = [];

  constructor(private readonly tx: Tx, private readonly lines: readonly IngestLine[], private readonly aanwijzingen: PostgresAanwijzingen,
    private readonly optOuts: PostgresOptOuts) {}

  /**
   * Inserts line `index` of the batch; its processing records go to `logLater`. Throws what the
   * single insert would throw (a correction's domain refusal, after its savepoint was undone).
   */
  async insert(index: number, insert: Insert, logLater: ProcessingRecord[]): Promise<InsertOutcome> {
    const optedOut = async (_tx: Tx, bsn: string, regeling: string): Promise<boolean> =>
      ((await this.#activeScopes()).get(bsn) ?? []).some((scope) => scopeCovers(scope, regeling));
    if (insert.replaces && insert.row.vervangt) {
      await this.flush();
      try {
        return await this.aanwijzingen.insertInTransaction(this.tx, insert.row, insert.records, insert.replaces, optedOut, logLater);
      } finally {
        this.#known = undefined;
      }
    }
    const known = await this.#knownFrom(index);
    const row = insert.row;
    const existing = known.get(key(row.aanleveraarOin, row.kenmerk));
    if (existing) return { outcome: 'existing', row: existing };
    const suppressed = row.bsn !== null && await optedOut(this.tx, row.bsn, row.regeling);
    const created: AanwijzingRow = {
      ...row,
      ...(suppressed ? { status: 'ONDERDRUKT', ontvangerOin: '', bsn: null, inhoud: null, ondertekening: null } : {}),
      volgnummer: this.tx.next('aanwijzing'),
    };
    this.#pending.push(created);
    known.set(key(row.aanleveraarOin, row.kenmerk), storedFields(created));
    // As in a single delivery, the row is written before its records are made (a refusal by them leaves the row).
    logLater.push(...insert.records(created));
    return { outcome: 'created', row: created };
  }

  /** Writes the rows collected so far. */
  async flush(): Promise<void> {
    const rows = this.#pending;
    this.#pending = [];
    await insertRows(this.tx, rows);
  }

  /** The rows that exist for the kenmerken of the lines from `index` on, read once (again after a correction). */
  async #knownFrom(index: number): Promise<Map<string, AanwijzingRow>> {
    if (this.#known) return this.#known;
    const keys = this.lines.slice(index).flatMap((line) => (line.insert ? [line.insert.row] : []));
    const rows = await this.aanwijzingen.findByKenmerk(this.tx, keys);
    this.#known = new Map(rows.map((row) => [key(row.aanleveraarOin, row.kenmerk), row]));
    return this.#known;
  }

  /** Active opt-out scopes of every person in the batch (nothing in the batch changes them). */
  async #activeScopes(): Promise<Map<string, string[]>> {
    if (this.#scopes) return this.#scopes;
    const bsns = [...new Set(this.lines.flatMap((line) => (line.insert && line.insert.row.bsn !== null ? [line.insert.row.bsn] : [])))];
    this.#scopes = await this.optOuts.activeScopes(this.tx, bsns);
    return this.#scopes;
  }
}
