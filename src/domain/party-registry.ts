import type { Role } from './roles.js';

/** What a receiving party serves: these regelingen for these municipalities. */
export interface Ontvangst {
  readonly gemeentecodes: readonly string[];
  readonly regelingen: readonly string[];
}

/** A vendor's mandate to act for a municipality (or other receiver). */
export interface Delegatie {
  /** OIN of the principal. */
  readonly namens: string;
  /** Scopes the vendor may use for it; absent means all of the principal's receiver scopes. */
  readonly scopes?: readonly string[];
}

/** A chain partner as registered in the party registry. */
export interface Party {
  readonly id: string;
  readonly oin: string;
  readonly naam: string;
  readonly rollen: readonly Role[];
  readonly ontvangt: readonly Ontvangst[];
  readonly delegaties: readonly Delegatie[];
  /** PEM certificates whose keys may sign for this party (client assertions, payload signatures). */
  readonly certificaten: readonly string[];
}

/**
 * The party registry: every chain partner by OIN, plus routing (gemeentecode, regeling) → receiver.
 * Built once from configuration (see `src/config/party-registry-file.ts`) and read-only afterwards.
 */
export class PartyRegistry {
  readonly #byOin: ReadonlyMap<string, Party>;
  readonly #routes: ReadonlyMap<string, Party>;

  constructor(parties: readonly Party[]) {
    this.#byOin = new Map(parties.map((p) => [p.oin, p]));
    const routes = new Map<string, Party>();
    for (const party of parties) {
      for (const o of party.ontvangt) {
        for (const g of o.gemeentecodes) for (const r of o.regelingen) routes.set(routeKey(g, r), party);
      }
    }
    this.#routes = routes;
  }

  /** All parties, in registry order. */
  get parties(): Party[] {
    return [...this.#byOin.values()];
  }

  /** The party with this OIN, if registered. */
  byOin(oin: string): Party | undefined {
    return this.#byOin.get(oin);
  }

  /** The party that receives signals about `regeling` for municipality `gemeentecode`. */
  receiverFor(gemeentecode: string, regeling: string): Party | undefined {
    return this.#routes.get(routeKey(gemeentecode, regeling));
  }
}

function routeKey(gemeentecode: string, regeling: string): string {
  return `${gemeentecode}/${regeling}`;
}
