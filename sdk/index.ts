/**
 * `ketenpoort/sdk`: the TypeScript client of the Ketenpoort gateway, for senders (UWV, SVB),
 * receivers and software vendors. See the README section "SDK" and `examples/`.
 *
 * @packageDocumentation
 */

export { KetenpoortClient, type CallOptions, type OptOutWijzigingenAntwoord } from './ketenpoort-client.js';
export type { KetenpoortClientOptions } from './client-options.js';
export type { TlsOptions, PemInput } from './tls-material.js';
export type { SigningOptions, SignedHeaders, PayloadSignatureAlgorithm } from './payload-signer.js';
export { PayloadSigner } from './payload-signer.js';
export type { ClientAuthentication } from './token-source.js';
export type { RetryOptions } from './retry-policy.js';
export type { RequestEvent } from './http-transport.js';
export { KetenpoortSdkError, type SdkErrorCode, type KetenpoortSdkErrorInit } from './sdk-error.js';
export { FILE_TYPES, type FileFormat, type FileUploadOptions, type UploadProgress } from './file-upload.js';
export { CursorFeed, type FeedOptions, type FeedPage } from './cursor-feed.js';
export { OPERATION_ROUTES, type OperationRoute, type RetryClass } from './operation-routes.js';
export type {
  components, operations, paths, OperationId, JsonRequest, JsonResponse, QueryOf, PathOf,
  Problem, InvalidParam, TokenAanvraag, Token, PartijMij,
  Aanwijzing, AanwijzingAanlevering, AanwijzingStatus, AanwijzingenPagina, AanwijzingenFeedQuery,
  TerugkoppelingInvoer, Uitkomst, Intrekking, Aanlevering, AanleveringFoutenPagina, AanleveringFout, AanleveringFoutenQuery,
  Aanwijzingenlijst, Statistieken, StatistiekenQuery,
  OptOutRegistratie, OptOut, OptOutZoekvraag, OptOutZoekresultaat, OptOutWijzigingen, OptOutWijziging, OptOutWijzigingenQuery,
  Volgindicaties, VolgindicatiesResultaat, Verwerking, VerwerkingenPagina, VerwerkingenQuery, VerwerkingenZoekvraag,
} from './contract-types.js';
