import type { components, operations } from '../openapi/ketenpoort.js';

/**
 * The SDK's types, all taken from `openapi/ketenpoort.d.ts` (generated from the contract by
 * openapi-typescript). Nothing here is written by hand: when the contract changes a request or a
 * response, these types change with it and a caller that no longer fits fails `tsc`.
 */

export type { components, operations, paths } from '../openapi/ketenpoort.js';

/** The id of a contract operation (`leverAanwijzingAan`, `haalAanwijzingenFeed`, …). */
export type OperationId = keyof operations;

type ContentOf<R, Media extends string> = R extends { content: { [M in Media]: infer C } } ? C : never;

/** The JSON request body of an operation. */
export type JsonRequest<K extends OperationId> =
  operations[K] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/** The JSON response body of an operation for one status. */
export type JsonResponse<K extends OperationId, S extends keyof operations[K]['responses']> =
  ContentOf<operations[K]['responses'][S], 'application/json'>;

/** The query parameters of an operation (all optional unless the contract requires them). */
export type QueryOf<K extends OperationId> = NonNullable<operations[K]['parameters']['query']>;

/** The path parameters of an operation. */
export type PathOf<K extends OperationId> = NonNullable<operations[K]['parameters']['path']>;

type Schemas = components['schemas'];

/** RFC 9457 problem details as the gateway sends them. */
export type Problem = Schemas['Problem'];
/** One invalid item of a 400 answer. */
export type InvalidParam = Schemas['InvalidParam'];
/** The form of `POST /v1/oauth/token`. */
export type TokenAanvraag = Schemas['TokenAanvraag'];
/** An access token answer. */
export type Token = Schemas['Token'];
/** What `GET /v1/partijen/mij` says about the caller. */
export type PartijMij = Schemas['PartijMij'];
/** One signal as the gateway returns it. */
export type Aanwijzing = Schemas['Aanwijzing'];
/** One signal as a sender delivers it. */
export type AanwijzingAanlevering = Schemas['AanwijzingAanlevering'];
/** Lifecycle status of a signal. */
export type AanwijzingStatus = Schemas['AanwijzingStatus'];
/** One page of the receiver's feed. */
export type AanwijzingenPagina = Schemas['AanwijzingenPagina'];
/** Filters and paging of the receiver's feed. */
export type AanwijzingenFeedQuery = QueryOf<'haalAanwijzingenFeed'>;
/** The receiver's status report (and outcome when closing). */
export type TerugkoppelingInvoer = Schemas['TerugkoppelingInvoer'];
/** Outcome of a closed signal. */
export type Uitkomst = Schemas['Uitkomst'];
/** The sender's withdrawal of a signal. */
export type Intrekking = Schemas['Intrekking'];
/** A delivered file of signals: status and counts. */
export type Aanlevering = Schemas['Aanlevering'];
/** One page of the rejected lines of a file. */
export type AanleveringFoutenPagina = Schemas['AanleveringFoutenPagina'];
/** One rejected line of a file. */
export type AanleveringFout = AanleveringFoutenPagina['fouten'][number];
/** The periodic (monthly) list of a receiver, as JSON. */
export type Aanwijzingenlijst = Schemas['Aanwijzingenlijst'];
/** The sender's outcome statistics. */
export type Statistieken = Schemas['Statistieken'];
/** Period of the statistics (`vanaf` inclusive, `tot` exclusive). */
export type StatistiekenQuery = QueryOf<'haalStatistieken'>;
/** A registration in the joint opt-out register. */
export type OptOutRegistratie = Schemas['OptOutRegistratie'];
/** An opt-out. */
export type OptOut = Schemas['OptOut'];
/** A bulk opt-out look-up. */
export type OptOutZoekvraag = Schemas['OptOutZoekvraag'];
/** The answer to a bulk opt-out look-up. */
export type OptOutZoekresultaat = Schemas['OptOutZoekresultaat'];
/** One page of opt-out changes for followed persons. */
export type OptOutWijzigingen = Schemas['OptOutWijzigingen'];
/** One opt-out change. */
export type OptOutWijziging = OptOutWijzigingen['wijzigingen'][number];
/** Paging and long poll of the opt-out changes feed. */
export type OptOutWijzigingenQuery = QueryOf<'haalOptOutWijzigingen'>;
/** BSNs to follow or stop following. */
export type Volgindicaties = Schemas['Volgindicaties'];
/** How many follow indications a request placed or removed. */
export type VolgindicatiesResultaat = Schemas['VolgindicatiesResultaat'];
/** One processing-log record. */
export type Verwerking = Schemas['Verwerking'];
/** One page of processing-log records. */
export type VerwerkingenPagina = Schemas['VerwerkingenPagina'];
/** Paging and filter of the caller's processing log. */
export type VerwerkingenQuery = QueryOf<'haalVerwerkingen'>;
/** A search of the processing log for one person. */
// openapi-typescript marks a member with a default as required; in a request it may be left out.
export type VerwerkingenZoekvraag = Omit<Schemas['VerwerkingenZoekvraag'], 'limiet'> & Partial<Pick<Schemas['VerwerkingenZoekvraag'], 'limiet'>>;
/** Paging of a file's rejected lines. */
export type AanleveringFoutenQuery = QueryOf<'haalAanleveringFouten'>;
