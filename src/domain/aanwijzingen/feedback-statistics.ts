import type { components } from '../../../openapi/ketenpoort.js';
import type { OperationContext } from '../../audit/operation-context.js';
import { InvalidInputError } from '../../errors.js';
import type { Store } from '../../store/store.js';

type Statistieken = components['schemas']['Statistieken'];

/** Longest period one statistics request may cover. */
const MAX_DAYS = 366;

/**
 * The feedback loop's numbers for a sender: its signals of a period by regeling, reason, status
 * and outcome. Counts only; nothing here identifies a person, so no processing record is written.
 */
export async function feedbackStatistics(store: Store, ctx: OperationContext, period: { vanaf: string; tot: string }): Promise<Statistieken> {
  const from = Date.parse(`${period.vanaf}T00:00:00Z`);
  const to = Date.parse(`${period.tot}T00:00:00Z`);
  if (!(to > from) || (to - from) / 86_400_000 > MAX_DAYS) {
    throw new InvalidInputError(`The period must be 1 to ${MAX_DAYS} days, with tot after vanaf.`, [
      { in: 'query', name: 'tot', code: 'period', reason: `must be after vanaf and at most ${MAX_DAYS} days later` },
    ]);
  }
  const rows = await store.aanwijzingStatistics(ctx.requester.oin, from, to);
  return {
    vanaf: period.vanaf,
    tot: period.tot,
    totaal: rows.reduce((sum, row) => sum + row.aantal, 0),
    aantallen: rows.map((row) => ({
      regeling: row.regeling,
      redenCode: row.redenCode,
      status: row.status as Statistieken['aantallen'][number]['status'],
      ...(row.uitkomst ? { uitkomst: row.uitkomst as NonNullable<Statistieken['aantallen'][number]['uitkomst']> } : {}),
      aantal: row.aantal,
    })),
  };
}
