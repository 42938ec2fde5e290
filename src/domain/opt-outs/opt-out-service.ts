import { EventEmitter } from 'node:events';
import { v7 as uuidv7 } from 'uuid';
import type { components } from '../../../openapi/ketenpoort.js';
import { processingRecordFor, type OperationContext } from '../../audit/operation-context.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { PseudonymSource } from '../../audit/pseudonymiser.js';
import { InvalidInputError, NotFoundError, type InvalidParam } from '../../errors.js';
import type { Clock } from '../../security/clock.js';
import { ALL_REGELINGEN, scopeCovers, type OptOutRow } from '../../store/opt-out-rows.js';
import type { Store } from '../../store/store.js';
import { isValidBsn } from '../bsn.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { PartyRegistry } from '../party-registry.js';
import type { Regelingen } from '../regelingen-config.js';

type OptOut = components['schemas']['OptOut'];
type OptOutRegistratie = components['schemas']['OptOutRegistratie'];
type OptOutZoekvraag = components['schemas']['OptOutZoekvraag'];
type OptOutZoekresultaat = components['schemas']['OptOutZoekresultaat'];
type OptOutWijzigingen = components['schemas']['OptOutWijzigingen'];

/** The answer to a changes poll: new changes (200) or nothing since the client's ETag (304). */
export type ChangesAnswer = { readonly status: 200; readonly etag: string; readonly body: OptOutWijzigingen } | { readonly status: 304; readonly etag: string };

/** While a long poll waits, how often it looks in the database too (changes made by other instances). */
const LONG_POLL_RECHECK_MS = 1000;

/** Processing activity of the joint opt-out register. */
export const OPT_OUT_ACTIVITY = 'urn:nld:ketenpoort:verwerkingsactiviteit:opt-out-register';

/**
 * The joint opt-out register: a citizen tells one partner, every partner respects it. Registering
 * suppresses the person's open signals at once; delivery checks the register in its own transaction.
 */
export class OptOutService {
  /** Wakes long polls of this instance when the register changes here. */
  readonly #changed = new EventEmitter().setMaxListeners(0);

  constructor(private readonly deps: { store: Store; registry: PartyRegistry; regelingen: Regelingen; clock: Clock; pseudonymiser: PseudonymSource }) {}

  /** Registers an opt-out (or returns the active one with the same scope). */
  async register(ctx: OperationContext, input: OptOutRegistratie): Promise<{ created: boolean; optOut: OptOut }> {
    const problems: InvalidParam[] = [];
    if (!isValidBsn(input.burgerservicenummer)) problems.push({ in: 'body', name: 'burgerservicenummer', code: 'elfproef', reason: 'is not a valid BSN' });
    (input.regelingen ?? []).forEach((code, i) => {
      if (!this.deps.regelingen.get(code)) problems.push({ in: 'body', name: `regelingen[${i}]`, code: 'codelist', reason: `unknown regeling ${code}` });
    });
    if (problems.length > 0) throw new InvalidInputError(`The opt-out has ${problems.length} invalid item(s); see invalidParams.`, problems);
    const now = this.deps.clock.now().getTime();
    const result = await this.deps.store.registerOptOut({
      id: uuidv7(),
      bsn: input.burgerservicenummer,
      scope: input.regelingen ? [...input.regelingen].sort().join(',') : ALL_REGELINGEN,
      kanaal: input.kanaal,
      geregistreerdDoor: ctx.requester.oin,
      actorOin: ctx.actor?.oin ?? null,
      ingang: now,
    }, (registered) => [this.#record(ctx, 'opt-out.registreren', input.burgerservicenummer, registered.id)]);
    if (result.outcome === 'created') this.#changed.emit('change');
    return { created: result.outcome === 'created', optOut: { ...this.#view(result.row), ...(result.outcome === 'created' ? { onderdrukteAanwijzingen: result.suppressed.length } : {}) } };
  }

  async get(ctx: OperationContext, id: string): Promise<OptOut> {
    const row = await this.deps.store.readOptOut(id, (found) => (found.bsn ? [this.#record(ctx, 'opt-out.raadplegen', found.bsn, found.id)] : []));
    if (!row) throw new NotFoundError(`There is no opt-out ${id}.`);
    return this.#view(row);
  }

  async withdraw(ctx: OperationContext, id: string): Promise<OptOut> {
    const row = await this.deps.store.withdrawOptOut(id, ctx.requester.oin, this.deps.clock.now().getTime(), () => true,
      (ended) => (ended.bsn ? [this.#record(ctx, 'opt-out.intrekken', ended.bsn, ended.id)] : []));
    if (!row) throw new NotFoundError(`There is no opt-out ${id}.`);
    this.#changed.emit('change');
    return this.#view(row);
  }

  /** Status of up to 10,000 persons; invalid BSNs are reported by position, and nothing is looked up then. */
  async lookup(ctx: OperationContext, input: OptOutZoekvraag): Promise<OptOutZoekresultaat> {
    const problems = invalidBsns(input.burgerservicenummers);
    if (input.regeling !== undefined && !this.deps.regelingen.get(input.regeling)) {
      problems.push({ in: 'body', name: 'regeling', code: 'codelist', reason: `unknown regeling ${input.regeling}` });
    }
    if (problems.length > 0) throw new InvalidInputError(`${problems.length} invalid item(s); see invalidParams.`, problems.slice(0, 1000));
    const unique = [...new Set(input.burgerservicenummers)];
    const found = await this.deps.store.lookupOptOuts(unique, await this.#recordsAbout(ctx, 'opt-out.opvragen', unique));
    return {
      resultaten: input.burgerservicenummers.map((bsn) => {
        const scopes = found.get(bsn) ?? [];
        const all = scopes.includes(ALL_REGELINGEN);
        const regelingen = [...new Set(scopes.filter((s) => s !== ALL_REGELINGEN).flatMap((s) => s.split(',')))].sort();
        const optOut = input.regeling !== undefined ? scopes.some((s) => scopeCovers(s, input.regeling!)) : scopes.length > 0;
        return {
          burgerservicenummer: bsn,
          optOut,
          ...(scopes.length > 0 ? { alleRegelingen: all, ...(all ? {} : { regelingen }) } : {}),
        };
      }),
    };
  }

  /** Follows these persons' opt-out changes (for the requester: the municipality when a vendor acts for it). */
  async follow(ctx: OperationContext, bsns: readonly string[]): Promise<{ aantal: number; gewijzigd: number }> {
    const unique = this.#checked(bsns);
    const gewijzigd = await this.deps.store.follow(ctx.requester.oin, unique, this.deps.clock.now().getTime(),
      await this.#recordsAbout(ctx, 'volgindicatie.plaatsen', unique));
    return { aantal: unique.length, gewijzigd };
  }

  /** Stops following these persons. */
  async unfollow(ctx: OperationContext, bsns: readonly string[]): Promise<{ aantal: number; gewijzigd: number }> {
    const unique = this.#checked(bsns);
    const gewijzigd = await this.deps.store.unfollow(ctx.requester.oin, unique, await this.#recordsAbout(ctx, 'volgindicatie.verwijderen', unique));
    return { aantal: unique.length, gewijzigd };
  }

  /**
   * The requester's opt-out changes after the cursor. Nothing new and the client's ETag still
   * current: 304. With `wacht`, waits for a change (woken at once by changes on this instance,
   * rechecking the database every second for those of other instances).
   */
  async changes(ctx: OperationContext, request: { na?: string; limiet?: number; wacht?: number }, ifNoneMatch: string | undefined): Promise<ChangesAnswer> {
    const after = request.na === undefined ? 0 : decodeCursor(request.na);
    const deadline = Date.now() + (request.wacht ?? 0) * 1000;
    for (;;) {
      const page = await this.deps.store.optOutChanges(ctx.requester.oin, after, request.limiet ?? 100,
        (changes) => changes.map((c) => this.#record(ctx, 'opt-out.wijzigingen', c.bsn)));
      if (after > page.head) {
        // Not handed out by this register (another environment, a reset database, or made up).
        throw new InvalidInputError('The cursor is ahead of the changes feed; start without `na` or use `volgende` of a page.', [
          { in: 'query', name: 'na', code: 'cursor', reason: 'ahead of the feed' },
        ]);
      }
      const volgende = encodeCursor(page.last);
      const etag = `"${volgende}"`;
      const remaining = deadline - Date.now();
      if (page.changes.length === 0 && remaining > 0) {
        await this.#changeOrTimeout(Math.min(remaining, LONG_POLL_RECHECK_MS));
        continue;
      }
      if (page.changes.length === 0 && ifNoneMatch === etag) return { status: 304, etag };
      return {
        status: 200,
        etag,
        body: {
          wijzigingen: page.changes.map((c) => ({
            burgerservicenummer: c.bsn,
            status: c.einde === null ? 'ACTIEF' as const : 'INGETROKKEN' as const,
            alleRegelingen: c.scope === ALL_REGELINGEN,
            ...(c.scope === ALL_REGELINGEN ? {} : { regelingen: c.scope.split(',') }),
            tijdstip: new Date(c.einde ?? c.ingang).toISOString(),
          })),
          volgende,
        },
      };
    }
  }

  #changeOrTimeout(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#changed.off('change', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#changed.once('change', done);
    });
  }

  /** Deduplicated BSNs, or a 400 naming every invalid position. */
  #checked(bsns: readonly string[]): string[] {
    const problems = invalidBsns(bsns);
    if (problems.length > 0) throw new InvalidInputError(`${problems.length} invalid BSN(s); see invalidParams.`, problems.slice(0, 1000));
    return [...new Set(bsns)];
  }

  #view(row: OptOutRow): OptOut {
    const party = (oin: string) => ({ oin, naam: this.deps.registry.byOin(oin)?.naam ?? '(niet meer geregistreerd)' });
    return {
      id: row.id,
      ...(row.bsn ? { burgerservicenummer: row.bsn } : {}),
      alleRegelingen: row.scope === ALL_REGELINGEN,
      ...(row.scope === ALL_REGELINGEN ? {} : { regelingen: row.scope.split(',') }),
      kanaal: row.kanaal as OptOut['kanaal'],
      status: row.einde === null ? 'ACTIEF' : 'INGETROKKEN',
      geregistreerdDoor: party(row.geregistreerdDoor),
      tijdstipIngang: new Date(row.ingang).toISOString(),
      ...(row.einde !== null ? { tijdstipEinde: new Date(row.einde).toISOString() } : {}),
      ...(row.ingetrokkenDoor ? { ingetrokkenDoor: party(row.ingetrokkenDoor) } : {}),
    };
  }

  /**
   * The records of one operation about many persons, for the store to call inside its transaction
   * (their end time is then). The pseudonyms are computed first, outside the transaction and on
   * two threads when there are many.
   */
  async #recordsAbout(ctx: OperationContext, name: string, bsns: readonly string[]): Promise<() => ProcessingRecord[]> {
    const pseudonyms = await this.deps.pseudonymiser.pseudonyms(bsns);
    return () => bsns.map((bsn, i) => this.#record(ctx, name, bsn, undefined, pseudonyms[i]));
  }

  /** A processing record about `bsn`; its pseudonym when the caller computed it already (many at once). */
  #record(ctx: OperationContext, name: string, bsn: string, resourceId?: string, dataSubjectId = this.deps.pseudonymiser.pseudonym(bsn)): ProcessingRecord {
    return processingRecordFor(ctx, {
      name, processingActivityId: OPT_OUT_ACTIVITY, dataSubjectId, endTime: this.deps.clock.now(),
      ...(resourceId ? { resourceId } : {}),
    });
  }

}

/** Every BSN that fails the elfproef, by its position in the list. */
function invalidBsns(bsns: readonly string[]): InvalidParam[] {
  const problems: InvalidParam[] = [];
  bsns.forEach((bsn, i) => {
    if (!isValidBsn(bsn)) problems.push({ in: 'body', name: `burgerservicenummers[${i}]`, code: 'elfproef', reason: 'is not a valid BSN' });
  });
  return problems;
}
