import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Party, PartyRegistry } from '../domain/party-registry.js';
import { ForbiddenError } from '../errors.js';
import { isTestOin, isValidOin } from './oin.js';

/** What the gateway knows about a TLS connection's client certificate, computed once per connection. */
export interface ConnectionIdentity {
  readonly oin: string;
  readonly party: Party;
  /** base64url SHA-256 of the certificate's DER: the RFC 8705 `x5t#S256` tokens are bound to. */
  readonly thumbprint: string;
  readonly certificate: {
    readonly subject: string;
    readonly issuer: string;
    readonly serialNumber: string;
    readonly validTo: Date;
  };
}

type Verdict = ConnectionIdentity | ForbiddenError;

/** OpenSSL verification codes (as Node reports them in `authorizationError`) → our problem codes. */
const TLS_REFUSALS: Readonly<Record<string, { code: string; detail: string }>> = {
  CERT_HAS_EXPIRED: { code: 'client-certificate-expired', detail: 'The client certificate has expired.' },
  CERT_NOT_YET_VALID: { code: 'client-certificate-untrusted', detail: 'The client certificate is not valid yet.' },
  CERT_REVOKED: { code: 'client-certificate-revoked', detail: 'The client certificate has been revoked by its CA.' },
  // The gateway holds a CRL for each of its own CAs, so a missing CRL means the chain is not ours.
  UNABLE_TO_GET_CRL: { code: 'client-certificate-untrusted', detail: 'The client certificate does not chain to a trust anchor of this gateway (no CRL is known for its CA).' },
  CRL_HAS_EXPIRED: { code: 'client-certificate-untrusted', detail: 'The revocation status of the client certificate is unknown (the CRL has expired).' },
};

/**
 * Parses each TLS connection's client certificate once and remembers the verdict for the life of
 * the socket. Calling `getPeerCertificate()` per request halves throughput; a WeakMap on the
 * socket makes every later request on a keep-alive connection a map lookup.
 */
export class ConnectionIdentifier {
  readonly #verdicts = new WeakMap<Socket, Verdict>();

  constructor(
    private readonly registry: PartyRegistry,
    private readonly options: { production: boolean },
  ) {}

  /**
   * The identity behind this connection.
   * @throws ForbiddenError (code `client-certificate-*`, `test-oin-refused` or `unknown-party`)
   */
  identify(socket: Socket): ConnectionIdentity {
    let verdict = this.#verdicts.get(socket);
    if (verdict === undefined) {
      verdict = this.#judge(socket);
      this.#verdicts.set(socket, verdict);
    }
    if (verdict instanceof ForbiddenError) throw verdict;
    return verdict;
  }

  /** The verdict without throwing; undefined when the connection is not usable. Used for rate-limit keys. */
  tryIdentify(socket: Socket): ConnectionIdentity | undefined {
    try {
      return this.identify(socket);
    } catch {
      return undefined;
    }
  }

  #judge(socket: Socket): Verdict {
    const tls = socket as Partial<TLSSocket>;
    if (typeof tls.getPeerCertificate !== 'function') {
      return refuse('client-certificate-required', 'This port only accepts mutual TLS; present a client certificate.');
    }
    const peer = tls.getPeerCertificate(false);
    if (!peer || !peer.raw) {
      return refuse('client-certificate-required', 'No client certificate was presented; the API requires mutual TLS.');
    }
    if (!tls.authorized) {
      const reason = String(tls.authorizationError ?? 'UNKNOWN');
      const known = TLS_REFUSALS[reason];
      return known
        ? refuse(known.code, known.detail, reason)
        : refuse('client-certificate-untrusted', 'The client certificate does not chain to a trust anchor of this gateway.', reason);
    }
    const oin = String(peer.subject?.serialNumber ?? '');
    if (!isValidOin(oin)) {
      return refuse('client-certificate-invalid-oin',
        `The certificate subject serialNumber must be a 20-digit OIN; found "${oin.slice(0, 40)}".`);
    }
    if (this.options.production && isTestOin(oin)) {
      return refuse('test-oin-refused', `Test OIN ${oin} (prefix 00000099) is refused in production.`);
    }
    const party = this.registry.byOin(oin);
    if (!party) return refuse('unknown-party', `OIN ${oin} is not a registered chain partner of this gateway.`);
    return Object.freeze({
      oin,
      party,
      thumbprint: createHash('sha256').update(peer.raw).digest('base64url'),
      certificate: Object.freeze({
        subject: formatName(peer.subject),
        issuer: formatName(peer.issuer),
        serialNumber: peer.serialNumber,
        validTo: new Date(peer.valid_to),
      }),
    });
  }
}

function refuse(code: string, detail: string, tlsReason?: string): ForbiddenError {
  return new ForbiddenError(code, detail, tlsReason ? { extensions: { tlsReason } } : {});
}

function formatName(name: object | undefined): string {
  if (!name) return '';
  return Object.entries(name as Record<string, string | string[] | undefined>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}
