import { processingRecordFor, type OperationContext } from '../../audit/operation-context.js';
import type { ProcessingRecord } from '../../audit/processing-record.js';
import type { PseudonymSource } from '../../audit/pseudonymiser.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { Clock } from '../../security/clock.js';
import type { AanwijzingRow, DecideChange, InsertOutcome, NewAanwijzing, RecordsFor } from '../../store/aanwijzing-rows.js';
import type { Store } from '../../store/store.js';
import type { PartyRegistry } from '../party-registry.js';
import type { Regelingen } from '../regelingen-config.js';
import type { AanwijzingAanlevering } from './aanwijzing-checks.js';
import { routeAanwijzing } from './aanwijzing-routing.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { toAanwijzing, type Aanwijzing } from './aanwijzing-view.js';
import { CLOSED_STATES, decideFeedback, decideWithdrawal, type TerugkoppelingInvoer } from './lifecycle.js';

/** The signed request as received: exact body bytes and the signature headers. */
export interface SignedDelivery {
  readonly body: Buffer;
  readonly payloadSignature: string | string[] | undefined;
  readonly digest: string | string[] | undefined;
}

/** A delivery checked and routed, ready for the store's insert. */
export interface PreparedDelivery {
  readonly row: NewAanwijzing;
  readonly records: RecordsFor<AanwijzingRow>;
  readonly replaces?: DecideChange;
}

/** Verifies a delivery's payload signature against the sender's registered certificates. */
export interface PayloadSignatureCheck {
  verify(signed: SignedDelivery, certificates: readonly string[]): Promise<{ certificate: string }>;
}

/** A page request on the feed, as the contract's query has it. */
export interface FeedRequest {
  na?: string;
  limiet?: number;
  status?: string;
  regeling?: string;
  soort?: string;
  gewijzigdVanaf?: string;
  gewijzigdTot?: string;
}

const OPERATIONS = {
  deliver: 'aanwijzing.aanleveren',
  read: 'aanwijzing.raadplegen',
  feed: 'aanwijzing.ontvangen',
  feedback: 'aanwijzing.terugkoppelen',
  withdraw: 'aanwijzing.intrekken',
  list: 'aanwijzing.lijst',
} as const;

/** Rows per page of a periodic list (each page is one read and one write of its processing records). */
const LIST_PAGE = 1000;

/**
 * Aanwijzingen: delivery (signed, checked, routed, idempotent per sender and kenmerk), the
 * receiver's feed, and reading one. Every operation on a signal writes one processing record per
 * data subject, in the store transaction of the operation itself.
 */
export class AanwijzingService {
  constructor(private readonly deps: {
    store: Store;
    registry: PartyRegistry;
    regelingen: Regelingen;
    clock: Clock;
    pseudonymiser: PseudonymSource;
    signatures: PayloadSignatureCheck;
  }) {}

  /**
   * Delivers one aanwijzing.
   * @returns the aanwijzing and whether it was created now (false: the same kenmerk and content came before)
   */
  async deliver(ctx: OperationContext, input: AanwijzingAanlevering, signed: SignedDelivery): Promise<{ created: boolean; aanwijzing: Aanwijzing }> {
    const { certificate } = await this.deps.signatures.verify(signed, ctx.requester.certificaten);
    const ondertekening = JSON.stringify({
      payloadSignature: String(signed.payloadSignature),
      digest: String(signed.digest),
      aanlevering: signed.body.toString('base64'),
      certificaat: certificate,
    });
    const prepared = this.prepare(ctx, input, ondertekening, this.deps.clock.now());
    const result = await this.deps.store.insertAanwijzing(prepared.row, prepared.records, prepared.replaces);
    const { created, row } = this.settle(prepared, result);
    return { created, aanwijzing: toAanwijzing(row, this.deps.registry, { withSignature: true }) };
  }

  /**
   * Checks and routes one delivery (a single request or a line of a file: the same path) into
   * the row the store inserts, with its correction rule and processing records.
   * @param ondertekening the signature evidence as JSON (see the contract's `Ondertekening`)
   * @throws InvalidInputError for content the checks refuse, or when nobody receives this signal
   */
  prepare(ctx: OperationContext, input: AanwijzingAanlevering, ondertekening: string, now: Date): PreparedDelivery {
    const row = routeAanwijzing(input, { registry: this.deps.registry, regelingen: this.deps.regelingen, aanleveraarOin: ctx.requester.oin, ondertekening, now });
    return this.rulesFor(ctx, row, now);
  }

  /**
   * The correction rule and processing records of a routed row (see {@link routeAanwijzing}): the
   * part of {@link prepare} that acts for the sender, so a row routed in a worker thread gets it too.
   * @param dataSubjectId the person's pseudonym when already computed (a file line: by the worker)
   */
  rulesFor(ctx: OperationContext, row: NewAanwijzing, now: Date, dataSubjectId?: string): PreparedDelivery {
    const replaces: DecideChange | undefined = row.vervangt === null ? undefined : (old) => {
      if (old.aanleveraarOin !== ctx.requester.oin) return undefined;
      if (CLOSED_STATES.has(old.status)) throw new ConflictError('aanwijzing-closed', `Aanwijzing ${old.id} is ${old.status} and can no longer be corrected.`);
      return { status: 'VERVANGEN', vervangenDoor: row.id, gewijzigd: now.getTime() };
    };
    // The record names the person from the input: a suppressed signal keeps no BSN, but receiving it was processing.
    const bsn = row.bsn!;
    const records: RecordsFor<AanwijzingRow> = (created) => [this.#record(ctx, OPERATIONS.deliver, created, bsn, dataSubjectId)];
    return { row, records, ...(replaces ? { replaces } : {}) };
  }

  /**
   * What the store's insert means for the sender: created, or the same delivery again.
   * @throws InvalidInputError when the aanwijzing to correct is unknown; ConflictError `kenmerk-conflict` for a kenmerk reused with other content
   */
  settle(prepared: PreparedDelivery, result: InsertOutcome): { created: boolean; row: AanwijzingRow } {
    if (result.outcome === 'replaced-not-found') {
      throw new InvalidInputError('The aanwijzing to correct does not exist or is not yours; nothing was stored.', [
        { in: 'body', name: 'vervangt', code: 'not-found', reason: `no aanwijzing ${prepared.row.vervangt} of this sender` },
      ]);
    }
    if (result.outcome === 'existing' && result.row.inhoudHash !== prepared.row.inhoudHash) {
      throw new ConflictError('kenmerk-conflict', `Kenmerk ${prepared.row.kenmerk} was delivered before with other content (aanwijzing ${result.row.id}); use a new kenmerk, or vervangt to correct it.`);
    }
    return { created: result.outcome === 'created', row: result.row };
  }

  /**
   * The requester's periodic list: every signal routed to it that was delivered in the month
   * `periode` (`YYYY-MM`, UTC), in delivery order, page by page; each page's processing records
   * are written before it is handed out.
   */
  async *list(ctx: OperationContext, periode: string): AsyncGenerator<Aanwijzing[]> {
    const [year, month] = periode.split('-').map(Number) as [number, number];
    const from = Date.UTC(year, month - 1, 1);
    const to = Date.UTC(year, month, 1);
    let after: { aangeboden: number; id: string } | undefined;
    for (;;) {
      const rows = await this.deps.store.aanwijzingListPage(ctx.requester.oin, from, to, after, LIST_PAGE, (page) => this.#recordsFor(ctx, OPERATIONS.list, page));
      if (rows.length > 0) yield rows.map((row) => toAanwijzing(row, this.deps.registry, { withSignature: false }));
      if (rows.length < LIST_PAGE) return;
      const last = rows.at(-1)!;
      after = { aangeboden: last.aangeboden, id: last.id };
    }
  }

  /** One aanwijzing, for its receiver or its sender; anyone else gets 404. */
  async get(ctx: OperationContext, id: string): Promise<Aanwijzing> {
    const row = await this.deps.store.readAanwijzing(id, (found) =>
      (this.#visibleTo(found, ctx) ? this.#recordsFor(ctx, OPERATIONS.read, [found]) : undefined));
    if (!row) throw new NotFoundError(`There is no aanwijzing ${id} for you.`);
    return toAanwijzing(await this.#withFileSignature(row), this.deps.registry, { withSignature: true });
  }

  /**
   * A signal from a file stores only its line's evidence (file, line, line digest); the file's
   * signature and certificate are stored once with the file (1,000,000 copies of a certificate
   * would double the write cost of a monthly file). Shown together, as the contract has it.
   */
  async #withFileSignature(row: AanwijzingRow): Promise<AanwijzingRow> {
    if (!row.ondertekening) return row;
    const line = JSON.parse(row.ondertekening) as { payloadSignature?: string; bestand?: { aanlevering: string } };
    if (line.payloadSignature !== undefined || !line.bestand) return row;
    const file = await this.deps.store.readAanlevering(line.bestand.aanlevering);
    if (!file) return row;
    return { ...row, ondertekening: JSON.stringify({ ...JSON.parse(file.ondertekening), bestand: line.bestand }) };
  }

  /** The receiver reports status and outcome; only the receiver (or its vendor) may. */
  async feedback(ctx: OperationContext, id: string, input: TerugkoppelingInvoer): Promise<Aanwijzing> {
    const now = this.deps.clock.now();
    const row = await this.deps.store.changeAanwijzing(id,
      (current) => (current.ontvangerOin === ctx.requester.oin ? decideFeedback(current, input, now) : undefined),
      (changed) => this.#recordsFor(ctx, OPERATIONS.feedback, [changed]));
    if (!row) throw new NotFoundError(`There is no aanwijzing ${id} for you.`);
    return toAanwijzing(row, this.deps.registry, { withSignature: false });
  }

  /** The sender withdraws its own open signal. */
  async withdraw(ctx: OperationContext, id: string, reden: string): Promise<Aanwijzing> {
    const now = this.deps.clock.now();
    const row = await this.deps.store.changeAanwijzing(id,
      (current) => (current.aanleveraarOin === ctx.requester.oin ? decideWithdrawal(current, reden, now) : undefined),
      (changed) => this.#recordsFor(ctx, OPERATIONS.withdraw, [changed]));
    if (!row) throw new NotFoundError(`There is no aanwijzing ${id} of yours.`);
    return toAanwijzing(row, this.deps.registry, { withSignature: false });
  }

  /** One page of the requester's feed. */
  async feed(ctx: OperationContext, request: FeedRequest): Promise<{ aanwijzingen: Aanwijzing[]; volgende: string }> {
    const page = await this.deps.store.aanwijzingFeed({
      ontvangerOin: ctx.requester.oin,
      after: request.na === undefined ? 0 : decodeCursor(request.na),
      limit: request.limiet ?? 100,
      ...(request.status !== undefined ? { status: request.status } : {}),
      ...(request.regeling !== undefined ? { regeling: request.regeling } : {}),
      ...(request.soort !== undefined ? { soort: request.soort } : {}),
      ...(request.gewijzigdVanaf !== undefined ? { gewijzigdVanaf: Date.parse(request.gewijzigdVanaf) } : {}),
      ...(request.gewijzigdTot !== undefined ? { gewijzigdTot: Date.parse(request.gewijzigdTot) } : {}),
    }, (rows) => this.#recordsFor(ctx, OPERATIONS.feed, rows));
    return {
      aanwijzingen: page.rows.map((row) => toAanwijzing(row, this.deps.registry, { withSignature: false })),
      volgende: encodeCursor(page.last),
    };
  }

  #visibleTo(row: AanwijzingRow, ctx: OperationContext): boolean {
    return row.ontvangerOin === ctx.requester.oin || row.aanleveraarOin === ctx.requester.oin;
  }

  /** One record per data subject; signals whose personal data is gone disclose nothing and get none. */
  #recordsFor(ctx: OperationContext, name: string, rows: readonly AanwijzingRow[]): ProcessingRecord[] {
    return rows.filter((row) => row.bsn !== null).map((row) => this.#record(ctx, name, row, row.bsn!));
  }

  #record(ctx: OperationContext, name: string, row: AanwijzingRow, bsn: string, dataSubjectId = this.deps.pseudonymiser.pseudonym(bsn)): ProcessingRecord {
    return processingRecordFor(ctx, {
      name,
      processingActivityId: this.deps.regelingen.get(row.regeling)?.verwerkingsactiviteit ?? 'urn:nld:ketenpoort:verwerkingsactiviteit:onbekend',
      dataSubjectId,
      endTime: this.deps.clock.now(),
      resourceId: row.id,
    });
  }

}
