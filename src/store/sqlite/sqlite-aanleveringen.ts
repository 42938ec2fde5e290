import type Database from 'better-sqlite3';
import { lineOutcome, refusedInsert, type AanleveringRow, type ClassifyInsert, type IngestCheckpoint, type IngestLine, type InsertAttempt, type LineErrorRow,
  type LineOutcome, type NewAanlevering } from '../aanlevering-rows.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { SqliteAanwijzingen } from './sqlite-aanwijzingen.js';
import type { SqliteOptOuts } from './sqlite-opt-outs.js';
import type { SqliteProcessingLog } from './sqlite-processing-log.js';

const COLUMNS = `id, aanleveraar_oin AS aanleveraarOin, actor_oin AS actorOin, digest, formaat, bestandsnaam, bytes, ondertekening, trace,
  status, ontvangen, afgerond, positie, regel, geaccepteerd, afgewezen, onderdrukt, al_bekend AS alBekend`;

/**
 * Files of aanwijzingen in SQLite. A batch of lines is one transaction: each line is inserted by
 * exactly the insert of a single delivery (a correction in a savepoint, so one that is refused
 * leaves the others), and the aanlevering's counters and checkpoint move in the same transaction.
 * The batch's processing records are written together at its end, in the same transaction: one
 * operation row per processing activity and multi-row inserts of the subjects, instead of two
 * single-row inserts per line. A crash loses at most
 * the batch in progress, and processing resumes at the checkpoint: each line gets one outcome.
 */
export class SqliteAanleveringen {
  readonly #insert: Database.Statement;
  readonly #byId: Database.Statement<[string]>;
  readonly #bySenderDigest: Database.Statement<[string, string]>;
  readonly #unfinished: Database.Statement<[]>;
  readonly #progress: Database.Statement;
  readonly #finish: Database.Statement;
  readonly #insertError: Database.Statement;
  readonly #errors: Database.Statement<[string, number, number]>;

  constructor(private readonly db: Database.Database, private readonly aanwijzingen: SqliteAanwijzingen, private readonly optOuts: SqliteOptOuts,
    private readonly log: SqliteProcessingLog) {
    this.#insert = db.prepare(`INSERT INTO aanlevering (id, aanleveraar_oin, actor_oin, digest, formaat, bestandsnaam, bytes, ondertekening, trace, status, ontvangen)
      VALUES (@id, @aanleveraarOin, @actorOin, @digest, @formaat, @bestandsnaam, @bytes, @ondertekening, @trace, 'IN_VERWERKING', @ontvangen)`);
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM aanlevering WHERE id = ?`);
    this.#bySenderDigest = db.prepare(`SELECT ${COLUMNS} FROM aanlevering WHERE aanleveraar_oin = ? AND digest = ?`);
    this.#unfinished = db.prepare(`SELECT ${COLUMNS} FROM aanlevering WHERE status = 'IN_VERWERKING' ORDER BY ontvangen`);
    this.#progress = db.prepare(`UPDATE aanlevering SET positie = @positie, regel = @regel, geaccepteerd = geaccepteerd + @geaccepteerd,
      afgewezen = afgewezen + @afgewezen, onderdrukt = onderdrukt + @onderdrukt, al_bekend = al_bekend + @alBekend,
      status = CASE WHEN @finished THEN 'VERWERKT' ELSE status END, afgerond = CASE WHEN @finished THEN @now ELSE afgerond END
      WHERE id = @id AND positie < @positie`);
    this.#finish = db.prepare(`UPDATE aanlevering SET status = 'VERWERKT', afgerond = @now, positie = max(positie, @positie), regel = max(regel, @regel)
      WHERE id = @id AND status = 'IN_VERWERKING'`);
    this.#insertError = db.prepare('INSERT INTO aanlevering_fout (aanlevering, regel, code, detail, invalid_params) VALUES (?, ?, ?, ?, ?)');
    this.#errors = db.prepare('SELECT regel, code, detail, invalid_params AS invalidParams FROM aanlevering_fout WHERE aanlevering = ? AND regel > ? ORDER BY regel LIMIT ?');
  }

  /** Creates the aanlevering, or returns the sender's earlier one with the same digest. */
  create(row: NewAanlevering): { created: boolean; row: AanleveringRow } {
    return this.db.transaction(() => {
      const existing = this.#bySenderDigest.get(row.aanleveraarOin, row.digest) as AanleveringRow | undefined;
      if (existing) return { created: false, row: existing };
      this.#insert.run(row);
      return { created: true, row: this.find(row.id)! };
    }).immediate();
  }

  find(id: string): AanleveringRow | undefined {
    return this.#byId.get(id) as AanleveringRow | undefined;
  }

  unfinished(): AanleveringRow[] {
    return this.#unfinished.all() as AanleveringRow[];
  }

  /**
   * Stores the outcome of a batch of lines and moves the checkpoint, in one transaction. A batch
   * whose checkpoint is not beyond the stored one was done before (a retry after a crash between
   * commit and acknowledgement): nothing is written twice.
   */
  ingest(id: string, lines: readonly IngestLine[], classify: ClassifyInsert, checkpoint: IngestCheckpoint): LineOutcome[] | undefined {
    return this.db.transaction(() => {
      const current = this.find(id);
      if (!current || current.positie >= checkpoint.positie) return undefined;
      const counts = { geaccepteerd: 0, afgewezen: 0, onderdrukt: 0, alBekend: 0 };
      const records: ProcessingRecord[] = [];
      const outcomes = this.aanwijzingen.withPositionsInMemory(() => lines.map((line) => {
        let attempt: InsertAttempt | undefined;
        if (line.insert) {
          try {
            attempt = this.aanwijzingen.insertInTransaction(line.insert.row, line.insert.records, line.insert.replaces,
              (bsn, regeling) => this.optOuts.covers(bsn, regeling), records);
          } catch (error) {
            attempt = refusedInsert(error);
          }
        }
        const outcome = lineOutcome(line, classify, attempt);
        counts[outcome.kind] += 1;
        if (outcome.kind === 'afgewezen') {
          this.#insertError.run(id, line.regel, outcome.error.code, outcome.error.detail,
            outcome.error.invalidParams ? JSON.stringify(outcome.error.invalidParams) : null);
        }
        return outcome;
      }));
      // The lines of a file are one processing operation that ends when this batch commits.
      const end = new Date(checkpoint.now);
      this.log.append(records.map((r) => ({ ...r, endTime: end })).sort((a, b) => (a.processingActivityId < b.processingActivityId ? -1 : a.processingActivityId > b.processingActivityId ? 1 : 0)));
      this.#progress.run({ id, ...counts, positie: checkpoint.positie, regel: checkpoint.regel, finished: checkpoint.finished ? 1 : 0, now: checkpoint.now });
      return outcomes;
    }).immediate();
  }

  /** Marks an aanlevering done without lines (the rest of the file held none). */
  finish(id: string, checkpoint: IngestCheckpoint): void {
    this.#finish.run({ id, positie: checkpoint.positie, regel: checkpoint.regel, now: checkpoint.now });
  }

  errors(id: string, after: number, limit: number): LineErrorRow[] {
    return (this.#errors.all(id, after, limit) as Array<{ regel: number; code: string; detail: string; invalidParams: string | null }>).map((r) => ({
      regel: r.regel, code: r.code, detail: r.detail, ...(r.invalidParams ? { invalidParams: JSON.parse(r.invalidParams) } : {}),
    }));
  }
}
