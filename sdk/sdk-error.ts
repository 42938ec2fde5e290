import type { InvalidParam, OperationId, Problem } from './contract-types.js';

/** Prefix of every problem `type` the gateway sends; the rest is the problem code. */
const PROBLEM_TYPE_PREFIX = 'urn:nld:ketenpoort:probleem:';

/**
 * The codes of failures the SDK detects itself, before or without an answer from the gateway.
 * Refusals by the gateway carry the gateway's problem code instead (`invalid-input`,
 * `kenmerk-conflict`, `token-expired`, …; see the `Problem` schema of the contract).
 */
export type SdkErrorCode =
  /** A certificate, key or trust-anchor file cannot be read (wrong path, no permission). */
  | 'tls-file-unreadable'
  /** The certificate (chain) is not a PEM X.509 certificate. */
  | 'certificate-invalid'
  /** The certificate's subject has no 20-digit OIN in `serialNumber` (and none was configured). */
  | 'certificate-without-oin'
  /** The private key is not a PEM private key (or its passphrase is wrong). */
  | 'key-invalid'
  /** The private key does not belong to the certificate. */
  | 'key-certificate-mismatch'
  /** The trust anchors are not PEM certificates. */
  | 'trust-anchors-invalid'
  /** A file to send cannot be read, or a file to write cannot be written. */
  | 'file-unreadable'
  | 'file-unwritable'
  /** Any other client option that cannot work (e.g. the gateway URL). */
  | 'option-invalid'
  /** Nothing answers at the gateway URL (refused, host unknown, no route, connect timeout). */
  | 'gateway-unreachable'
  /** The gateway's TLS certificate does not verify against the configured trust anchors. */
  | 'gateway-certificate-untrusted'
  /** The TLS handshake failed otherwise (protocol, cipher, an alert from the gateway). */
  | 'tls-handshake-failed'
  /** The connection broke while the request was under way. */
  | 'connection-lost'
  /** The gateway took too long to answer. */
  | 'gateway-timeout'
  /** The caller aborted the request (its AbortSignal). */
  | 'aborted'
  /** The client was closed before the request. */
  | 'client-closed'
  /** The gateway answered something the contract does not describe (not problem+json, not JSON). */
  | 'invalid-response'
  /** Any other connection failure; `cause` has the original error. */
  | 'connection-failed';

/** What a {@link KetenpoortSdkError} is built from. */
export interface KetenpoortSdkErrorInit {
  code: SdkErrorCode | (string & {});
  title: string;
  detail: string;
  status?: number;
  problem?: Problem;
  invalidParams?: readonly InvalidParam[];
  operationId?: OperationId;
  transactionId?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The one error the SDK throws. Either the gateway refused (then `status` is the HTTP status and
 * `problem` the problem+json as received) or the SDK could not get an answer or could not start
 * (then `status` is undefined and `code` is an {@link SdkErrorCode}). Branch on `code`, never on
 * the message.
 *
 * @example
 * try {
 *   await client.leverAanwijzingAan(aanwijzing);
 * } catch (error) {
 *   if (error instanceof KetenpoortSdkError && error.code === 'kenmerk-conflict') … // another content under this kenmerk
 *   else throw error;
 * }
 */
export class KetenpoortSdkError extends Error {
  override readonly name = 'KetenpoortSdkError';
  /** The problem code (last segment of the problem `type`), or the SDK's own {@link SdkErrorCode}. */
  readonly code: SdkErrorCode | (string & {});
  /** HTTP status of the gateway's answer; undefined when there was none. */
  readonly status: number | undefined;
  readonly title: string;
  readonly detail: string;
  /** Every invalid item of a 400 (empty otherwise). */
  readonly invalidParams: readonly InvalidParam[];
  /** The problem+json body as the gateway sent it. */
  readonly problem: Problem | undefined;
  /** The operation that failed. */
  readonly operationId: OperationId | undefined;
  /** The gateway's `Fsc-Transaction-Id` of the request: quote it when reporting a problem. */
  readonly transactionId: string | undefined;
  /** Seconds the gateway asked to wait (`Retry-After` of a 429 or 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: KetenpoortSdkErrorInit) {
    const where = init.operationId ? `${init.operationId}: ` : '';
    const status = init.status !== undefined ? ` (${init.status} ${init.code})` : ` (${init.code})`;
    const params = (init.invalidParams ?? []).slice(0, 5).map((p) => `\n  - ${p.in} ${p.name || '(body)'}: ${p.reason}`).join('');
    super(`${where}${init.title}${status}: ${init.detail}${params}`, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.code = init.code;
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.invalidParams = init.invalidParams ?? [];
    this.problem = init.problem;
    this.operationId = init.operationId;
    this.transactionId = init.transactionId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** The error for a problem+json answer (or for an error answer that is not one). */
  static fromResponse(operationId: OperationId, status: number, body: unknown, headers: {
    transactionId?: string | undefined; retryAfterSeconds?: number | undefined;
  }): KetenpoortSdkError {
    const common = {
      status, operationId,
      ...(headers.transactionId !== undefined ? { transactionId: headers.transactionId } : {}),
      ...(headers.retryAfterSeconds !== undefined ? { retryAfterSeconds: headers.retryAfterSeconds } : {}),
    };
    if (!isProblem(body)) {
      return new KetenpoortSdkError({
        ...common, code: 'invalid-response', title: 'Unexpected answer',
        detail: `The gateway answered ${status} without problem details; is gatewayUrl the Ketenpoort API port?`,
      });
    }
    const code = body.type.startsWith(PROBLEM_TYPE_PREFIX) ? body.type.slice(PROBLEM_TYPE_PREFIX.length) : body.type;
    return new KetenpoortSdkError({
      ...common, code, title: body.title, detail: body.detail, problem: body,
      ...(Array.isArray(body.invalidParams) ? { invalidParams: body.invalidParams } : {}),
    });
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { type, title, detail } = body as Record<string, unknown>;
  return typeof type === 'string' && typeof title === 'string' && typeof detail === 'string';
}
