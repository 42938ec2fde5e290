import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { checkOin, resolveUrls, type KetenpoortClientOptions } from './client-options.js';
import type {
  Aanlevering, AanleveringFout, AanleveringFoutenPagina, AanleveringFoutenQuery, Aanwijzing, AanwijzingAanlevering,
  AanwijzingenFeedQuery, Aanwijzingenlijst, AanwijzingenPagina, Intrekking, JsonResponse, OperationId, OptOut,
  OptOutRegistratie, OptOutWijziging, OptOutWijzigingen, OptOutWijzigingenQuery, OptOutZoekresultaat, OptOutZoekvraag,
  PartijMij, PathOf, QueryOf, Statistieken, StatistiekenQuery, TerugkoppelingInvoer, Token, TokenAanvraag, Verwerking,
  VerwerkingenPagina, VerwerkingenQuery, VerwerkingenZoekvraag, Volgindicaties, VolgindicatiesResultaat,
} from './contract-types.js';
import { CursorFeed, type FeedOptions } from './cursor-feed.js';
import { describeFile, digestFile, FILE_TYPES, uploadStream, type FileUploadOptions } from './file-upload.js';
import type { Readable } from 'node:stream';
import { connectionError } from './connection-errors.js';
import { HttpTransport, parseJson, single, type PreparedRequest, type TransportResponse } from './http-transport.js';
import { OPERATION_ROUTES } from './operation-routes.js';
import { PayloadSigner } from './payload-signer.js';
import { RetryPolicy } from './retry-policy.js';
import { KetenpoortSdkError } from './sdk-error.js';
import { loadTlsMaterial, mutualTlsAgent } from './tls-material.js';
import { TokenSource } from './token-source.js';

/** Per call: an AbortSignal to give up on it. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The answer of {@link KetenpoortClient.haalOptOutWijzigingen}: changes, or 304 for an unchanged feed. */
export type OptOutWijzigingenAntwoord =
  | { readonly status: 200; readonly etag: string | undefined; readonly body: OptOutWijzigingen }
  | { readonly status: 304; readonly etag: string | undefined };

const SDK_VERSION = '0.1.0';

/**
 * The Ketenpoort client: mutual TLS, access tokens (renewed before they expire), signed deliveries,
 * retries where they are safe, and one method per contract operation, named after its operationId
 * and typed from the contract. Every failure is a {@link KetenpoortSdkError}.
 *
 * @example
 * const client = new KetenpoortClient({
 *   gatewayUrl: 'https://localhost:8443',
 *   tls: { certificate: 'certs/dev/partijen/uwv/chain.pem', key: 'certs/dev/partijen/uwv/key.pem',
 *          trustAnchors: 'certs/dev/ca/trust-anchors.pem' },
 * });
 * const mij = await client.haalPartijMij();
 * await client.close();
 */
export class KetenpoortClient {
  /** The party's OIN (from the certificate unless configured). */
  readonly oin: string;
  /** The municipality this client acts for (vendors), if any. */
  readonly namensOin: string | undefined;
  readonly #options: KetenpoortClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #transport: HttpTransport;
  readonly #tokens: TokenSource;
  readonly #signer: PayloadSigner;

  /** @throws KetenpoortSdkError for unreadable or mismatched TLS material and invalid options */
  constructor(options: KetenpoortClientOptions) {
    const urls = resolveUrls(options);
    const material = loadTlsMaterial(options.tls);
    const oin = options.oin !== undefined ? checkOin(options.oin, 'oin') : material.oin;
    if (oin === undefined) {
      throw new KetenpoortSdkError({ code: 'certificate-without-oin', title: 'No OIN', detail: 'The certificate subject has no 20-digit serialNumber (OIN); give the option oin.' });
    }
    this.oin = oin;
    this.namensOin = options.namens !== undefined ? checkOin(options.namens, 'namens') : undefined;
    this.#options = options;
    this.#signer = new PayloadSigner(options.signing ?? {}, { key: material.key, certificatePem: material.certificatePem });
    const timeoutMs = options.timeoutMs ?? 120_000;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? mutualTlsAgent(material, { timeoutMs });
    const now = options.now ?? Date.now;
    this.#transport = new HttpTransport({
      gatewayUrl: urls.gatewayUrl, dispatcher: this.#dispatcher, retry: new RetryPolicy(options.retry),
      userAgent: `ketenpoort-sdk/${SDK_VERSION} node/${process.versions.node}`, now, observer: options.observer,
    });
    this.#tokens = new TokenSource({
      transport: this.#transport, oin, authentication: options.clientAuthentication ?? 'private_key_jwt',
      assertionKey: material.key, audience: urls.tokenAudience, namens: this.namensOin, scope: options.scope, now,
    });
  }

  /** A client for the same party acting for municipality `oin` (vendors): same connections, its own tokens. */
  namens(oin: string): KetenpoortClient {
    return new KetenpoortClient({ ...this.#options, namens: oin, dispatcher: this.#dispatcher });
  }

  /** Closes the connections (of a client that made its own); clients from {@link namens} share them. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  // ---- Contract and access --------------------------------------------------------------------

  /** `GET /v1/openapi.json`: the contract (no token needed). */
  async haalContractJson(opties: CallOptions = {}): Promise<JsonResponse<'haalContractJson', 200>> {
    return this.#json('haalContractJson', () => ({}), opties);
  }

  /** `GET /v1/openapi.yaml`: the contract as YAML text (no token needed). */
  async haalContractYaml(opties: CallOptions = {}): Promise<string> {
    const response = await this.#send('haalContractYaml', () => ({ headers: { accept: 'application/yaml' } }), opties);
    return response.body.toString('utf8');
  }

  /**
   * `POST /v1/oauth/token`: a new access token as configured (with `overrides` such as `namens`).
   * The other methods get and renew tokens themselves; this is for inspection and other tools.
   */
  async vraagToken(overrides: Partial<TokenAanvraag> = {}, opties: CallOptions = {}): Promise<Token> {
    return this.#tokens.request(overrides, opties.signal);
  }

  /** `GET /v1/partijen/mij`: who the gateway sees (OIN, roles, scopes, on whose behalf). */
  async haalPartijMij(opties: CallOptions = {}): Promise<PartijMij> {
    return this.#json('haalPartijMij', () => ({}), opties);
  }

  // ---- Aanwijzingen (sender) -----------------------------------------------------------------

  /**
   * `POST /v1/aanwijzingen`: delivers one signal, signed (Digest + Payload-Signature). Idempotent by
   * `kenmerk`: the same content again returns the existing signal; other content is `kenmerk-conflict`.
   */
  async leverAanwijzingAan(aanlevering: AanwijzingAanlevering, opties: CallOptions = {}): Promise<Aanwijzing> {
    return this.#signed('leverAanwijzingAan', Buffer.from(JSON.stringify(aanlevering), 'utf8'), 'application/json', {}, opties);
  }

  /**
   * `POST /v1/aanleveringen`: delivers a file of signals (NDJSON or CSV bytes), signed; the answer is
   * the aanlevering being processed (poll {@link haalAanlevering} until `VERWERKT`).
   */
  async leverBestandAan(bestand: Uint8Array, opties: CallOptions & { formaat: keyof typeof FILE_TYPES } & QueryOf<'leverBestandAan'>): Promise<Aanlevering> {
    return this.#signed('leverBestandAan', bestand, FILE_TYPES[opties.formaat], { bestandsnaam: opties.bestandsnaam }, opties);
  }

  /**
   * Sends a file from disk as one aanlevering, the way an operator should: reads it once for its
   * `Digest`, signs that, streams the file (memory stays flat whatever its size) and then, unless
   * `wachtOpVerwerking` is false, asks for the report until every line has an outcome. Sending the
   * same file again (after a failure) returns the same aanlevering: nothing is counted twice.
   * @throws KetenpoortSdkError `file-unreadable`, `option-invalid` (format unknown), or the gateway's refusal
   */
  async verstuurBestand(pad: string, opties: CallOptions & FileUploadOptions = {}): Promise<Aanlevering> {
    const file = await describeFile(pad, opties);
    const digest = await digestFile(file, opties.onProgress);
    const payloadSignature = await this.#signer.signDigest(digest);
    let aanlevering = await this.#json('leverBestandAan', () => ({
      query: { bestandsnaam: file.bestandsnaam },
      body: uploadStream(file, opties.onProgress),
      headers: { 'content-type': FILE_TYPES[file.formaat], 'content-length': String(file.size), digest, 'payload-signature': payloadSignature },
    }), opties);
    if (opties.wachtOpVerwerking === false) return aanlevering;
    const interval = opties.pollIntervalMs ?? 1000;
    for (;;) {
      opties.onProgress?.({ phase: 'processing', bytes: file.size, totalBytes: file.size, lines: aanlevering.aantallen.totaal, aanlevering });
      if (aanlevering.status === 'VERWERKT') return aanlevering;
      try {
        await sleep(interval, undefined, opties.signal ? { signal: opties.signal } : undefined);
      } catch (error) {
        throw connectionError(error, this.#transport.gatewayUrl, 'haalAanlevering', opties.signal);
      }
      aanlevering = await this.haalAanlevering(aanlevering.id, signalOf(opties.signal));
    }
  }

  /** `GET /v1/aanleveringen/{id}`: status and counts of a delivered file. */
  async haalAanlevering(id: PathOf<'haalAanlevering'>['id'], opties: CallOptions = {}): Promise<Aanlevering> {
    return this.#json('haalAanlevering', () => ({ pathParams: { id } }), opties);
  }

  /** `GET /v1/aanleveringen/{id}/fouten`: one page of a file's rejected lines. */
  async haalAanleveringFouten(id: PathOf<'haalAanleveringFouten'>['id'], query: AanleveringFoutenQuery = {}, opties: CallOptions = {}): Promise<AanleveringFoutenPagina> {
    return this.#json('haalAanleveringFouten', () => ({ pathParams: { id }, query }), opties);
  }

  /** `POST /v1/aanwijzingen/{id}/intrekking`: the sender withdraws an open signal (never retried). */
  async trekAanwijzingIn(id: PathOf<'trekAanwijzingIn'>['id'], intrekking: Intrekking, opties: CallOptions = {}): Promise<Aanwijzing> {
    return this.#json('trekAanwijzingIn', () => jsonBody(intrekking, { id }), opties);
  }

  /** `GET /v1/statistieken`: counts of the sender's signals per regeling, reason, status and outcome. */
  async haalStatistieken(query: StatistiekenQuery, opties: CallOptions = {}): Promise<Statistieken> {
    return this.#json('haalStatistieken', () => ({ query }), opties);
  }

  // ---- Aanwijzingen (receiver) ---------------------------------------------------------------

  /** `GET /v1/aanwijzingen`: one page of the feed; see {@link aanwijzingenFeed} to follow it. */
  async haalAanwijzingenFeed(query: AanwijzingenFeedQuery = {}, opties: CallOptions = {}): Promise<AanwijzingenPagina> {
    return this.#json('haalAanwijzingenFeed', () => ({ query }), opties);
  }

  /** `GET /v1/aanwijzingen/{id}`: one signal, with the sender's signature and signed bytes. */
  async haalAanwijzing(id: PathOf<'haalAanwijzing'>['id'], opties: CallOptions = {}): Promise<Aanwijzing> {
    return this.#json('haalAanwijzing', () => ({ pathParams: { id } }), opties);
  }

  /** `PUT /v1/aanwijzingen/{id}/terugkoppeling`: the receiver reports status (and outcome when closing). */
  async geefTerugkoppeling(id: PathOf<'geefTerugkoppeling'>['id'], terugkoppeling: TerugkoppelingInvoer, opties: CallOptions = {}): Promise<Aanwijzing> {
    return this.#json('geefTerugkoppeling', () => jsonBody(terugkoppeling, { id }), opties);
  }

  /** `GET /v1/aanwijzingenlijsten/{periode}`: the monthly list (`YYYY-MM`) as JSON, or as NDJSON/CSV text. */
  async haalAanwijzingenlijst(periode: string, opties?: CallOptions & { formaat?: 'json' }): Promise<Aanwijzingenlijst>;
  async haalAanwijzingenlijst(periode: string, opties: CallOptions & { formaat: 'ndjson' | 'csv' }): Promise<string>;
  async haalAanwijzingenlijst(periode: PathOf<'haalAanwijzingenlijst'>['periode'], opties: CallOptions & { formaat?: 'json' | 'ndjson' | 'csv' } = {}): Promise<Aanwijzingenlijst | string> {
    const formaat = opties.formaat ?? 'json';
    const accept = formaat === 'json' ? 'application/json' : FILE_TYPES[formaat];
    const response = await this.#send('haalAanwijzingenlijst', () => ({ pathParams: { periode }, headers: { accept } }), opties);
    return formaat === 'json' ? this.#parse('haalAanwijzingenlijst', response) : response.body.toString('utf8');
  }

  /**
   * Downloads the monthly list (`YYYY-MM`) into a file, streamed: it is written next to `pad` and
   * renamed into place only when complete, so `pad` never holds half a list.
   * @returns the number of bytes written
   * @throws KetenpoortSdkError `file-unwritable`, or the gateway's refusal
   */
  async downloadAanwijzingenlijst(periode: PathOf<'haalAanwijzingenlijst'>['periode'], pad: string,
    opties: CallOptions & { formaat: 'json' | 'ndjson' | 'csv' }): Promise<number> {
    const accept = opties.formaat === 'json' ? 'application/json' : FILE_TYPES[opties.formaat];
    const partial = `${pad}.part`;
    let bytes = 0;
    try {
      await this.#send('haalAanwijzingenlijst', () => ({ pathParams: { periode }, headers: { accept } }), {
        ...signalOf(opties.signal),
        sink: async (body) => {
          const out = createWriteStream(partial, { flags: 'w', mode: 0o640 });
          body.on('data', (chunk: Buffer) => { bytes += chunk.length; });
          try {
            await pipeline(body, out);
          } catch (error) {
            if (out.bytesWritten === 0 && (error as { syscall?: string }).syscall === 'open') {
              throw new KetenpoortSdkError({ code: 'file-unwritable', title: 'File unwritable', detail: `${pad} cannot be written (${(error as { code?: string }).code ?? 'error'}).`, cause: error });
            }
            throw error;
          }
        },
      });
      await rename(partial, pad);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return bytes;
  }

  // ---- Opt-outs and follow indications -------------------------------------------------------

  /** `POST /v1/opt-outs`: registers a citizen's opt-out (what is active already is returned as is). */
  async registreerOptOut(registratie: OptOutRegistratie, opties: CallOptions = {}): Promise<OptOut> {
    return this.#json('registreerOptOut', () => jsonBody(registratie), opties);
  }

  /** `POST /v1/opt-outs/_zoek`: opt-out status of 1 to 10,000 persons, in the order asked. */
  async zoekOptOuts(vraag: OptOutZoekvraag, opties: CallOptions = {}): Promise<OptOutZoekresultaat> {
    return this.#json('zoekOptOuts', () => jsonBody(vraag), opties);
  }

  /** `GET /v1/opt-outs/{id}`. */
  async haalOptOut(id: PathOf<'haalOptOut'>['id'], opties: CallOptions = {}): Promise<OptOut> {
    return this.#json('haalOptOut', () => ({ pathParams: { id } }), opties);
  }

  /** `DELETE /v1/opt-outs/{id}`: withdraws an opt-out (the history stays). */
  async trekOptOutIn(id: PathOf<'trekOptOutIn'>['id'], opties: CallOptions = {}): Promise<OptOut> {
    return this.#json('trekOptOutIn', () => ({ pathParams: { id } }), opties);
  }

  /** `POST /v1/volgindicaties`: follow these persons' opt-out changes (idempotent). */
  async plaatsVolgindicaties(volgindicaties: Volgindicaties, opties: CallOptions = {}): Promise<VolgindicatiesResultaat> {
    return this.#json('plaatsVolgindicaties', () => jsonBody(volgindicaties), opties);
  }

  /** `POST /v1/volgindicaties/_verwijder`: stop following these persons (idempotent). */
  async verwijderVolgindicaties(volgindicaties: Volgindicaties, opties: CallOptions = {}): Promise<VolgindicatiesResultaat> {
    return this.#json('verwijderVolgindicaties', () => jsonBody(volgindicaties), opties);
  }

  /**
   * `GET /v1/opt-outs/wijzigingen`: one page of changes for followed persons; with `ifNoneMatch` an
   * unchanged feed is a 304, with `wacht` the gateway holds the request until a change (long poll).
   * See {@link optOutWijzigingenFeed} to follow it.
   */
  async haalOptOutWijzigingen(query: OptOutWijzigingenQuery = {}, opties: CallOptions & { ifNoneMatch?: string } = {}): Promise<OptOutWijzigingenAntwoord> {
    const headers: Record<string, string> = opties.ifNoneMatch !== undefined ? { 'if-none-match': opties.ifNoneMatch } : {};
    const response = await this.#send('haalOptOutWijzigingen', () => ({ query, headers }), { ...opties, expect: [200, 304] });
    const etag = single(response.headers.etag);
    return response.status === 304 ? { status: 304, etag } : { status: 200, etag, body: this.#parse('haalOptOutWijzigingen', response) };
  }

  // ---- Processing log ------------------------------------------------------------------------

  /** `GET /v1/verwerkingen`: one page of the caller's processing-log records. */
  async haalVerwerkingen(query: VerwerkingenQuery = {}, opties: CallOptions = {}): Promise<VerwerkingenPagina> {
    return this.#json('haalVerwerkingen', () => ({ query }), opties);
  }

  /** `POST /v1/verwerkingen/_zoek`: the caller's records about one person (access requests). */
  async zoekVerwerkingen(vraag: VerwerkingenZoekvraag, opties: CallOptions = {}): Promise<VerwerkingenPagina> {
    return this.#json('zoekVerwerkingen', () => jsonBody(vraag), opties);
  }

  // ---- Feeds ---------------------------------------------------------------------------------

  /** The receiver's feed as an async iterator that follows `volgende`; save `feed.cursor` to resume. */
  aanwijzingenFeed(options: FeedOptions & Omit<AanwijzingenFeedQuery, 'na'> = {}): CursorFeed<Aanwijzing> {
    const { na, follow, pollIntervalMs, signal, ...query } = options;
    return new CursorFeed(async (cursor, _etag, abort) => {
      const page = await this.haalAanwijzingenFeed({ ...query, ...(cursor !== undefined ? { na: cursor } : {}) }, signalOf(abort));
      return { items: page.aanwijzingen, volgende: page.volgende };
    }, feedOptions(options));
  }

  /** The caller's processing log, page after page. */
  verwerkingenFeed(options: FeedOptions & Omit<VerwerkingenQuery, 'na'> = {}): CursorFeed<Verwerking> {
    const { na, follow, pollIntervalMs, signal, ...query } = options;
    return new CursorFeed(async (cursor, _etag, abort) => {
      const page = await this.haalVerwerkingen({ ...query, ...(cursor !== undefined ? { na: cursor } : {}) }, signalOf(abort));
      return { items: page.verwerkingen, volgende: page.volgende };
    }, feedOptions(options));
  }

  /** The rejected lines of a delivered file, page after page. */
  aanleveringFoutenFeed(id: string, options: FeedOptions & Omit<AanleveringFoutenQuery, 'na'> = {}): CursorFeed<AanleveringFout> {
    const { na, follow, pollIntervalMs, signal, ...query } = options;
    return new CursorFeed(async (cursor, _etag, abort) => {
      const page = await this.haalAanleveringFouten(id, { ...query, ...(cursor !== undefined ? { na: cursor } : {}) }, signalOf(abort));
      return { items: page.fouten, volgende: page.volgende };
    }, feedOptions(options));
  }

  /**
   * Opt-out changes for the persons followed, as an async iterator. Sends the last ETag as
   * `If-None-Match` (an unchanged feed costs a 304); with `follow` it long-polls (`wacht`, default
   * 30 s) until `signal` aborts. Save `feed.cursor` (and `feed.etag`) to resume.
   */
  optOutWijzigingenFeed(options: FeedOptions & Omit<OptOutWijzigingenQuery, 'na'> & { etag?: string } = {}): CursorFeed<OptOutWijziging> {
    const { na, follow, pollIntervalMs, signal, etag, ...rest } = options;
    const query = { ...rest, ...(follow && rest.wacht === undefined ? { wacht: 30 } : {}) };
    return new CursorFeed(async (cursor, lastEtag, abort) => {
      const answer = await this.haalOptOutWijzigingen({ ...query, ...(cursor !== undefined ? { na: cursor } : {}) },
        { ...signalOf(abort), ...(lastEtag !== undefined ? { ifNoneMatch: lastEtag } : {}) });
      if (answer.status === 304) return 'not-modified';
      return { items: answer.body.wijzigingen, volgende: answer.body.volgende, etag: answer.etag };
    }, { ...feedOptions(options), pollIntervalMs: pollIntervalMs ?? ((query.wacht ?? 0) > 0 ? 0 : 5000), ...(etag !== undefined ? { etag } : {}) });
  }

  // ---- Plumbing ------------------------------------------------------------------------------

  async #signed<K extends 'leverAanwijzingAan' | 'leverBestandAan'>(operationId: K, body: Uint8Array, contentType: string,
    query: Record<string, string | undefined>, opties: CallOptions): Promise<JsonResponse<K, 200>> {
    const { digest, payloadSignature } = await this.#signer.sign(body);
    return this.#json(operationId, () => ({
      query, body, headers: { 'content-type': contentType, digest, 'payload-signature': payloadSignature },
    }), opties);
  }

  async #json<K extends OperationId>(operationId: K, prepare: () => PreparedRequest, opties: CallOptions): Promise<JsonResponse<K, 200>> {
    return this.#parse(operationId, await this.#send(operationId, prepare, opties));
  }

  #parse<T>(operationId: OperationId, response: TransportResponse): T {
    const body = parseJson(response.body, response.headers);
    if (body === undefined) {
      throw new KetenpoortSdkError({ code: 'invalid-response', status: response.status, operationId, title: 'Unexpected answer', detail: `The gateway answered ${response.status} without a JSON body.` });
    }
    return body as T;
  }

  /** Sends an operation with a bearer token where it needs one; a refused token is forgotten. */
  async #send(operationId: OperationId, prepare: () => PreparedRequest,
    opties: CallOptions & { expect?: number[]; sink?: (body: Readable) => Promise<void> }): Promise<TransportResponse> {
    const needsToken = OPERATION_ROUTES[operationId].auth === 'token';
    try {
      return await this.#transport.send(operationId, async () => {
        if (!needsToken) return prepare();
        // The token first: a request body that is a file stream is opened only when it will be sent.
        const authorization = `Bearer ${await this.#tokens.bearer()}`;
        const request = prepare();
        return { ...request, headers: { ...request.headers, authorization } };
      }, opties);
    } catch (error) {
      if (error instanceof KetenpoortSdkError && error.status === 401 && error.operationId === operationId) this.#tokens.invalidate();
      throw error;
    }
  }
}

function jsonBody(body: unknown, pathParams?: Record<string, string>): PreparedRequest {
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, ...(pathParams ? { pathParams } : {}) };
}

function signalOf(signal: AbortSignal | undefined): CallOptions {
  return signal ? { signal } : {};
}

function feedOptions(options: FeedOptions): FeedOptions {
  const { na, follow, pollIntervalMs, signal } = options;
  return {
    ...(na !== undefined ? { na } : {}), ...(follow !== undefined ? { follow } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}), ...(signal !== undefined ? { signal } : {}),
  };
}
