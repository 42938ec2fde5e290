import type { Dispatcher } from 'undici';
import type { RequestEvent } from './http-transport.js';
import type { SigningOptions } from './payload-signer.js';
import type { RetryOptions } from './retry-policy.js';
import { KetenpoortSdkError } from './sdk-error.js';
import type { TlsOptions } from './tls-material.js';
import type { ClientAuthentication } from './token-source.js';

/** How to reach the gateway and who the client is. Only `gatewayUrl` and `tls` are required. */
export interface KetenpoortClientOptions {
  /** The gateway's base URL, e.g. `https://localhost:8443` (a trailing `/v1` is allowed). */
  gatewayUrl: string;
  /** Mutual TLS: the party's certificate chain and key, and the gateway's trust anchors. */
  tls: TlsOptions;
  /** The party's OIN; default: the `serialNumber` in the certificate's subject. */
  oin?: string;
  /** `private_key_jwt` (default) or `tls_client_auth`. */
  clientAuthentication?: ClientAuthentication;
  /** For a vendor: the OIN of the municipality it acts for (see also `client.namens(oin)`). */
  namens?: string;
  /** Space-separated scopes to ask for; default all the party may have. */
  scope?: string;
  /** `aud` of client assertions; default `<gatewayUrl>/v1/oauth/token`. Set it when the gateway's public URL differs from the URL you call. */
  tokenAudience?: string;
  /** Payload signing of deliveries; default the mTLS key, PS256 (ES256 for an EC key). */
  signing?: SigningOptions;
  /** Retries of what is safe to repeat; `{ retries: 0 }` turns them off. */
  retry?: RetryOptions;
  /** How long to wait for an answer (ms, default 120,000; a long poll waits at most 60 s). */
  timeoutMs?: number;
  /** An undici dispatcher of your own (proxy, mocking); then `tls` is used for tokens and signing only. */
  dispatcher?: Dispatcher;
  /** Told about every attempt (operation, status, duration); for logging and metrics. */
  observer?: (event: RequestEvent) => void;
  /** The clock (ms since the epoch) used for token renewal and assertions; for tests. */
  now?: () => number;
}

/** The options checked and completed. */
export interface ResolvedUrls {
  /** Scheme, host and port (and any base path), without a trailing slash or `/v1`. */
  readonly gatewayUrl: string;
  readonly tokenAudience: string;
}

/**
 * Checks the gateway URL and derives the token audience.
 * @throws KetenpoortSdkError `option-invalid`
 */
export function resolveUrls(options: Pick<KetenpoortClientOptions, 'gatewayUrl' | 'tokenAudience'>): ResolvedUrls {
  let url: URL;
  try {
    url = new URL(options.gatewayUrl);
  } catch (error) {
    throw invalid(`gatewayUrl "${options.gatewayUrl}" is not a URL; give e.g. https://localhost:8443.`, error);
  }
  if (url.protocol !== 'https:') throw invalid(`gatewayUrl must use https (the gateway only speaks mutual TLS); got ${url.protocol}//.`);
  if (url.search || url.hash) throw invalid('gatewayUrl must not have a query or fragment.');
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
  return { gatewayUrl: base, tokenAudience: options.tokenAudience ?? `${base}/v1/oauth/token` };
}

/**
 * Checks an OIN option.
 * @throws KetenpoortSdkError `option-invalid`
 */
export function checkOin(value: string, option: string): string {
  if (!/^[0-9]{20}$/.test(value)) throw invalid(`${option} must be an OIN of 20 digits; got "${value.slice(0, 40)}".`);
  return value;
}

function invalid(detail: string, cause?: unknown): KetenpoortSdkError {
  return new KetenpoortSdkError({ code: 'option-invalid', title: 'Invalid client option', detail, ...(cause !== undefined ? { cause } : {}) });
}
