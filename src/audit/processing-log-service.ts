import type { components } from '../../openapi/ketenpoort.js';
import { isValidBsn } from '../domain/bsn.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { InvalidInputError } from '../errors.js';
import type { Clock } from '../security/clock.js';
import type { ProcessingLogPage } from '../store/processing-log-query.js';
import type { Store } from '../store/store.js';
import { processingRecordFor, type OperationContext } from './operation-context.js';
import type { PseudonymSource } from './pseudonymiser.js';

type VerwerkingenPagina = components['schemas']['VerwerkingenPagina'];

/** Processing activity of answering an access request; searching the log for a person is itself processing. */
const ACCESS_REQUEST_ACTIVITY = 'urn:nld:ketenpoort:verwerkingsactiviteit:inzageverzoek';

/**
 * Read access to the processing log: a party sees only the records of processing it asked for,
 * and can find those about one person to answer an access request.
 */
export class ProcessingLogService {
  constructor(private readonly deps: { store: Store; clock: Clock; pseudonymiser: PseudonymSource }) {}

  /** One page of the requester's records. */
  async list(ctx: OperationContext, request: { na?: string; limiet?: number; naam?: string }): Promise<VerwerkingenPagina> {
    const after = request.na === undefined ? 0 : decodeCursor(request.na);
    const page = await this.deps.store.processingLog({
      requester: ctx.requester.oin, after, limit: request.limiet ?? 100, ...(request.naam !== undefined ? { name: request.naam } : {}),
    });
    return toPage(page, after);
  }

  /** The requester's records about one person; the search is logged for that person too. */
  async search(ctx: OperationContext, request: { burgerservicenummer: string; na?: string; limiet?: number }): Promise<VerwerkingenPagina> {
    if (!isValidBsn(request.burgerservicenummer)) {
      throw new InvalidInputError('The BSN fails the elfproef.', [{ in: 'body', name: 'burgerservicenummer', code: 'elfproef', reason: 'is not a valid BSN' }]);
    }
    const after = request.na === undefined ? 0 : decodeCursor(request.na);
    const dataSubjectId = this.deps.pseudonymiser.pseudonym(request.burgerservicenummer);
    const page = await this.deps.store.processingLog({ requester: ctx.requester.oin, after, limit: request.limiet ?? 100, dataSubjectId });
    await this.deps.store.appendProcessingRecords([processingRecordFor(ctx, {
      name: 'verwerkingen.zoeken', processingActivityId: ACCESS_REQUEST_ACTIVITY, dataSubjectId, endTime: this.deps.clock.now(),
    })]);
    return toPage(page, after);
  }
}

function toPage(page: ProcessingLogPage, after: number): VerwerkingenPagina {
  return {
    verwerkingen: page.records.map(({ record: r }) => ({
      traceId: r.traceId,
      operationId: r.operationId,
      ...(r.foreignOperationId ? { foreignOperationId: r.foreignOperationId } : {}),
      naam: r.name,
      status: r.status,
      startTijd: r.startTime.toISOString(),
      eindTijd: r.endTime.toISOString(),
      verwerkingsactiviteit: r.processingActivityId,
      betrokkene: r.dataSubjectId,
      verzoeker: r.requester,
      ...(r.actor ? { uitvoerder: r.actor } : {}),
      ...(r.resourceId ? { resource: r.resourceId } : {}),
    })),
    volgende: encodeCursor(page.records.at(-1)?.position ?? after),
  };
}
