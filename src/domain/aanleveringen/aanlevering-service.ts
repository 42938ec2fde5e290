import { v7 as uuidv7 } from 'uuid';
import type { components } from '../../../openapi/ketenpoort.js';
import type { OperationContext } from '../../audit/operation-context.js';
import { InvalidInputError, KetenpoortError, NotFoundError, PayloadTooLargeError } from '../../errors.js';
import type { Clock } from '../../security/clock.js';
import { BodyDigest } from '../../security/payload-digest.js';
import type { AanleveringRow, ClassifyInsert, IngestLine } from '../../store/aanlevering-rows.js';
import type { Store } from '../../store/store.js';
import type { AanwijzingService } from '../aanwijzingen/aanwijzing-service.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { PartyRegistry } from '../party-registry.js';
import { parseCsvHeader, type CsvHeader } from './csv-record.js';
import { lineErrorOf, MAX_LINE_BYTES, type LineCheckJob, type LineChecker } from './file-line-checks.js';
import { fileLines } from './file-lines.js';
import { FileShape } from './file-shape.js';
import type { FileSpool } from './spool.js';

type Aanlevering = components['schemas']['Aanlevering'];
type FoutenPagina = components['schemas']['AanleveringFoutenPagina'];

/** Media types of files, and the format each stands for. */
export const FILE_FORMATS = { 'application/x-ndjson': 'NDJSON', 'text/csv': 'CSV' } as const;
export type FileMediaType = keyof typeof FILE_FORMATS;

/** The port for signed files: the signature is checked before the body streams, the digest after. */
export interface FileSignatureCheck {
  verifyHeaders(payloadSignature: string | string[] | undefined, digest: string | string[] | undefined, certificates: readonly string[]): Promise<{ certificate: string }>;
  checkDigest(digest: string, body: BodyDigest): void;
}

/** A file arriving: its bytes as they stream, and what the request said about it. */
export interface Upload {
  readonly body: AsyncIterable<Buffer>;
  readonly mediaType: FileMediaType;
  readonly payloadSignature: string | string[] | undefined;
  readonly digest: string | string[] | undefined;
  readonly contentLength?: number;
  readonly bestandsnaam?: string;
}

/**
 * Files of aanwijzingen: received streaming (spooled to disk, digest computed on the way, signature
 * checked), then processed line by line in the background through the single-delivery path, with
 * a checkpoint per batch so that a stopped gateway resumes where it was and each line gets exactly
 * one outcome.
 */
export class AanleveringService {
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(private readonly deps: {
    store: Store;
    registry: PartyRegistry;
    clock: Clock;
    aanwijzingen: AanwijzingService;
    signatures: FileSignatureCheck;
    lineChecker: LineChecker;
    spool: FileSpool;
    maxBytes: number;
    /** Reports a failure of background processing (it is retried at the next start). */
    onError: (error: unknown, aanlevering: string) => void;
  }) {}

  /**
   * Receives a file. Nothing is kept unless the whole file arrived, its digest matches and its
   * signature verifies; the same file again returns the earlier aanlevering.
   */
  async receive(ctx: OperationContext, upload: Upload): Promise<{ created: boolean; aanlevering: Aanlevering }> {
    const { maxBytes, spool, store } = this.deps;
    if (upload.contentLength !== undefined && upload.contentLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
    const { certificate } = await this.deps.signatures.verifyHeaders(upload.payloadSignature, upload.digest, ctx.requester.certificaten);
    const digest = String(upload.digest);
    const writer = await spool.create();
    const bodyDigest = new BodyDigest();
    const shape = new FileShape();
    let bytes = 0;
    let committed = false;
    try {
      for await (const chunk of upload.body) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
        bodyDigest.update(chunk);
        shape.update(chunk);
        await writer.write(chunk);
      }
      this.deps.signatures.checkDigest(digest, bodyDigest);
      const formaat = FILE_FORMATS[upload.mediaType];
      checkShape(formaat, shape);
      const id = uuidv7();
      await writer.commit(id);
      committed = true;
      const { created, row } = await store.createAanlevering({
        id, aanleveraarOin: ctx.requester.oin, actorOin: ctx.actor?.oin ?? null, digest, formaat, bestandsnaam: upload.bestandsnaam ?? null, bytes,
        ondertekening: JSON.stringify({ payloadSignature: String(upload.payloadSignature), digest, certificaat: certificate }),
        trace: JSON.stringify({ traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: ctx.parentSpanId }),
        ontvangen: ctx.startTime.getTime(),
      });
      if (created) this.process(id);
      else await spool.remove(id); // the same file came before: its aanlevering stands
      return { created, aanlevering: toView(row) };
    } catch (error) {
      if (!committed) await writer.abort();
      throw error;
    }
  }

  /** The sender's aanlevering; 404 for anyone else. */
  async get(ctx: OperationContext, id: string): Promise<Aanlevering> {
    return toView(await this.#own(ctx, id));
  }

  /** The rejected lines, in line order, paged by line number. */
  async errors(ctx: OperationContext, id: string, request: { na?: string; limiet?: number }): Promise<FoutenPagina> {
    await this.#own(ctx, id);
    const after = request.na === undefined ? 0 : decodeCursor(request.na);
    const rows = await this.deps.store.aanleveringErrors(id, after, request.limiet ?? 100);
    return {
      fouten: rows.map((r) => ({ regel: r.regel, code: r.code, detail: r.detail, ...(r.invalidParams ? { invalidParams: [...r.invalidParams] } : {}) })),
      volgende: encodeCursor(rows.at(-1)?.regel ?? after),
    };
  }

  /** Queues processing of an aanlevering (one at a time, in arrival order); resolves when it is done. */
  process(id: string): Promise<void> {
    this.#queue = this.#queue.then(() => this.#process(id)).catch((error: unknown) => this.deps.onError(error, id));
    return this.#queue;
  }

  /**
   * At start-up: removes spooled files without an unfinished aanlevering and resumes the unfinished
   * ones whose file is in this instance's spool. With several instances on one database, the others'
   * unfinished files are theirs: each instance resumes what it received when it restarts.
   */
  async resume(): Promise<number> {
    const unfinished = await this.deps.store.unfinishedAanleveringen();
    await this.deps.spool.clean(new Set(unfinished.map((a) => a.id)));
    let resumed = 0;
    for (const a of unfinished) {
      if (!await this.deps.spool.has(a.id)) continue;
      void this.process(a.id);
      resumed += 1;
    }
    return resumed;
  }

  /** Stops taking the next batch (the current one completes); unfinished files resume at the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
  }

  async #own(ctx: OperationContext, id: string): Promise<AanleveringRow> {
    const row = await this.deps.store.readAanlevering(id);
    if (!row || row.aanleveraarOin !== ctx.requester.oin) throw new NotFoundError(`There is no aanlevering ${id} of yours.`);
    return row;
  }

  async #process(id: string): Promise<void> {
    const { store, spool, clock } = this.deps;
    const row = await store.readAanlevering(id);
    if (!row || row.status === 'VERWERKT' || this.#stopped) return;
    const ctx = this.#contextOf(row);
    const job: LineCheckJob = {
      file: spool.pathOf(id), aanlevering: row.id, aanleveraarOin: row.aanleveraarOin, formaat: row.formaat, offset: row.positie, firstLine: row.regel + 1,
      ...(row.formaat === 'CSV' ? { header: await this.#csvHeader(id) } : {}),
    };
    // The line checker works ahead (the gateway's runs in a worker thread: parsing, validating
    // and routing the next batch while this thread stores the one before).
    for await (const batch of this.deps.lineChecker.batches(job, () => clock.now().getTime())) {
      const now = clock.now();
      const checkpoint = { positie: batch.positie, regel: batch.regel, finished: batch.last, now: now.getTime() };
      if (batch.lines.length === 0) {
        if (batch.last) await store.finishAanlevering(id, checkpoint);
        continue;
      }
      if (this.#stopped) return;
      const lines = batch.lines.map((line): IngestLine => (line.row ? { regel: line.regel, insert: this.deps.aanwijzingen.rulesFor(ctx, line.row, now, line.betrokkene) } : line));
      await store.ingestAanleveringBatch(id, lines, this.#classify, checkpoint);
      // The next batch is usually ready at once: let waiting requests in first, so a large file
      // never holds the event loop for longer than one batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await spool.remove(id);
  }

  readonly #classify: ClassifyInsert = (line, result) => {
    if (result.outcome === 'error') return { kind: 'afgewezen', error: lineErrorOf(result.error as KetenpoortError) };
    try {
      const { created, row } = this.deps.aanwijzingen.settle(line.insert!, result);
      if (!created) return { kind: 'alBekend' };
      return { kind: row.status === 'ONDERDRUKT' ? 'onderdrukt' : 'geaccepteerd' };
    } catch (error) {
      if (error instanceof KetenpoortError) return { kind: 'afgewezen', error: lineErrorOf(error) };
      throw error;
    }
  };

  async #csvHeader(id: string): Promise<CsvHeader> {
    for await (const line of fileLines(this.deps.spool.open(id, 0), { offset: 0, firstLine: 1, maxLineBytes: MAX_LINE_BYTES })) {
      const header = parseCsvHeader(line.bytes?.toString('utf8') ?? '');
      if (Array.isArray(header)) break;
      return header;
    }
    throw new Error(`aanlevering ${id}: the CSV header, checked at upload, no longer parses`);
  }

  /** The upload's context, rebuilt from what was stored (processing may resume after a restart). */
  #contextOf(row: AanleveringRow): OperationContext {
    const requester = this.deps.registry.byOin(row.aanleveraarOin);
    if (!requester) throw new Error(`aanlevering ${row.id}: sender ${row.aanleveraarOin} is no longer registered`);
    const actor = row.actorOin ? this.deps.registry.byOin(row.actorOin) : undefined;
    const trace = JSON.parse(row.trace) as { traceId: string; spanId: string; parentSpanId?: string };
    return { requester, ...(actor ? { actor } : {}), traceId: trace.traceId, spanId: trace.spanId, ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}), startTime: new Date(row.ontvangen) };
  }
}

/** Refuses at once what cannot be a delivery: nothing in it, or a CSV with a bad header or only a header. */
function checkShape(formaat: 'NDJSON' | 'CSV', shape: FileShape): void {
  if (!shape.hasContent) throw new InvalidInputError('The file is empty.', [{ in: 'body', name: '', code: 'empty-file', reason: 'no lines' }], 'empty-file');
  if (formaat !== 'CSV') return;
  const header = parseCsvHeader(shape.firstLine);
  if (Array.isArray(header)) throw new InvalidInputError(`The CSV header has ${header.length} problem(s); see invalidParams.`, header, 'csv-header');
  if (!shape.hasContentAfterFirstLine) {
    throw new InvalidInputError('The file has a header and no lines.', [{ in: 'body', name: '', code: 'empty-file', reason: 'only a header' }], 'empty-file');
  }
}

function toView(row: AanleveringRow): Aanlevering {
  return {
    id: row.id,
    status: row.status,
    formaat: row.formaat,
    ...(row.bestandsnaam ? { bestandsnaam: row.bestandsnaam } : {}),
    digest: row.digest,
    bytes: row.bytes,
    ontvangen: new Date(row.ontvangen).toISOString(),
    ...(row.afgerond !== null ? { afgerond: new Date(row.afgerond).toISOString() } : {}),
    aantallen: {
      totaal: row.geaccepteerd + row.afgewezen + row.onderdrukt + row.alBekend,
      geaccepteerd: row.geaccepteerd, afgewezen: row.afgewezen, onderdrukt: row.onderdrukt, alBekend: row.alBekend,
    },
  };
}
