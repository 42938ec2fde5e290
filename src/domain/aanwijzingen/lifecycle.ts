import type { components } from '../../../openapi/ketenpoort.js';
import { ConflictError, InvalidInputError } from '../../errors.js';
import type { AanwijzingChange, AanwijzingRow } from '../../store/aanwijzing-rows.js';

/** What a receiver reports. */
export type TerugkoppelingInvoer = components['schemas']['TerugkoppelingInvoer'];

/** States in which a signal is closed: no more changes, no correction. */
export const CLOSED_STATES: ReadonlySet<string> = new Set(['AFGEROND', 'INGETROKKEN', 'VERVANGEN', 'VERLOPEN', 'ONDERDRUKT']);

/** The receiver's path through a signal; it only moves forward. */
const PROGRESS: Readonly<Record<string, number>> = { AANGEBODEN: 0, ONTVANGEN: 1, IN_BEHANDELING: 2, AFGEROND: 3 };

/**
 * The receiver's feedback on a signal: forward moves only, an outcome when closing (and an
 * explanation with BRONGEGEVENS_ONJUIST); repeating the current state is a no-op, so PUT is idempotent.
 * @throws InvalidInputError for an incomplete report; ConflictError for a move that is not allowed
 */
export function decideFeedback(row: AanwijzingRow, input: TerugkoppelingInvoer, now: Date): AanwijzingChange | 'unchanged' {
  const problems = [];
  if (input.status === 'AFGEROND' && input.uitkomst === undefined) problems.push({ name: 'uitkomst', reason: 'is required when closing (status AFGEROND)' });
  if (input.status !== 'AFGEROND' && input.uitkomst !== undefined) problems.push({ name: 'uitkomst', reason: 'is only given when closing (status AFGEROND)' });
  if (input.uitkomst === 'BRONGEGEVENS_ONJUIST' && !input.toelichting) problems.push({ name: 'toelichting', reason: 'is required with BRONGEGEVENS_ONJUIST: say what was wrong' });
  if (problems.length > 0) {
    throw new InvalidInputError('The feedback is incomplete; see invalidParams.', problems.map((p) => ({ in: 'body' as const, code: 'required', ...p })));
  }
  const sameAsNow = row.status === input.status && (input.status !== 'AFGEROND' || (row.uitkomst === input.uitkomst && (row.toelichting ?? undefined) === input.toelichting));
  if (sameAsNow) return 'unchanged';
  if (CLOSED_STATES.has(row.status)) {
    throw new ConflictError('aanwijzing-closed', `Aanwijzing ${row.id} is ${row.status}; its feedback can no longer change.`);
  }
  if (PROGRESS[input.status]! < PROGRESS[row.status]!) {
    throw new ConflictError('invalid-transition', `Aanwijzing ${row.id} is ${row.status}; it cannot go back to ${input.status}.`);
  }
  return {
    status: input.status,
    gewijzigd: now.getTime(),
    ...(input.status === 'AFGEROND' ? { uitkomst: input.uitkomst!, toelichting: input.toelichting ?? null, teruggekoppeld: now.getTime() } : {}),
  };
}

/**
 * The sender's withdrawal: allowed while the signal is open; withdrawing again with the same reason is a no-op.
 * @throws ConflictError when the signal is already closed
 */
export function decideWithdrawal(row: AanwijzingRow, reden: string, now: Date): AanwijzingChange | 'unchanged' {
  if (row.status === 'INGETROKKEN' && row.intrekkingsreden === reden) return 'unchanged';
  if (CLOSED_STATES.has(row.status)) throw new ConflictError('aanwijzing-closed', `Aanwijzing ${row.id} is ${row.status} and can no longer be withdrawn.`);
  return { status: 'INGETROKKEN', intrekkingsreden: reden, gewijzigd: now.getTime() };
}
