import type { OperationId } from './contract-types.js';
import type { RetryClass } from './operation-routes.js';
import { KetenpoortSdkError, type SdkErrorCode } from './sdk-error.js';

/**
 * Failures of the connection (undici `UND_ERR_*`, Node `E*` and OpenSSL codes) → one
 * {@link KetenpoortSdkError} that says what to fix. Decided on `err.code` only, never on message text.
 */

/** Codes meaning the request never reached the gateway: sending it again is always safe. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Codes meaning the connection broke; the request may or may not have been processed. */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** OpenSSL verification codes for a server certificate the trust anchors do not vouch for. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** Never sent, and possibly temporary (a gateway restarting, a network blip); not a wrong host name. */
const TRANSIENT = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The `code` of an error, or of the first coded error inside an AggregateError (happy eyeballs). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) for (const e of inner) { const code = errorCode(e); if (code) return code; }
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? errorCode(cause) : undefined;
}

/**
 * Whether a request that failed this way may be sent again: always when it never reached the
 * gateway and the cause may pass (refused, no route, connect timeout); after a dropped or timed-out
 * connection only when repeating it is harmless.
 */
export function connectionMayRecover(error: unknown, retry: RetryClass): boolean {
  const code = errorCode(error);
  if (code === undefined) return false;
  if (TRANSIENT.has(code)) return true;
  return retry !== 'never' && (LOST.has(code) || TIMEOUT.has(code));
}

/** True for an abort by the caller's AbortSignal. */
export function isAbort(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR' || (error instanceof Error && error.name === 'AbortError');
}

/**
 * The SDK error for a failed connection to `gatewayUrl`.
 * @param signal the caller's signal: once it is aborted, the failure is the abort, whatever its reason
 *   (`AbortSignal.timeout()` rejects with a `TimeoutError`, not an `AbortError`)
 */
export function connectionError(error: unknown, gatewayUrl: string, operationId?: OperationId, signal?: AbortSignal): KetenpoortSdkError {
  if (error instanceof KetenpoortSdkError) return error;
  const code = errorCode(error);
  const make = (sdkCode: SdkErrorCode, title: string, detail: string) => new KetenpoortSdkError({
    code: sdkCode, title, detail: `${detail}${code ? ` [${code}]` : ''}`, cause: error, ...(operationId ? { operationId } : {}),
  });
  if (isAbort(error) || signal?.aborted === true) return make('aborted', 'Aborted', 'The request was aborted by its AbortSignal.');
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
    return make('client-closed', 'Client closed', 'This client (or the one it was made from with namens()) was closed; make a new KetenpoortClient.');
  }
  if (code === 'ECONNREFUSED') {
    return make('gateway-unreachable', 'Gateway unreachable', `Nothing accepts connections at ${gatewayUrl}: is the gateway running, and are host and port in gatewayUrl right?`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return make('gateway-unreachable', 'Gateway unreachable', `The host name of ${gatewayUrl} cannot be resolved: check gatewayUrl (and DNS).`);
  }
  if (code !== undefined && NOT_SENT.has(code)) {
    return make('gateway-unreachable', 'Gateway unreachable', `No connection to ${gatewayUrl} could be made: check gatewayUrl and the network (firewall, proxy).`);
  }
  if (code !== undefined && UNTRUSTED.has(code)) {
    return make('gateway-certificate-untrusted', 'Gateway certificate not trusted',
      `The TLS certificate of ${gatewayUrl} does not verify against trustAnchors (or does not name its host): configure the gateway's root certificate as trustAnchors (certs/dev/ca/trust-anchors.pem in development).`);
  }
  if (code !== undefined && (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_'))) {
    return make('tls-handshake-failed', 'TLS handshake failed', `The TLS handshake with ${gatewayUrl} failed: is gatewayUrl the gateway's https API port, and do both sides allow TLS 1.2 or 1.3?`);
  }
  if (code !== undefined && TIMEOUT.has(code)) {
    return make('gateway-timeout', 'Gateway timeout', `${gatewayUrl} did not answer in time; try again later or raise timeoutMs.`);
  }
  if (code !== undefined && LOST.has(code)) {
    return make('connection-lost', 'Connection lost', `The connection to ${gatewayUrl} broke during the request; whether it was processed is unknown.`);
  }
  return make('connection-failed', 'Connection failed', `The request to ${gatewayUrl} failed.`);
}
