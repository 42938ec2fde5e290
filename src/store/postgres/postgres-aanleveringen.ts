import type pg from 'pg';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import { lineOutcome, refusedInsert, type AanleveringRow, type ClassifyInsert, type IngestCheckpoint, type IngestLine, type InsertAttempt, type LineErrorRow,
  type LineOutcome, type NewAanlevering } from '../aanlevering-rows.js';
import type { PostgresAanwijzingen } from './postgres-aanwijzingen.js';
import { LineBatch } from './postgres-line-batch.js';
import type { PostgresOptOuts } from './postgres-opt-outs.js';
import type { PostgresProcessingLog } from './postgres-processing-log.js';
import { query, transaction } from './postgres-transaction.js';

const COLUMNS = `id, aanleveraar_oin AS "aanleveraarOin", actor_oin AS "actorOin", digest, formaat, bestandsnaam, bytes, ondertekening, trace,
  status, ontvangen, afgerond, positie, regel, geaccepteerd, afgewezen, onderdrukt, al_bekend AS "alBekend"`;

/**
 * Files of aanwijzingen in PostgreSQL. A batch of lines is one transaction that locks the
 * 'aanwijzing' counter and then the aanlevering's row: two instances (or a retry) never process
 * the same batch twice, because the second finds the checkpoint moved and writes nothing. Each line
 * gets the outcome a single delivery would have had; counters, rejected lines, processing records
 * and the checkpoint move in the same transaction.
 */
export class PostgresAanleveringen {
  constructor(private readonly pool: pg.Pool, private readonly aanwijzingen: PostgresAanwijzingen, private readonly optOuts: PostgresOptOuts,
    private readonly log: PostgresProcessingLog) {}

  /** Creates the aanlevering, or returns the sender's earlier one with the same digest (also when another instance just created it). */
  create(row: NewAanlevering): Promise<{ created: boolean; row: AanleveringRow }> {
    return transaction(this.pool, async (tx) => {
      const created = await tx.run(`INSERT INTO aanlevering (id, aanleveraar_oin, actor_oin, digest, formaat, bestandsnaam, bytes, ondertekening, trace, status, ontvangen)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'IN_VERWERKING', $10) ON CONFLICT (aanleveraar_oin, digest) DO NOTHING`,
      [row.id, row.aanleveraarOin, row.actorOin, row.digest, row.formaat, row.bestandsnaam, row.bytes, row.ondertekening, row.trace, row.ontvangen]);
      const [stored] = await tx.rows<AanleveringRow>(`SELECT ${COLUMNS} FROM aanlevering WHERE aanleveraar_oin = $1 AND digest = $2`, [row.aanleveraarOin, row.digest]);
      return { created: created === 1, row: stored! };
    });
  }

  async find(id: string): Promise<AanleveringRow | undefined> {
    return (await query<AanleveringRow>(this.pool, `SELECT ${COLUMNS} FROM aanlevering WHERE id = $1`, [id])).rows[0];
  }

  async unfinished(): Promise<AanleveringRow[]> {
    return (await query<AanleveringRow>(this.pool, `SELECT ${COLUMNS} FROM aanlevering WHERE status = 'IN_VERWERKING' ORDER BY ontvangen`)).rows;
  }

  /**
   * Stores the outcome of a batch of lines and moves the checkpoint, in one transaction. A batch
   * whose checkpoint is not beyond the stored one was done before (by a retry, or by another
   * instance): nothing is written twice.
   */
  ingest(id: string, lines: readonly IngestLine[], classify: ClassifyInsert, checkpoint: IngestCheckpoint): Promise<LineOutcome[] | undefined> {
    return transaction(this.pool, async (tx) => {
      await tx.lock('aanwijzing');
      const [current] = await tx.rows<{ positie: number }>('SELECT positie FROM aanlevering WHERE id = $1 FOR UPDATE', [id]);
      if (!current || current.positie >= checkpoint.positie) return undefined;
      const counts = { geaccepteerd: 0, afgewezen: 0, onderdrukt: 0, alBekend: 0 };
      const records: ProcessingRecord[] = [];
      const rejected: { regel: number[]; code: string[]; detail: string[]; invalidParams: Array<string | null> } = { regel: [], code: [], detail: [], invalidParams: [] };
      const batch = new LineBatch(tx, lines, this.aanwijzingen, this.optOuts);
      const outcomes: LineOutcome[] = [];
      for (const [index, line] of lines.entries()) {
        let attempt: InsertAttempt | undefined;
        if (line.insert) {
          try {
            attempt = await batch.insert(index, line.insert, records);
          } catch (error) {
            attempt = refusedInsert(error);
          }
        }
        const outcome = lineOutcome(line, classify, attempt);
        counts[outcome.kind] += 1;
        if (outcome.kind === 'afgewezen') {
          rejected.regel.push(line.regel);
          rejected.code.push(outcome.error.code);
          rejected.detail.push(outcome.error.detail);
          rejected.invalidParams.push(outcome.error.invalidParams ? JSON.stringify(outcome.error.invalidParams) : null);
        }
        outcomes.push(outcome);
      }
      await batch.flush();
      if (rejected.regel.length > 0) {
        await tx.run(`INSERT INTO aanlevering_fout (aanlevering, regel, code, detail, invalid_params)
          SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[])`, [id, rejected.regel, rejected.code, rejected.detail, rejected.invalidParams]);
      }
      // The lines of a file are one processing operation that ends when this batch commits.
      const end = new Date(checkpoint.now);
      await this.log.append(tx, records.map((r) => ({ ...r, endTime: end }))
        .sort((a, b) => (a.processingActivityId < b.processingActivityId ? -1 : a.processingActivityId > b.processingActivityId ? 1 : 0)));
      await tx.run(`UPDATE aanlevering SET positie = $2, regel = $3, geaccepteerd = geaccepteerd + $4, afgewezen = afgewezen + $5,
        onderdrukt = onderdrukt + $6, al_bekend = al_bekend + $7,
        status = CASE WHEN $8::boolean THEN 'VERWERKT' ELSE status END, afgerond = CASE WHEN $8::boolean THEN $9::bigint ELSE afgerond END
        WHERE id = $1 AND positie < $2`,
      [id, checkpoint.positie, checkpoint.regel, counts.geaccepteerd, counts.afgewezen, counts.onderdrukt, counts.alBekend, checkpoint.finished, checkpoint.now]);
      return outcomes;
    });
  }

  /** Marks an aanlevering done without lines (the rest of the file held none). */
  async finish(id: string, checkpoint: IngestCheckpoint): Promise<void> {
    await query(this.pool, `UPDATE aanlevering SET status = 'VERWERKT', afgerond = $4, positie = GREATEST(positie, $2), regel = GREATEST(regel, $3)
      WHERE id = $1 AND status = 'IN_VERWERKING'`, [id, checkpoint.positie, checkpoint.regel, checkpoint.now]);
  }

  async errors(id: string, after: number, limit: number): Promise<LineErrorRow[]> {
    const { rows } = await query<{ regel: number; code: string; detail: string; invalidParams: string | null }>(this.pool,
      'SELECT regel, code, detail, invalid_params AS "invalidParams" FROM aanlevering_fout WHERE aanlevering = $1 AND regel > $2 ORDER BY regel LIMIT $3', [id, after, limit]);
    return rows.map((r) => ({
      regel: r.regel, code: r.code, detail: r.detail, ...(r.invalidParams ? { invalidParams: JSON.parse(r.invalidParams) } : {}),
    }));
  }
}
