import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import { v7 as uuidv7 } from 'uuid';
import { InvalidInputError } from '../../errors.js';
import type { NewAanwijzing } from '../../store/aanwijzing-rows.js';
import type { PartyRegistry } from '../party-registry.js';
import type { Regelingen } from '../regelingen-config.js';
import { checkAanlevering, type AanwijzingAanlevering } from './aanwijzing-checks.js';

// RFC 8785 JSON canonicalisation; CommonJS, loaded the same way under tsx, tsc and Node.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/** What routing a delivery needs: the routing table, the regelingen in force, and who sends. */
export interface RoutingInput {
  readonly registry: Pick<PartyRegistry, 'receiverFor'>;
  readonly regelingen: Regelingen;
  readonly aanleveraarOin: string;
  /** The signature evidence as JSON (see the contract's `Ondertekening`). */
  readonly ondertekening: string;
  readonly now: Date;
}

/**
 * Checks one delivery (the checks a schema cannot express) and routes it into the row the store
 * inserts: receiver, canonical content and its hash, a new id. Pure apart from the id, so a single
 * request and a line of a file (checked in a worker thread) go through exactly the same code.
 * @throws InvalidInputError for content the checks refuse (`no-receiver` when nobody receives it)
 */
export function routeAanwijzing(input: AanwijzingAanlevering, routing: RoutingInput): NewAanwijzing {
  const { now } = routing;
  checkAanlevering(input, routing.regelingen, now.toISOString().slice(0, 10));
  const receiver = routing.registry.receiverFor(input.gemeentecode, input.regeling);
  if (!receiver) {
    throw new InvalidInputError(`No receiver is registered for ${input.regeling} in gemeente ${input.gemeentecode}; nothing was stored.`, [
      { in: 'body', name: 'gemeentecode', code: 'no-receiver', reason: `nobody receives ${input.regeling} for ${input.gemeentecode}` },
    ], 'no-receiver');
  }
  const inhoud = canonicalize(input)!;
  return {
    id: uuidv7(),
    aanleveraarOin: routing.aanleveraarOin,
    kenmerk: input.kenmerk,
    // One-shot hashes: a Hash object per call cost ~5 % of checking a file line.
    inhoudHash: hash('sha256', inhoud, 'hex'),
    ontvangerOin: receiver.oin,
    soort: input.soort,
    regeling: input.regeling,
    gemeentecode: input.gemeentecode,
    redenCode: input.aanleiding.redenCode,
    bsn: input.burgerservicenummer,
    inhoud,
    ondertekening: routing.ondertekening,
    geldigTot: input.geldigTot,
    status: 'AANGEBODEN',
    uitkomst: null,
    toelichting: null,
    teruggekoppeld: null,
    intrekkingsreden: null,
    vervangt: input.vervangt ?? null,
    vervangenDoor: null,
    aangeboden: now.getTime(),
    gewijzigd: now.getTime(),
  };
}
