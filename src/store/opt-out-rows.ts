import type { AanwijzingRow } from './aanwijzing-rows.js';

/** Scope value of an opt-out that covers every regeling. */
export const ALL_REGELINGEN = '*';

/** An opt-out as the register keeps it. */
export interface OptOutRow {
  readonly id: string;
  readonly bsn: string | null;
  /** `*` (all regelingen) or the sorted codes joined by `,`. */
  readonly scope: string;
  readonly kanaal: string;
  /** OIN of the party the citizen told (from the token, never the body). */
  readonly geregistreerdDoor: string;
  readonly actorOin: string | null;
  readonly ingang: number;
  readonly einde: number | null;
  readonly ingetrokkenDoor: string | null;
  readonly volgnummer: number;
}

/** A new opt-out; the store assigns the feed position. */
export type NewOptOut = Omit<OptOutRow, 'volgnummer' | 'einde' | 'ingetrokkenDoor'>;

/** What registering did. */
export interface OptOutRegistration {
  readonly outcome: 'created' | 'existing';
  readonly row: OptOutRow;
  /** Open aanwijzingen of this person that the new opt-out suppressed. */
  readonly suppressed: readonly AanwijzingRow[];
}

/** True when an opt-out scope covers a regeling. */
export function scopeCovers(scope: string, regeling: string): boolean {
  return scope === ALL_REGELINGEN || scope.split(',').includes(regeling);
}

/** One change in a party's opt-out changes feed: the opt-out's state now, at its feed position. */
export interface OptOutChange {
  readonly volgnummer: number;
  readonly bsn: string;
  readonly scope: string;
  /** Epoch ms of the registration. */
  readonly ingang: number;
  /** Epoch ms of the withdrawal, or null while active. */
  readonly einde: number | null;
}
