import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import type { Party } from '../domain/party-registry.js';
import { KetenpoortError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';

/** Algorithms accepted for client assertions: PS256 (ADR signing module), ES256, RS256 (NL GOV OAuth profile). */
export const ASSERTION_ALGORITHMS = ['PS256', 'ES256', 'RS256'] as const;

/** Longest lifetime of an assertion (RFC 7523 profile of this gateway). */
const MAX_LIFETIME_SECONDS = 300;
/** Allowed clock skew between client and gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;

function invalidClient(code: string, detail: string): KetenpoortError {
  return new KetenpoortError(code, 401, 'Client authentication failed', detail, {
    headers: { 'www-authenticate': 'Bearer realm="ketenpoort"' },
    extensions: { error: 'invalid_client' },
  });
}

/**
 * Verifies RFC 7523 `private_key_jwt` client assertions: signed by a key registered for the party,
 * `iss` = `sub` = the party's OIN, `aud` = the token endpoint URL, `exp` at most five minutes ahead,
 * and a `jti` never seen before (recorded in the store, so the rule holds across instances).
 */
export class ClientAssertionVerifier {
  readonly #keys = new WeakMap<Party, KeyObject[]>();

  constructor(private readonly deps: { store: Store; clock: Clock; tokenEndpointUrl: string }) {}

  /**
   * @throws KetenpoortError 401 `client-assertion-invalid` / `client-assertion-replayed`
   */
  async verify(assertion: string, party: Party): Promise<void> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(assertion).alg;
    } catch {
      throw invalidClient('client-assertion-invalid', 'client_assertion is not a JWT.');
    }
    if (!alg || !(ASSERTION_ALGORITHMS as readonly string[]).includes(alg)) {
      throw invalidClient('client-assertion-invalid', `Assertion algorithm "${alg ?? '(none)'}" is not accepted; use ${ASSERTION_ALGORITHMS.join(', ')}.`);
    }
    const keys = this.#keysOf(party);
    if (keys.length === 0) throw invalidClient('client-assertion-invalid', `${party.naam} has no registered signing certificate; use tls_client_auth.`);
    const now = this.deps.clock.now();
    let payload: { jti?: string; exp?: number } | undefined;
    let lastError: unknown;
    for (const key of keys) {
      try {
        ({ payload } = await jwtVerify(assertion, key, {
          algorithms: [...ASSERTION_ALGORITHMS],
          issuer: party.oin,
          subject: party.oin,
          audience: this.deps.tokenEndpointUrl,
          currentDate: now,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['jti', 'exp'],
        }));
        break;
      } catch (error) {
        lastError = error;
        if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) break;
      }
    }
    if (!payload) throw translate(lastError);
    if (payload.exp! > now.getTime() / 1000 + MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
      throw invalidClient('client-assertion-invalid', `The assertion's exp is more than ${MAX_LIFETIME_SECONDS} seconds ahead.`);
    }
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) {
      throw invalidClient('client-assertion-invalid', 'The assertion needs a jti of 1 to 200 characters.');
    }
    const fresh = await this.deps.store.consumeAssertionId(party.oin, payload.jti, new Date(payload.exp! * 1000));
    if (!fresh) throw invalidClient('client-assertion-replayed', 'This client assertion (jti) has been used before; sign a new one for every request.');
  }

  #keysOf(party: Party): KeyObject[] {
    let keys = this.#keys.get(party);
    if (!keys) {
      keys = party.certificaten.map((pem) => createPublicKey(pem));
      this.#keys.set(party, keys);
    }
    return keys;
  }
}

/** jose errors → 401 `invalid_client`, on the error class / code only. */
function translate(error: unknown): KetenpoortError {
  if (error instanceof joseErrors.JWTExpired) return invalidClient('client-assertion-invalid', 'The client assertion has expired.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return invalidClient('client-assertion-invalid', `The client assertion's "${error.claim}" claim is not acceptable (${error.reason}).`);
  }
  if (error instanceof joseErrors.JOSEError) return invalidClient('client-assertion-invalid', `The client assertion was not accepted (${error.code}).`);
  // jose reports a key that does not fit the header's alg (an RSA key with ES256) as a TypeError.
  if (error instanceof TypeError) return invalidClient('client-assertion-invalid', 'The assertion algorithm does not match the registered key.');
  throw error;
}
