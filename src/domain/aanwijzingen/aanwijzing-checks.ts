import type { components } from '../../../openapi/ketenpoort.js';
import { InvalidInputError, type InvalidParam } from '../../errors.js';
import { isValidBsn } from '../bsn.js';
import { gemeenten } from '../gemeenten.js';
import { DATA_ITEMS, type Regelingen } from '../regelingen-config.js';

/** The delivery body, as the contract defines it. */
export type AanwijzingAanlevering = components['schemas']['AanwijzingAanlevering'];

/**
 * The checks a schema cannot express, all at once (ADR: list every error): the BSN's elfproef,
 * the gemeentecode in the CBS list, the regeling in force, only data items allowed for that
 * regeling (data minimisation), and `geldigTot` not before today.
 *
 * @param today the current date as `YYYY-MM-DD` (UTC)
 * @throws InvalidInputError with one entry per problem
 */
export function checkAanlevering(input: AanwijzingAanlevering, regelingen: Regelingen, today: string): void {
  const problems: InvalidParam[] = [];
  const problem = (name: string, code: string, reason: string) => problems.push({ in: 'body', name, code, reason });
  if (!isValidBsn(input.burgerservicenummer)) problem('burgerservicenummer', 'elfproef', 'is not a valid BSN (fails the elfproef)');
  if (!gemeenten().has(input.gemeentecode)) problem('gemeentecode', 'codelist', `${input.gemeentecode} is not a CBS gemeentecode of 2026`);
  const regeling = regelingen.get(input.regeling);
  if (!regeling) {
    problem('regeling', 'codelist', `unknown regeling; use one of ${regelingen.codes.join(', ')}`);
  } else {
    for (const item of DATA_ITEMS) {
      if (input.gegevens?.[item] !== undefined && !regeling.gegevens.includes(item)) {
        problem(`gegevens.${item}`, 'not-allowed', `may not be sent for ${input.regeling} (data minimisation); allowed: ${regeling.gegevens.join(', ') || 'none'}`);
      }
    }
  }
  if (input.geldigTot < today) problem('geldigTot', 'past', `${input.geldigTot} is in the past`);
  for (const item of DATA_ITEMS) {
    const peildatum = input.gegevens?.[item]?.peildatum;
    if (peildatum !== undefined && peildatum > today) problem(`gegevens.${item}.peildatum`, 'future', `${peildatum} is in the future`);
  }
  if (problems.length > 0) {
    throw new InvalidInputError(`The aanwijzing has ${problems.length} invalid item${problems.length === 1 ? '' : 's'}; see invalidParams.`, problems);
  }
}
